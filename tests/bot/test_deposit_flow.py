"""/depot as a volunteer lives it: describe, check the proposal, validate, correct, cancel,
chain deposits — in polling and in webhook mode."""

from __future__ import annotations

from recyclic.core.database import Database
from recyclic.models.deposit import DepositStatus
from tests.bot.conftest import Shop
from tests.bot.helpers import deposits_of
from tests.factories import Factory
from tests.support.bot import BotHarness


async def test_text_deposit_with_the_weight_asked_and_given_in_words(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)

    await victor.send("/depot")
    assert victor.last.text.startswith("📦 Nouveau dépôt : envoyez un message vocal")

    await victor.send("deux chaises en bois")
    proposal = victor.last
    assert proposal.text == "📦 MOB Mobilier et literie (89 %) · poids ? · 2"
    assert proposal.button_texts() == ["✅ Valider", "✏️ Corriger", "❌ Annuler"]
    [draft] = await deposits_of(database, shop.volunteer)
    assert (draft.status, draft.category, draft.quantity) == (DepositStatus.CLASSIFIED, "MOB", 2)

    await victor.press("✅ Valider")
    assert proposal.buttons == []  # the proposal can no longer be pressed
    assert victor.last.text.startswith("⚖️ Quel est le poids total du dépôt, en kg ?")

    await victor.send("douze kilos")
    saved = victor.last
    assert saved.text == "✅ Dépôt enregistré : MOB Mobilier et literie · 12 kg · 2"
    assert saved.button_texts() == ["➕ Un autre dépôt"]

    [deposit] = await deposits_of(database, shop.volunteer)
    assert deposit.status == DepositStatus.VALIDATED
    assert (deposit.category, deposit.weight_g, deposit.quantity) == ("MOB", 12_000, 2)
    assert deposit.human_validated
    assert deposit.validated_by == shop.volunteer.id
    assert deposit.ai_first_choice_kept is True
    assert deposit.description == "deux chaises en bois"


