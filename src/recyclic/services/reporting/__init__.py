"""Reporting: what the shop tells its funders and accountants — the eco-organism exports
(`export_service` is the entry point), streamed tables, accounting, the sealed journal
archive, statistics, and export files written by jobs.

May call: cash (the journal), people (sites), access.
"""
