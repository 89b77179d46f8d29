"""/connexion, /aide, /stats, who may do what, deep links, and the admins' decisions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from recyclic.core.database import Database
from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role, UserStatus
from tests.bot.conftest import MakeBot, Shop
from tests.bot.helpers import deposits_of, user_by_telegram_id
from tests.factories import Factory
from tests.support.bot import BotHarness


async def test_login_code_works_once_at_the_api(
    make_bot: MakeBot, shop: Shop, database: Database
) -> None:
    bot = await make_bot()
    victor = bot.user(shop.volunteer)
    await victor.send("/connexion")
    message = victor.last.text
    assert message.startswith("🔑 Votre code de connexion : ")
    assert "valable 5 minutes, une seule fois" in message
    match = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4})", message)
    assert match is not None
    assert bot.client is not None
    first = await bot.client.post("/api/v1/auth/code", json={"code": match.group(1)})
    assert first.status_code == 200, first.text
    assert first.json()["user"]["id"] == str(shop.volunteer.id)
    again = await bot.client.post("/api/v1/auth/code", json={"code": match.group(1)})
    assert again.status_code == 401

    # The menu's 🔑 button gives a fresh code.
    await victor.send("/start")
    await victor.press("🔑 Connexion web")
    assert victor.last.text.startswith("🔑 Votre code de connexion : ")
    assert victor.last.text != message


async def test_help_depends_on_who_asks(bot: BotHarness, shop: Shop) -> None:
    stranger = bot.user(555_010, "Zoé")
    await stranger.send("/aide")
    assert "/start — vous inscrire" in stranger.last.text
    assert "/depot" not in stranger.last.text

    victor = bot.user(shop.volunteer)
    await victor.send("/aide")
    assert "/depot — enregistrer un dépôt" in victor.last.text
    assert "/stats" not in victor.last.text

    admin = bot.user(shop.admin)
    await admin.send("/start")
    await admin.press("❓ Aide")
    assert "/stats — les dépôts et les ventes du jour" in admin.last.text


async def test_stats_for_admins_only(
    make_bot: MakeBot, shop: Shop, factory: Factory, database: Database
) -> None:
    bot = await make_bot()
    await factory.deposit(shop.site, shop.volunteer, status=DepositStatus.VALIDATED)
    await factory.deposit(
        shop.site, shop.volunteer, status=DepositStatus.VALIDATED, category="LIV", weight_g=2_250
    )
    await factory.deposit(shop.site, shop.volunteer)  # a draft: not counted
    yesterday = datetime.now(UTC) - timedelta(hours=30)
    await factory.deposit(  # another day in the site's time zone: not counted
        shop.site, shop.volunteer, status=DepositStatus.VALIDATED, created_at=yesterday
    )
    register = await factory.register(shop.site)
    till = await factory.open_session(register, shop.volunteer)
    await factory.sale(till, shop.volunteer)  # 12 €

    victor = bot.user(shop.volunteer)
    await victor.send("/stats")
    assert victor.last.text == "🔒 Cette commande est réservée aux administrateurs."

    admin = bot.user(shop.admin)
    await admin.send("/stats")
    lines = admin.last.text.splitlines()
    assert lines[0].startswith("📊 Ressourcerie du Port — ")
    assert lines[1:] == [
        "📦 Dépôts validés : 2 · 9,75 kg",
        "  • LIV Livres et médias : 1 · 2,25 kg",
        "  • MOB Mobilier et literie : 1 · 7,5 kg",
        "💶 Ventes : 1 ticket · 12,00 €",
    ]
    await admin.send("/start")
    await admin.press("📊 Stats du jour")
    assert admin.last.text.splitlines()[1] == "📦 Dépôts validés : 2 · 9,75 kg"


async def test_who_may_use_what(bot: BotHarness, shop: Shop, factory: Factory) -> None:
    stranger = bot.user(555_020, "Zoé")
    await stranger.send("/depot")
    assert stranger.last.text == (
        "👋 Je ne vous connais pas encore : tapez /start pour vous inscrire."
    )
    await stranger.send("bonjour")
    assert stranger.last.text.startswith("👋 Je ne vous connais pas encore")

    pending = await factory.user(shop.site, status=UserStatus.PENDING)
    waiting = bot.user(pending)
    await waiting.send("/depot")
    assert waiting.last.text.startswith("⏳ Votre inscription attend la validation")
    await waiting.send("/start")
    assert waiting.last.text.startswith("⏳ Votre inscription attend la validation")

    rejected = await factory.user(shop.site, status=UserStatus.REJECTED)
    refused = bot.user(rejected)
    await refused.send("/start")
    assert refused.last.text.startswith("🚫 Votre inscription n'a pas été acceptée")

    viewer = await factory.user(shop.site, role=Role.VIEWER)
    reader = bot.user(viewer)
    await reader.send("/depot")
    assert reader.last.text == "🔒 Votre rôle (lecture seule) ne permet pas d'enregistrer de dépôt."
    await reader.send("/start")
    assert reader.last.button_texts() == ["🔑 Connexion web", "❓ Aide"]


async def test_deep_link_names_the_site_on_a_multi_site_installation(
    make_bot: MakeBot, shop: Shop, factory: Factory, database: Database
) -> None:
    other = await factory.site(name="Ressourcerie des Collines", slug="collines")
    other_admin = await factory.user(other, role=Role.ADMIN, full_name="Olga Admin")
    bot = await make_bot("polling")
    port_admin, hills_admin = bot.user(shop.admin), bot.user(other_admin)

    zoe = bot.user(555_030, "Zoé")
    await zoe.send("/start")  # two sites, no link: no site yet
    assert "ouvrez le lien d'inscription" in zoe.last.text
    registered = await user_by_telegram_id(database, 555_030)
    assert registered is not None
    assert registered.site_id is None
    assert port_admin.inbox == []
    assert hills_admin.inbox == []

    await zoe.send("/start site_collines")
    assert "transmise aux responsables de Ressourcerie des Collines" in zoe.last.text
    registered = await user_by_telegram_id(database, 555_030)
    assert registered is not None
    assert registered.site_id == other.id
    assert port_admin.inbox == []
    assert hills_admin.last.text.startswith("🆕 Nouvelle inscription : Zoé")

    await zoe.send("/start site_collines")  # asked again: still pending, no second notice
    assert zoe.last.text.startswith("⏳")
    assert len(hills_admin.inbox) == 1


async def test_rejection_and_a_second_admin_too_late(
    bot: BotHarness, shop: Shop, factory: Factory, database: Database
) -> None:
    second = await factory.user(shop.site, role=Role.ADMIN, full_name="Sam Admin")
    first_admin, second_admin = bot.user(shop.admin), bot.user(second)
    max_ = bot.user(555_040, "Max")
    await max_.send("/start")
    assert len(first_admin.inbox) == len(second_admin.inbox) == 1

    await first_admin.press("❌ Refuser")
    assert first_admin.last.text == "❌ Inscription de Max refusée."
    assert max_.last.text.startswith("Votre demande d'inscription n'a pas été acceptée")
    applicant = await user_by_telegram_id(database, 555_040)
    assert applicant is not None
    assert applicant.status == UserStatus.REJECTED

    await second_admin.press("✅ Approuver")
    assert second_admin.last.text == "ℹ️ L'inscription de Max a déjà été refusée."
    applicant = await user_by_telegram_id(database, 555_040)
    assert applicant is not None
    assert applicant.status == UserStatus.REJECTED

    await max_.send("/depot")
    assert max_.last.text.startswith("🚫 Votre inscription n'a pas été acceptée")


async def test_only_admins_decide(
    make_bot: MakeBot, shop: Shop, factory: Factory, database: Database
) -> None:
    bot = await make_bot()
    admin = bot.user(shop.admin)
    applicant = bot.user(555_050, "Noé")
    await applicant.send("/start")
    data = admin.last.button("✅ Approuver")["callback_data"]

    victor = bot.user(shop.volunteer)
    await victor.send("/aide")
    await victor.press_data(data)
    assert victor.last.text == "🔒 Cette commande est réservée aux administrateurs."
    # An admin of another site sees no such user.
    other = await factory.site()
    stranger_admin = bot.user(await factory.user(other, role=Role.ADMIN))
    await stranger_admin.send("/aide")
    await stranger_admin.press_data(data)
    assert "ℹ️ Cette demande d'inscription n'existe plus." in stranger_admin.toasts()
    pending = await user_by_telegram_id(database, 555_050)
    assert pending is not None
    assert pending.status == UserStatus.PENDING


@pytest.mark.parametrize("text", ["/depot", "deux chaises"])
async def test_group_chats_are_ignored(
    make_bot: MakeBot, shop: Shop, database: Database, text: str
) -> None:
    bot = await make_bot()
    victor = bot.user(shop.volunteer)
    update = {
        "update_id": bot.telegram.next_update_id(),
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": -100123, "type": "group", "title": "Bénévoles"},
            "from": victor._sender(),
            "text": text,
        },
    }
    await bot.deliver(update)
    assert bot.telegram.calls_of("sendMessage") == []
    assert await deposits_of(database, shop.volunteer) == []
