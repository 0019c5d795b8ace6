"""Bytes to text: what a file or page holds, whatever its encoding.

News files come as UTF-8, byte-order-marked UTF-16/32 or an 8-bit code page;
files and web pages alike are decoded here, so that both read the same way.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from index.errors import LoadError

CHAOS_TIE = 0.01  # charset detection's "mess" measures this close count as equally good
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def byte_order_mark(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` names, if there is one."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def decode(data: bytes) -> str:
    """Bytes to text: byte-order marks, then UTF-8 (broken bytes kept as U+FFFD), then charset detection."""
    encoding = byte_order_mark(data)
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
    # Valid multi-byte sequences hardly ever occur by chance in 8-bit text: if
    # there are any, this is UTF-8 with some broken bytes, kept and marked (U+FFFD).
    text = data.decode("utf-8", errors="replace")
    if any(ord(ch) > 127 and ch != "\ufffd" for ch in text):
        return text
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> str:
    """Text in an 8-bit code page, as charset detection sees it.

    Short texts fit several code pages equally well; on a tie windows-1252 (a
    superset of Latin-1, and the usual legacy encoding of Western news) wins.
    """
    best = charset_normalizer.from_bytes(data).best()
    western = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos + CHAOS_TIE):
        return str(western)
    if best is None:
        raise LoadError("not decodable as text in any known encoding")
    return str(best)
