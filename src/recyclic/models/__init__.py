"""All models, imported here so Alembic and the mapper registry see every table."""

from recyclic.models.audit import AuditLog
from recyclic.models.auth import LoginCode, RefreshToken
from recyclic.models.base import Base
from recyclic.models.category import Category
from recyclic.models.deposit import (
    AIProvider,
    Channel,
    Deposit,
    DepositStatus,
    Destination,
    DonorType,
)
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus

__all__ = [
    "AIProvider",
    "AuditLog",
    "Base",
    "Category",
    "Channel",
    "Deposit",
    "DepositStatus",
    "Destination",
    "DonorType",
    "LoginCode",
    "RefreshToken",
    "Role",
    "Site",
    "User",
    "UserStatus",
]
