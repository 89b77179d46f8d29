"""How the AI's proposal is recorded on a deposit, and whether a person kept it.

Shared by the synchronous classification (`deposits`) and the queued one (`jobs`); what a
person kept or corrected is what the AI accuracy figures count.
"""

from __future__ import annotations

from recyclic.models.deposit import AIProvider, Deposit, DepositStatus
from recyclic.schemas.deposit import MAX_QUANTITY, MAX_WEIGHT_KG
from recyclic.services.ai.types import Classification
from recyclic.utils.formatting import GRAMS_PER_KG


def apply_classification(deposit: Deposit, result: Classification) -> None:
    """Record the AI's proposal on an open deposit (which becomes `classified`)."""
    deposit.category = result.category
    deposit.ai_category = result.category
    deposit.ai_confidence = result.confidence
    deposit.ai_alternatives = [
        {"category": code, "confidence": confidence} for code, confidence in result.alternatives
    ]
    deposit.ai_provider = AIProvider(result.provider)
    deposit.ai_first_choice_kept = None
    # Figures the AI heard replace earlier ones; implausible ones are not kept.
    if result.quantity is not None and 1 <= result.quantity <= MAX_QUANTITY:
        deposit.quantity = result.quantity
    weight = result.weight_grams
    if weight is not None and 0 < weight <= MAX_WEIGHT_KG * GRAMS_PER_KG:
        deposit.weight_g = weight
    deposit.status = DepositStatus.CLASSIFIED


def first_choice_kept(deposit: Deposit) -> bool | None:
    """Whether the category equals the AI's first choice; None when the AI proposed nothing."""
    if deposit.ai_category is None:
        return None
    return deposit.category == deposit.ai_category
