"""Recordings are judged by decoding their content: formats, limits, storage, deletion."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import mutagen
import pytest

from recyclic.utils.audio import (
    AudioRejected,
    delete_audio,
    probe_audio,
    read_limited,
    resolve_audio_path,
    store_audio,
    transcode_for_speech,
    validate_audio,
)
from tests.support.audio_files import (
    flac_bytes,
    jpeg_bytes,
    m4a_bytes,
    mp3_bytes,
    ogg_opus_bytes,
    ogg_vorbis_bytes,
    silent_video_mp4_bytes,
    wav_bytes,
    webm_bytes,
)

MiB = 1024 * 1024

ACCEPTED: dict[str, tuple[Callable[[], bytes], str, str, str]] = {
    # name: (generator, format, extension, MIME)
    "telegram voice (ogg/opus)": (lambda: ogg_opus_bytes(3.0), "ogg", ".ogg", "audio/ogg"),
    "ogg/vorbis": (lambda: ogg_vorbis_bytes(3.0), "ogg", ".ogg", "audio/ogg"),
    "mp3": (lambda: mp3_bytes(3.0), "mp3", ".mp3", "audio/mpeg"),
    "m4a/aac": (lambda: m4a_bytes(3.0), "m4a", ".m4a", "audio/mp4"),
    "m4a/alac": (lambda: m4a_bytes(3.0, codec="alac"), "m4a", ".m4a", "audio/mp4"),
    "wav": (lambda: wav_bytes(3.0), "wav", ".wav", "audio/wav"),
    "webm/opus": (lambda: webm_bytes(3.0), "webm", ".webm", "audio/webm"),
    "webm without duration": (lambda: webm_bytes(3.0, live=True), "webm", ".webm", "audio/webm"),
}


async def _rejected(data: bytes, **limits: float) -> AudioRejected:
    with pytest.raises(AudioRejected) as caught:
        await validate_audio(data, **limits)  # type: ignore[arg-type]
    # Too large is 413 (Payload Too Large); every other refusal a 422.
    assert caught.value.status == (413 if caught.value.code == "audio_too_large" else 422)
    return caught.value


@pytest.mark.parametrize("name", list(ACCEPTED))
async def test_accepted_formats_are_recognised_by_content(name: str) -> None:
    make, fmt, extension, mime = ACCEPTED[name]
    data = make()

    info = await validate_audio(data)

    assert (info.format.name, info.extension, info.mime) == (fmt, extension, mime)
    assert info.duration_seconds == pytest.approx(3.0, abs=0.05)
    assert info.size_bytes == len(data)
    assert info.channels == 1
    tags = mutagen.File(io.BytesIO(data))  # an independent reader, where it knows the format
    if tags is not None:
        # mutagen counts whole MP3 frames, encoder padding included (~0.1 s at 16 kHz).
        assert info.duration_seconds == pytest.approx(tags.info.length, abs=0.15)


async def test_empty_file_is_refused() -> None:
    assert (await _rejected(b"")).code == "audio_empty"


async def test_renamed_text_file_is_refused() -> None:
    text = "Ceci n'est pas un enregistrement, juste un fichier renommé en .ogg\n" * 50
    error = await _rejected(text.encode())
    assert error.code == "audio_unreadable"
    assert "illisible" in error.message


async def test_renamed_jpeg_is_refused_as_not_audio() -> None:
    error = await _rejected(jpeg_bytes())
    assert error.code == "audio_unsupported"
    assert "n'est pas un enregistrement audio" in error.message


async def test_container_without_audio_track_is_refused() -> None:
    error = await _rejected(silent_video_mp4_bytes())
    assert error.code == "audio_unsupported"
    assert "aucune piste audio" in error.message


async def test_decodable_but_unlisted_format_is_refused() -> None:
    error = await _rejected(flac_bytes())
    assert error.code == "audio_unsupported"
    assert "OGG/Opus, MP3, M4A, WAV ou WebM" in error.message


@pytest.mark.parametrize(
    "make",
    [
        lambda: ogg_opus_bytes(181.0, silent=True),
        lambda: wav_bytes(181.0, rate=8_000, silent=True),
        # No duration in the container: only decoding can tell.
        lambda: webm_bytes(181.0, live=True, silent=True),
    ],
    ids=["ogg", "wav", "webm-without-duration"],
)
async def test_three_minutes_and_one_second_is_too_long(make: Callable[[], bytes]) -> None:
    data = make()
    error = await _rejected(data)
    assert error.code == "audio_too_long"
    assert "3 minutes" in error.message


async def test_exactly_three_minutes_is_accepted() -> None:
    info = await validate_audio(ogg_opus_bytes(180.0, silent=True))
    assert info.duration_seconds == pytest.approx(180.0, abs=0.05)


async def test_too_large_file_is_refused_before_decoding() -> None:
    data = wav_bytes(40.0, rate=8_000)  # ~640 kB of real audio
    error = await _rejected(data, max_bytes=500_000)
    assert error.code == "audio_too_large"
    # The default limit is 20 MiB: one byte more is refused without being decoded.
    oversized = wav_bytes(1.0) + bytes(20 * MiB)
    assert (await _rejected(oversized)).code == "audio_too_large"


@pytest.mark.parametrize(
    ("make", "cut"),
    [(lambda: mp3_bytes(6.0), 0.5), (lambda: m4a_bytes(6.0), 0.5), (lambda: webm_bytes(6.0), 0.4)],
    ids=["mp3", "m4a", "webm"],
)
async def test_truncated_file_is_refused(make: Callable[[], bytes], cut: float) -> None:
    data = make()
    error = await _rejected(data[: int(len(data) * cut)])
    assert error.code == "audio_unreadable"


async def test_corrupted_middle_is_refused() -> None:
    data = bytearray(mp3_bytes(6.0))
    start = len(data) // 3
    data[start : start + 2000] = bytes((b * 7 + 13) % 256 for b in data[start : start + 2000])
    assert (await _rejected(bytes(data))).code == "audio_unreadable"


async def _chunks(count: int, size: int, consumed: list[int]) -> AsyncIterator[bytes]:
    for _ in range(count):
        consumed.append(size)
        yield b"\0" * size


async def test_streamed_upload_stops_at_the_cap() -> None:
    consumed: list[int] = []
    with pytest.raises(AudioRejected) as caught:
        await read_limited(_chunks(100, MiB, consumed), max_bytes=20 * MiB)
    assert caught.value.code == "audio_too_large"
    assert sum(consumed) == 21 * MiB  # stopped at the first chunk past the cap


class _Upload:
    """Reads like FastAPI's UploadFile."""

    def __init__(self, data: bytes) -> None:
        self._stream = io.BytesIO(data)
        self.reads = 0

    async def read(self, size: int = -1) -> bytes:
        self.reads += 1
        return self._stream.read(size)


