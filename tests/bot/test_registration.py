"""/start: registration, the admins' ✅/❌ buttons, and the applicant told the outcome."""

from __future__ import annotations

from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.user import User, UserStatus
from tests.bot.conftest import Shop
from tests.support.bot import BotHarness


async def _user(database: Database, telegram_id: int) -> User | None:
    async with database.unit_of_work(write=False) as session:
        return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def test_registration_approved_by_an_admin(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    jeanne = bot.user(555_001, "Jeanne", last_name="Lefèvre", username="jeanne_l")
    admin = bot.user(shop.admin)

    await jeanne.send("/start")

    assert "transmise aux responsables de Ressourcerie du Port" in jeanne.last.text
    registered = await _user(database, 555_001)
    assert registered is not None
    assert (registered.status, registered.site_id) == (UserStatus.PENDING, shop.site.id)
    notice = admin.last
    assert notice.text == (
        "🆕 Nouvelle inscription : Jeanne Lefèvre (@jeanne_l) souhaite rejoindre "
        "Ressourcerie du Port."
    )
    assert notice.button_texts() == ["✅ Approuver", "❌ Refuser"]

    await admin.press("✅ Approuver")

    assert admin.last.text == "✅ Inscription de Jeanne Lefèvre approuvée."
    assert admin.last.buttons == []
    assert jeanne.last.text.startswith("🎉 Votre inscription est validée")
    approved = await _user(database, 555_001)
    assert approved is not None
    assert approved.status == UserStatus.APPROVED

    # Approved: /start now shows the menu.
    await jeanne.send("/start")
    assert jeanne.last.text == "👋 Bonjour Jeanne Lefèvre ! Que voulez-vous faire ?"
    assert "📦 Nouveau dépôt" in jeanne.last.button_texts()
