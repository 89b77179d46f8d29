"""Z (session) reports: built from a session's figures, shown as JSON or a printable ticket.

Reports are stored with integer cents and grams (`*_cents`, `*_g`);
`utils.formatting.units_to_api` turns them into euros and kilograms for the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from recyclic.models.cash import CashRegister, CashSession, SessionStatus
from recyclic.models.site import Site
from recyclic.repositories.cash_repository import SessionFigures
from recyclic.services.cash.pricing import round_half_up
from recyclic.utils.formatting import (
    format_euros,
    format_kg,
    format_percent,
)
from recyclic.utils.ticket_text import center, left_right, rule, wrap

PAYMENT_LABELS = {
    "cash": "Espèces",
    "card": "Carte bancaire",
    "check": "Chèque",
    "free": "Gratuit",
    "transfer": "Virement",
    "voucher": "Bon d'achat",
    "local_currency": "Monnaie locale",
    "gift_card": "Carte cadeau",
}


def vat_lines(vat: list[tuple[int, int]]) -> list[dict[str, int]]:
    """VAT per rate for prices that include VAT: VAT = TTC × rate / (1 + rate)."""
    lines = []
    for rate_bp, ttc in vat:
        tax = round_half_up(ttc * rate_bp, 10_000 + rate_bp)
        lines.append(
            {"rate_bp": rate_bp, "ttc_cents": ttc, "vat_cents": tax, "ht_cents": ttc - tax}
        )
    return lines


def session_report(
    session: CashSession,
    figures: SessionFigures,
    *,
    site: Site,
    register: CashRegister | None,
    vat_mode: str,
    stale: bool,
) -> dict[str, Any]:
    """The session's report: Z when closed, X (live) while open."""
    payments = figures.payments_net_of_change()
    expected = figures.expected_cash(session.opening_cents)
    closed = session.status == SessionStatus.CLOSED
    tz = ZoneInfo(site.timezone)
    return {
        "type": "Z" if closed else "X",
        "site": {
            "name": site.name,
            "legal_name": site.legal_name,
            "address": site.address,
            "siret": site.siret,
        },
        "register": register.name if register else None,
        "session_id": str(session.id),
        "cashier_id": str(session.cashier_id),
        # People read these: the site's local time, with its offset.
        "timezone": site.timezone,
        "opened_at": session.opened_at.astimezone(tz).isoformat(),
        "closed_at": session.closed_at.astimezone(tz).isoformat() if session.closed_at else None,
        "stale": stale,
        "counts": {"sales": figures.sales_count, "refunds": figures.refunds_count},
        "totals": {
            "sales_cents": figures.sales_cents,
            "refunds_cents": figures.refunds_cents,
            "net_cents": figures.sales_cents + figures.refunds_cents,
        },
        "payments_cents": payments,
        "categories": [
            {"code": code, "quantity": quantity, "total_cents": total, "weight_g": weight}
            for code, quantity, total, weight in figures.categories
        ],
        "vat_mode": vat_mode,
        "vat": vat_lines(figures.vat) if vat_mode == "standard" else [],
        "cash": {
            "opening_cents": session.opening_cents,
            "cash_in_net_cents": figures.cash_net_cents,
            "movements_cents": figures.movements_cents,
            "expected_cents": expected if not closed else session.expected_cents,
            "counted_cents": session.actual_cents,
            "variance_cents": session.variance_cents,
            "kept_float_cents": session.kept_float_cents,
            "bank_deposit_cents": session.bank_deposit_cents,
        },
        "variance_comment": session.variance_comment,
    }


def _local_time(report: dict[str, Any], key: str) -> str:
    """`YYYY-MM-DD HH:MM` in the site's zone (reports stored before it was kept: as stored)."""
    moment = datetime.fromisoformat(report[key])
    if report.get("timezone"):
        moment = moment.astimezone(ZoneInfo(report["timezone"]))
    return moment.strftime("%Y-%m-%d %H:%M")


