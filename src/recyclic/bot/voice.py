"""Fetching a voice note from Telegram (`getFile`, then the configured server's file URL).

The bytes are read with the same bounded reader as API uploads (`utils.audio.read_limited`);
validation, storage and transcription then happen in `DepositService.classify_audio`, exactly
as for `POST /deposits/{id}/classify`.
"""

from __future__ import annotations

from contextlib import aclosing

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Audio, Voice

from recyclic.core.exceptions import ServiceUnavailable
from recyclic.utils.audio import AudioTooLarge, read_limited

DOWNLOAD_TIMEOUT_SECONDS = 30


class VoiceUnavailable(ServiceUnavailable):
    code = "voice_download_failed"
    message = (
        "Je n'ai pas pu récupérer le message vocal : réessayez, ou décrivez l'objet par écrit."
    )


async def download_voice(bot: Bot, media: Voice | Audio, *, max_bytes: int) -> bytes:
    """The recording's bytes; refused as soon as it exceeds `max_bytes`."""
    if media.file_size is not None and media.file_size > max_bytes:
        raise AudioTooLarge.for_limit(max_bytes)
    try:
        file = await bot.get_file(media.file_id)
        if not file.file_path:
            raise VoiceUnavailable()
        if file.file_size is not None and file.file_size > max_bytes:
            raise AudioTooLarge.for_limit(max_bytes)
        url = bot.session.api.file_url(bot.token, file.file_path)
        chunks = bot.session.stream_content(url, timeout=DOWNLOAD_TIMEOUT_SECONDS)
        async with aclosing(chunks):
            return await read_limited(chunks, max_bytes=max_bytes)
    except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as exc:
        raise VoiceUnavailable() from exc
