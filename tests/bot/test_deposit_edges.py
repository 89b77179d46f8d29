"""Unexpected input at every step, expiry, and things that changed meanwhile: always a helpful
French answer, never a crash, nothing half-saved."""

from __future__ import annotations

import pytest

from recyclic.core.database import Database
from recyclic.models.deposit import DepositStatus
from recyclic.models.user import User
from recyclic.schemas.deposit import DepositUpdate
from recyclic.services.deposits.deposits import DepositService
from tests.bot.conftest import MakeBot, Shop
from tests.bot.helpers import deposits_of
from tests.support.bot import BotHarness, Clock


async def test_the_conversation_expires_after_ten_minutes_of_silence(
    make_bot: MakeBot, shop: Shop, database: Database, clock: Clock
) -> None:
    bot = await make_bot()
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un grille-pain, 2 kg")
    clock.advance(minutes=9)
    await victor.press("✏️ Corriger")  # 9 minutes: still there, and the clock restarts
    await victor.press("↩️ Retour")
    clock.advance(minutes=10, seconds=1)

    await victor.press("✅ Valider")

    assert victor.last.text.startswith("⌛ La conversation a expiré après 10 min sans réponse")
    [deposit] = await deposits_of(database, shop.volunteer)
    assert deposit.status == DepositStatus.CANCELLED  # never validated

    # Later words start nothing by themselves.
    await victor.send("douze kilos")
    assert victor.last.text.startswith("🤔 Je n'ai pas compris. Tapez /depot")
    assert len(await deposits_of(database, shop.volunteer)) == 1


async def test_a_description_after_expiry_creates_nothing(
    make_bot: MakeBot, shop: Shop, database: Database, clock: Clock
) -> None:
    bot = await make_bot("polling")
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    clock.advance(minutes=11)
    await victor.send("deux chaises")
    assert victor.last.text.startswith("⌛ La conversation a expiré")
    assert await deposits_of(database, shop.volunteer) == []
    # A command after expiry still works, after the notice.
    await victor.send("/depot")
    assert victor.last.text.startswith("📦 Nouveau dépôt")


async def test_stickers_photos_and_garbage_get_hints_at_every_step(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.sticker()
    assert victor.last.text.startswith("🤔 Je n'ai pas compris. Tapez /depot")
    await victor.send("/inconnue")
    assert victor.last.text == "🤔 Je ne connais pas cette commande. Tapez /aide pour la liste."

    await victor.send("/depot")
    await victor.photo()
    assert victor.last.text.startswith("📦 J'attends un message vocal")
    await victor.sticker()
    assert victor.last.text.startswith("📦 J'attends un message vocal")

    await victor.send("des livres")
    await victor.send("oui")  # typed instead of pressing a button
    assert victor.last.text.startswith("👆 Utilisez les boutons ✅ Valider")
    await victor.sticker()
    assert victor.last.text.startswith("👆 Utilisez les boutons")

    await victor.press("✅ Valider")
    for wrong in ("beaucoup", "-3", "0", "20000 kg"):
        await victor.send(wrong)
        assert victor.last.text.startswith("🤔 Je n'ai pas compris le poids"), wrong
    await victor.photo()
    assert victor.last.text.startswith("⚖️ J'attends le poids en kg")
    await victor.send("4 kg")
    for wrong in ("plein", "2,5", "-1"):
        await victor.send(wrong)
        assert victor.last.text.startswith("🤔 Je n'ai pas compris la quantité"), wrong
    await victor.sticker()
    assert victor.last.text.startswith("🔢 J'attends le nombre d'objets")
    await victor.send("deux")
    assert victor.last.text == "✅ Dépôt enregistré : LIV Livres et médias · 4 kg · 2"
    [deposit] = await deposits_of(database, shop.volunteer)
    assert (deposit.status, deposit.weight_g, deposit.quantity) == (
        DepositStatus.VALIDATED,
        4_000,
        2,
    )


async def test_forged_and_unknown_buttons_are_answered_kindly(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un sèche-cheveux")
    proposal = victor.last
    for data in ("dep:ok:pas-un-uuid:1", "dep:explode:00000000000000000000000000000000:1", "xyz"):
        await victor.press_data(data, on=proposal)
    assert victor.toasts() == ["⌛ Ce bouton n'est plus valide."] * 3
    # A category that does not exist, with the right deposit and revision.
    valid = proposal.button("✏️ Corriger")["callback_data"]
    _, _, deposit_hex, rev = valid.split(":")
    await victor.press("✏️ Corriger")
    await victor.press_data(f"cat:{deposit_hex}:{rev}:NOPE", on=proposal)
    assert victor.last.text == "⚠️ Catégorie inconnue ou désactivée : « NOPE »."
    [deposit] = await deposits_of(database, shop.volunteer)
    assert (deposit.status, deposit.category) == (DepositStatus.CLASSIFIED, "EEE-5")
    # The conversation goes on where it was.
    await victor.press("EEE-6 · Petits équipements informatiques et télécoms", on=proposal)
    assert proposal.text.startswith("📦 EEE-6 ")


async def test_a_user_deactivated_meanwhile_is_stopped(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await _set_active(database, shop.volunteer, False)
    await victor.send("deux chaises")
    assert victor.last.text.startswith("🚫 Votre compte est désactivé")
    assert await deposits_of(database, shop.volunteer) == []
    # Reactivated: the old conversation is gone.
    await _set_active(database, shop.volunteer, True)
    await victor.send("deux chaises")
    assert victor.last.text.startswith("🤔 Je n'ai pas compris. Tapez /depot")


async def test_a_deposit_cancelled_or_validated_meanwhile(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un grille-pain, 2 kg")
    [deposit] = await deposits_of(database, shop.volunteer)
    async with database.unit_of_work() as session:
        await DepositService(session, settings=bot.runtime.settings).update(
            shop.admin, deposit.id, DepositUpdate(status="cancelled")
        )
    await victor.press("✅ Valider")
    assert victor.last.text.startswith("ℹ️ Ce dépôt a déjà été annulé entre-temps.")
    assert victor.last.buttons == []
    [deposit] = await deposits_of(database, shop.volunteer)
    assert deposit.status == DepositStatus.CANCELLED


async def test_an_unexpected_failure_apologises_and_keeps_nothing(
    bot: BotHarness, shop: Shop, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un grille-pain, 2 kg")
    proposal = victor.last
    original = DepositService.validate

    async def validate_then_fail(self: DepositService, *args: object, **kwargs: object) -> object:
        await original(self, *args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(DepositService, "validate", validate_then_fail)
    await victor.press("✅ Valider")
    assert victor.last.text.startswith("😕 Oups, un problème technique")
    [deposit] = await deposits_of(database, shop.volunteer)
    assert deposit.status == DepositStatus.CLASSIFIED  # rolled back

    monkeypatch.setattr(DepositService, "validate", original)
    await victor.press("✅ Valider", on=proposal)  # the proposal is still live: try again
    assert proposal.text.startswith("✅ Dépôt enregistré")
    [deposit] = await deposits_of(database, shop.volunteer)
    assert deposit.status == DepositStatus.VALIDATED


async def _set_active(database: Database, user: User, active: bool) -> None:
    async with database.unit_of_work() as session:
        row = await session.get(User, user.id)
        assert row is not None
        row.is_active = active