def render_text(report: dict[str, Any], width: int) -> str:
    """The report as a thermal-printer ticket."""
    site = report["site"]
    out: list[str] = []
    out += center(site.get("legal_name") or site["name"], width)
    if site.get("address"):
        out += center(site["address"], width)
    if site.get("siret"):
        out += center(f"SIRET {site['siret']}", width)
    out.append(rule(width, "="))
    title = "RAPPORT Z - CLÔTURE" if report["type"] == "Z" else "RAPPORT X - EN COURS"
    out += center(title, width)
    if report.get("register"):
        out.append(left_right("Caisse", report["register"], width))
    out.append(left_right("Ouverture", _local_time(report, "opened_at"), width))
    if report.get("closed_at"):
        out.append(left_right("Clôture", _local_time(report, "closed_at"), width))
    if report.get("stale"):
        out.append("! Session ouverte plus de 24 h")
    out.append(rule(width))
    counts, totals = report["counts"], report["totals"]
    out.append(
        left_right(f"Ventes ({counts['sales']})", format_euros(totals["sales_cents"]), width)
    )
    out.append(
        left_right(
            f"Remboursements ({counts['refunds']})", format_euros(totals["refunds_cents"]), width
        )
    )
    out.append(left_right("TOTAL NET", format_euros(totals["net_cents"]), width))
    out.append(rule(width))
    out.append("Par moyen de paiement")
    for method, amount in sorted(report["payments_cents"].items()):
        out.append(
            left_right(f"  {PAYMENT_LABELS.get(method, method)}", format_euros(amount), width)
        )
    out.append("Par catégorie")
    for line in report["categories"]:
        label = f"  {line['code']} x{line['quantity']}"
        if line["weight_g"]:
            label += f" {format_kg(line['weight_g'])}"
        out.append(left_right(label, format_euros(line["total_cents"]), width))
    if report["vat_mode"] == "standard":
        out.append("TVA")
        for vat in report["vat"]:
            rate = format_percent(vat["rate_bp"])
            out.append(
                left_right(
                    f"  {rate} % sur {format_euros(vat['ht_cents'])} HT",
                    format_euros(vat["vat_cents"]),
                    width,
                )
            )
    else:
        out += center("TVA non applicable, art. 293 B du CGI", width)
    out.append(rule(width))
    cash = report["cash"]
    out.append(left_right("Fond de caisse", format_euros(cash["opening_cents"]), width))
    out.append(left_right("Espèces (net)", format_euros(cash["cash_in_net_cents"]), width))
    out.append(left_right("Mouvements", format_euros(cash["movements_cents"]), width))
    out.append(left_right("Attendu", format_euros(cash["expected_cents"]), width))
    if cash.get("counted_cents") is not None:
        out.append(left_right("Compté", format_euros(cash["counted_cents"]), width))
        out.append(left_right("Écart", format_euros(cash["variance_cents"]), width))
        out.append(left_right("Fond conservé", format_euros(cash["kept_float_cents"]), width))
        out.append(left_right("Remise en banque", format_euros(cash["bank_deposit_cents"]), width))
    if report.get("variance_comment"):
        out += wrap(f"Commentaire : {report['variance_comment']}", width)
    out.append(rule(width, "="))
    return "\n".join(out) + "\n"


CLOSING_TITLES = {
    "daily": "CLÔTURE JOURNALIÈRE",
    "monthly": "CLÔTURE MENSUELLE",
    "yearly": "CLÔTURE ANNUELLE",
}


def render_closing_text(
    *,
    kind: str,
    period_start: str,
    period_end: str,
    totals: dict[str, Any],
    grand_total_cents: int,
    journal_seq: int,
    journal_hash: str,
    site: dict[str, Any],
    width: int,
) -> str:
    """A period closing as a thermal-printer ticket."""
    out: list[str] = []
    out += center(site.get("legal_name") or site["name"], width)
    if site.get("siret"):
        out += center(f"SIRET {site['siret']}", width)
    out.append(rule(width, "="))
    out += center(CLOSING_TITLES.get(kind, kind.upper()), width)
    period = period_start if period_start == period_end else f"{period_start} → {period_end}"
    out += center(period, width)
    out.append(rule(width))
    out.append(
        left_right(
            f"Ventes ({totals['sales_count']})",
            format_euros(totals["total_cents"] - totals["refunds_cents"]),
            width,
        )
    )
    out.append(
        left_right(
            f"Remboursements ({totals['refunds_count']})",
            format_euros(totals["refunds_cents"]),
            width,
        )
    )
    out.append(left_right("TOTAL NET", format_euros(totals["total_cents"]), width))
    out.append(rule(width))
    for method, amount in sorted(totals["payments_cents"].items()):
        out.append(
            left_right(f"  {PAYMENT_LABELS.get(method, method)}", format_euros(amount), width)
        )
    for line in totals["categories"]:
        out.append(
            left_right(
                f"  {line['code']} x{line['quantity']}", format_euros(line["total_cents"]), width
            )
        )
    if totals.get("vat_mode") == "standard":
        for vat in totals["vat"]:
            rate = format_percent(vat["rate_bp"])
            out.append(left_right(f"  TVA {rate} %", format_euros(vat["vat_cents"]), width))
    else:
        out += center("TVA non applicable, art. 293 B du CGI", width)
    out.append(rule(width))
    out.append(left_right("GRAND TOTAL PERPÉTUEL", format_euros(grand_total_cents), width))
    out.append(left_right("Journal n°", str(journal_seq), width))
    out += wrap(f"Empreinte {journal_hash}", width)
    out.append(rule(width, "="))
    return "\n".join(out) + "\n"
