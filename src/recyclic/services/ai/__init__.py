"""AI: transcription and classification of drop-offs (`ai_service` is the entry point).

Owns the Gemini provider, its prompts, the shared result types, the classification cache, the
offline French classifier (`local_classifier/`) and the per-site memory of validated deposits
that lets both learn from corrections (`learning/`). Calls no other domain and never reads the
database: it works on text and audio, and on the validated deposits a caller's source supplies
(the deposits domain's `ValidatedDeposits`), so the table stays with the domain that owns it.
"""
