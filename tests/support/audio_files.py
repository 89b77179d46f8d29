"""Real recordings generated in memory with Python libraries only (soundfile, PyAV)."""

from __future__ import annotations

import io

import av
import numpy as np
import soundfile as sf


def tone(seconds: float, rate: int, *, silent: bool = False) -> np.ndarray:
    """A mono 440 Hz tone (or silence), float32."""
    if silent:
        return np.zeros(round(seconds * rate), dtype=np.float32)
    t = np.arange(round(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def _soundfile(seconds: float, rate: int, fmt: str, subtype: str, silent: bool) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, tone(seconds, rate, silent=silent), rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def wav_bytes(seconds: float = 2.0, *, rate: int = 16_000, silent: bool = False) -> bytes:
    return _soundfile(seconds, rate, "WAV", "PCM_16", silent)


def ogg_opus_bytes(seconds: float = 2.0, *, silent: bool = False) -> bytes:
    """What a Telegram voice note is."""
    return _soundfile(seconds, 48_000, "OGG", "OPUS", silent)


def ogg_vorbis_bytes(seconds: float = 2.0, *, silent: bool = False) -> bytes:
    return _soundfile(seconds, 16_000, "OGG", "VORBIS", silent)


def flac_bytes(seconds: float = 2.0) -> bytes:
    return _soundfile(seconds, 16_000, "FLAC", "PCM_16", False)


def pyav_bytes(
    container: str,
    codec: str,
    seconds: float = 2.0,
    *,
    rate: int = 44_100,
    silent: bool = False,
    options: dict[str, str] | None = None,
) -> bytes:
    """Encode a mono tone with PyAV's bundled FFmpeg (mp3, aac, alac, opus…)."""
    buffer = io.BytesIO()
    samples = tone(seconds, rate, silent=silent)
    with av.open(buffer, mode="w", format=container, options=options or {}) as output:
        stream = output.add_stream(codec, rate=rate, layout="mono")
        step, pts = 1024, 0
        for start in range(0, len(samples), step):
            chunk = samples[start : start + step].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            frame.sample_rate, frame.pts = rate, pts
            pts += chunk.shape[1]
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return buffer.getvalue()


def mp3_bytes(seconds: float = 2.0, *, silent: bool = False) -> bytes:
    return pyav_bytes("mp3", "libmp3lame", seconds, rate=16_000, silent=silent)


def m4a_bytes(seconds: float = 2.0, *, codec: str = "aac") -> bytes:
    """An iPhone-style voice memo (AAC, or ALAC) in an M4A container."""
    return pyav_bytes("ipod", codec, seconds)


def webm_bytes(seconds: float = 2.0, *, live: bool = False, silent: bool = False) -> bytes:
    """A browser MediaRecorder file; `live` omits the duration, as Chrome does."""
    options = {"live": "1"} if live else None
    return pyav_bytes("webm", "libopus", seconds, rate=48_000, silent=silent, options=options)


def jpeg_bytes() -> bytes:
    """A real (tiny) JPEG image."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mjpeg") as output:
        stream = output.add_stream("mjpeg", rate=1)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "yuvj420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), dtype=np.uint8), format="rgb24")
        output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return buffer.getvalue()


def silent_video_mp4_bytes() -> bytes:
    """An MP4 container with a video track and no audio track."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as output:
        stream = output.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(10):
            image = np.zeros((32, 32, 3), dtype=np.uint8)
            output.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        output.mux(stream.encode(None))
    return buffer.getvalue()
