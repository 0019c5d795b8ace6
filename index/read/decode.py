"""Bytes to text: what a file or page holds, whatever its encoding.

News files come as UTF-8, byte-order-marked UTF-16/32 or an 8-bit code page;
files and web pages alike are decoded here, so that both read the same way.
Bytes that read as no language in any code page are refused, never indexed as
garbage.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import cache

import charset_normalizer
from charset_normalizer.utils import any_specified_encoding

from index.errors import LoadError
from index.read.plausible import Score, score

# The 8-bit code pages text is written in, the most common first, a family
# to a line. Charset detection adds the multi-byte ones (Shift_JIS, GBK, Big5,
# EUC-KR...) and rarer code pages.
CODE_PAGES = (
    *("cp1252", "iso8859_15", "mac_roman"),  # Western (windows-1252 also reads Latin-1)
    *("cp1250", "iso8859_2", "iso8859_16"),  # Central and South-Eastern European
    *("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic"),  # Cyrillic
    *("cp1253", "iso8859_7", "cp1254", "iso8859_9"),  # Greek, Turkish
    *("cp1257", "iso8859_13", "iso8859_4"),  # Baltic
    *("cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874"),  # Hebrew, Arabic, Thai
)
# Short texts fit several code pages about equally well, and a letter may be a
# name from elsewhere (Genève in English fits the Baltic "Genčve" nearly as
# well), so the reading in the more common code page is kept unless another is
# likelier by this much, in log-likelihood per character where the two differ.
# Measured on tests/data/legacy-encodings.jsonl: the right reading of each
# text trails one in a rarer code page by 1.0 at most (that "Genčve") and
# leads every reading in a more common one by 2.4 at least (Hebrew against
# windows-1251's Cyrillic); with no preference 4 of its 160 cases are misread.
PREFERENCE_MARGIN = 1.5
# A reading is not text when more than this share of its judged characters are
# ones no text holds (control characters, a letter of another alphabet inside a
# word, a symbol glued to a word...). The corpus readings hold none; random
# bytes read as 18% of them at least, a file mixing UTF-8 and windows-1252 16%.
MAX_ODD_SHARE = 0.1

_ASCII = bytes([9, 10, 13, *range(32, 127)])
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


@dataclass(frozen=True)
class _Reading:
    text: str
    encoding: str
    score: Score


def byte_order_mark(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` names, if there is one."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: byte-order marks, then UTF-8 (broken bytes kept as U+FFFD), then the likeliest code page.

    ``declared`` is a charset the bytes came with (an HTTP header); it is
    weighed like one the document declares itself.
    """
    encoding = byte_order_mark(data) or (declared if declared and _wide(declared) else None)
    if encoding == "utf-8-sig":  # the mark settles it: broken bytes are kept, marked (U+FFFD), as below
        return data.decode(encoding, errors="replace")
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise LoadError(f"invalid {encoding} text: {exc.reason}") from None
    if b"\x00" in data:
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Valid multi-byte sequences occur in 8-bit text only by chance, a few
    # among many invalid bytes; where they are as many as the broken ones this
    # is UTF-8 with some broken bytes, kept and marked (U+FFFD).
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if len(text) - len(text.encode("ascii", errors="ignore")) - broken >= broken:
        return text
    return _decode_legacy(data, declared if declared and _keeps_ascii(declared) else None)


def _decode_legacy(data: bytes, declared: str | None) -> str:
    """Text in an 8-bit (or legacy multi-byte) encoding: the reading whose letters a language would write.

    A charset the document declares (``<meta charset>``, an XML declaration)
    is taken if it reads the bytes as text; otherwise the likeliest reading,
    the more common code page on a near tie.
    """
    declared = declared or any_specified_encoding(data)
    readings = _readings(data, declared)
    if declared and readings[0].encoding == _name(declared) and not readings[0].score.odd:
        return readings[0].text
    best = max(readings, key=lambda r: r.score.total)
    chosen = next(r for r in readings if r.score.total >= best.score.total - PREFERENCE_MARGIN * _differing(r, best))
    odd, judged = chosen.score.odd, len(chosen.score.judged)
    if odd > MAX_ODD_SHARE * judged:
        raise LoadError(
            f"not text in any known encoding: read as {chosen.encoding}, {odd} of its {judged} characters"
            " beyond plain ASCII fit no language (control codes, misplaced letters or symbols)"
        )
    return chosen.text


def _differing(one: _Reading, other: _Reading) -> int:
    """How many judged characters two readings differ in (all, if they split the bytes into characters differently)."""
    a, b = one.score.judged, other.score.judged
    return sum(x != y for x, y in zip(a, b)) if len(a) == len(b) else max(len(a), len(b))


def _readings(data: bytes, declared: str | None) -> list[_Reading]:
    """Every distinct reading of ``data``, in order of preference: declared, common code pages, then detected."""
    found: dict[str, str] = {}
    for encoding in filter(_keeps_ascii, [declared, *CODE_PAGES] if declared else CODE_PAGES):
        try:
            found.setdefault(data.decode(encoding), _name(encoding))
        except UnicodeDecodeError:
            continue
    for match in charset_normalizer.from_bytes(data):
        if _keeps_ascii(match.encoding):
            found.setdefault(str(match), _name(match.encoding))
    return [_Reading(text, encoding, score(text)) for text, encoding in found.items()]


@cache
def _keeps_ascii(encoding: str) -> bool:
    """Whether the encoding reads ASCII as ASCII (not EBCDIC, UTF-7 or UTF-16, say): readings are judged on the rest."""
    try:
        return _ASCII.decode(encoding) == _ASCII.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _wide(encoding: str) -> bool:
    """Whether a known encoding reads ASCII in units wider than a byte (UTF-16 or UTF-32 without a byte-order mark)."""
    try:
        return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    except LookupError:
        return False


def _name(encoding: str) -> str:
    return codecs.lookup(encoding).name
