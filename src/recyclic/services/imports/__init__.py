"""Imports: a shop's history brought in from the tool it used before (Oressource).

Owns the category mapping of a source, the conversion of its rows into deposits, historical
sales and outbound flows, the import journal entries, the refused rows and the
reconciliation of the source's figures with Recyclic's. May call reporting (the figures it
reconciles with), cash (the journal, ticket arithmetic, session reports), ai (the local
classifier that proposes a mapping) and people (the site).
"""
