"""Cash: the till — registers, cash sessions, sales and refunds, pricing, receipts, X/Z
reports, period closings and the inalterable journal.

May call: people (sites), messaging (variance alerts to admins), access.
"""
