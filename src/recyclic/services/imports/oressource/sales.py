"""Oressource tickets and their lines → historical sales in imported sessions (pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from recyclic.services.cash.pricing import MAX_LINE_CENTS, LineInput, PaymentInput, request_hash
from recyclic.services.imports.oressource.convert import (
    UNREADABLE,
    Context,
    Converted,
    Refusal,
    comment_text,
    when,
    year_of,
)
from recyclic.services.imports.oressource.figures import UNMAPPED, new_totals
from recyclic.services.imports.oressource.reference import to_cents, to_grams
from recyclic.services.imports.text import BrokenText
from recyclic.utils.formatting import format_euros, format_kg


@dataclass(frozen=True, slots=True)
class _Line:
    """A sale line as Recyclic stores it, and what the journal digest needs of it."""

    source_id: int
    category: str
    description: str | None
    quantity: int
    unit_price_cents: int
    weight_g: int | None
    discount_cents: int
    line_total_cents: int


def _line(ctx: Context, row: tuple[Any, ...]) -> tuple[_Line | None, str | None, list[int], str]:
    """(line, refusal detail, [0, grams, 0, cents] at stake, category key)."""
    source_id, _, type_id, object_id, quantity, price, refund, lot, kilograms = row
    price_cents, refund_cents, quantity = to_cents(price), to_cents(refund), int(quantity)
    gross = price_cents if lot else price_cents * quantity
    cents = gross - refund_cents * quantity
    grams = to_grams(kilograms) if kilograms is not None else None
    known_type = ctx.reference.name("type_dechets", type_id) is not None
    code = ctx.mapping.line_category(type_id, object_id) if known_type else None
    stake = [0, grams or 0, 0, cents]
    key = code or UNMAPPED
    problem = None
    if code is None:
        problem = f"type de déchet n° {type_id} inconnu"
    elif quantity <= 0:
        problem = f"quantité nulle ou négative ({quantity})"
    elif price_cents < 0 or refund_cents < 0:
        problem = (
            f"prix négatif ({format_euros(price_cents)}, remboursé {format_euros(refund_cents)})"
        )
    elif price_cents and refund_cents:
        problem = "ligne à la fois vendue et remboursée"
    elif grams is not None and (grams <= 0 or refund_cents):
        problem = f"pesée invalide ({format_kg(grams)})"
    elif abs(cents) > MAX_LINE_CENTS:
        problem = f"montant hors limites ({format_euros(cents)})"
    if problem:
        return None, f"ligne n° {source_id} : {problem}", stake, key
    assert code is not None
    name = ctx.reference.name("grille_objets", object_id) or ctx.reference.name(
        "type_dechets", type_id
    )
    if refund_cents:
        unit, count, discount = refund_cents, -quantity, 0
    elif lot and quantity > 1:
        # A lot's price covers all its items: the unit price rounded up, less what that adds.
        unit, count = math.ceil(price_cents / quantity), quantity
        discount = unit * quantity - price_cents
        name = f"Lot de {quantity} : {name}"
    else:
        unit, count, discount = price_cents, quantity, 0
    line = _Line(source_id, code, name, count, unit, grams, discount, cents)
    return line, None, stake, key


SESSION_COLUMNS = (
    "id", "site_id", "register_id", "cashier_id", "status", "opening_cents", "opened_at",
    "closed_at", "closed_by", "imported_from",
)  # fmt: skip
SALE_COLUMNS = (
    "id", "site_id", "session_id", "cashier_id", "status", "total_cents", "change_cents",
    "refund_reason", "request_hash", "created_at", "received_at",
)  # fmt: skip
LINE_COLUMNS = (
    "id", "sale_id", "site_id", "position", "category", "description", "unit", "quantity",
    "unit_price_cents", "weight_g", "discount_cents", "line_total_cents", "vat_rate_bp",
    "created_at",
)  # fmt: skip
PAYMENT_COLUMNS = (
    "id", "sale_id", "site_id", "session_id", "method", "amount_cents", "created_at",
)  # fmt: skip


def convert_sales(
    ctx: Context, sales: Sequence[tuple[Any, ...]], lines: Sequence[tuple[Any, ...]], out: Converted
) -> None:
    """Tickets and their lines → historical sales, one imported session per day and till."""
    by_sale: dict[int, list[tuple[Any, ...]]] = {}
    for line in lines:
        by_sale.setdefault(int(line[1]), []).append(line)
    for sale in sales:
        _sale(ctx, tuple(sale), by_sale.get(int(sale[0]), []), out)


def _sale(ctx: Context, sale: tuple[Any, ...], rows: list[tuple[Any, ...]], out: Converted) -> None:
    table = "ventes"
    source_id, moment, method_id, point_id, comment = sale
    if not rows:
        out.refuse(Refusal(table, source_id, "vente_vide", "vente sans aucune ligne", None))
        return
    year = year_of(moment)
    stake: dict[str, list[int]] = {}
    built: list[_Line] = []
    problems: list[str] = []
    for row in rows:
        line, problem, line_stake, key = _line(ctx, row)
        totals = stake.setdefault(key, new_totals())
        totals[:] = [a + b for a, b in zip(totals, line_stake, strict=True)]
        if problem:
            problems.append(problem)
        elif line is not None:
            built.append(line)
    at = when(ctx, table, source_id, moment)
    if isinstance(at, Refusal):
        out.refuse(Refusal(table, source_id, at.reason, at.detail, year), stake)
        return
    method = ctx.mapping.get("moyens_paiement", method_id)
    if problems:
        reason, detail = "ligne_invalide", "; ".join(problems)
    elif ctx.reference.name("points_vente", point_id) is None:
        reason, detail = "point_de_vente_inconnu", f"point de vente n° {point_id} inconnu"
    elif method is None:
        reason, detail = "paiement_inconnu", f"moyen de paiement n° {method_id} inconnu"
    else:
        reason = detail = ""
    try:
        _, repaired = comment_text(comment)
    except BrokenText:
        reason, detail = (reason, detail) if reason else UNREADABLE
    if reason:
        out.refuse(Refusal(table, source_id, reason, detail, year), stake)
        return
    assert method is not None
    out.repaired_texts += repaired
    _write_sale(ctx, source_id, at, moment.date(), int(point_id), method, built, out)


def _write_sale(
    ctx: Context,
    source_id: int,
    at: datetime,
    day: date,
    point_id: int,
    method: str,
    lines: list[_Line],
    out: Converted,
) -> None:
    session_id = ctx.session_id(point_id, day)
    if session_id not in out.sessions:
        out.sessions[session_id] = (point_id, day)
    sale_id = ctx.row_id("ventes", source_id)
    total = sum(line.line_total_cents for line in lines)
    method = "free" if total == 0 else method
    inputs = [
        LineInput(
            line.category, line.description, line.quantity, "piece", line.unit_price_cents,
            line.weight_g, None, line.discount_cents,
        )
        for line in lines
    ]  # fmt: skip
    payments = [PaymentInput(method, total)]
    digest = request_hash(session_id=session_id, created_at=at, lines=inputs, payments=payments)
    reason = "Remboursement importé d'Oressource" if total < 0 else None
    out.add(
        "sales",
        (sale_id, ctx.site_id, session_id, ctx.user_id, "completed", total, 0, reason, digest,
         at, at),
    )  # fmt: skip
    for position, line in enumerate(lines, start=1):
        out.add(
            "sale_lines",
            (
                ctx.row_id("vendus", line.source_id), sale_id, ctx.site_id, position,
                line.category, line.description, "piece", line.quantity, line.unit_price_cents,
                line.weight_g, line.discount_cents, line.line_total_cents,
                ctx.vat_rates.get(line.category, 0), at,
            ),
        )  # fmt: skip
    out.add(
        "sale_payments",
        (ctx.row_id("paiement", source_id), sale_id, ctx.site_id, session_id, method, total, at),
    )
