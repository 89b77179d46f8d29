"""Catalog: the reference categories (labels, prices, unit weights, VAT, order) and their
administration. Every other domain reads categories through repositories.

May call: access.
"""
