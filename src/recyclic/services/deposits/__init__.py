"""Deposits: drop-offs from draft to validated, their audio recordings, asynchronous
classification jobs, the validated deposits the AI learns from (`learning`), and outbound
flows (*sorties*) — what comes in and what leaves other than by sale.

May call: ai (classification), people (sites), messaging (jobs), access.
"""
