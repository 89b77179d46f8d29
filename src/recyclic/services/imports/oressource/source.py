"""Reading an Oressource database (MariaDB/MySQL) through PyMySQL, loaded only here.

Every statement sent to Oressource lives in this module: it is the adapter to a foreign
schema, as the HTTP clients of `sync/clients` are to foreign APIs (our repositories only ever
speak to Recyclic's own database, through SQLAlchemy). Reads are keyset batches on the
primary key, so memory stays constant and an interrupted import resumes where it stopped.
The calls block: the importer runs them in a worker thread.

Timestamps are read as Oressource shows them — wall-clock times of the shop — exactly as
its own reports group them by `DATE()` and `YEAR()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

from recyclic.core.exceptions import InvalidInput

# The tables an Oressource database of any release since 2017 has.
REQUIRED_TABLES = ("collectes", "pesees_collectes", "type_dechets", "ventes", "vendus")
_LINE_TOTAL = "CASE WHEN l.lot > 0 THEN l.prix ELSE l.prix * l.quantite END"


class SourceUnavailable(InvalidInput):
    code = "import_source_unavailable"
    message = "Base Oressource injoignable."


@dataclass(frozen=True, slots=True)
class SourceAddress:
    """Where the Oressource database is; `display` never shows the password."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @property
    def display(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"


def parse_source_url(url: str) -> SourceAddress:
    """mysql://user:password@host:3306/oressource (also mariadb://)."""
    parts = urlsplit(url.strip())
    database = parts.path.lstrip("/")
    if parts.scheme not in ("mysql", "mariadb") or not parts.hostname or not database:
        raise InvalidInput(
            "Source attendue sous la forme mysql://utilisateur:motdepasse@hôte:3306/base.",
            code="invalid_import_source",
        )
    return SourceAddress(
        host=parts.hostname,
        port=parts.port or 3306,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        database=unquote(database),
    )


def _driver() -> ModuleType:
    try:
        import pymysql
    except ModuleNotFoundError:
        raise InvalidInput(
            "Le pilote MySQL n'est pas installé : pip install 'recyclic[oressource]'.",
            code="import_driver_missing",
        ) from None
    module: ModuleType = pymysql
    return module


@dataclass(frozen=True, slots=True)
class SaleRows:
    """One batch of tickets (`ventes`) and all their lines, each with its weighing."""

    sales: list[tuple[Any, ...]]
    lines: list[tuple[Any, ...]]


class OressourceSource:
    """A connection to one Oressource database; every method is one or two statements."""

    def __init__(self, address: SourceAddress) -> None:
        self.address = address
        pymysql = _driver()
        try:
            self.connection = pymysql.connect(
                host=address.host,
                port=address.port,
                user=address.user,
                password=address.password,
                database=address.database,
                charset="utf8mb4",
                connect_timeout=10,
                autocommit=True,
            )
        except pymysql.MySQLError as exc:
            raise SourceUnavailable(
                f"Base Oressource injoignable ({address.display}) : {exc.args[-1]}"
            ) from None
        self.tables = {str(name) for (name,) in self._all("SHOW TABLES")}
        missing = [t for t in REQUIRED_TABLES if t not in self.tables]
        if missing:
            self.close()
            raise InvalidInput(
                f"Ce n'est pas une base Oressource : tables absentes ({', '.join(missing)}).",
                code="not_an_oressource_database",
            )
        self.has_lot = self._has_column("vendus", "lot")
        self.has_sale_weights = "pesees_vendus" in self.tables
        self.has_exits = {"sorties", "pesees_sorties"} <= self.tables

    def close(self) -> None:
        self.connection.close()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, tuple(params))
            return list(cursor.fetchall())

    def _has_column(self, table: str, column: str) -> bool:
        rows = self._all(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND table_name = %s AND column_name = %s",
            (table, column),
        )
        return bool(rows)

    def names(self, table: str) -> list[tuple[int, Any]]:
        """(id, nom) of a reference table; empty when this release has no such table."""
        if table not in self.tables:
            return []
        return [(int(i), name) for i, name in self._all(f"SELECT id, nom FROM {table} ORDER BY id")]

    def objects(self) -> list[tuple[int, Any, int]]:
        """(id, nom, id_type_dechet) of the price grid's objects."""
        if "grille_objets" not in self.tables:
            return []
        rows = self._all("SELECT id, nom, id_type_dechet FROM grille_objets ORDER BY id")
        return [(int(i), name, int(t or 0)) for i, name, t in rows]

    def users(self) -> list[tuple[Any, Any, Any]]:
        """(prénom, nom, mail) of Oressource's accounts."""
        if "utilisateurs" not in self.tables:
            return []
        return self._all("SELECT prenom, nom, mail FROM utilisateurs ORDER BY id")

    def shop_name(self) -> str | None:
        if "description_structure" not in self.tables:
            return None
        rows = self._all("SELECT nom FROM description_structure ORDER BY id LIMIT 1")
        return str(rows[0][0]) if rows else None

    def counts(self) -> dict[str, int]:
        """Rows of each table the import reads (the progress bars' totals)."""
        tables = ["pesees_collectes", "ventes"] + (["pesees_sorties"] if self.has_exits else [])
        return {t: int(self._all(f"SELECT COUNT(*) FROM {t}")[0][0]) for t in tables}

    @staticmethod
    def _since(column: str, since: datetime | None) -> tuple[str, list[Any]]:
        return (f" AND {column} >= %s", [since]) if since else ("", [])

    def weighings_after(
        self, last_id: int, limit: int, since: datetime | None
    ) -> list[tuple[Any, ...]]:
        """Intake weighings with their collection: (id, timestamp, masse, id_type_dechet,
        collecte id or None, id_type_collecte, localisation, id_point_collecte, commentaire)."""
        clause, extra = self._since("p.timestamp", since)
        return self._all(
            "SELECT p.id, p.timestamp, p.masse, p.id_type_dechet, c.id, c.id_type_collecte, "
            "c.localisation, c.id_point_collecte, c.commentaire "
            "FROM pesees_collectes p LEFT JOIN collectes c ON c.id = p.id_collecte "
            f"WHERE p.id > %s{clause} ORDER BY p.id LIMIT %s",
            [last_id, *extra, limit],
        )

    def sales_after(self, last_id: int, limit: int, since: datetime | None) -> SaleRows:
        """Tickets (id, timestamp, id_moyen_paiement, id_point_vente, commentaire) and their
        lines (id, id_vente, id_type_dechet, id_objet, quantite, prix, remboursement, lot,
        weighed masse or None), lines in ticket then id order."""
        clause, extra = self._since("timestamp", since)
        sales = self._all(
            "SELECT id, timestamp, id_moyen_paiement, id_point_vente, commentaire FROM ventes "
            f"WHERE id > %s{clause} ORDER BY id LIMIT %s",
            [last_id, *extra, limit],
        )
        if not sales:
            return SaleRows([], [])
        lot = "l.lot" if self.has_lot else "0"
        weight = "w.masse" if self.has_sale_weights else "NULL"
        join = " LEFT JOIN pesees_vendus w ON w.id = l.id" if self.has_sale_weights else ""
        lines = self._all(
            "SELECT l.id, l.id_vente, l.id_type_dechet, l.id_objet, l.quantite, l.prix, "
            f"l.remboursement, {lot}, {weight} FROM vendus l{join} "
            "WHERE l.id_vente BETWEEN %s AND %s ORDER BY l.id_vente, l.id",
            [sales[0][0], sales[-1][0]],
        )
        return SaleRows(sales, lines)

    def exits_after(
        self, last_id: int, limit: int, since: datetime | None
    ) -> list[tuple[Any, ...]]:
        """Outbound weighings with their exit: (id, timestamp, masse, id_type_dechet,
        id_type_dechet_evac, id_type_poubelle, sortie id or None, classe, id_filiere,
        id_convention, id_type_sortie, commentaire)."""
        if not self.has_exits:
            return []
        clause, extra = self._since("p.timestamp", since)
        return self._all(
            "SELECT p.id, p.timestamp, p.masse, p.id_type_dechet, p.id_type_dechet_evac, "
            "p.id_type_poubelle, s.id, s.classe, s.id_filiere, s.id_convention, "
            "s.id_type_sortie, s.commentaire "
            "FROM pesees_sorties p LEFT JOIN sorties s ON s.id = p.id_sortie "
            f"WHERE p.id > %s{clause} ORDER BY p.id LIMIT %s",
            [last_id, *extra, limit],
        )

    def orphan_lines_after(self, last_id: int, limit: int) -> list[tuple[Any, ...]]:
        """Sale lines whose ticket does not exist: (id, id_vente)."""
        return self._all(
            "SELECT l.id, l.id_vente FROM vendus l LEFT JOIN ventes v ON v.id = l.id_vente "
            "WHERE v.id IS NULL AND l.id > %s ORDER BY l.id LIMIT %s",
            [last_id, limit],
        )

    def orphan_sale_weighings_after(self, last_id: int, limit: int) -> list[tuple[Any, ...]]:
        """Sale weighings whose line does not exist: (id, masse)."""
        if not self.has_sale_weights:
            return []
        return self._all(
            "SELECT w.id, w.masse FROM pesees_vendus w LEFT JOIN vendus l ON l.id = w.id "
            "WHERE l.id IS NULL AND w.id > %s ORDER BY w.id LIMIT %s",
            [last_id, limit],
        )

    # -- Oressource's own figures (the reconciliation's left column, the dry run's stakes) --

    def intake_totals(self) -> list[tuple[int, int, Any, int]]:
        """(year, id_type_dechet, kg, weighings) of the weighings of existing collections."""
        return self._all(
            "SELECT YEAR(p.timestamp), p.id_type_dechet, SUM(p.masse), COUNT(*) "
            "FROM pesees_collectes p JOIN collectes c ON c.id = p.id_collecte GROUP BY 1, 2"
        )

    def sale_totals(self) -> list[tuple[int, int, int, Any, int]]:
        """(year, id_type_dechet, id_objet, takings in €, lines) of the lines of existing
        tickets: sold as Oressource counts it (a lot's price once, else price × quantity),
        less refunds (refunded unit price × quantity), by the ticket's date."""
        lot = "l.lot" if self.has_lot else "0"
        total = _LINE_TOTAL.replace("l.lot", lot)
        return self._all(
            f"SELECT YEAR(v.timestamp), l.id_type_dechet, COALESCE(l.id_objet, 0), "
            f"SUM({total}) - SUM(l.remboursement * l.quantite), COUNT(*) "
            "FROM vendus l JOIN ventes v ON v.id = l.id_vente GROUP BY 1, 2, 3"
        )

    def sold_weight_totals(self) -> list[tuple[int, int, int, Any]]:
        """(year, id_type_dechet, id_objet, kg) weighed at the till, by the ticket's date."""
        if not self.has_sale_weights:
            return []
        return self._all(
            "SELECT YEAR(v.timestamp), l.id_type_dechet, COALESCE(l.id_objet, 0), SUM(w.masse) "
            "FROM pesees_vendus w JOIN vendus l ON l.id = w.id JOIN ventes v ON v.id = l.id_vente "
            "GROUP BY 1, 2, 3"
        )

    def exit_totals(self) -> list[tuple[Any, ...]]:
        """(year, id_type_dechet, id_type_dechet_evac, id_type_poubelle, classe, id_filiere,
        kg) of the weighings of existing exits."""
        if not self.has_exits:
            return []
        return self._all(
            "SELECT YEAR(p.timestamp), COALESCE(p.id_type_dechet, 0), "
            "COALESCE(p.id_type_dechet_evac, 0), COALESCE(p.id_type_poubelle, 0), s.classe, "
            "COALESCE(s.id_filiere, 0), SUM(p.masse) "
            "FROM pesees_sorties p JOIN sorties s ON s.id = p.id_sortie GROUP BY 1, 2, 3, 4, 5, 6"
        )

    def payment_totals(self) -> list[tuple[int, int, Any]]:
        """(id_moyen_paiement, tickets, takings in €) — what each payment method weighs."""
        lot = "l.lot" if self.has_lot else "0"
        total = _LINE_TOTAL.replace("l.lot", lot)
        return self._all(
            f"SELECT v.id_moyen_paiement, COUNT(DISTINCT v.id), "
            f"SUM({total}) - SUM(l.remboursement * l.quantite) "
            "FROM ventes v JOIN vendus l ON l.id_vente = v.id GROUP BY 1"
        )

    def collection_totals(self) -> list[tuple[int, int, Any]]:
        """(id_type_collecte, localisation, kg) of the intake weighings."""
        return self._all(
            "SELECT c.id_type_collecte, c.localisation, SUM(p.masse) "
            "FROM pesees_collectes p JOIN collectes c ON c.id = p.id_collecte GROUP BY 1, 2"
        )
