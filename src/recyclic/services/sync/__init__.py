"""Sync: copying a site's data to the cloud — kDrive (WebDAV) files and Google Sheets rows,
with sync logs, retries and watermarks (`sync_service` is the entry point; `clients/` speak
HTTP only).

May call: reporting (export files), cash (offline-ticket age), people (sites and their
secrets), messaging (jobs), access.
"""
