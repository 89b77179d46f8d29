"""Offline verification of a journal archive (`recyclic journal verify-archive FILE`).

Checks, with the server secret only (no database): the HMAC seal of manifest.json, the SHA-256
of every file it lists, and the hash chain replayed from the entries file — each entry's
hash recomputed from its stored payload, the sequence without gaps, the first link on the
manifest's `prev_hash` and the last on its `head_hash` — plus the chain heads the closings
recorded.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recyclic.services.cash.journal import check_entry
from recyclic.services.reporting.journal_archive import (
    CLOSING_COLUMNS,
    CLOSINGS_FILE,
    ENTRIES_FILE,
    ENTRY_COLUMNS,
    MANIFEST_FILE,
    SIGNATURE_FILE,
    load_manifest,
    seal,
)

_MAX_PROBLEMS = 20


@dataclass(slots=True)
class ArchiveCheck:
    """The verdict: `problems` in French, empty when the archive is intact."""

    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(problem)


def verify_archive(path: Path, secret: str) -> ArchiveCheck:
    """Everything that can be checked about an archive file, offline."""
    check = ArchiveCheck()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        check.add(f"Fichier illisible ou qui n'est pas une archive ZIP : {exc}.")
        return check
    with archive:
        names = set(archive.namelist())
        if MANIFEST_FILE not in names or SIGNATURE_FILE not in names:
            check.add("L'archive ne contient pas manifest.json et manifest.sig.")
            return check
        document = archive.read(MANIFEST_FILE)
        signature = archive.read(SIGNATURE_FILE).decode("ascii", "replace").strip()
        if not hmac.compare_digest(signature, seal(document, secret)):
            check.add(
                "Sceau HMAC invalide : le manifeste a été modifié, ou l'archive a été scellée "
                "avec une autre clé secrète (RECYCLIC_SECRET_KEY)."
            )
        try:
            check.manifest = load_manifest(document)
        except ValueError:
            check.add("manifest.json n'est pas un document JSON valide.")
            return check
        _check_files(archive, names, check)
        closings = _closing_heads(archive, check) if CLOSINGS_FILE in names else {}
        if ENTRIES_FILE in names:
            _replay_chain(archive, check, closings)
    return check


def _check_files(archive: zipfile.ZipFile, names: set[str], check: ArchiveCheck) -> None:
    listed = {f.get("name"): f for f in check.manifest.get("files", []) if isinstance(f, dict)}
    for extra in sorted(names - set(listed) - {MANIFEST_FILE, SIGNATURE_FILE}):
        check.add(f"Fichier {extra} absent du manifeste.")
    for name, entry in listed.items():
        if name not in names:
            check.add(f"Fichier {name} annoncé par le manifeste mais absent de l'archive.")
            continue
        digest = hashlib.sha256()
        with archive.open(str(name)) as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        if digest.hexdigest() != entry.get("sha256"):
            check.add(f"Empreinte SHA-256 de {name} différente de celle du manifeste.")


def _rows(archive: zipfile.ZipFile, name: str) -> Any:
    return csv.reader(io.TextIOWrapper(archive.open(name), encoding="utf-8", newline=""))


def _closing_heads(archive: zipfile.ZipFile, check: ArchiveCheck) -> dict[int, str]:
    rows = _rows(archive, CLOSINGS_FILE)
    if tuple(next(rows, ())) != CLOSING_COLUMNS:
        check.add(f"En-tête inattendu dans {CLOSINGS_FILE}.")
        return {}
    seq_at, hash_at = CLOSING_COLUMNS.index("journal_seq"), CLOSING_COLUMNS.index("journal_hash")
    heads = {}
    for row in rows:
        try:
            heads[int(row[seq_at])] = row[hash_at]
        except (ValueError, IndexError):
            check.add(f"Ligne illisible dans {CLOSINGS_FILE}.")
    return heads


def _replay_chain(archive: zipfile.ZipFile, check: ArchiveCheck, closings: dict[int, str]) -> None:
    journal = check.manifest.get("journal") or {}
    site_id = str((check.manifest.get("site") or {}).get("id", ""))
    rows = _rows(archive, ENTRIES_FILE)
    if tuple(next(rows, ())) != ENTRY_COLUMNS:
        check.add(f"En-tête inattendu dans {ENTRIES_FILE}.")
        return
    prev_hash = str(journal.get("prev_hash", ""))
    expected_seq = journal.get("first_seq")
    for row in rows:
        if len(row) != len(ENTRY_COLUMNS) or not row[0].isdigit():
            check.add(f"Ligne illisible dans {ENTRIES_FILE} après l'entrée n° {expected_seq}.")
            return
        seq_text, kind, ref_id, created_at, stored_prev, stored_hash, payload = row
        seq = int(seq_text)
        if expected_seq is not None and seq != expected_seq:
            check.add(f"Entrée n° {expected_seq} manquante (suivante : n° {seq}).")
            return
        problem = check_entry(
            payload, stored_prev, stored_hash, prev_hash, (seq, kind, site_id, ref_id, created_at)
        )
        if problem:
            check.add(f"Chaîne rompue à l'entrée n° {seq} ({problem}).")
            return
        if seq in closings and closings[seq] != stored_hash:
            check.add(f"La clôture enregistrée à l'entrée n° {seq} ne correspond pas à la chaîne.")
        prev_hash, expected_seq = stored_hash, seq + 1
        check.entries += 1
    if check.entries != journal.get("entries"):
        check.add(
            f"{check.entries} entrées dans l'archive, le manifeste en annonce "
            f"{journal.get('entries')}."
        )
    if prev_hash != journal.get("head_hash"):
        check.add("La dernière entrée ne correspond pas à la tête de chaîne du manifeste.")
