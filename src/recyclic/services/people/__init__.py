"""People: sites, users, registrations, logins (Telegram, PIN, bot codes, tokens) and the
first-run set-up.

May call: messaging (notifying admins), access.
"""
