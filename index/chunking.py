"""Sentence-aware chunking with character offsets into the article.

Chunks are runs of whole sentences that fit the embedding model's input, with
one sentence of overlap between neighbours, so that the sentence a question
needs is never cut in two and its context travels with it. A sentence longer
than the limit on its own is split between words. Offsets let a citation quote
the exact text of the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import blingfire

from index.articles import Article

TokenCounter = Callable[[Sequence[str]], list[int]]

# Sentence splitters break after abbreviations of titles ("Dr. Raisi"); a
# fragment ending in one of these is joined to the sentence that follows.
_TITLE_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Capt|Sgt|Sen|Rep|Gov|Pres|St|Rev|Hon|Jr|Sr|No|Vol|Fig|vs)\.$"
)
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")
# A sentence opening with one of these leans on the one before it for meaning.
_ANAPHORIC_START = re.compile(r"^(He|She|They|It|This|That|These|Those|His|Her|Their|Its)\b")


@dataclass(frozen=True)
class Span:
    """A sentence (or piece of one) as character offsets into the article."""

    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Chunk:
    """A passage of an article, as stored and searched."""

    article_id: str
    position: int
    paragraph: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...] = ()  # what it is made of, as offsets into the article

    @property
    def id(self) -> str:
        """Stable: re-indexing an article overwrites its chunks in place."""
        return chunk_id(self.article_id, self.position)


def chunk_id(article_id: str, position: int) -> str:
    return f"{article_id}:{position:05d}"


def article_of(chunk: str) -> str:
    """The article id in a chunk id."""
    return chunk.rsplit(":", 1)[0]


def position_of(chunk: str) -> int:
    """The chunk's position in its article, from its id."""
    return int(chunk.rsplit(":", 1)[1])


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text`` with their paragraph numbers (0-based)."""
    spans: list[Span] = []
    for number, para in enumerate(_PARAGRAPH.finditer(text)):
        if not para.group().strip():
            continue
        _, offsets = blingfire.text_to_sentences_and_offsets(para.group())
        pending: tuple[int, int] | None = None
        for start, end in offsets:
            start, end = para.start() + start, para.start() + end
            if pending is not None:
                start = pending[0]
            if _TITLE_ABBREVIATION.search(text[start:end]):
                pending = (start, end)
                continue
            pending = None
            spans.append(Span(start, end, number))
        if pending is not None:
            spans.append(Span(pending[0], pending[1], number))
    return spans


def citable_spans(text: str) -> list[tuple[int, int]]:
    """What a citation may quote from ``text``: each sentence, as offsets into it.

    A sentence that opens with a pronoun ("He held Israel responsible") is
    taken together with the sentence before it, which says who "he" is.
    """
    return citable_among(text, split_sentences(text))


def citable_among(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """The citable spans made of ``spans``, consecutive sentences of ``text`` (see ``citable_spans``)."""
    citable = []
    for i, span in enumerate(spans):
        leans_back = i > 0 and spans[i - 1].paragraph == span.paragraph and _ANAPHORIC_START.match(text[span.start :])
        citable.append((spans[i - 1].start if leans_back else span.start, span.end))
    return citable


def chunk_article(
    article_id: str,
    text: str,
    count_tokens: TokenCounter,
    max_tokens: int,
) -> list[Chunk]:
    """Pack the article's sentences into chunks of at most ``max_tokens`` tokens.

    Token counts of whitespace-separated pieces add up for WordPiece-style
    tokenizers, so summing per-sentence counts is exact for the model's limit.
    """
    if max_tokens < 8:
        raise ValueError("max_tokens is too small to hold a sentence")
    sentences = split_sentences(text)
    counts = count_tokens([text[s.start : s.end] for s in sentences])
    units: list[tuple[Span, int]] = []
    for span, count in zip(sentences, counts):
        if count <= max_tokens:
            units.append((span, count))
        else:
            units.extend(_split_long(text, span, count_tokens, max_tokens))
    chunks = []
    for position, (i, j) in enumerate(_pack(units, max_tokens)):
        first, last = units[i][0], units[j - 1][0]
        own = tuple(span for span, _ in units[i:j])
        passage = text[first.start : last.end]
        chunks.append(Chunk(article_id, position, first.paragraph, first.start, last.end, passage, own))
    return chunks


def _pack(units: list[tuple[Span, int]], max_tokens: int) -> list[tuple[int, int]]:
    """Greedy packing with one unit of overlap when it leaves room to advance: the units of each chunk, as a slice."""
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        total, j = 0, i
        while j < len(units) and total + units[j][1] <= max_tokens:
            total += units[j][1]
            j += 1
        groups.append((i, j))
        if j >= len(units):
            break
        overlap = units[j - 1][1]
        small = overlap <= max_tokens // 4 and overlap + units[j][1] <= max_tokens
        i = j - 1 if j - 1 > i and small else j
    return groups


def _split_long(
    text: str, span: Span, count_tokens: TokenCounter, max_tokens: int
) -> list[tuple[Span, int]]:
    """Split a sentence that is too long on its own between words.

    A single "word" over the limit (a long URL, an encoded blob) is cut every
    ``max_tokens`` characters (a word piece covers at least one character) and
    each cut stands alone, since counts of glued pieces need not add up.
    """
    words = [
        (span.start + m.start(), span.start + m.end())
        for m in re.finditer(r"\S+", text[span.start : span.end])
    ]
    counts = count_tokens([text[a:b] for a, b in words])
    pieces: list[tuple[Span, int]] = []
    start, total, prev_end = 0, 0, 0
    for (a, b), count in zip(words, counts):
        if total + count > max_tokens and total:
            pieces.append((Span(start, prev_end, span.paragraph), total))
            total = 0
        if count > max_tokens:
            pieces.extend(
                (Span(k, min(k + max_tokens, b), span.paragraph), max_tokens)
                for k in range(a, b, max_tokens)
            )
            continue
        if not total:
            start = a
        total += count
        prev_end = b
    if total:
        pieces.append((Span(start, prev_end, span.paragraph), total))
    return pieces


def metadata(article: Article, chunk: Chunk) -> dict:
    """What the store keeps beside a chunk: where it lies in its article, and what a citation names."""
    meta: dict = {
        "article_id": article.id,
        "position": chunk.position,
        "paragraph": chunk.paragraph,
        "start": chunk.start,
        "end": chunk.end,
        "title": article.title,
        "source": article.source,
        "location": article.location,
        "content_hash": article.content_hash,
    }
    if article.published_at:
        meta["published_at"] = article.published_at.isoformat()
        meta["published_day"] = article.published_at.toordinal()
    return meta
