"""Operations: running an installation — backups (SQLite online backup, pg_dump).

Calls no other domain.
"""
