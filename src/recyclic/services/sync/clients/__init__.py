"""Outbound integration clients (kDrive WebDAV, Google Sheets) used by the sync service.

They speak HTTP only: no database access. Retries follow a `RetryPolicy` and every attempt
is reported to an `on_attempt` hook, which the sync service turns into sync log rows.
"""
