"""Notifications: sent after the commit, in the background, with short timeouts — a request
never waits on Telegram and never fails because of it."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from recyclic.bot.keyboards import RegistrationDecision
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app
from recyclic.models.cash import CashRegister, CashSession, SessionStatus
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.services.messaging.telegram_service import (
    Button,
    Notification,
    NotificationFailed,
    send_notification,
)
from recyclic.services.people.registration import decision_callback
from tests.factories import Factory, auth_headers
from tests.fakes.telegram_api import FakeTelegram
from tests.support.telegram import UNREACHABLE_TELEGRAM, widget_payload


@dataclass
class Till:
    site: Site
    admin: User
    other_admin: User
    cashier: User
    register: CashRegister
    session: CashSession


@pytest.fixture
async def till(factory: Factory) -> Till:
    site = await factory.site(
        name="Ressourcerie du Port", settings={"cash_variance_threshold": 200}
    )
    admin = await factory.user(site, role=Role.ADMIN, full_name="Paula Admin")
    other_admin = await factory.user(site, role=Role.ADMIN, full_name="Sam Admin")
    await factory.user(site, role=Role.ADMIN, telegram_id=None, full_name="Sans Telegram")
    cashier = await factory.user(site, full_name="Lucas Caisse")
    register = await factory.register(site, name="Caisse 1")
    session = await factory.open_session(register, cashier, opening="50")
    return Till(site, admin, other_admin, cashier, register, session)


def _app_client(
    settings: Settings, database: Database, user: User | None = None
) -> tuple[FastAPI, httpx.AsyncClient]:
    app = create_app(settings, database=database)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = auth_headers(user) if user is not None else {}
    return app, httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers)


async def _close(client: httpx.AsyncClient, session: CashSession, **body: object) -> httpx.Response:
    return await client.post(f"/api/v1/cash-sessions/{session.id}/close", json=body)


async def test_a_variance_above_the_threshold_is_told_to_the_admins(
    bot_settings: Settings, database: Database, telegram: FakeTelegram, till: Till
) -> None:
    app, client = _app_client(bot_settings, database, till.cashier)
    async with client:
        response = await _close(client, till.session, actual_amount=45, variance_comment="Erreur")
    assert response.status_code == 200, response.text
    await app.state.notifier.drain(max_wait=5)
    sent = {int(call.params["chat_id"]): call.params for call in telegram.calls_of("sendMessage")}
    assert set(sent) == {till.admin.telegram_id, till.other_admin.telegram_id}
    assert sent[till.admin.telegram_id]["text"] == (
        "⚠️ Écart de caisse de -5,00 € à la clôture de « Caisse 1 » (Ressourcerie du Port) "
        "par Lucas Caisse.\nCommentaire : Erreur"
    )


async def test_the_closing_admin_is_not_told_what_they_just_did(
    bot_settings: Settings, database: Database, telegram: FakeTelegram, till: Till
) -> None:
    app, client = _app_client(bot_settings, database, till.admin)
    async with client:
        response = await _close(client, till.session, actual_amount=60, variance_comment="Trouvé")
    assert response.status_code == 200
    await app.state.notifier.drain(max_wait=5)
    assert [int(c.params["chat_id"]) for c in telegram.calls_of("sendMessage")] == [
        till.other_admin.telegram_id
    ]


async def test_no_notice_within_the_threshold_nor_for_a_refused_closing(
    bot_settings: Settings, database: Database, telegram: FakeTelegram, till: Till
) -> None:
    app, client = _app_client(bot_settings, database, till.cashier)
    async with client:
        refused = await _close(client, till.session, actual_amount=40)  # no comment: refused
        assert refused.status_code == 422
        within = await _close(client, till.session, actual_amount=48.5)
        assert within.status_code == 200
    await app.state.notifier.drain(max_wait=5)
    assert telegram.calls_of("sendMessage") == []


@pytest.mark.parametrize("outage", ["hanging", "unreachable", "error"])
async def test_telegram_down_never_delays_nor_fails_the_closing(
    bot_settings: Settings,
    database: Database,
    telegram: FakeTelegram,
    till: Till,
    outage: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A request that waited for the notification would last at least its 3-second timeout.
    settings = bot_settings.model_copy(update={"telegram_notify_timeout_seconds": 3.0})
    if outage == "hanging":
        telegram.hang("sendMessage", 30)
    elif outage == "error":
        telegram.fail("sendMessage", 502)
    else:
        settings = settings.model_copy(update={"telegram_api_url": UNREACHABLE_TELEGRAM})
    app, client = _app_client(settings, database, till.cashier)
    async with client:
        started = time.perf_counter()
        response = await _close(client, till.session, actual_amount=45, variance_comment="Erreur")
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    assert elapsed < 2.0
    async with database.unit_of_work(write=False) as session:
        closed = await session.get(CashSession, till.session.id)
        assert closed is not None
        assert closed.status == SessionStatus.CLOSED
    if outage == "hanging":
        await app.state.notifier.aclose(max_wait=0)  # still waiting: dropped at shutdown
    else:
        await app.state.notifier.drain(max_wait=5)
        assert "Telegram notification to chat" in caplog.text


async def test_a_widget_login_of_a_stranger_asks_the_admins(
    bot_settings: Settings, database: Database, telegram: FakeTelegram, till: Till
) -> None:
    app, client = _app_client(bot_settings, database)
    async with client:
        response = await client.post("/api/v1/auth/telegram", json=widget_payload(888_001))
    assert response.status_code == 202
    await app.state.notifier.drain(max_wait=5)
    calls = telegram.calls_of("sendMessage")
    assert {int(c.params["chat_id"]) for c in calls} == {
        till.admin.telegram_id,
        till.other_admin.telegram_id,
    }
    keyboard = calls[0].params["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in keyboard[0]] == ["✅ Approuver", "❌ Refuser"]


async def test_an_approval_in_the_web_app_tells_the_applicant(
    bot_settings: Settings, database: Database, telegram: FakeTelegram, till: Till, factory: Factory
) -> None:
    applicant = await factory.user(till.site, status=UserStatus.PENDING, full_name="Nina")
    app, client = _app_client(bot_settings, database, till.admin)
    async with client:
        response = await client.patch(f"/api/v1/users/{applicant.id}", json={"status": "approved"})
        renamed = await client.patch(f"/api/v1/users/{applicant.id}", json={"full_name": "Nina B"})
    assert (response.status_code, renamed.status_code) == (200, 200)
    await app.state.notifier.drain(max_wait=5)
    [call] = telegram.calls_of("sendMessage")  # the rename tells nothing
    assert int(call.params["chat_id"]) == applicant.telegram_id
    assert call.params["text"].startswith("🎉 Votre inscription est validée")


def test_the_bot_reads_the_buttons_the_service_writes() -> None:
    user_id = "5f0c5b0e-8a55-4a55-9d8c-3e4f0a1b2c3d"
    for decision in ("approve", "reject"):
        data = decision_callback(decision, uuid.UUID(user_id))  # type: ignore[arg-type]
        parsed = RegistrationDecision.unpack(data)
        assert (parsed.decision, str(parsed.user_id)) == (decision, user_id)
        assert parsed.pack() == data


def test_a_notification_travels_as_plain_data() -> None:
    notification = Notification(42, "Bonjour", ((Button("✅", "reg:approve:ab"),),))
    assert Notification.from_dict(notification.to_dict()) == notification


async def test_send_notification_raises_on_a_refusal(
    bot_settings: Settings, telegram: FakeTelegram
) -> None:
    await send_notification(bot_settings, Notification(42, "Bonjour"))
    assert telegram.calls_of("sendMessage")[0].params == {"chat_id": 42, "text": "Bonjour"}
    wrong = bot_settings.model_copy(update={"telegram_bot_token": SecretStr("1:wrong")})
    with pytest.raises(NotificationFailed, match="HTTP 401"):
        await send_notification(wrong, Notification(42, "Bonjour"))


async def test_the_notification_job_sends_through_the_same_sender(
    bot_settings: Settings, telegram: FakeTelegram
) -> None:
    from recyclic.jobs.context import load_notification_sender

    send = load_notification_sender(bot_settings)
    await send(42, "⚠️ Synchronisation incomplète", [[{"text": "Voir", "callback_data": "x:1"}]])
    [call] = telegram.calls_of("sendMessage")
    assert int(call.params["chat_id"]) == 42
    assert call.params["text"] == "⚠️ Synchronisation incomplète"
