"""Exports: the eco-organism engine, streamed tables, the journal archive, accounting."""
