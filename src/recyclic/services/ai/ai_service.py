"""The AI pipeline: transcribe a voice note, classify a description.

Gemini (through LangChain) is the primary provider when an API key is configured; the local
French classifier answers when there is no key, and whenever Gemini fails (after bounded
retries), so a deposit can always be classified offline. Gemini's answers are cached by the
normalised text, the active category codes and the model; local answers are not cached (they
cost less than a cache lookup, and a cached fallback would outlive the Gemini outage).

Transcription has no offline fallback: without Gemini, the caller gets a domain error and asks
the volunteer to type the description instead.

Learning from corrections: `site_memory` gives a site's memory of validated deposits, kept in
this process and brought up to date from a source the caller supplies (the deposits domain
reads them); passed to `classify`, it adds its evidence to the local classifier's and puts the
closest validated examples in Gemini's prompt.

The service holds HTTP and Redis clients: create one per process and `aclose()` it at shutdown.
It never reads the database — callers pass the active categories and the examples' source.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from recyclic.core.config import Settings
from recyclic.core.exceptions import Conflict, InvalidInput, ServiceUnavailable
from recyclic.services.ai.cache import (
    ClassificationCache,
    build_classification_cache,
    classification_cache_key,
)
from recyclic.services.ai.learning import LearningRegistry, SiteMemory, ValidatedExamples
from recyclic.services.ai.types import CategoryInfo, Classification, GeminiError, Provider
from recyclic.utils.audio import AudioTooLarge, transcode_for_speech

if TYPE_CHECKING:
    from recyclic.services.ai.gemini import GeminiProvider

__all__ = [
    "AIService",
    "CategoryInfo",
    "Classification",
    "DescriptionEmpty",
    "DescriptionTooLong",
    "NoActiveCategory",
    "Provider",
    "TranscriptionEmpty",
    "TranscriptionNotConfigured",
    "TranscriptionUnavailable",
]

logger = logging.getLogger(__name__)

MAX_DESCRIPTION_CHARS = 4_000  # three minutes of speech are ~3,000 characters

# Audio MIME types Gemini documents, by our canonical type; the others (M4A, WebM) are sent as
# an Ogg/Opus copy. Inline data counts base64-encoded (4/3) in Gemini's 20 MB request limit.
_GEMINI_AUDIO_TYPES = {
    "audio/ogg": "audio/ogg",
    "audio/mpeg": "audio/mp3",
    "audio/wav": "audio/wav",
}
_INLINE_AUDIO_MAX_BYTES = 14 * 1024 * 1024


class DescriptionEmpty(InvalidInput):
    code = "description_empty"
    message = "La description est vide : décrivez l'objet déposé."


class DescriptionTooLong(InvalidInput):
    code = "description_too_long"
    message = f"La description est trop longue ({MAX_DESCRIPTION_CHARS} caractères au maximum)."


class NoActiveCategory(Conflict):
    code = "no_active_category"
    message = "Aucune catégorie n'est active : un administrateur doit en activer au moins une."


class TranscriptionNotConfigured(ServiceUnavailable):
    code = "transcription_not_configured"
    message = (
        "La reconnaissance vocale n'est pas configurée sur cette installation : "
        "décrivez l'objet par écrit."
    )


class TranscriptionUnavailable(ServiceUnavailable):
    code = "transcription_unavailable"
    message = (
        "La reconnaissance vocale est momentanément indisponible : "
        "décrivez l'objet par écrit, ou réessayez dans un instant."
    )


class TranscriptionEmpty(InvalidInput):
    code = "transcription_empty"
    message = "Aucune parole n'a été reconnue dans l'enregistrement : réessayez ou écrivez."


class AIService:
    """Transcription and classification, with Gemini first and the local classifier after."""

    def __init__(self, settings: Settings, *, cache: ClassificationCache | None = None) -> None:
        self.settings = settings
        # An empty (or blank) key is no key: local classifier only, no network at all.
        has_key = bool(settings.gemini_api_key.get_secret_value().strip())
        self.gemini: GeminiProvider | None = None
        if has_key:
            # Gemini's provider (its retry library, its answer models) loads with a key only.
            from recyclic.services.ai.gemini import GeminiProvider

            self.gemini = GeminiProvider(settings)
        self.cache = cache if cache is not None else build_classification_cache(settings)
        self.learning: LearningRegistry | None = (
            LearningRegistry(
                capacity=settings.ai_learning_max_examples,
                half_life_days=settings.ai_learning_half_life_days,
                refresh_seconds=settings.ai_learning_refresh_seconds,
            )
            if settings.ai_learning
            else None
        )

    @property
    def gemini_enabled(self) -> bool:
        """True when an API key is configured."""
        return self.gemini is not None

    async def site_memory(self, site_id: uuid.UUID, source: ValidatedExamples) -> SiteMemory | None:
        """The site's memory of validated deposits, up to date with `source` (None when
        learning is off)."""
        if self.learning is None:
            return None
        return await self.learning.memory_for(site_id, source)

    async def classify(
        self,
        text: str,
        categories: Sequence[CategoryInfo],
        *,
        memory: SiteMemory | None = None,
    ) -> Classification:
        """Classify a description into one of the active `categories`, helped by the site's
        `memory` of validated deposits when given."""
        text = _checked_description(text)
        if not categories:
            raise NoActiveCategory()
        codes = [category.code for category in categories]
        if self.gemini is None:
            return _classify_locally(text, codes, memory)

        examples = _prompt_examples(memory, text, codes, self.settings.ai_learning_prompt_examples)
        key = classification_cache_key(text, codes, self.gemini.model, examples)
        cached = await self._cached(key)
        if cached is not None:
            return cached
        try:
            result = await self.gemini.classify(text, categories, examples)
        except GeminiError as exc:
            logger.warning("classification falls back to the local classifier (%s)", exc.reason)
            return _classify_locally(text, codes, memory)
        await self.cache.set(key, result.to_cache())
        return result

    async def transcribe(self, audio_bytes: bytes, mime: str) -> str:
        """The words of a validated recording (`mime`: its canonical type, `AudioInfo.mime`)."""
        if self.gemini is None:
            raise TranscriptionNotConfigured()
        if len(audio_bytes) > self.settings.audio_max_bytes:
            raise AudioTooLarge.for_limit(self.settings.audio_max_bytes)
        payload, payload_mime = audio_bytes, _GEMINI_AUDIO_TYPES.get(mime)
        if payload_mime is None or len(audio_bytes) > _INLINE_AUDIO_MAX_BYTES:
            payload = await transcode_for_speech(
                audio_bytes, max_seconds=self.settings.audio_max_seconds
            )
            payload_mime = "audio/ogg"
        try:
            text = await self.gemini.transcribe(payload, payload_mime)
        except GeminiError as exc:
            raise TranscriptionUnavailable(extra={"reason": exc.reason}) from exc
        text = " ".join(text.split()).strip("\"'«» ")
        if not text:
            raise TranscriptionEmpty()
        return text[:MAX_DESCRIPTION_CHARS]

    async def transcribe_and_classify(
        self, audio_bytes: bytes, mime: str, categories: Sequence[CategoryInfo]
    ) -> Classification:
        """Transcribe, then classify the words; the result carries the transcription."""
        transcription = await self.transcribe(audio_bytes, mime)
        result = await self.classify(transcription, categories)
        return result.with_transcription(transcription)

    async def aclose(self) -> None:
        """Release the Gemini HTTP sessions and the Redis connection."""
        if self.learning is not None:
            self.learning.close()
        if self.gemini is not None:
            await self.gemini.aclose()
        await self.cache.aclose()

    async def _cached(self, key: str) -> Classification | None:
        payload = await self.cache.get(key)
        if payload is None:
            return None
        try:
            return Classification.from_cache(payload)
        except ValueError as exc:  # written by another version: recompute
            logger.warning("ignoring unreadable cached classification: %s", exc)
            return None


def _checked_description(text: str) -> str:
    text = text.strip()
    if not text:
        raise DescriptionEmpty()
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise DescriptionTooLong()
    return text


def _prompt_examples(
    memory: SiteMemory | None, text: str, codes: Sequence[str], limit: int
) -> list[tuple[str, str]]:
    """The site's closest validated examples whose category is still active."""
    if memory is None or limit <= 0:
        return []
    active = set(codes)
    return [pair for pair in memory.closest(text, limit) if pair[1] in active]


def _classify_locally(
    text: str, codes: Sequence[str], memory: SiteMemory | None = None
) -> Classification:
    """The offline classifier, restricted to the active codes."""
    # Loaded by the first classification, not with the app (its lexicons and rules).
    from recyclic.services.ai.local_classifier import classify_text

    local = classify_text(text, allowed=codes, evidence=memory)
    alternatives = tuple(
        (code, max(0, min(100, int(confidence))))
        for code, confidence in local.alternatives
        if code in codes and code != local.category
    )[:3]
    return Classification(
        category=local.category,
        confidence=max(0, min(100, int(local.confidence))),
        alternatives=alternatives,
        quantity=local.quantity,
        weight_grams=local.weight_grams,
        provider="local",
    )
