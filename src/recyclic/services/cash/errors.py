"""Domain errors of the till: each has a stable code, an HTTP status and a French message."""

from __future__ import annotations

from recyclic.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound


class RegisterNotFound(NotFound):
    code = "cash_register_not_found"
    message = "Caisse introuvable."


class RegisterNameTaken(Conflict):
    code = "cash_register_name_taken"
    message = "Une caisse porte déjà ce nom sur ce site."


class RegisterInactive(Conflict):
    code = "cash_register_inactive"
    message = "Cette caisse est désactivée."


class SessionNotFound(NotFound):
    code = "cash_session_not_found"
    message = "Session de caisse introuvable."


class SessionClosed(Conflict):
    code = "cash_session_closed"
    message = "Cette session de caisse est clôturée : elle n'accepte plus rien."


class RegisterBusy(Conflict):
    code = "cash_register_busy"
    message = "Une session est déjà ouverte sur cette caisse."


class CashierBusy(Conflict):
    code = "cashier_busy"
    message = "Vous avez déjà une session de caisse ouverte."


class NotSessionCashier(Forbidden):
    code = "not_session_cashier"
    message = "Seul le caissier de la session ou un administrateur peut agir sur elle."


class OpeningCommentRequired(InvalidInput):
    code = "opening_comment_required"


class VarianceCommentRequired(InvalidInput):
    code = "variance_comment_required"


class SaleNotFound(NotFound):
    code = "sale_not_found"
    message = "Vente introuvable."


class IdConflict(Conflict):
    code = "id_conflict"
    message = "Cet identifiant de vente est déjà utilisé pour un autre ticket."


class PeriodClosed(Conflict):
    code = "period_closed"
    message = "Cette période est clôturée : elle n'accepte plus de vente."


class UnknownCategory(InvalidInput):
    code = "unknown_category"


class RefundExceedsSale(Conflict):
    code = "refund_exceeds_sale"
    message = "Le remboursement dépasse ce qui reste à rembourser sur ce ticket."
