"""Deposits: what people drop off, from the first words to the validated weight."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, JSONDocument, Timestamps, UUIDPrimaryKey


class DepositStatus(enum.StrEnum):
    """draft → classified → validated; draft/classified → cancelled."""

    DRAFT = "draft"
    CLASSIFIED = "classified"
    VALIDATED = "validated"
    CANCELLED = "cancelled"


class Destination(enum.StrEnum):
    """Where the lot is meant to go (outbound weights come from outbound flows only)."""

    REUSE = "reuse"
    RECYCLING = "recycling"
    DISPOSAL = "disposal"


class DonorType(enum.StrEnum):
    INDIVIDUAL = "individual"
    BUSINESS = "business"
    PUBLIC = "public"


class Channel(enum.StrEnum):
    """How the item reached the shop (funders ask)."""

    DROP_OFF = "drop_off"
    PICKUP = "pickup"
    COLLECTION_POINT = "collection_point"


class AIProvider(enum.StrEnum):
    GEMINI = "gemini"
    LOCAL = "local"


def _enum(kind: type[enum.StrEnum], name: str) -> Enum:
    # Stored as plain strings with a named CHECK constraint, as users' role and status.
    return Enum(
        kind,
        name=name,
        native_enum=False,
        length=16,
        create_constraint=True,
        values_callable=lambda e: [m.value for m in e],
    )


class Deposit(UUIDPrimaryKey, Timestamps, Base):
    """An item or a lot dropped off; it belongs to the period of its `created_at`."""

    __tablename__ = "deposits"
    __table_args__ = (
        # Listings (newest first, keyset on created_at then id) and the period sums of the
        # exports, which read validated deposits of a site between two instants.
        Index("ix_deposits_site_created", "site_id", "created_at", "id"),
        Index("ix_deposits_site_status_created", "site_id", "status", "created_at", "id"),
        # The classifier's memory asks for a site's validated deposits changed since a time.
        Index("ix_deposits_site_status_updated", "site_id", "status", "updated_at"),
        CheckConstraint("quantity IS NULL OR quantity >= 1", name="quantity_positive"),
        CheckConstraint("weight_g IS NULL OR weight_g > 0", name="weight_positive"),
        CheckConstraint(
            "ai_confidence IS NULL OR (ai_confidence >= 0 AND ai_confidence <= 100)",
            name="ai_confidence_range",
        ),
        # A validated deposit is complete: the reports sum its weight under its category.
        CheckConstraint(
            "status <> 'validated' OR (category IS NOT NULL AND weight_g IS NOT NULL "
            "AND quantity IS NOT NULL AND validated_at IS NOT NULL)",
            name="validated_complete",
        ),
        CheckConstraint("postal_code IS NULL OR length(postal_code) = 5", name="postal_code"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    status: Mapped[DepositStatus] = mapped_column(
        _enum(DepositStatus, "deposit_status"), default=DepositStatus.DRAFT
    )
    description: Mapped[str | None] = mapped_column(Text)
    transcription: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(
        String(16), ForeignKey("categories.code", ondelete="RESTRICT")
    )
    quantity: Mapped[int | None]
    weight_g: Mapped[int | None]
    destination: Mapped[Destination | None] = mapped_column(
        _enum(Destination, "deposit_destination")
    )
    donor_type: Mapped[DonorType | None] = mapped_column(_enum(DonorType, "deposit_donor_type"))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    channel: Mapped[Channel] = mapped_column(
        _enum(Channel, "deposit_channel"), default=Channel.DROP_OFF
    )

    # What the AI proposed, kept as it said it (not a foreign key: a record of a suggestion).
    ai_category: Mapped[str | None] = mapped_column(String(16))
    ai_confidence: Mapped[int | None]
    ai_alternatives: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)
    ai_provider: Mapped[AIProvider | None] = mapped_column(_enum(AIProvider, "deposit_ai_provider"))
    # Set at validation when the AI proposed something: did the final category equal its
    # first choice? (The AI accuracy of the reports.)
    ai_first_choice_kept: Mapped[bool | None]

    human_validated: Mapped[bool] = mapped_column(default=False)
    validation_notes: Mapped[str | None] = mapped_column(Text)
    # Relative to DATA_DIR (audio/<site>/<YYYY>/<MM>/<uuid>.<ext>); cleared by the retention
    # purge, which keeps the transcription.
    audio_file_path: Mapped[str | None] = mapped_column(String(255))
    audio_deleted_at: Mapped[datetime | None]

    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    validated_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    validated_at: Mapped[datetime | None]
    # The source row of a deposit imported from another tool ("oressource:pesees_collectes:12").
    imported_from: Mapped[str | None] = mapped_column(String(100))

    @property
    def has_audio(self) -> bool:
        """True while the recording is kept."""
        return self.audio_file_path is not None
