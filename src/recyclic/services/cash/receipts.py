"""Receipts (printed only when the customer asks): 32/48-column text or an HTML page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from recyclic.models.sale import LineUnit
from recyclic.models.site import Site
from recyclic.schemas.site import SiteSettings
from recyclic.services.cash.tickets import SaleView
from recyclic.services.cash.z_report import PAYMENT_LABELS, vat_lines
from recyclic.utils.formatting import format_euros, format_kg, format_percent
from recyclic.utils.periods import zone
from recyclic.utils.ticket_text import center, left_right, rule, wrap

if TYPE_CHECKING:
    from jinja2 import Environment

NO_VAT_MENTION = "TVA non applicable, art. 293 B du CGI"


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    label: str
    amount: str
    detail: str | None


@lru_cache(maxsize=1)
def _templates() -> Environment:
    # Jinja is loaded with the first page rendered, not with the app.
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("recyclic", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def _context(view: SaleView, site: Site, labels: Mapping[str, str]) -> dict[str, Any]:
    sale = view.sale
    settings = SiteSettings.of(site.settings)
    local = sale.created_at.astimezone(zone(site.timezone))
    header = [part for part in (site.legal_name, site.address) if part]
    if site.siret:
        header.append(f"SIRET {site.siret}")
    lines = []
    for line in view.lines:
        label = line.description or labels.get(line.category, line.category)
        if line.unit == LineUnit.KG and line.weight_g is not None:
            detail = f"{format_kg(line.weight_g)} × {format_euros(line.unit_price_cents)}/kg"
        else:
            detail = f"{line.quantity} × {format_euros(line.unit_price_cents)}"
        if line.discount_cents:
            detail += f" (remise {format_euros(line.discount_cents)})"
        lines.append(ReceiptLine(label, format_euros(line.line_total_cents), detail))
    if settings.vat_mode == "standard":
        rates: dict[int, int] = {}
        for line in view.lines:
            rates[line.vat_rate_bp] = rates.get(line.vat_rate_bp, 0) + line.line_total_cents
        vat = [
            f"TVA {format_percent(v['rate_bp'])} % : {format_euros(v['vat_cents'])} "
            f"(HT {format_euros(v['ht_cents'])})"
            for v in vat_lines(sorted(rates.items()))
        ]
    else:
        vat = [NO_VAT_MENTION]
    footer = [settings.receipt_footer] if settings.receipt_footer else []
    # Narrow no-break space before "!" (French typography): it never wraps alone.
    footer.append("Merci de faire vivre le réemploi\u202f!")
    return {
        "site_name": site.name,
        "header": header,
        "title": "Remboursement" if sale.refund_of else "Ticket",
        "number": f"{sale.journal_seq or 0:06d}",
        "when": local.strftime("%d/%m/%Y %H:%M"),
        "lines": lines,
        "total": format_euros(sale.total_cents),
        "payments": [
            {
                "label": PAYMENT_LABELS.get(p.method, p.method),
                "amount": format_euros(p.amount_cents),
            }
            for p in view.payments
        ],
        "change": format_euros(sale.change_cents) if sale.change_cents else None,
        "vat": vat,
        "footer": footer,
    }


def receipt_html(view: SaleView, site: Site, labels: Mapping[str, str]) -> str:
    """A printable HTML receipt."""
    return _templates().get_template("receipt.html").render(**_context(view, site, labels))


def receipt_text(view: SaleView, site: Site, labels: Mapping[str, str], width: int) -> str:
    """A thermal-printer receipt of `width` columns."""
    ctx = _context(view, site, labels)
    out = center(ctx["site_name"], width)
    for line in ctx["header"]:
        out += center(line, width)
    out.append(rule(width, "="))
    out += center(f"{ctx['title']} n° {ctx['number']}", width)
    out += center(ctx["when"], width)
    out.append(rule(width))
    for line in ctx["lines"]:
        out.append(left_right(line.label, line.amount, width))
        if line.detail:
            out += [f"  {part}" for part in wrap(line.detail, width - 2)]
    out.append(rule(width))
    out.append(left_right("TOTAL", ctx["total"], width))
    for payment in ctx["payments"]:
        out.append(left_right(payment["label"], payment["amount"], width))
    if ctx["change"]:
        out.append(left_right("Rendu", ctx["change"], width))
    out.append(rule(width))
    for line in ctx["vat"]:
        out += center(line, width)
    for line in ctx["footer"]:
        out += center(line, width)
    return "\n".join(out) + "\n"
