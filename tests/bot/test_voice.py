"""Voice notes: fetched with getFile from the configured Bot API server, checked and stored like
API uploads, transcribed by Gemini (the fake one); without a key, kept and a description asked."""

from __future__ import annotations

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.deposit import AIProvider, DepositStatus
from recyclic.utils.audio import resolve_audio_path
from tests.bot.conftest import MakeBot, Shop
from tests.bot.helpers import deposits_of
from tests.fakes.gemini_server import FakeGeminiServer, answer, text
from tests.fakes.telegram_api import FakeTelegram
from tests.support.audio_files import ogg_opus_bytes, wav_bytes
from tests.support.bot import BotHarness

SPOKEN = "deux chaises en bois, environ neuf kilos"
CHAIRS = {
    "category": "MOB",
    "confidence": 88,
    "alternatives": [{"category": "DIV", "confidence": 6}],
    "quantity": 2,
    "weight_kg": 9,
}


async def test_voice_note_transcribed_classified_and_validated(
    make_bot: MakeBot,
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    telegram: FakeTelegram,
    shop: Shop,
    database: Database,
) -> None:
    settings = gemini_settings.model_copy(update={"telegram_api_url": telegram.base_url})
    bot = await make_bot("polling", settings=settings)
    victor = bot.user(shop.volunteer)
    recording = ogg_opus_bytes(2.0)
    gemini_server.script(text(SPOKEN), answer(CHAIRS))

    await victor.send("/depot")
    await victor.voice(recording)

    assert victor.last.text == f"📦 MOB Mobilier et literie (88 %) · 9 kg · 2\n🎙️ « {SPOKEN} »"
    [get_file] = telegram.calls_of("getFile")
    assert get_file.params["file_id"].startswith("voice")
    transcription = gemini_server.requests[0]
    assert [(part.mime_type, part.data) for part in transcription.inline] == [
        ("audio/ogg", recording)
    ]
    assert telegram.calls_of("sendChatAction")  # "typing…" while it works

    await victor.press("✅ Valider")
    assert victor.last.text == "✅ Dépôt enregistré : MOB Mobilier et literie · 9 kg · 2"
    [deposit] = await deposits_of(database, shop.volunteer)
    assert deposit.status == DepositStatus.VALIDATED
    assert deposit.transcription == deposit.description == SPOKEN
    assert deposit.ai_provider == AIProvider.GEMINI
    assert deposit.audio_file_path is not None
    stored = resolve_audio_path(deposit.audio_file_path, data_dir=settings.data_dir)
    assert stored.read_bytes() == recording


async def test_without_a_key_the_recording_is_kept_and_words_are_asked(
    bot: BotHarness, shop: Shop, database: Database
) -> None:
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.voice(ogg_opus_bytes(1.5))

    assert victor.last.text.startswith("🎙️ J'ai bien reçu votre message vocal (il est conservé)")
    [draft] = await deposits_of(database, shop.volunteer)
    assert (draft.status, draft.transcription) == (DepositStatus.DRAFT, None)
    assert draft.audio_file_path is not None

    await victor.send("un grille-pain, 2 kg")
    assert victor.last.text == "📦 EEE-5 Petits équipements électriques (89 %) · 2 kg · 1"
    await victor.press("✅ Valider")
    [deposit] = await deposits_of(database, shop.volunteer)
    assert deposit.id == draft.id  # the same deposit, with its recording
    assert deposit.status == DepositStatus.VALIDATED
    assert deposit.audio_file_path == draft.audio_file_path


async def test_an_audio_file_is_accepted_too(
    make_bot: MakeBot, shop: Shop, database: Database
) -> None:
    bot = await make_bot()
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    await victor.voice(wav_bytes(1.0), audio=True)
    assert victor.last.text.startswith("🎙️ J'ai bien reçu votre message vocal")
    [draft] = await deposits_of(database, shop.volunteer)
    assert draft.audio_file_path is not None
    assert draft.audio_file_path.endswith(".wav")


async def test_a_corrupt_or_oversized_recording_is_refused_and_nothing_stored(
    make_bot: MakeBot, settings: Settings, telegram: FakeTelegram, shop: Shop, database: Database
) -> None:
    small = settings.model_copy(
        update={"telegram_api_url": telegram.base_url, "audio_max_bytes": 50_000}
    )
    bot = await make_bot(settings=small)
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")

    await victor.voice(b"OggS" + b"\x00" * 500)
    assert victor.last.text.startswith("⚠️ "), victor.last.text
    assert "illisible" in victor.last.text or "endommagé" in victor.last.text

    await victor.voice(ogg_opus_bytes(20.0) * 2)
    assert victor.last.text.startswith("⚠️ ")
    assert "trop volumineux" in victor.last.text

    assert await deposits_of(database, shop.volunteer) == []
    assert not (small.data_dir / "audio").exists() or not any(
        p.is_file() for p in (small.data_dir / "audio").rglob("*")
    )
    # Still describing: a typed description works.
    await victor.send("un sèche-cheveux")
    assert victor.last.text.startswith("📦 EEE-5 ")


async def test_telegram_failing_the_download_is_explained(
    make_bot: MakeBot, telegram: FakeTelegram, shop: Shop, database: Database
) -> None:
    bot = await make_bot()
    victor = bot.user(shop.volunteer)
    await victor.send("/depot")
    telegram.fail("getFile", 502)
    await victor.voice(ogg_opus_bytes(1.0))
    assert victor.last.text.startswith("⚠️ Je n'ai pas pu récupérer le message vocal")
    assert await deposits_of(database, shop.volunteer) == []
