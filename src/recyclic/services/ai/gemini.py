"""Gemini through LangChain: transcription of inline audio and structured classification.

LangChain and the Google SDK are imported on first use only (they weigh tens of megabytes and
more than a second of start-up). Retries are ours alone: the SDK is told to make one attempt
(`max_retries=1`; 0 would mean "the SDK's default of 5"), and tenacity retries 429, 5xx,
timeouts and connection errors with exponential backoff, within an overall deadline. Anything
else — a refused key, a malformed or invalid answer — fails at once, and the caller falls back.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from recyclic.core.config import Settings
from recyclic.services.ai.prompts import (
    TRANSCRIPTION_PROMPT,
    classification_system_prompt,
    classification_user_prompt,
)
from recyclic.services.ai.types import CategoryInfo, Classification, GeminiError
from recyclic.utils.formatting import GRAMS_PER_KG

if TYPE_CHECKING:
    from langchain_google_genai import ChatGoogleGenerativeAI

logger = logging.getLogger(__name__)

T = TypeVar("T")
_MAX_ALTERNATIVES = 3
_STRUCTURED_RUNNABLES_KEPT = 8  # one per distinct set of active categories


class _BadAnswer(Exception):
    """The model answered, but not something we can use (never retried)."""


class _DeadlineReached(Exception):
    """No time left for another attempt (never retried)."""


class _AlternativeAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category: str
    confidence: int = Field(ge=0, le=100, description="Confiance de 0 à 100.")


class ClassificationAnswer(BaseModel):
    """What Gemini must answer; `answer_model` narrows the codes to the active categories."""

    model_config = ConfigDict(extra="ignore")

    category: str
    confidence: int = Field(ge=0, le=100, description="Confiance de 0 à 100.")
    alternatives: list[_AlternativeAnswer] = Field(default_factory=list)
    quantity: int | None = Field(
        default=None, ge=1, le=10_000, description="Nombre d'objets, null si non dit."
    )
    weight_kg: float | None = Field(
        default=None, gt=0, le=10_000, description="Poids du lot en kg, null si non dit."
    )


@lru_cache(maxsize=_STRUCTURED_RUNNABLES_KEPT)
def answer_model(codes: tuple[str, ...]) -> type[ClassificationAnswer]:
    """The answer schema with `category` constrained to `codes` (an enum in the JSON schema)."""
    code_type: Any = Literal[codes]  # built at run time: an enum of the active codes
    alternative = create_model(
        "Alternative",
        __base__=_AlternativeAnswer,
        category=(code_type, Field(description="Code d'une autre catégorie plausible.")),
    )
    return create_model(
        "DepositClassification",
        __base__=ClassificationAnswer,
        category=(code_type, Field(description="Code de la catégorie la plus probable.")),
        alternatives=(
            list[alternative],
            Field(default_factory=list, max_length=_MAX_ALTERNATIVES),
        ),
    )


def to_classification(answer: ClassificationAnswer, codes: Sequence[str]) -> Classification:
    """Our result from a validated answer, re-checking what the schema promised."""
    allowed = set(codes)
    if answer.category not in allowed:
        raise _BadAnswer(f"unknown category {answer.category!r}")
    alternatives: dict[str, int] = {}
    for item in sorted(answer.alternatives, key=lambda alt: -alt.confidence):
        if item.category in allowed and item.category != answer.category:
            alternatives.setdefault(item.category, item.confidence)
    weight = None if answer.weight_kg is None else round(answer.weight_kg * GRAMS_PER_KG)
    return Classification(
        category=answer.category,
        confidence=answer.confidence,
        alternatives=tuple(alternatives.items())[:_MAX_ALTERNATIVES],
        quantity=answer.quantity,
        weight_grams=weight or None,
        provider="gemini",
    )


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _network_error_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [OSError]  # ConnectionError and socket errors
    try:
        import aiohttp

        types += [aiohttp.ClientConnectionError, aiohttp.ClientPayloadError]
    except ImportError:  # pragma: no cover - the SDK then uses httpx
        pass
    import httpx

    types.append(httpx.TransportError)
    return tuple(types)


def is_transient(exc: BaseException) -> bool:
    """True for what another attempt may cure: 408/429/5xx, timeouts, connection errors."""
    network = _network_error_types()
    for error in _causes(exc):
        if isinstance(error, TimeoutError):
            return True
        status = getattr(error, "code", None)
        if isinstance(status, int) and 100 <= status <= 599:
            return status in (408, 429) or status >= 500
        if isinstance(error, network):
            return True
    return False


def describe_failure(exc: BaseException) -> str:
    """A short reason for logs: "HTTP 429", "timeout", "bad answer: …"."""
    for error in _causes(exc):
        if isinstance(error, TimeoutError):
            return "timeout"
        if isinstance(error, _DeadlineReached):
            return "overall deadline reached"
        if isinstance(error, _BadAnswer):
            return f"bad answer: {error}"
        status = getattr(error, "code", None)
        if isinstance(status, int) and 100 <= status <= 599:
            return f"HTTP {status}"
    return f"{type(exc).__name__}: {exc}"[:300]


class GeminiProvider:
    """The primary AI provider; raises `GeminiError` when it cannot answer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.gemini_model
        self._llm: ChatGoogleGenerativeAI | None = None
        self._structured: dict[tuple[str, ...], Any] = {}
        self._building = asyncio.Lock()

    async def _chat(self) -> ChatGoogleGenerativeAI:
        if self._llm is None:
            async with self._building:
                if self._llm is None:
                    # Importing LangChain and the SDK costs over a second of CPU: keep it off
                    # the event loop, which is serving other requests meanwhile.
                    self._llm = await asyncio.to_thread(self._build_chat)
        return self._llm

    def _build_chat(self) -> ChatGoogleGenerativeAI:
        from langchain_google_genai import ChatGoogleGenerativeAI

        options: dict[str, Any] = {}
        if self.model.startswith(("gemini-1", "gemini-2")):
            # Deterministic answers for the same description; Google advises against lowering
            # the temperature of Gemini 3 and later, so those keep their default.
            options["temperature"] = 0
        return ChatGoogleGenerativeAI(
            model=self.model,
            api_key=self.settings.gemini_api_key,
            base_url=self.settings.gemini_base_url or None,
            vertexai=False,
            max_retries=1,  # one attempt per call: tenacity owns retries
            timeout=self.settings.ai_timeout_seconds,
            **options,
        )

    async def _structured_runnable(self, codes: tuple[str, ...]) -> Any:
        runnable = self._structured.get(codes)
        if runnable is None:
            if len(self._structured) >= _STRUCTURED_RUNNABLES_KEPT:
                self._structured.clear()
            # include_raw: a malformed answer comes back as `parsing_error` (no exception),
            # which we treat as a failure without retrying.
            chat = await self._chat()
            runnable = chat.with_structured_output(
                answer_model(codes), method="json_schema", include_raw=True
            )
            self._structured[codes] = runnable
        return runnable

    async def classify(
        self,
        text: str,
        categories: Sequence[CategoryInfo],
        examples: Sequence[tuple[str, str]] = (),
    ) -> Classification:
        """Classify one description into one of `categories`, with the site's closest
        validated `examples` (description, code) in the prompt."""
        codes = tuple(category.code for category in categories)
        runnable = await self._ready(self._structured_runnable(codes))
        from langchain_core.messages import HumanMessage, SystemMessage

        messages = [
            SystemMessage(classification_system_prompt(categories)),
            HumanMessage(classification_user_prompt(text, examples)),
        ]

        async def attempt() -> Classification:
            result = await runnable.ainvoke(messages, config={"callbacks": _callbacks()})
            parsed = result.get("parsed") if isinstance(result, dict) else None
            if not isinstance(parsed, ClassificationAnswer):
                error = result.get("parsing_error") if isinstance(result, dict) else None
                raise _BadAnswer(str(error or "no structured answer")[:200])
            return to_classification(parsed, codes)

        return await self._with_retries("classification", attempt)

    async def transcribe(self, audio: bytes, mime: str) -> str:
        """Transcribe a recording sent inline (base64) with its MIME type."""
        chat = await self._ready(self._chat())
        from langchain_core.messages import HumanMessage

        message = HumanMessage(
            content=[
                {"type": "text", "text": TRANSCRIPTION_PROMPT},
                {
                    "type": "audio",
                    "base64": base64.b64encode(audio).decode("ascii"),
                    "mime_type": mime,
                },
            ]
        )

        async def attempt() -> str:
            response = await chat.ainvoke([message], config={"callbacks": _callbacks()})
            return _message_text(response.content)

        return await self._with_retries("transcription", attempt)

    async def _ready(self, setup: Awaitable[T]) -> T:
        """The client (built once, outside the per-attempt timeout), or a `GeminiError`."""
        try:
            return await setup
        except Exception as exc:  # a broken installation or setting must not break deposits
            logger.error("Gemini client setup failed: %s: %s", type(exc).__name__, exc)
            raise GeminiError(f"client setup failed: {type(exc).__name__}") from exc

    async def _with_retries(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        settings = self.settings
        deadline = time.monotonic() + settings.ai_total_timeout_seconds

        async def bounded() -> T:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _DeadlineReached()
            # The SDK has its own timeout too; this one also covers connecting and parsing.
            async with asyncio.timeout(min(settings.ai_timeout_seconds, remaining)):
                return await call()

        retrying = AsyncRetrying(
            stop=stop_after_attempt(1 + settings.ai_max_retries),
            wait=wait_exponential_jitter(
                initial=settings.ai_retry_initial_seconds,
                max=settings.ai_retry_max_seconds,
                jitter=settings.ai_retry_initial_seconds,
            ),
            retry=retry_if_exception(is_transient),
            before_sleep=lambda state: _log_retry(operation, state),
            reraise=True,
        )
        try:
            return await retrying(bounded)
        except Exception as exc:
            reason = describe_failure(exc)
            level = logging.ERROR if reason in ("HTTP 401", "HTTP 403") else logging.WARNING
            logger.log(level, "Gemini %s failed (%s)", operation, reason)
            raise GeminiError(reason) from exc

    async def aclose(self) -> None:
        """Close the HTTP sessions of the client (on the loop that used them)."""
        if self._llm is not None:
            llm, self._llm = self._llm, None
            self._structured.clear()
            await llm.aclose()


def _log_retry(operation: str, state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    delay = state.next_action.sleep if state.next_action else 0.0
    logger.info(
        "Gemini %s attempt %d failed (%s); retrying in %.2f s",
        operation,
        state.attempt_number,
        describe_failure(exc) if exc else "?",
        delay,
    )


@lru_cache(maxsize=1)
def _callbacks() -> list[Any]:
    """LangChain callbacks for every Gemini call (built on first use, like LangChain itself)."""
    from langchain_core.callbacks import AsyncCallbackHandler

    class CloseUnreadErrorBodies(AsyncCallbackHandler):
        """Work around LangChain reading an error body with a sync `response.json()`.

        On a 5xx, langchain-core records `error.response.json()` for its callbacks; with the
        SDK's aiohttp transport that is a coroutine nobody awaits, which Python reports as a
        RuntimeWarning when it is collected. Closing it here keeps the logs (and -W error) clean.
        """

        async def on_llm_error(
            self,
            error: BaseException,
            *,
            run_id: Any,
            parent_run_id: Any = None,
            tags: list[str] | None = None,
            **kwargs: Any,
        ) -> None:
            for generations in getattr(kwargs.get("response"), "generations", None) or []:
                for generation in generations:
                    body = generation.message.response_metadata.get("body")
                    if inspect.iscoroutine(body):
                        body.close()

    return [CloseUnreadErrorBodies()]


def _message_text(content: str | list[Any]) -> str:
    """The text of a chat answer, whether a string or a list of content blocks."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)
