"""A generated Oressource shop in a throw-away MariaDB database: several years of weighings,
tickets and exits, names decoded twice (latin1/UTF-8), and a few rows Recyclic must refuse.

The generator keeps, per year and Recyclic category, what its good rows add up to — an
account independent of the importer — and the id and reason of every bad row.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pymysql

SCHEMA = Path(__file__).with_name("schema.sql")
CHUNK = 5000


def mojibake(text: str) -> str:
    """What UTF-8 text looks like once read back through a latin1 column."""
    return text.encode("utf-8").decode("cp1252")


# (id, name as stored, Recyclic category the admin wants, weight range kg, price range €)
TYPES = (
    (1, "Mobilier", "MOB", (3, 60), (5, 120)),
    (2, mojibake("Électroménager"), "EEE-5", (0.5, 8), (3, 40)),
    (3, "Informatique", "EEE-6", (0.2, 9), (2, 80)),
    (4, "Textile", "TLC", (0.3, 12), (1, 15)),
    (5, "Livres", "LIV", (0.2, 15), (0.5, 5)),
    (6, "Vaisselle", "VAI", (0.1, 10), (0.5, 10)),
    (7, "Jouets", "JOU", (0.2, 6), (1, 20)),
    (8, "deee", "EEE-4", (20, 70), (20, 150)),
    (9, "Bibelots", "DEC", (0.1, 4), (0.5, 12)),
    (10, mojibake("Vélos"), "SPO", (8, 18), (15, 90)),
)
# Objects of the price grid: (id, name, type id, category when it differs from its type's).
OBJECTS = ((1, "Chaise", 1, "MOB"), (2, "Écran plat", 8, "EEE-2"), (3, "Lave-linge", 8, "EEE-4"))
EVACUATION = ((1, "Ferraille", "DIV"), (2, "DEEE hors d'usage", "EEE-5"))
BINS = ((1, "Tout venant", "DIV"),)
PAYMENTS = ((1, mojibake("Espèces"), "cash"), (2, "Cheque", "check"), (3, "Carte bleue", "card"))
COLLECTION_KINDS = ((1, "Apport volontaire"), (2, mojibake("Collecte à domicile")))
TOWNS = ((1, "Caen 14000"), (2, mojibake("Hérouville-Saint-Clair")))
EXITS = ("sorties", "sortiesc", "sortiesr", "sortiesd", "sortiesp")


@dataclass(slots=True)
class Shop:
    """What was generated: the expected figures of good rows and the bad rows."""

    database: str
    expected: dict[tuple[int, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0])
    )
    bad: dict[tuple[str, int], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def mapping_yaml(self) -> str:
        """The mapping file the shop's admin ends up with."""
        lines = ["type_dechets:"] + [f"  {i}: {code}" for i, _, code, _, _ in TYPES]
        lines += ["grille_objets:"] + [f"  {i}: {code}" for i, _, _, code in OBJECTS]
        lines += ["type_dechets_evac:"] + [f"  {i}: {code}" for i, _, code in EVACUATION]
        lines += ["types_poubelles:"] + [f"  {i}: {code}" for i, _, code in BINS]
        lines += ["moyens_paiement:"] + [f"  {i}: {code}" for i, _, code in PAYMENTS]
        lines += ["filieres_sortie:", "  1: eco_organism", "  2: recycler"]
        return "\n".join(lines) + "\n"


def connect(database: str | None = None, **options: Any) -> pymysql.connections.Connection:
    return pymysql.connect(
        host="127.0.0.1", port=3306, user="root", password="", database=database,
        charset="utf8mb4", autocommit=True, **options,
    )  # fmt: skip


def create_database(name: str) -> None:
    assert name.startswith("h16_") or "bench" in name, "only throw-away databases are recreated"
    with connect() as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    with connect(name) as connection, connection.cursor() as cursor:
        for statement in SCHEMA.read_text().split(";\n"):
            body = "\n".join(
                line for line in statement.splitlines() if not line.startswith("--")
            ).strip()
            if body:
                cursor.execute(body)


def drop_database(name: str) -> None:
    with connect() as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


