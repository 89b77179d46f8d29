"""The back office's navigation: every page of the back office, in one list.

Each entry names its path, its French label and the least role that may open it — the same
role as the API route behind the page (api/permissions.py). The navigation shows a person only
the entries their role opens. Adding a page is: write its module, list it in
`web/admin/__init__.py`, add its entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from recyclic.models.user import Role


@dataclass(frozen=True, slots=True)
class NavEntry:
    path: str
    label: str
    role: Role
    group: str
    # False: a page outside the back office's shell (a full page load, not an htmx swap).
    in_shell: bool = True


NAV: tuple[NavEntry, ...] = (
    NavEntry("/admin", "Tableau de bord", Role.VIEWER, "Suivi"),
    NavEntry("/depots", "Réception des dépôts", Role.OPERATOR, "Suivi", in_shell=False),
    NavEntry("/admin/exports", "Exports", Role.VIEWER, "Suivi"),
    NavEntry("/admin/sessions", "Sessions de caisse", Role.VIEWER, "Caisse"),
    NavEntry("/admin/clotures", "Clôtures", Role.VIEWER, "Caisse"),
    NavEntry("/admin/journal", "Vérification du journal", Role.ADMIN, "Caisse"),
    NavEntry("/admin/caisses", "Caisses et tablettes", Role.ADMIN, "Caisse"),
    NavEntry("/admin/inscriptions", "Inscriptions", Role.ADMIN, "Équipe"),
    NavEntry("/admin/utilisateurs", "Utilisateurs", Role.ADMIN, "Équipe"),
    NavEntry("/admin/categories", "Catégories", Role.ADMIN, "Réglages"),
    NavEntry("/admin/reglages", "Réglages du site", Role.ADMIN, "Réglages"),
    NavEntry("/admin/synchronisation", "Synchronisation", Role.ADMIN, "Réglages"),
    NavEntry("/admin/audit", "Journal d'audit", Role.ADMIN, "Réglages"),
)


def entry_for(path: str) -> NavEntry | None:
    """The navigation entry a path belongs to (the longest matching prefix)."""
    best: NavEntry | None = None
    for entry in NAV:
        matches = path == entry.path or path.startswith(entry.path + "/")
        if entry.in_shell and matches and (best is None or len(entry.path) > len(best.path)):
            best = entry
    return best


def visible_to(role: Role) -> list[NavEntry]:
    """The entries a role may open, in order."""
    return [entry for entry in NAV if role.at_least(entry.role)]
