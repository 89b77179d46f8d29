"""Deposits: creation, classification by the AI, validation by a person — the status machine.

Spec §4: `draft` → `classified` (a category is proposed, by the AI or a person) → `validated`
(by a person, who may also validate a draft directly by choosing the category); `draft` and
`classified` → `cancelled`; classification may be re-run before validation. A validated deposit
is changed only by an admin, and every such correction is audited. Operators edit and delete
only their own deposits; only drafts are deleted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.models.base import utcnow
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.base import KeysetPage
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.deposit_repository import DepositFilters, DepositRepository, SitePeriod
from recyclic.repositories.site_repository import SiteRepository
from recyclic.schemas.deposit import (
    DepositCreate,
    DepositUpdate,
    DepositValidate,
)
from recyclic.services.access.audit import AuditService, snapshot
from recyclic.services.access.scope import is_super_admin, require_role, site_filter, target_site
from recyclic.services.ai.ai_service import (
    AIService,
    CategoryInfo,
    Classification,
    TranscriptionNotConfigured,
    TranscriptionUnavailable,
)
from recyclic.services.deposits.audio import (
    PurgedRecording,
    attach_recording,
    purge_expired_audio,
    remove_after_commit,
    retention_days,
)
from recyclic.services.deposits.errors import (
    CategoryRequired,
    DepositLocked,
    DepositNotDraft,
    DepositNotFound,
    InvalidDepositTransition,
    NotDepositOwner,
    QuantityRequired,
    RecordingKeptUntranscribed,
    UnknownCategory,
    WeightRequired,
)
from recyclic.services.deposits.learning import ValidatedDeposits
from recyclic.services.deposits.proposals import apply_classification, first_choice_kept
from recyclic.services.people.sites import SiteNotFound
from recyclic.utils.audio import validate_audio
from recyclic.utils.dates import day_range
from recyclic.utils.periods import ensure_ordered

# Fields an admin's correction of a validated deposit records before and after.
_AUDITED = (
    "category",
    "quantity",
    "weight_g",
    "destination",
    "description",
    "donor_type",
    "postal_code",
    "channel",
    "validation_notes",
    "ai_first_choice_kept",
)
_OPEN = (DepositStatus.DRAFT, DepositStatus.CLASSIFIED)


@dataclass(frozen=True, slots=True)
class DepositQuery:
    """Filters of a listing; dates are inclusive days in the site's time zone."""

    status: DepositStatus | None = None
    category: str | None = None
    first_day: date | None = None
    last_day: date | None = None
    created_by: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ClassifiedDeposit:
    deposit: Deposit
    classification: Classification


