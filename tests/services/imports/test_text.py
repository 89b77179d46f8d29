"""Text from old Oressource databases: decoded twice (latin1/UTF-8) is repaired exactly,
anything that cannot be undone exactly is refused, never guessed."""

from __future__ import annotations

import pytest

from recyclic.services.imports.text import BrokenText, CleanText, clean_text


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("Ã‰lectromÃ©nager", "Électroménager"),
        ("Ã©tagÃ¨re", "étagère"),
        ("dÃ©chets dâ€™Ã©quipements", "déchets d’équipements"),
        ("cÅ“ur", "cœur"),
        ("Ã\xa0ranger", "àranger"),
        (b"caf\xe9", "café"),  # latin1 bytes
    ],
)
def test_text_decoded_twice_is_repaired_exactly(stored: str | bytes, read: str) -> None:
    assert clean_text(stored) == CleanText(read, repaired=True)


@pytest.mark.parametrize(
    "text", ["Électroménager", "Château", "Ça va", "CAFÉ\xa0!", "Vêtements bébé\xa0: lot", ""]
)
def test_good_french_text_is_left_alone(text: str) -> None:
    assert clean_text(text) == CleanText(text.strip(), repaired=False)


@pytest.mark.parametrize(
    "text",
    [
        "Ã©tagère",  # half decoded twice, half not: no exact way back
        "Ã ranger",  # the no-break space of "à" became a plain space
        "caf\ufffd",  # already replaced by the replacement character
        "ligne\x00nulle",
    ],
)
def test_text_that_cannot_be_undone_exactly_is_refused(text: str) -> None:
    with pytest.raises(BrokenText):
        clean_text(text)
