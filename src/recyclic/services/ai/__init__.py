"""AI: transcription and classification of drop-offs (`ai_service` is the entry point).

Owns the Gemini provider, its prompts, the shared result types, the classification cache and
the offline French classifier (`local_classifier/`). Calls no other domain: it works on text
and audio, never on the database.
"""