async def test_valider_saves_at_once_and_another_deposit_follows(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un grille-pain, 2 kg")
    assert victor.last.text == "📦 EEE-5 Petits équipements électriques (89 %) · 2 kg · 1"

    await victor.press("✅ Valider")
    assert victor.last.text == (
        "✅ Dépôt enregistré : EEE-5 Petits équipements électriques · 2 kg · 1"
    )

    await victor.press("➕ Un autre dépôt")
    assert victor.last.text.startswith("📦 Nouveau dépôt")
    await victor.send("un canapé trois places, 35 kg")
    await victor.press("✅ Valider")
    assert victor.last.text == "✅ Dépôt enregistré : MOB Mobilier et literie · 35 kg · 1"

    deposits = await deposits_of(database, shop.volunteer)
    assert [(d.status, d.category, d.weight_g) for d in deposits] == [
        (DepositStatus.VALIDATED, "EEE-5", 2_000),
        (DepositStatus.VALIDATED, "MOB", 35_000),
    ]


async def test_missing_quantity_is_asked_and_understood(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("des livres, 5 kilos")
    assert victor.last.text == "📦 LIV Livres et médias (87 %) · 5 kg · quantité ?"
    await victor.press("✅ Valider")
    assert victor.last.text.startswith("🔢 Combien d'objets")
    await victor.send("une dizaine")
    assert victor.last.text == "✅ Dépôt enregistré : LIV Livres et médias · 5 kg · 10"
    [deposit] = await deposits_of(database, shop.volunteer)
    assert (deposit.status, deposit.quantity) == (DepositStatus.VALIDATED, 10)


async def test_weight_then_quantity_both_asked(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("des livres")
    await victor.press("✅ Valider")
    await victor.send("12,5")
    assert victor.last.text.startswith("🔢 Combien d'objets")
    [pending] = await deposits_of(database, shop.volunteer)
    assert pending.weight_g is None  # nothing is written before the last answer
    await victor.send("3")
    assert victor.last.text == "✅ Dépôt enregistré : LIV Livres et médias · 12,5 kg · 3"
    [deposit] = await deposits_of(database, shop.volunteer)
    assert (deposit.status, deposit.weight_g, deposit.quantity) == (
        DepositStatus.VALIDATED,
        12_500,
        3,
    )


async def test_correction_through_the_category_buttons(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("une lampe de bureau, 3 kg")
    proposal = victor.last
    assert proposal.text.startswith("📦 EEE-5 ")

    await victor.press("✏️ Corriger")
    assert proposal.text.endswith("✏️ Choisissez la bonne catégorie :")
    assert proposal.button_texts()[:3] == [
        "EEE-1 · Équipements d'échange thermique (froid)",
        "EEE-2 · Écrans et équipements à écran",
        "EEE-3 · Lampes",
    ]
    assert proposal.button_texts()[-1] == "↩️ Retour"

    await victor.press("↩️ Retour")
    assert proposal.button_texts() == ["✅ Valider", "✏️ Corriger", "❌ Annuler"]
    await victor.press("✏️ Corriger")
    await victor.press("EEE-3 · Lampes")
    # The same message now shows the person's choice (no AI confidence any more).
    assert proposal.text == "📦 EEE-3 Lampes · 3 kg · 1"
    await victor.press("✅ Valider")
    assert proposal.text == "✅ Dépôt enregistré : EEE-3 Lampes · 3 kg · 1"

    [deposit] = await deposits_of(database, shop.volunteer)
    assert (deposit.status, deposit.category, deposit.ai_category) == (
        DepositStatus.VALIDATED,
        "EEE-3",
        "EEE-5",
    )
    assert deposit.ai_first_choice_kept is False


async def test_cancel_button_and_cancel_command(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un vieux frigo, environ 40 kilos")
    await victor.press("❌ Annuler")
    assert victor.last.text == "❌ Dépôt annulé : rien n'a été enregistré."
    assert victor.last.button_texts() == ["➕ Un autre dépôt"]

    await victor.press("➕ Un autre dépôt")
    await victor.send("des livres")
    await victor.press("✅ Valider")  # asks for the weight
    await victor.send("/annuler")
    assert victor.last.text == "❌ Dépôt annulé : rien n'a été enregistré."
    await victor.send("/annuler")
    assert victor.last.text.startswith("Rien à annuler")

    deposits = await deposits_of(database, shop.volunteer)
    assert [d.status for d in deposits] == [DepositStatus.CANCELLED, DepositStatus.CANCELLED]


async def test_a_new_depot_abandons_the_unfinished_one(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un sèche-cheveux")
    first_proposal = victor.last
    await victor.send("/depot")
    await victor.send("un grille-pain, 2 kg")
    await victor.press("✅ Valider", on=first_proposal)  # an outdated proposal
    assert "⌛ Ce bouton n'est plus valide." in victor.toasts()
    assert first_proposal.buttons == []
    deposits = await deposits_of(database, shop.volunteer)
    assert [d.status for d in deposits] == [DepositStatus.CANCELLED, DepositStatus.CLASSIFIED]


async def test_pressing_valider_twice_saves_once(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un grille-pain, 2 kg")
    proposal = victor.last
    stale = dict(proposal.button("✅ Valider"))
    await victor.press("✅ Valider")
    await victor.press_data(stale["callback_data"], on=proposal)
    assert "⌛ Ce bouton n'est plus valide." in victor.toasts()
    [deposit] = await deposits_of(database, shop.volunteer)
    assert deposit.status == DepositStatus.VALIDATED
    assert proposal.text.startswith("✅ Dépôt enregistré")


async def test_the_proposal_uses_what_the_shop_validated_before(
    bot: BotHarness, shop: Shop, database: Database, factory: Factory
) -> None:
    for description in ("un toupin", "un vieux toupin"):
        await factory.deposit(
            shop.site,
            shop.admin,
            status=DepositStatus.VALIDATED,
            description=description,
            category="VAI",
        )
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.send("un toupin en fonte, 3 kg")
    assert victor.last.text.startswith("📦 VAI ")
    [draft] = await deposits_of(database, shop.volunteer)
    assert (draft.category, draft.ai_category) == ("VAI", "VAI")
