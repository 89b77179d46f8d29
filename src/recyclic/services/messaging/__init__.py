"""Messaging: the job outbox (jobs written with the data, handed to the broker after commit)
and Telegram notifications to people (`telegram_service`).

May call: access.
"""
