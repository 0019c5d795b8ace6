"""Legacy encodings: real news sentences in the code pages their languages were written in read back exactly."""

from __future__ import annotations

import json
import random

import pytest

from index.errors import LoadError
from index.read.decode import decode
from tests.conftest import DATA

WESTERN = ("cp1252", "iso-8859-1", "iso-8859-15", "mac-roman")
# The legacy encodings each language's news was written in.
ENCODINGS = {
    **dict.fromkeys(("en", "fr", "de", "es", "pt", "it", "nl"), WESTERN),
    "pl": ("cp1250", "iso-8859-2"),
    "cs": ("cp1250", "iso-8859-2"),
    "ru": ("cp1251", "koi8-r"),
}
# Other alphabets, a sentence each, to show their code pages and the East Asian encodings are still read.
OTHERS = {
    "el": ("cp1253", "iso-8859-7"),
    "tr": ("cp1254", "iso-8859-9"),
    "he": ("cp1255", "iso-8859-8"),
    "ar": ("cp1256",),
    "uk": ("cp1251", "koi8-u"),
    "ja": ("shift_jis", "euc-jp"),
    "zh-hans": ("gbk",),
    "zh-hant": ("big5",),
    "ko": ("euc-kr",),
}
# What trips detectors up: the euro sign, curly quotes, dashes, the ellipsis, accented capitals.
HARD = "€“”‘’„«»–—…ÉÜŁŽ"


def _cases() -> list[tuple[str, str, str, str]]:
    """(language, encoding, name, text) for each corpus text in each encoding that can hold all of it."""
    cases = []
    for line in (DATA / "legacy-encodings.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for encoding in {**ENCODINGS, **OTHERS}[record["language"]]:
            try:
                record["text"].encode(encoding)
            except UnicodeEncodeError:  # a character the code page lacks: not a text it could hold
                continue
            cases.append((record["language"], encoding, record["name"], record["text"]))
    return cases


CASES = _cases()


@pytest.mark.parametrize(
    ("encoding", "text"),
    [pytest.param(encoding, text, id=f"{language}-{encoding}-{name}") for language, encoding, name, text in CASES],
)
def test_each_text_reads_back_exactly_from_its_legacy_encoding(encoding: str, text: str) -> None:
    assert decode(text.encode(encoding)) == text


def test_every_encoding_of_each_language_has_short_and_long_texts_with_the_hard_characters() -> None:
    lengths = {(language, encoding, name.split("-")[0]) for language, encoding, name, _ in CASES}
    for language, encodings in ENCODINGS.items():
        for encoding in encodings:
            assert {(language, encoding, "short"), (language, encoding, "long")} <= lengths, (language, encoding)
    assert set(HARD) <= set("".join(text for *_, text in CASES))


def test_a_declared_charset_settles_what_the_letters_cannot() -> None:
    # One Turkish letter in English fits a Baltic or Central European code page as well as windows-1254.
    text = "<p>President Erdoğan said on Monday that the talks would continue.</p>"
    page = f'<html><head><meta charset="windows-1254"></head><body>{text}</body></html>'
    assert decode(page.encode("cp1254")) == page


@pytest.mark.parametrize("declared", ["iso-8859-1", "utf-16"])
def test_a_declaration_the_bytes_belie_gives_way_to_their_letters(declared: str) -> None:
    # Latin-1 has control codes where windows-1252 has curly quotes (browsers read it as windows-1252 too);
    # UTF-16 would turn every two bytes into one character (an even number of them here).
    page = f'<meta charset="{declared}"><p>The minister’s “plan” costs 50 € per café visit.</p>'
    assert decode(page.encode("cp1252")) == page


def test_bytes_that_happen_to_form_utf8_are_still_read_in_their_code_page() -> None:
    text = "Её соседи говорят, что цены на квартиры рядом с метро уже выросли."
    data = text.encode("cp1251")
    assert "Е".encode("cp1251") + "ё".encode("cp1251") in data  # b"\xc5\xb8", valid UTF-8 for "Ÿ"
    assert decode(data) == text


def _random_bytes(size: int, seed: int) -> bytes:
    """Bytes with no NUL, which would mark them as binary at once."""
    draw = random.Random(seed)
    return bytes(draw.randrange(1, 256) for _ in range(size))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_random_bytes(size, seed), id=f"random-{size}-{seed}")
        for size in (40, 300, 3000)
        for seed in range(3)
    ]
    + [
        pytest.param(
            "Café “owners” say – ".encode() + "ça coûte €5 – “trop”, naïve.".encode("cp1252") * 3,
            id="utf8-mixed-with-cp1252",
        )
    ],
)
def test_bytes_that_read_as_no_language_are_refused(data: bytes) -> None:
    with pytest.raises(LoadError, match="not text in any known encoding: read as .*, \\d+ of its \\d+ characters"):
        decode(data)
