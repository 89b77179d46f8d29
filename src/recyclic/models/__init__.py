"""All models, imported here so Alembic and the mapper registry see every table."""

from recyclic.models.audit import AuditLog
from recyclic.models.auth import LoginCode, RefreshToken
from recyclic.models.base import Base
from recyclic.models.cash import CashMovement, CashRegister, CashSession, SessionStatus
from recyclic.models.category import Category
from recyclic.models.deposit import (
    AIProvider,
    Channel,
    Deposit,
    DepositStatus,
    Destination,
    DonorType,
)
from recyclic.models.device import PairedDevice
from recyclic.models.imports import ImportCursor, ImportReject
from recyclic.models.journal import Closing, ClosingKind, JournalEntry, JournalHead
from recyclic.models.outbound_flow import OutboundDestination, OutboundFlow
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.models.rollups import (
    DepositCategoryHour,
    DepositOriginHour,
    PaymentHour,
    SaleHour,
    SaleLineHour,
)
from recyclic.models.sale import LineUnit, Sale, SaleLine, SalePayment, SaleStatus
from recyclic.models.site import Site
from recyclic.models.sync_log import SyncedFile, SyncLog, SyncStatus, SyncWatermark
from recyclic.models.user import Role, User, UserStatus
from recyclic.models.worker import WorkerHeartbeat

__all__ = [
    "AIProvider",
    "AuditLog",
    "Base",
    "CashMovement",
    "CashRegister",
    "CashSession",
    "Category",
    "Channel",
    "Closing",
    "ClosingKind",
    "Deposit",
    "DepositCategoryHour",
    "DepositOriginHour",
    "DepositStatus",
    "Destination",
    "DonorType",
    "ImportCursor",
    "ImportReject",
    "JobStatus",
    "JournalEntry",
    "JournalHead",
    "LineUnit",
    "LoginCode",
    "OutboundDestination",
    "OutboundFlow",
    "OutboxJob",
    "PairedDevice",
    "PaymentHour",
    "RefreshToken",
    "Role",
    "Sale",
    "SaleHour",
    "SaleLine",
    "SaleLineHour",
    "SalePayment",
    "SaleStatus",
    "SessionStatus",
    "Site",
    "SyncLog",
    "SyncStatus",
    "SyncWatermark",
    "SyncedFile",
    "User",
    "UserStatus",
    "WorkerHeartbeat",
]
