"""Learning from corrections: a site's memory of validated deposits as classifier evidence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from recyclic.core.config import Settings
from recyclic.services.ai.ai_service import AIService
from recyclic.services.ai.learning import (
    LearningRegistry,
    SiteMemory,
    ValidatedExample,
)
from recyclic.services.ai.learning import registry as registry_module
from recyclic.services.ai.local_classifier import classify_text, description_words

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


def example(
    text: str, category: str, *, days_ago: float = 0, deposit_id: uuid.UUID | None = None
) -> ValidatedExample:
    at = NOW - timedelta(days=days_ago)
    return ValidatedExample(deposit_id or uuid.uuid4(), text, category, at, at)


def memory_of(*examples: ValidatedExample, capacity: int = 50_000) -> SiteMemory:
    memory = SiteMemory(capacity=capacity, epoch=NOW)
    memory.learn(examples)
    return memory


def proposed(text: str, memory: SiteMemory | None = None) -> str:
    return classify_text(text, evidence=memory).category


def evidence(memory: SiteMemory, text: str) -> dict[str, float]:
    return memory.evidence(description_words(text))


def test_a_word_corrected_a_few_times_is_then_proposed_right() -> None:
    # The lexicon reads "toupin" as a typo for "toupie" (a toy); in Savoy it is a pot.
    assert proposed("un toupin en terre") == "JOU"
    memory = memory_of(example("un toupin", "VAI"), example("un vieux toupin", "VAI"))
    assert proposed("un toupin en terre", memory) == "VAI"
    assert proposed("deux toupins", memory) == "VAI"
    # "toupie" itself is still a toy.
    assert proposed("une toupie", memory) == "JOU"


def test_an_unknown_word_is_learned_from_one_validation() -> None:
    assert classify_text("une wassingue grise").confidence <= 30
    memory = memory_of(example("une wassingue", "TLC"))
    result = classify_text("une wassingue grise", evidence=memory)
    assert result.category == "TLC"


def test_one_mistaken_validation_does_not_flip_a_well_known_word() -> None:
    alone = memory_of(example("une chaise", "DEC"))
    assert proposed("une chaise", alone) == "MOB"
    history = memory_of(
        example("une chaise", "DEC"), *(example("une chaise", "MOB") for _ in range(5))
    )
    assert proposed("une chaise", history) == "MOB"


def test_agreement_raises_the_confidence() -> None:
    memory = memory_of(*(example("une chaise pliante", "MOB") for _ in range(3)))
    plain = classify_text("une chaise pliante").confidence
    assert classify_text("une chaise pliante", evidence=memory).confidence > plain


def test_agreeing_corrections_do_change_a_well_known_word() -> None:
    # The shop files standing mirrors with furniture: four people said so.
    memory = memory_of(*(example("une psyché", "MOB") for _ in range(4)))
    assert proposed("une psyché") == "DEC"
    assert proposed("une psyché", memory) == "MOB"


def test_recent_choices_win_over_old_ones() -> None:
    memory = memory_of(
        *(example("un pochon", "TLC", days_ago=900) for _ in range(3)),
        *(example("un pochon", "DIV", days_ago=3) for _ in range(2)),
    )
    assert proposed("un pochon", memory) == "DIV"


def test_words_found_under_every_category_say_almost_nothing() -> None:
    memory = memory_of(
        example("une wassingue en bon état", "TLC"),
        *(example(f"un {item} en bon état", code) for item, code in _VARIED),
    )
    scores = evidence(memory, "une wassingue en bon état")
    best = max(scores, key=lambda code: scores[code])
    assert best == "TLC"
    assert all(scores[code] < scores["TLC"] / 3 for code in scores if code != "TLC")


_VARIED = [
    ("frigo", "EEE-1"),
    ("canapé", "MOB"),
    ("vélo", "SPO"),
    ("vase", "DEC"),
    ("livre", "LIV"),
    ("pull", "TLC"),
]


def test_a_changed_validation_replaces_its_vote() -> None:
    deposit_id = uuid.uuid4()
    memory = memory_of(example("un tian", "DEC", deposit_id=deposit_id))
    assert proposed("un tian", memory) == "DEC"
    later = NOW + timedelta(minutes=5)
    memory.learn([ValidatedExample(deposit_id, "un tian", "VAI", NOW, later)])
    assert len(memory) == 1
    assert proposed("un tian", memory) == "VAI"
    assert memory.watermark == later


def test_the_oldest_validations_are_forgotten_beyond_the_capacity() -> None:
    memory = memory_of(
        example("un schlass", "DIV", days_ago=10),
        example("un toupin", "VAI", days_ago=5),
        example("une panosse", "DIV", days_ago=1),
        capacity=2,
    )
    assert len(memory) == 2
    assert evidence(memory, "un schlass") == {}
    assert evidence(memory, "un toupin")


def test_the_memory_never_overrides_the_active_categories() -> None:
    memory = memory_of(*(example("une wassingue", "TLC") for _ in range(3)))
    result = classify_text("une wassingue", ["DIV", "MOB"], evidence=memory)
    assert result.category == "DIV"


def test_without_memory_the_classifier_is_unchanged() -> None:
    empty = SiteMemory(epoch=NOW)
    for text in ("un frigo, 40 kilos", "trois lampes, une rouge et deux blanches"):
        assert classify_text(text, evidence=empty) == classify_text(text)


def test_closest_examples_share_the_most_words_and_are_bounded() -> None:
    memory = memory_of(
        example("un clique clac bleu", "MOB"),
        example("un clique clac", "MOB"),
        example("un clique-clac " + "très " * 80 + "grand", "MOB"),
        example("un frigo", "EEE-1"),
        example("une wassingue", "TLC"),
    )
    closest = memory.closest("un clique clac bleu", 2)
    assert closest[0] == ("un clique clac bleu", "MOB")
    assert len(closest) == 2
    assert all(len(text) <= 120 for text, _ in memory.closest("clique clac", 5))
    assert memory.closest("un frigo", 0) == []


# --- keeping the memory current ---------------------------------------------------------


class FakeSource:
    """Validated deposits of one site, changed at given times."""

    def __init__(self) -> None:
        self.rows: list[ValidatedExample] = []
        self.asked: list[datetime | None] = []

    async def validated_examples(
        self, site_id: uuid.UUID, *, changed_since: datetime | None, limit: int
    ) -> Sequence[ValidatedExample]:
        self.asked.append(changed_since)
        rows = [r for r in self.rows if changed_since is None or r.changed_at >= changed_since]
        return sorted(rows, key=lambda r: r.changed_at, reverse=True)[:limit]


async def test_each_look_reads_only_what_changed_since_the_last_one() -> None:
    source = FakeSource()
    source.rows.append(example("un toupin", "VAI", days_ago=1))
    registry = LearningRegistry()
    site = uuid.uuid4()

    memory = await registry.memory_for(site, source)
    assert len(memory) == 1
    assert source.asked == [None]

    source.rows.append(example("un tian", "VAI"))
    memory = await registry.memory_for(site, source)
    assert len(memory) == 2
    # From the watermark, less an overlap for transactions that committed late.
    assert source.asked[1] is not None
    assert source.asked[1] < NOW - timedelta(days=1)
    # Rows read again in the overlap are learned once.
    await registry.memory_for(site, source)
    assert len(memory) == 2


async def test_memories_belong_to_one_site() -> None:
    source = FakeSource()
    source.rows.extend(example("une wassingue", "TLC") for _ in range(3))
    registry = LearningRegistry()
    mine = await registry.memory_for(uuid.uuid4(), source)
    theirs = await registry.memory_for(uuid.uuid4(), FakeSource())
    assert proposed("une wassingue", mine) == "TLC"
    assert proposed("une wassingue", theirs) == "DIV"


async def test_looks_are_spaced_when_asked() -> None:
    source = FakeSource()
    registry = LearningRegistry(refresh_seconds=3600)
    site = uuid.uuid4()
    await registry.memory_for(site, source)
    source.rows.append(example("un tian", "VAI"))
    memory = await registry.memory_for(site, source)
    assert len(source.asked) == 1
    assert len(memory) == 0


async def test_a_backlog_larger_than_the_memory_starts_it_again() -> None:
    source = FakeSource()
    source.rows.append(example("un tian", "DEC", days_ago=30))
    registry = LearningRegistry(capacity=2)
    site = uuid.uuid4()
    await registry.memory_for(site, source)
    source.rows.extend(example(f"un objet {n}", "DIV") for n in range(3))
    memory = await registry.memory_for(site, source)
    assert len(memory) == 2
    assert evidence(memory, "un tian") == {}


@pytest.mark.parametrize("text", ["", "   ", "12 kilos", "deux"])
def test_descriptions_without_words_teach_nothing(text: str) -> None:
    memory = memory_of(example(text, "MOB"))
    assert len(memory) == 0


async def test_a_long_history_is_learned_in_a_thread_while_proposals_go_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry_module, "INLINE_LOAD", 2)
    source = FakeSource()
    source.rows.extend(example("une wassingue", "TLC", days_ago=n) for n in range(5))
    registry = LearningRegistry()
    site = uuid.uuid4()
    first = await registry.memory_for(site, source)
    await registry.learned(site)
    ready = await registry.memory_for(site, source)
    assert len(ready) == 5
    assert first is not ready
    assert proposed("une wassingue", ready) == "TLC"


async def test_learning_can_be_turned_off(settings: Settings) -> None:
    service = AIService(settings.model_copy(update={"ai_learning": False}))
    try:
        assert await service.site_memory(uuid.uuid4(), FakeSource()) is None
    finally:
        await service.aclose()