class Generator:
    def __init__(self, database: str, *, seed: int = 16, first_year: int = 2019) -> None:
        self.shop = Shop(database)
        self.rng = random.Random(seed)
        self.first_year = first_year
        self.connection = connect(database)
        self.cursor = self.connection.cursor()
        self.cursor.execute("SET SESSION sql_mode = '', foreign_key_checks = 0")
        self.buffers: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.columns: dict[str, str] = {}
        self.next_id: dict[str, int] = defaultdict(lambda: 1)

    def _add(self, table: str, columns: str, row: tuple[Any, ...]) -> int:
        self.columns[table] = columns
        self.buffers[table].append(row)
        if len(self.buffers[table]) >= CHUNK:
            self._flush(table)
        return int(row[0])

    def _flush(self, table: str) -> None:
        rows = self.buffers.pop(table, [])
        if rows:
            marks = ", ".join(["%s"] * len(rows[0]))
            statement = f"INSERT INTO {table} ({self.columns[table]}) VALUES ({marks})"  # noqa: S608
            self.cursor.executemany(statement, rows)

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _moment(self, years: int, progress: float) -> datetime:
        """A date that moves forward with the ids, as a shop records its days; one row in a
        hundred is entered late (antedated), as Oressource allows."""
        day = int(progress * 365 * years)
        if self.rng.random() < 0.01:
            day = self.rng.randrange(365 * years)
        start = datetime(self.first_year, 1, 1) + timedelta(days=day)
        return start + timedelta(seconds=self.rng.randrange(9 * 3600, 19 * 3600))

    def _kg(self, low: float, high: float) -> Decimal:
        return Decimal(self.rng.randrange(int(low * 1000), int(high * 1000) + 1)) / 1000

    def _euros(self, low: float, high: float) -> Decimal:
        return Decimal(self.rng.randrange(int(low * 10), int(high * 10) + 1)) / 10

    def reference(self) -> None:
        c = self.cursor
        c.execute("INSERT INTO utilisateurs (id, niveau, nom, prenom, mail, pass) VALUES "
                  "(1, 'c1v1s1', 'Martin', 'Claire', 'claire@example.org', ''), "
                  "(2, 'v1', 'Durand', 'Paul', 'paul@example.org', '')")  # fmt: skip
        c.execute("INSERT INTO description_structure (id, nom, adresse, siret) VALUES "
                  "(1, 'Ressourcerie du Bocage', '1 rue du Port', '')")  # fmt: skip
        for i, name, *_ in TYPES:
            c.execute("INSERT INTO type_dechets (id, nom, description, couleur) "
                      "VALUES (%s, %s, '', '#000')", (i, name))  # fmt: skip
        for i, name, type_id, _ in OBJECTS:
            c.execute("INSERT INTO grille_objets (id, nom, description, id_type_dechet) "
                      "VALUES (%s, %s, '', %s)", (i, name, type_id))  # fmt: skip
        simple = {
            "type_dechets_evac": [(i, n) for i, n, _ in EVACUATION],
            "types_poubelles": [(i, n) for i, n, _ in BINS],
            "moyens_paiement": [(i, n) for i, n, _ in PAYMENTS],
            "type_collecte": list(COLLECTION_KINDS),
            "type_sortie": [(1, "Don à une association")],
            "conventions_sorties": [(1, "Emmaüs Caen")],
        }
        for table, rows in simple.items():
            for i, name in rows:
                statement = f"INSERT INTO {table} (id, nom, description, couleur) "
                c.execute(statement + "VALUES (%s, %s, '', '#000')", (i, name))
        for i, name in TOWNS:
            c.execute("INSERT INTO localites (id, nom, couleur, relation_openstreetmap, "
                      "commentaire) VALUES (%s, %s, '', '', '')", (i, name))  # fmt: skip
        places = {
            "points_collecte": ["Boutique"],
            "points_vente": ["Boutique", "Braderie"],
            "points_sortie": ["Atelier"],
        }
        for table, names in places.items():
            for i, name in enumerate(names, start=1):
                statement = f"INSERT INTO {table} (id, nom, adresse, couleur, commentaire) "
                c.execute(statement + "VALUES (%s, %s, '', '', '')", (i, name))
        for i, name in ((1, "Ecologic"), (2, "Paprec")):
            c.execute("INSERT INTO filieres_sortie (id, nom, id_type_dechet_evac, couleur, "
                      "description) VALUES (%s, %s, 'a1a2', '', '')", (i, name))  # fmt: skip

    def intake(self, weighings: int, years: int) -> None:
        """Collections of one to three weighings each; a few broken comments."""
        rng, done = self.rng, 0
        while done < weighings:
            collection, at = self._id("collectes"), self._moment(years, done / weighings)
            comment = rng.choice(["", "", "", mojibake("très bon état"), "RAS"])
            broken = rng.random() < 0.002
            if broken:
                comment = mojibake("étagère") + " et étagère"  # half decoded twice: unreadable
            kind, town = rng.choice((1, 1, 2)), rng.choice((1, 2))
            self._add(
                "collectes",
                "id, timestamp, id_type_collecte, localisation, id_point_collecte, commentaire",
                (collection, at, kind, town, 1, comment),
            )
            for _ in range(min(rng.choice((1, 2, 3)), weighings - done)):
                type_id, _, code, (low, high), _ = rng.choice(TYPES)
                kg = self._kg(low, high)
                row_id = self._id("pesees_collectes")
                self._add("pesees_collectes", "id, timestamp, masse, id_collecte, id_type_dechet",
                          (row_id, at, kg, collection, type_id))  # fmt: skip
                if broken:
                    self.shop.bad["pesees_collectes", row_id] = "encodage"
                else:
                    self.shop.expected[at.year, code][0] += int(kg * 1000)
                done += 1
        self.shop.counts["pesees_collectes"] = done

    def sales(self, lines: int, years: int) -> None:
        rng, done = self.rng, 0
        objects_of = defaultdict(list)
        for object_id, _, type_id, code in OBJECTS:
            objects_of[type_id].append((object_id, code))
        while done < lines:
            sale, at = self._id("ventes"), self._moment(years, done / lines)
            refund = rng.random() < 0.02
            method, point = rng.choice((1, 1, 1, 2, 3)), rng.choice((1, 1, 2))
            self._add(
                "ventes",
                "id, id_moyen_paiement, timestamp, commentaire, id_point_vente",
                (sale, method, at, "", point),
            )
            for _ in range(min(rng.choice((1, 2, 3)), lines - done)):
                type_id, _, code, (low, high), (p_low, p_high) = rng.choice(TYPES)
                object_id = None
                if objects_of[type_id] and rng.random() < 0.5:
                    object_id, code = rng.choice(objects_of[type_id])
                quantity = rng.choice((1, 1, 1, 2, 3))
                price = self._euros(p_low, p_high)
                lot = int(quantity > 1 and rng.random() < 0.2)
                line = self._id("vendus")
                if refund:
                    row = (line, at, sale, type_id, object_id, quantity, 0, price, 0)
                    cents = -int(price * 100) * quantity
                else:
                    row = (line, at, sale, type_id, object_id, quantity, price, 0, lot)
                    cents = int(price * 100) * (1 if lot else quantity)
                self._add("vendus", "id, timestamp, id_vente, id_type_dechet, id_objet, "
                          "quantite, prix, remboursement, lot", row)  # fmt: skip
                self.shop.expected[at.year, code][3] += cents
                if not refund and rng.random() < 0.6:
                    kg = self._kg(low, high)
                    self._add("pesees_vendus", "id, timestamp, masse, quantite",
                              (line, at, kg, quantity))  # fmt: skip
                    self.shop.expected[at.year, code][1] += int(kg * 1000)
                done += 1
        self.shop.counts["vendus"] = done

    def exits(self, weighings: int, years: int) -> None:
        rng = self.rng
        for n in range(weighings):
            if n % 3 == 0:
                exit_id, at = self._id("sorties"), self._moment(years, n / weighings)
                exit_class = rng.choice(EXITS)
                self._add("sorties", "id, timestamp, classe, id_filiere, id_convention, "
                          "id_type_sortie, id_point_sortie, commentaire",
                          (exit_id, at, exit_class, rng.choice((1, 2)), 1, 1, 1, ""))  # fmt: skip
            refs, code = [0, 0, 0], ""
            if exit_class in ("sorties", "sortiesc"):
                refs[0], _, code, *_ = rng.choice(TYPES)
            elif exit_class == "sortiesp":
                refs[2], _, code = BINS[0]
            else:
                refs[1], _, code = rng.choice(EVACUATION)
            kg = self._kg(20, 900)
            self._add("pesees_sorties", "id, timestamp, masse, id_sortie, id_type_dechet, "
                      "id_type_dechet_evac, id_type_poubelle",
                      (self._id("pesees_sorties"), at, kg, exit_id, *refs))  # fmt: skip
            self.shop.expected[at.year, code][2] += int(kg * 1000)
        self.shop.counts["pesees_sorties"] = weighings

    def bad_rows(self, now: datetime) -> None:
        """One of each kind of row Recyclic refuses, with its reason."""
        for table in list(self.buffers):
            self._flush(table)
        c, bad = self.cursor, self.shop.bad
        future = (now + timedelta(days=30)).replace(microsecond=0)
        weighings = {"poids_invalide": ("2020-03-02 10:00:00", -2.5, 1, 1),
                     "date_future": (future, 3.0, 1, 1),
                     "date_invalide": ("0000-00-00 00:00:00", 4.0, 1, 1),
                     "orphelin": ("2020-03-02 10:00:00", 5.0, 999_999, 1),
                     "categorie_inconnue": ("2020-03-02 10:00:00", 6.0, 1, 99)}  # fmt: skip
        for reason, (at, kg, collection, type_id) in weighings.items():
            row_id = self._id("pesees_collectes")
            c.execute("INSERT INTO pesees_collectes (id, timestamp, masse, id_collecte, "
                      "id_type_dechet) VALUES (%s, %s, %s, %s, %s)",
                      (row_id, at, kg, collection, type_id))  # fmt: skip
            bad["pesees_collectes", row_id] = reason
        sales = {"vente_vide": [], "ligne_invalide": [(1, -3, 0), (1, 5, 0)],
                 "date_future": [(1, 4, 0)]}  # fmt: skip
        for reason, lines in sales.items():
            sale = self._id("ventes")
            at = future if reason == "date_future" else "2021-06-05 11:00:00"
            c.execute("INSERT INTO ventes (id, id_moyen_paiement, timestamp, commentaire, "
                      "id_point_vente) VALUES (%s, 1, %s, '', 1)", (sale, at))  # fmt: skip
            for type_id, price, refund in lines:
                c.execute("INSERT INTO vendus (id, timestamp, id_vente, id_type_dechet, "
                          "quantite, prix, remboursement) VALUES (%s, %s, %s, %s, 1, %s, %s)",
                          (self._id("vendus"), at, sale, type_id, price, refund))  # fmt: skip
            bad["ventes", sale] = reason
        orphan_line = self._id("vendus")
        c.execute("INSERT INTO vendus (id, timestamp, id_vente, id_type_dechet, quantite, prix, "
                  "remboursement) VALUES (%s, '2021-06-05 11:00:00', 999999, 1, 1, 2, 0)",
                  (orphan_line,))  # fmt: skip
        bad["vendus", orphan_line] = "orphelin"
        c.execute("INSERT INTO pesees_vendus (id, masse, quantite) VALUES (999999, 1.5, 1)")
        bad["pesees_vendus", 999_999] = "orphelin"
        exits = {"poids_invalide": (-10, 1), "orphelin": (12, 999_999)}
        for reason, (kg, exit_id) in exits.items():
            row_id = self._id("pesees_sorties")
            c.execute("INSERT INTO pesees_sorties (id, timestamp, masse, id_sortie, "
                      "id_type_dechet) VALUES (%s, '2022-01-10 10:00:00', %s, %s, 1)",
                      (row_id, kg, exit_id))  # fmt: skip
            bad["pesees_sorties", row_id] = reason

    def close(self) -> None:
        for table in list(self.buffers):
            self._flush(table)
        self.cursor.close()
        self.connection.close()


def generate_shop(
    database: str,
    *,
    weighings: int,
    sale_lines: int,
    exit_weighings: int,
    years: int,
    now: datetime,
    first_year: int = 2019,
    seed: int = 16,
) -> Shop:
    """A fresh database `database` holding a generated shop history."""
    create_database(database)
    generator = Generator(database, seed=seed, first_year=first_year)
    try:
        generator.reference()
        generator.intake(weighings, years)
        generator.sales(sale_lines, years)
        generator.exits(exit_weighings, years)
        generator.bad_rows(now)
    finally:
        generator.close()
    return generator.shop
