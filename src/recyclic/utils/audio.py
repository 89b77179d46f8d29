"""Voice recordings: bounded reading, validation by decoding, storage and deletion.

A recording is judged by its content, never by its file name or declared MIME type: PyAV
(FFmpeg) opens the container, takes the first audio stream and decodes it. Accepted formats,
with the extension and MIME type we store and serve them under:

| format | containers / codecs                 | extension | MIME type  |
|--------|-------------------------------------|-----------|------------|
| ogg    | Ogg with Opus or Vorbis (Telegram)  | .ogg      | audio/ogg  |
| mp3    | MPEG audio layer III                | .mp3      | audio/mpeg |
| m4a    | MP4/M4A with AAC or ALAC (iPhone)   | .m4a      | audio/mp4  |
| wav    | RIFF WAVE with PCM                  | .wav      | audio/wav  |
| webm   | WebM/Matroska with Opus or Vorbis   | .webm     | audio/webm |

PyAV is imported on first use (it maps ~20 MB of FFmpeg libraries) and every PyAV call runs
in a worker thread, because decoding blocks.
"""

from __future__ import annotations

import asyncio
import io
import os
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from recyclic.core.exceptions import InvalidInput
from recyclic.utils.files import ensure_private_dir, open_private

if TYPE_CHECKING:
    from av.container import InputContainer

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_SECONDS = 180.0
AUDIO_SUBDIR = "audio"
_READ_CHUNK = 64 * 1024

# Decoding shorter than the container announces means a truncated or damaged file. Encoders
# add or trim a few milliseconds (priming, pre-skip), hence the tolerance.
_SHORTFALL_SECONDS = 1.0
_SHORTFALL_RATIO = 0.10

# Speech copy sent for transcription: Opus at 16 kHz mono is what speech recognisers downsample
# to anyway, and three minutes stay under 600 kB.
_SPEECH_RATE = 16_000
_SPEECH_BITRATE = 24_000


@dataclass(frozen=True, slots=True)
class AudioFormat:
    """One accepted recording format and how we store it."""

    name: str
    extension: str
    mime: str


OGG = AudioFormat("ogg", ".ogg", "audio/ogg")
MP3 = AudioFormat("mp3", ".mp3", "audio/mpeg")
M4A = AudioFormat("m4a", ".m4a", "audio/mp4")
WAV = AudioFormat("wav", ".wav", "audio/wav")
WEBM = AudioFormat("webm", ".webm", "audio/webm")
ACCEPTED_FORMATS = (OGG, MP3, M4A, WAV, WEBM)

# FFmpeg demuxer name → (our format, codecs accepted in it). Matroska and WebM share a demuxer.
_DEMUXERS: dict[str, tuple[AudioFormat, frozenset[str]]] = {
    "ogg": (OGG, frozenset({"opus", "vorbis"})),
    "mp3": (MP3, frozenset({"mp3", "mp3float"})),
    "mov,mp4,m4a,3gp,3g2,mj2": (M4A, frozenset({"aac", "alac"})),
    "wav": (WAV, frozenset()),  # any PCM variant, checked by prefix below
    "matroska,webm": (WEBM, frozenset({"opus", "vorbis"})),
}
_ACCEPTED_LIST = "OGG/Opus, MP3, M4A, WAV ou WebM"


def _format_megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} Mo" if megabytes >= 1 else f"{size} octets"


class AudioRejected(InvalidInput):
    """Base of the refusals of a recording (422, French message)."""

    code = "audio_invalid"
    message = "Enregistrement audio refusé."


class AudioEmpty(AudioRejected):
    code = "audio_empty"
    message = "Le fichier audio est vide."


class AudioTooLarge(AudioRejected):
    status = 413  # Payload Too Large, as the upload route documents
    code = "audio_too_large"
    message = "Le fichier audio est trop volumineux (20 Mo au maximum)."

    @classmethod
    def for_limit(cls, max_bytes: int) -> AudioTooLarge:
        """The refusal naming the configured limit."""
        return cls(
            f"Le fichier audio est trop volumineux ({_format_megabytes(max_bytes)} au maximum).",
            extra={"max_bytes": max_bytes},
        )


class AudioTooLong(AudioRejected):
    code = "audio_too_long"
    message = "L'enregistrement est trop long (3 minutes au maximum)."

    @classmethod
    def for_limit(cls, max_seconds: float) -> AudioTooLong:
        """The refusal naming the configured limit."""
        minutes, seconds = divmod(round(max_seconds), 60)
        limit = f"{minutes} min {seconds:02d} s" if seconds else f"{minutes} minutes"
        return cls(
            f"L'enregistrement est trop long ({limit} au maximum).",
            extra={"max_seconds": max_seconds},
        )


