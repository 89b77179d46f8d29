"""Users: volunteers, cashiers, admins; roles and registration status."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, Timestamps, UUIDPrimaryKey


class Role(enum.StrEnum):
    """Roles, from least to most powerful."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"
    SUPER_ADMIN = "super_admin"

    @property
    def rank(self) -> int:
        """Position in the hierarchy: a higher rank includes every right of a lower one."""
        return _ROLE_RANK[self]

    def at_least(self, other: Role) -> bool:
        """True when this role has every right of `other`."""
        return self.rank >= other.rank


_ROLE_RANK = {role: rank for rank, role in enumerate(Role)}


class UserStatus(enum.StrEnum):
    """Registration status: pending until an admin approves or rejects."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class User(UUIDPrimaryKey, Timestamps, Base):
    """A person using Recyclic, through Telegram, the web app or both."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_site_created", "site_id", "created_at", "id"),)

    # Nullable: a pending registration on a multi-site installation may await a site.
    site_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sites.id", ondelete="RESTRICT"), index=True
    )
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="user_role",
            native_enum=False,
            length=16,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=Role.OPERATOR,
    )
    status: Mapped[UserStatus] = mapped_column(
        Enum(
            UserStatus,
            name="user_status",
            native_enum=False,
            length=16,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=UserStatus.PENDING,
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    pin_failed_attempts: Mapped[int] = mapped_column(default=0)
    pin_locked_until: Mapped[datetime | None]
    anonymized_at: Mapped[datetime | None]