async def test_read_limited_accepts_a_reader_within_the_cap() -> None:
    data = ogg_opus_bytes(1.0)
    upload = _Upload(data)
    assert await read_limited(upload, max_bytes=len(data)) == data
    with pytest.raises(AudioRejected) as caught:
        await read_limited(_Upload(data), max_bytes=len(data) - 1)
    assert caught.value.code == "audio_too_large"
    with pytest.raises(AudioRejected) as empty:
        await read_limited(_Upload(b""))
    assert empty.value.code == "audio_empty"


async def test_store_audio_writes_atomically_under_site_and_month(tmp_path: Path) -> None:
    data = ogg_opus_bytes(1.0)
    info = probe_audio(data)
    site_id = uuid4()

    relative = await store_audio(
        data, info, data_dir=tmp_path, site_id=site_id, now=datetime(2026, 11, 26, tzinfo=UTC)
    )

    parts = relative.split("/")
    assert parts[:4] == ["audio", str(site_id), "2026", "11"]
    assert parts[4].endswith(".ogg")
    stored = tmp_path / relative
    assert stored.read_bytes() == data
    assert os.listdir(stored.parent) == [stored.name]  # no temporary file left behind
    assert resolve_audio_path(relative, data_dir=tmp_path) == stored.resolve()


async def test_store_audio_refuses_a_site_id_that_is_not_a_uuid(tmp_path: Path) -> None:
    data = wav_bytes(0.5)
    with pytest.raises(ValueError, match="UUID"):
        await store_audio(data, probe_audio(data), data_dir=tmp_path, site_id="../../etc")


async def test_delete_audio_removes_the_file_once(tmp_path: Path) -> None:
    data = wav_bytes(0.5)
    relative = await store_audio(data, probe_audio(data), data_dir=tmp_path, site_id=uuid4())

    assert await delete_audio(relative, data_dir=tmp_path) is True
    assert not (tmp_path / relative).exists()
    assert await delete_audio(relative, data_dir=tmp_path) is False


@pytest.mark.parametrize(
    "path",
    ["../recyclic.db", "audio/../recyclic.db", "/etc/passwd", "audio", "", "secret_key"],
)
async def test_delete_audio_refuses_paths_outside_the_audio_directory(
    tmp_path: Path, path: str
) -> None:
    (tmp_path / "recyclic.db").write_text("precious")
    (tmp_path / "audio").mkdir()
    with pytest.raises(ValueError, match="refused audio path"):
        await delete_audio(path, data_dir=tmp_path)
    assert (tmp_path / "recyclic.db").read_text() == "precious"


async def test_delete_audio_refuses_a_symlink_leading_outside(tmp_path: Path) -> None:
    (tmp_path / "recyclic.db").write_text("precious")
    link = tmp_path / "audio" / "site" / "escape.ogg"
    link.parent.mkdir(parents=True)
    link.symlink_to(tmp_path / "recyclic.db")
    with pytest.raises(ValueError, match="outside"):
        await delete_audio("audio/site/escape.ogg", data_dir=tmp_path)
    assert (tmp_path / "recyclic.db").exists()


@pytest.mark.parametrize(
    "make", [lambda: m4a_bytes(4.0), lambda: wav_bytes(4.0)], ids=["m4a", "wav"]
)
async def test_speech_copy_is_small_ogg_opus_mono(make: Callable[[], bytes]) -> None:
    data = make()
    copy = await transcode_for_speech(data)

    info = probe_audio(copy)
    assert (info.format.name, info.codec, info.channels) == ("ogg", "opus", 1)
    assert info.duration_seconds == pytest.approx(4.0, abs=0.1)
    tags = mutagen.File(io.BytesIO(copy))
    assert type(tags).__name__ == "OggOpus"
    assert tags.info.length == pytest.approx(4.0, abs=0.1)
    assert len(copy) < 20_000  # 24 kbit/s: ~3 kB per second


async def test_speech_copy_refuses_what_is_not_audio() -> None:
    with pytest.raises(AudioRejected):
        await transcode_for_speech(b"not audio at all" * 100)