class AudioUnreadable(AudioRejected):
    code = "audio_unreadable"
    message = "Le fichier audio est illisible ou endommagé : réenregistrez le message."


class AudioUnsupported(AudioRejected):
    code = "audio_unsupported"
    message = f"Format audio non pris en charge : envoyez un fichier {_ACCEPTED_LIST}."


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What decoding told us about a recording."""

    format: AudioFormat
    codec: str
    duration_seconds: float
    sample_rate: int
    channels: int
    size_bytes: int

    @property
    def mime(self) -> str:
        """Canonical MIME type of the format."""
        return self.format.mime

    @property
    def extension(self) -> str:
        """Extension the file is stored with (".ogg"…)."""
        return self.format.extension


@runtime_checkable
class _AsyncReader(Protocol):
    async def read(self, size: int = -1, /) -> bytes: ...


async def _chunks(source: _AsyncReader | AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    # `read(n)` first: aiohttp's StreamReader is also iterable, but by lines.
    if isinstance(source, _AsyncReader):
        while chunk := await source.read(_READ_CHUNK):
            yield chunk
    else:
        async for chunk in source:
            yield chunk


async def read_limited(
    source: _AsyncReader | AsyncIterable[bytes], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes:
    """Read an upload or a download, refusing it as soon as it exceeds `max_bytes`.

    Accepts anything with an async `read(n)` (FastAPI `UploadFile`, aiohttp `StreamReader`)
    or an async iterable of chunks (httpx `aiter_bytes()`); at most `max_bytes + 1` bytes are
    ever held, whatever the client claims in Content-Length.
    """
    buffer = bytearray()
    async for chunk in _chunks(source):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise AudioTooLarge.for_limit(max_bytes)
    if not buffer:
        raise AudioEmpty()
    return bytes(buffer)


async def validate_audio(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> AudioInfo:
    """Decode `data` off the event loop and describe it, or refuse it (422)."""
    _check_size(data, max_bytes)
    return await asyncio.to_thread(probe_audio, data, max_bytes=max_bytes, max_seconds=max_seconds)


def _check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise AudioEmpty()
    if len(data) > max_bytes:
        raise AudioTooLarge.for_limit(max_bytes)


def probe_audio(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> AudioInfo:
    """Blocking: open the container, check the format, decode the first audio stream."""
    import av

    _check_size(data, max_bytes)
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            audio_format, stream = _accepted_stream(container)
            announced = container.duration / av.time_base if container.duration else None
            # A long file is refused before any decoding work when its container says so.
            if announced is not None and announced > max_seconds + 0.5:
                raise AudioTooLong.for_limit(max_seconds)
            codec = stream.codec_context.name
            decoded, sample_rate, channels = _decode_duration(container, stream, max_seconds)
    except AudioRejected:
        raise
    except (av.FFmpegError, EOFError, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise AudioUnreadable() from exc
    if decoded <= 0:
        raise AudioUnreadable("Le fichier audio ne contient aucun son décodable.")
    if decoded > max_seconds:
        raise AudioTooLong.for_limit(max_seconds)
    if announced is not None and announced - decoded > max(
        _SHORTFALL_SECONDS, announced * _SHORTFALL_RATIO
    ):
        raise AudioUnreadable(
            "Le fichier audio est incomplet ou endommagé : réenregistrez le message."
        )
    return AudioInfo(
        format=audio_format,
        codec=codec,
        duration_seconds=round(decoded, 3),
        sample_rate=sample_rate,
        channels=channels,
        size_bytes=len(data),
    )


def _accepted_stream(container: InputContainer) -> tuple[AudioFormat, Any]:
    """The format and first audio stream, or the reason the file is refused."""
    entry = _DEMUXERS.get(container.format.name)
    audio_streams = container.streams.audio
    if not audio_streams:
        if entry is None:  # an image, a document…
            raise AudioUnsupported(
                "Ce fichier n'est pas un enregistrement audio : "
                f"envoyez un fichier {_ACCEPTED_LIST}."
            )
        raise AudioUnsupported("Le fichier ne contient aucune piste audio.")
    if entry is None:
        raise AudioUnsupported()
    audio_format, codecs = entry
    # Cover art in MP3/M4A files is a video stream: only the audio stream matters.
    stream = audio_streams[0]
    codec = stream.codec_context.name
    accepted = codec.startswith("pcm_") if audio_format is WAV else codec in codecs
    if not accepted:
        raise AudioUnsupported(
            f"Codec audio « {codec} » non pris en charge : envoyez un fichier {_ACCEPTED_LIST}."
        )
    return audio_format, stream


def _decode_duration(
    container: InputContainer, stream: Any, max_seconds: float
) -> tuple[float, int, int]:
    """Decode the stream, stopping once past `max_seconds`: (seconds, sample rate, channels)."""
    samples = 0
    sample_rate = stream.codec_context.sample_rate or 0
    channels = stream.codec_context.channels or 0
    for packet in container.demux(stream):
        for frame in packet.decode():
            samples += frame.samples
            sample_rate = frame.sample_rate or sample_rate
            channels = len(frame.layout.channels) or channels
        # Bounded work: a tiny file may hold hours of silence; stop as soon as it is too long.
        if sample_rate and samples / sample_rate > max_seconds:
            break
    return (samples / sample_rate if sample_rate else 0.0), sample_rate, channels


async def transcode_for_speech(data: bytes, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> bytes:
    """A small Ogg/Opus 16 kHz mono copy of a recording (for speech recognition services)."""
    return await asyncio.to_thread(_transcode_for_speech, data, max_seconds)


def _transcode_for_speech(data: bytes, max_seconds: float) -> bytes:
    import av

    output = io.BytesIO()
    try:
        with (
            av.open(io.BytesIO(data), mode="r") as source,
            av.open(output, mode="w", format="ogg") as target,
        ):
            if not source.streams.audio:
                raise AudioUnsupported("Le fichier ne contient aucune piste audio.")
            stream = source.streams.audio[0]
            encoder = target.add_stream("libopus", rate=_SPEECH_RATE, layout="mono")
            encoder.bit_rate = _SPEECH_BITRATE
            resampler = av.AudioResampler(format="s16", layout="mono", rate=_SPEECH_RATE)
            limit = int(max_seconds * _SPEECH_RATE)
            written = 0
            for frame in _frames(source, stream):
                for resampled in resampler.resample(frame):
                    written += resampled.samples
                    target.mux(encoder.encode(resampled))
                if written > limit:
                    raise AudioTooLong.for_limit(max_seconds)
            for resampled in resampler.resample(None):
                target.mux(encoder.encode(resampled))
            target.mux(encoder.encode(None))
    except AudioRejected:
        raise
    except (av.FFmpegError, EOFError, ValueError, IndexError) as exc:
        raise AudioUnreadable() from exc
    return output.getvalue()


def _frames(container: InputContainer, stream: Any) -> Iterator[Any]:
    for packet in container.demux(stream):
        yield from packet.decode()


def audio_dir(data_dir: Path) -> Path:
    """Root of the stored recordings."""
    return data_dir / AUDIO_SUBDIR


async def store_audio(
    data: bytes,
    info: AudioInfo,
    *,
    data_dir: Path,
    site_id: uuid.UUID | str,
    now: datetime | None = None,
) -> str:
    """Write a validated recording atomically; return its path relative to `data_dir`.

    Layout: `audio/<site_id>/<YYYY>/<MM>/<uuid>.<ext>` (UTC month), POSIX separators, so the
    value stored on the deposit is the same on every OS and in the WebDAV mirror.
    """
    site = str(uuid.UUID(str(site_id)))  # a UUID, never a path fragment
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    relative = PurePosixPath(
        AUDIO_SUBDIR, site, f"{moment:%Y}", f"{moment:%m}", f"{uuid.uuid4()}{info.extension}"
    )
    await asyncio.to_thread(_write_atomically, data_dir / relative, data)
    return relative.as_posix()


def _write_atomically(path: Path, data: bytes) -> None:
    ensure_private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with os.fdopen(open_private(temporary), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Readers (sync to kDrive, the API) never see a half-written recording.
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def resolve_audio_path(relative_path: str, *, data_dir: Path) -> Path:
    """The file behind a stored path; refuses anything that leaves the audio directory."""
    root = audio_dir(data_dir).resolve()
    candidate = PurePosixPath(relative_path)
    if candidate.is_absolute() or ".." in candidate.parts or not relative_path.strip():
        raise ValueError(f"refused audio path {relative_path!r}")
    resolved = (data_dir / candidate).resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise ValueError(f"refused audio path {relative_path!r}: outside {root}")
    return resolved


async def delete_audio(relative_path: str, *, data_dir: Path) -> bool:
    """Delete a stored recording (retention purge); False when it was already gone."""
    path = resolve_audio_path(relative_path, data_dir=data_dir)

    def unlink() -> bool:
        if path.is_dir():
            raise ValueError(f"refused audio path {relative_path!r}: a directory")
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    return await asyncio.to_thread(unlink)
