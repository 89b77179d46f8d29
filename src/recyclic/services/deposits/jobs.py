"""Asynchronous classification of deposits: request it now, the AI answers in a job.

`request_classification` enqueues a `classify_deposit` job in the caller's unit of work (the
request answers at once; the AI runs after the commit). The job, `classify_queued`, applies the
AI's proposal only if the deposit has not changed since the request: the payload carries the
deposit's `updated_at` as a version. So a duplicate delivery (at-least-once) and a person's
edit or validation in between both make the job a no-op — the AI never overwrites a person.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.core.database import UnitOfWorkFactory
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.outbox import OutboxJob
from recyclic.models.user import Role, User
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.deposit_repository import DepositRepository
from recyclic.services.access.scope import require_role
from recyclic.services.ai.ai_service import AIService, CategoryInfo
from recyclic.services.deposits.deposits import DepositService
from recyclic.services.deposits.errors import InvalidDepositTransition
from recyclic.services.deposits.learning import ValidatedDeposits
from recyclic.services.deposits.proposals import apply_classification
from recyclic.services.messaging.outbox import JobTask, enqueue

logger = logging.getLogger(__name__)

_OPEN = (DepositStatus.DRAFT, DepositStatus.CLASSIFIED)


async def request_classification(
    session: AsyncSession, settings: Settings, actor: User, deposit_id: uuid.UUID
) -> OutboxJob:
    """Enqueue the AI classification of an open deposit of the actor's site (its
    description, else its transcription); call it after the request's last change."""
    require_role(actor, Role.OPERATOR)
    deposit = await DepositService(session, settings=settings).get_deposit(actor, deposit_id)
    if deposit.status not in _OPEN:
        raise InvalidDepositTransition.refusing(deposit, "classer")
    await session.flush()  # `updated_at` is the version the job compares with
    return await enqueue_classification(session, deposit)


async def enqueue_classification(session: AsyncSession, deposit: Deposit) -> OutboxJob:
    """The `classify_deposit` job of a deposit, versioned by its current `updated_at`."""
    return await enqueue(
        session,
        JobTask.CLASSIFY_DEPOSIT,
        {"deposit_id": deposit.id, "version": deposit.updated_at},
        site_id=deposit.site_id,
        lock_key=f"deposit:{deposit.id}",
    )


async def classify_queued(
    units: UnitOfWorkFactory,
    settings: Settings,
    ai: AIService,
    deposit_id: uuid.UUID,
    version: datetime | None,
) -> Deposit | None:
    """Classify the deposit if it is still as it was when the job was requested; None when
    there was nothing to do (gone, validated, cancelled, changed since, or no text).

    The AI is asked outside any transaction (it may take seconds; SQLite has one writer),
    and the version is checked again before the answer is written.
    """
    async with units(write=False) as session:
        repository = DepositRepository(session)
        deposit = await repository.get_in_site(deposit_id, None)
        text = _pending_text(deposit, version)
        if deposit is None or text is None:
            return None
        categories = await CategoryRepository(session).list(active_only=True)
        memory = await ai.site_memory(deposit.site_id, ValidatedDeposits(repository))
    result = await ai.classify(text, [CategoryInfo.of(c) for c in categories], memory=memory)
    async with units() as session:
        deposits = DepositRepository(session)
        deposit = await deposits.get_in_site(deposit_id, None, for_update=True)
        if _pending_text(deposit, version) != text:
            return None
        assert deposit is not None
        apply_classification(deposit, result)
        await deposits.update(deposit, {})
        return deposit


def _pending_text(deposit: Deposit | None, version: datetime | None) -> str | None:
    if deposit is None or deposit.status not in _OPEN:
        return None
    if version is not None and deposit.updated_at > version:
        logger.info("deposit %s changed since its classification was requested", deposit.id)
        return None
    return deposit.description or deposit.transcription or None