class DepositService:
    def __init__(
        self, session: AsyncSession, *, settings: Settings, ai: AIService | None = None
    ) -> None:
        self.session = session
        self.settings = settings
        self.ai = ai
        self.deposits = DepositRepository(session)
        self.categories = CategoryRepository(session)
        self.sites = SiteRepository(session)
        self.audit = AuditService(session)

    # --- Reading --------------------------------------------------------------------------

    async def list_deposits(
        self,
        actor: User,
        *,
        site_id: uuid.UUID | None,
        query: DepositQuery,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[Deposit]:
        """Deposits of the actor's site (every site for a super admin), newest first."""
        require_role(actor, Role.VIEWER)
        scope = site_filter(actor, site_id)
        ensure_ordered(query.first_day, query.last_day)
        if query.category is not None:
            await self._category(query.category, active_only=False)
        dated = query.first_day is not None or query.last_day is not None
        sites: list[SitePeriod] | None = None
        if scope is not None:
            site = await self.site(scope)
            sites = [self._period(site, query)]
        elif dated:
            # Every site, each cut in its own time zone.
            sites = [self._period(site, query) for site in await self.sites.list_all()]
        filters = DepositFilters(
            sites=sites, status=query.status, category=query.category, created_by=query.created_by
        )
        return await self.deposits.page(filters, limit=limit, cursor=cursor)

    async def get_deposit(self, actor: User, deposit_id: uuid.UUID) -> Deposit:
        """A deposit of the actor's site; 404 for another site's."""
        require_role(actor, Role.VIEWER)
        return await self._load(actor, deposit_id)

    async def site(self, site_id: uuid.UUID) -> Site:
        """The site, or 404."""
        site = await self.sites.get(site_id)
        if site is None:
            raise SiteNotFound()
        return site

    # --- Creating and changing ------------------------------------------------------------

    async def create(self, actor: User, data: DepositCreate) -> Deposit:
        """A draft, or a classified deposit when a category or a description is given."""
        require_role(actor, Role.OPERATOR)
        site = await self.site(target_site(actor, data.site_id))
        deposit = Deposit(
            site_id=site.id,
            created_by=actor.id,
            status=DepositStatus.DRAFT,
            description=data.description,
            destination=data.destination,
            donor_type=data.donor_type,
            postal_code=data.postal_code,
            channel=data.channel,
            human_validated=False,
        )
        if data.category is not None:
            # A person chose: no AI call, and no AI suggestion to measure later.
            deposit.category = await self._category(data.category)
            deposit.status = DepositStatus.CLASSIFIED
        elif data.description is not None:
            apply_classification(deposit, await self.classify(data.description, site.id))
        # What the person typed wins over what the AI understood.
        if data.quantity is not None:
            deposit.quantity = data.quantity
        if data.weight_kg is not None:
            deposit.weight_g = data.weight_kg
        return await self.deposits.add(deposit)

    async def update(self, actor: User, deposit_id: uuid.UUID, data: DepositUpdate) -> Deposit:
        """Edit or cancel one's own open deposit; an admin also corrects validated ones."""
        require_role(actor, Role.OPERATOR)
        deposit = await self._load(actor, deposit_id, for_update=True)
        self._ensure_owner(actor, deposit)
        changes = data.model_dump(exclude_unset=True)
        if deposit.status == DepositStatus.CANCELLED:
            raise InvalidDepositTransition.refusing(deposit, "modifier")
        if deposit.status == DepositStatus.VALIDATED:
            return await self._correct_validated(actor, deposit, changes)
        if "category" in changes:
            changes["category"] = await self._category(changes["category"])
        self._set_fields(deposit, changes)
        if deposit.category is not None and deposit.status == DepositStatus.DRAFT:
            deposit.status = DepositStatus.CLASSIFIED
        if changes.get("status") == DepositStatus.CANCELLED:
            deposit.status = DepositStatus.CANCELLED
        return await self.deposits.update(deposit, {})

    async def delete(self, actor: User, deposit_id: uuid.UUID) -> None:
        """Delete one's own draft (its recording goes once the deletion is committed)."""
        require_role(actor, Role.OPERATOR)
        deposit = await self._load(actor, deposit_id, for_update=True)
        self._ensure_owner(actor, deposit)
        if deposit.status != DepositStatus.DRAFT:
            raise DepositNotDraft()
        if deposit.audio_file_path:
            remove_after_commit(
                self.session, deposit.audio_file_path, data_dir=self.settings.data_dir
            )
        await self.deposits.delete(deposit)

    async def validate(self, actor: User, deposit_id: uuid.UUID, data: DepositValidate) -> Deposit:
        """A person confirms or corrects the category and gives weight and quantity."""
        require_role(actor, Role.OPERATOR)
        deposit = await self._load(actor, deposit_id, for_update=True)
        if deposit.status not in _OPEN:
            raise InvalidDepositTransition.refusing(deposit, "valider")
        code = data.category or deposit.category
        if code is None:
            raise CategoryRequired()
        category = await self._category(code)
        weight = data.weight_kg if data.weight_kg is not None else deposit.weight_g
        if weight is None:
            raise WeightRequired()
        quantity = data.quantity if data.quantity is not None else deposit.quantity
        if quantity is None:
            raise QuantityRequired()
        deposit.category = category
        deposit.weight_g = weight
        deposit.quantity = quantity
        if data.destination is not None:
            deposit.destination = data.destination
        if data.notes is not None:
            deposit.validation_notes = data.notes
        deposit.ai_first_choice_kept = first_choice_kept(deposit)
        deposit.status = DepositStatus.VALIDATED
        deposit.human_validated = True
        deposit.validated_by = actor.id
        deposit.validated_at = utcnow()
        return await self.deposits.update(deposit, {})

    # --- Classification -------------------------------------------------------------------

    async def classify(self, text: str, site_id: uuid.UUID) -> Classification:
        """The AI's proposal for a description, among the active categories, helped by what
        the site's volunteers validated before."""
        ai = self._ai()
        categories = await self.categories.list(active_only=True)
        memory = await ai.site_memory(site_id, ValidatedDeposits(self.deposits))
        return await ai.classify(text, [CategoryInfo.of(c) for c in categories], memory=memory)

    async def classify_text(
        self, actor: User, deposit_id: uuid.UUID, description: str
    ) -> ClassifiedDeposit:
        """(Re-)classify an open deposit from a typed or dictated description."""
        require_role(actor, Role.OPERATOR)
        deposit = await self._open(actor, deposit_id)
        result = await self.classify(description, deposit.site_id)
        deposit.description = description
        apply_classification(deposit, result)
        await self.deposits.update(deposit, {})
        return ClassifiedDeposit(deposit, result)

    async def classify_audio(
        self, actor: User, deposit_id: uuid.UUID, data: bytes
    ) -> ClassifiedDeposit:
        """(Re-)classify an open deposit from a voice recording: check it by decoding it,
        transcribe it, classify the words, keep the recording with the deposit."""
        require_role(actor, Role.OPERATOR)
        deposit = await self._open(actor, deposit_id)
        info = await validate_audio(
            data,
            max_bytes=self.settings.audio_max_bytes,
            max_seconds=self.settings.audio_max_seconds,
        )
        try:
            transcription = await self._ai().transcribe(data, info.mime)
        except (TranscriptionNotConfigured, TranscriptionUnavailable) as exc:
            # The words are lost to us for now, not the recording: it stays with the (still
            # unclassified) deposit and the volunteer is asked to type the description.
            await attach_recording(
                self.session, deposit, data, info, data_dir=self.settings.data_dir, now=True
            )
            raise RecordingKeptUntranscribed.because(exc, deposit) from exc
        result = await self.classify(transcription, deposit.site_id)
        await attach_recording(self.session, deposit, data, info, data_dir=self.settings.data_dir)
        deposit.transcription = transcription
        deposit.description = transcription
        apply_classification(deposit, result)
        await self.deposits.update(deposit, {})
        return ClassifiedDeposit(deposit, result.with_transcription(transcription))

    async def _open(self, actor: User, deposit_id: uuid.UUID) -> Deposit:
        deposit = await self._load(actor, deposit_id, for_update=True)
        if deposit.status not in _OPEN:
            raise InvalidDepositTransition.refusing(deposit, "classer")
        return deposit

    def _ai(self) -> AIService:
        if self.ai is None:
            raise RuntimeError("DepositService needs the AI service to classify")
        return self.ai

    # --- Retention ------------------------------------------------------------------------

    async def purge_expired_audio(self, site: Site, now: datetime) -> list[PurgedRecording]:
        """Delete the site's recordings older than its retention (default 30 days)."""
        return await purge_expired_audio(
            self.session,
            site,
            now,
            data_dir=self.settings.data_dir,
            default_days=self.settings.audio_retention_days,
        )

    def retention_days(self, site: Site) -> int | None:
        """The site's retention in days (None: recordings are kept)."""
        return retention_days(site, self.settings.audio_retention_days)

    async def all_sites(self) -> list[Site]:
        """Every site of the installation (the purge visits each)."""
        return await self.sites.list_all()

    # --- Rules ----------------------------------------------------------------------------

    async def _load(
        self, actor: User, deposit_id: uuid.UUID, *, for_update: bool = False
    ) -> Deposit:
        if is_super_admin(actor):
            scope = None
        elif actor.site_id is None:
            raise DepositNotFound()
        else:
            scope = actor.site_id
        deposit = await self.deposits.get_in_site(deposit_id, scope, for_update=for_update)
        if deposit is None:
            raise DepositNotFound()
        return deposit

    @staticmethod
    def _ensure_owner(actor: User, deposit: Deposit) -> None:
        if not actor.role.at_least(Role.ADMIN) and deposit.created_by != actor.id:
            raise NotDepositOwner()

    async def _category(self, code: str, *, active_only: bool = True) -> str:
        category = await self.categories.get_by_code(code)
        if category is None or (active_only and not category.active):
            raise UnknownCategory(
                f"Catégorie inconnue{' ou désactivée' if active_only else ''} : « {code} »."
            )
        return category.code

    @staticmethod
    def _period(site: Site, query: DepositQuery) -> SitePeriod:
        start, end = day_range(query.first_day, query.last_day, site.timezone)
        return SitePeriod(site.id, start, end)

    @staticmethod
    def _set_fields(deposit: Deposit, changes: dict[str, object]) -> None:
        for field, value in changes.items():
            if field == "status":
                continue
            setattr(deposit, "weight_g" if field == "weight_kg" else field, value)

    async def _correct_validated(
        self, actor: User, deposit: Deposit, changes: dict[str, object]
    ) -> Deposit:
        if not actor.role.at_least(Role.ADMIN):
            raise DepositLocked()
        if changes.get("status") == DepositStatus.CANCELLED:
            raise InvalidDepositTransition.refusing(deposit, "annuler")
        for field, error in (("weight_kg", WeightRequired), ("quantity", QuantityRequired)):
            if field in changes and changes[field] is None:
                raise error()
        if "category" in changes:
            changes["category"] = await self._category(str(changes["category"]))
        before = snapshot(deposit, _AUDITED)
        self._set_fields(deposit, changes)
        # Accuracy is measured against the final category, corrections included.
        deposit.ai_first_choice_kept = first_choice_kept(deposit)
        await self.deposits.update(deposit, {})
        await self.audit.record(
            actor=actor,
            action="deposit.correct",
            entity_type="deposit",
            entity_id=deposit.id,
            site_id=deposit.site_id,
            before=before,
            after=snapshot(deposit, _AUDITED),
        )
        return deposit
