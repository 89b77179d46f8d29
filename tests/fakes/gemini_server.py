"""A fake Gemini API (`generateContent`) on 127.0.0.1, scriptable per test.

It speaks the REST wire format the installed google-genai SDK sends and parses:
`POST /{v1|v1beta}/models/{model}:generateContent` with the key in `x-goog-api-key`, a JSON
body with `contents[].parts[]` (`text` or `inlineData {data: base64, mimeType}` — the SDK
writes URL-safe base64 and `mime_type`),
`systemInstruction` and `generationConfig` (`responseMimeType`, `responseJsonSchema`); answers
are `candidates[0].content.parts[].text`, errors are Google's `{"error": {code, message,
status}}`. The real LangChain client is pointed at it through `RECYCLIC_GEMINI_BASE_URL`.

Replies are queued with `server.script(...)` and consumed one per request; a request that finds
the queue empty gets a 500 and is recorded, so a test never passes on an unplanned call.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_PATH = re.compile(r"^/(?P<version>v1|v1beta)/models/(?P<model>[^/:]+):generateContent$")
_URLSAFE_TO_STANDARD = str.maketrans("-_", "+/")
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a text candidate, an HTTP error, or a delay first."""

    text: str | None = None
    status: int = 200
    delay: float = 0.0


def answer(payload: Any) -> Reply:
    """A structured answer: the JSON text the model would produce."""
    return Reply(text=json.dumps(payload, ensure_ascii=False))


def text(value: str) -> Reply:
    """A plain text answer (a transcription, or a malformed JSON answer)."""
    return Reply(text=value)


def error(status: int) -> Reply:
    """An API error, as Google formats it."""
    return Reply(status=status)


def hang(seconds: float, then: Reply | None = None) -> Reply:
    """Answer only after `seconds` (longer than the client's timeout)."""
    base = then or Reply(text="{}")
    return Reply(text=base.text, status=base.status, delay=seconds)


@dataclass
class InlineData:
    mime_type: str
    data: bytes


@dataclass
class GeminiRequest:
    """What the client sent, decoded."""

    version: str
    model: str
    api_key: str | None
    body: dict[str, Any]
    texts: list[str] = field(default_factory=list)
    inline: list[InlineData] = field(default_factory=list)

    @property
    def system_instruction(self) -> str:
        parts = (self.body.get("systemInstruction") or {}).get("parts", [])
        return "".join(part.get("text", "") for part in parts)

    @property
    def generation_config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.body.get("generationConfig") or {}
        return config

    @property
    def response_schema(self) -> dict[str, Any] | None:
        schema: dict[str, Any] | None = self.generation_config.get("responseJsonSchema")
        return schema

    @property
    def is_transcription(self) -> bool:
        return bool(self.inline)


class FakeGeminiServer:
    """Start with `await server.start()`; `server.base_url` goes into the settings."""

    def __init__(self) -> None:
        self.requests: list[GeminiRequest] = []
        self.problems: list[str] = []  # malformed requests, unplanned calls
        self._replies: deque[Reply] = deque()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def script(self, *replies: Reply) -> None:
        """Queue replies, consumed in order, one per request."""
        self._replies.extend(replies)

    @property
    def pending(self) -> int:
        """Scripted replies not consumed yet."""
        return len(self._replies)

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/{path:.*}", self._handle)
        # Handlers are cancelled when the client gives up (a timed-out request).
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        match = _PATH.match(request.path)
        if match is None:
            self.problems.append(f"unexpected path {request.path}")
            return _error_response(404, f"no route {request.path}")
        try:
            body = await request.json()
        except json.JSONDecodeError:
            self.problems.append("body is not JSON")
            return _error_response(400, "Invalid JSON payload received.")
        recorded = self._record(match["version"], match["model"], request, body)
        if not self._replies:
            self.problems.append(f"unplanned request #{len(self.requests)}")
            return _error_response(500, "fake server: no scripted reply")
        reply = self._replies.popleft()
        if reply.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), timeout=reply.delay)
        if reply.status != 200:
            return _error_response(reply.status, "scripted error")
        return web.json_response(_candidate(reply.text or "", recorded.model))

    def _record(
        self, version: str, model: str, request: web.Request, body: dict[str, Any]
    ) -> GeminiRequest:
        recorded = GeminiRequest(
            version=version,
            model=model,
            api_key=request.headers.get("x-goog-api-key") or request.query.get("key"),
            body=body,
        )
        for content in body.get("contents", []):
            for part in content.get("parts", []):
                if "text" in part:
                    recorded.texts.append(part["text"])
                inline = part.get("inlineData") or part.get("inline_data")
                if inline is not None:
                    recorded.inline.append(self._decode_inline(inline))
        self.requests.append(recorded)
        return recorded

    def _decode_inline(self, inline: dict[str, Any]) -> InlineData:
        mime = inline.get("mimeType") or inline.get("mime_type") or ""
        if not mime:
            self.problems.append("inline data without MIME type")
        # Protobuf JSON accepts both alphabets; the Python SDK sends the URL-safe one.
        encoded = str(inline.get("data", "")).translate(_URLSAFE_TO_STANDARD)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            self.problems.append("inline data is not base64")
            data = b""
        return InlineData(mime_type=mime, data=data)


def _candidate(reply_text: str, model: str) -> dict[str, Any]:
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": reply_text}]},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 8, "totalTokenCount": 20},
        "modelVersion": model,
        "responseId": "fake-response",
    }


def _error_response(status: int, message: str) -> web.Response:
    body = {
        "error": {
            "code": status,
            "message": message,
            "status": _STATUS_NAMES.get(status, "UNKNOWN"),
        }
    }
    return web.json_response(body, status=status)
