"""Domain errors of deposits: each has a stable code and a French message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recyclic.core.exceptions import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RecyclicError,
    ServiceUnavailable,
)

if TYPE_CHECKING:
    from recyclic.models.deposit import Deposit


class DepositNotFound(NotFound):
    code = "deposit_not_found"
    message = "Dépôt introuvable."


class UnknownCategory(InvalidInput):
    code = "unknown_category"
    message = "Catégorie inconnue."


class NotDepositOwner(Forbidden):
    code = "not_owner"
    message = "Vous ne pouvez modifier que vos propres dépôts : demandez à un administrateur."


class DepositLocked(Forbidden):
    code = "deposit_validated"
    message = "Ce dépôt est validé : seul un administrateur peut le corriger."


_STATUS_WORDS = {
    "draft": "brouillon",
    "classified": "classé",
    "validated": "validé",
    "cancelled": "annulé",
}


class InvalidDepositTransition(Conflict):
    code = "invalid_deposit_transition"

    @classmethod
    def refusing(cls, deposit: Deposit, action: str) -> InvalidDepositTransition:
        """ "Impossible de <action> un dépôt <statut>." """
        state = _STATUS_WORDS.get(deposit.status, deposit.status)
        return cls(f"Impossible de {action} un dépôt {state}.")


class DepositNotDraft(Conflict):
    code = "deposit_not_draft"
    message = "Seul un brouillon peut être supprimé : annulez plutôt ce dépôt."


class CategoryRequired(InvalidInput):
    code = "category_required"
    message = "Choisissez la catégorie du dépôt avant de le valider."


class WeightRequired(InvalidInput):
    code = "weight_required"
    message = "Indiquez le poids du dépôt (en kg) avant de le valider."


class QuantityRequired(InvalidInput):
    code = "quantity_required"
    message = "Indiquez la quantité (nombre d'objets ou de lots) avant de valider."


class RecordingKeptUntranscribed(ServiceUnavailable):
    """Transcription failed, but the recording is kept with the deposit: this refusal commits."""

    commit_changes = True

    @classmethod
    def because(cls, cause: RecyclicError, deposit: Deposit) -> RecordingKeptUntranscribed:
        """The AI service's refusal, saying that the recording was kept."""
        return cls(
            f"{cause.message} L'enregistrement est conservé avec le dépôt.",
            code=cause.code,
            extra={"deposit_id": str(deposit.id), "audio_stored": True},
        )
