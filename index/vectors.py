"""What the model embeds for an article, and how passage vectors are made from it.

Each sentence of an article is embedded once, on its own, and so is its title.
A passage's vector is the mean of its sentences' vectors and the title's,
weighted by their length in word pieces; the sentences' own vectors are kept
for ranking the sentences of the passages found for a question.

Embedding sentences instead of whole passages costs fewer model tokens (no
sentence is embedded twice where passages overlap, and the title once per
article instead of once per passage), and an answer then needs no model call
beyond the question itself. On the realtimeqa-2024 dev set, passages found by
these mean vectors held the answer as often as passages embedded whole (hybrid
recall@5 0.532 against 0.526, recall@10 0.571 against 0.591, one question is
0.0065), measured side by side on the same chunks and keyword index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.articles import Article
from index.chunking import Chunk, chunk_article, citable_among
from index.embed.base import Embedder

# Room kept for the title when a passage is sized: passages were sized to fit
# the model together with the title when they were embedded whole, and their
# size (about 1,000 characters) is what citations and recall were measured with.
TITLE_TOKENS = 32

Offsets = tuple[int, int]


def passages(article: Article, embedder: Embedder) -> list[Chunk]:
    """An article's chunks, each a run of whole sentences that fits the model with the title."""
    budget = embedder.max_tokens - 2 - TITLE_TOKENS  # 2: [CLS] and [SEP]
    return chunk_article(article.id, article.text, embedder.count_tokens, budget)


@dataclass(frozen=True)
class Plan:
    """The texts to embed for one article, and which of them make up each passage."""

    texts: list[str]  # the title (when there is one), then each sentence once
    weights: np.ndarray  # word pieces in each text
    members: list[list[int]]  # per chunk: rows of ``texts`` that make up its vector
    citable: list[Offsets]  # spans a citation may quote, as article offsets
    citable_rows: list[int]  # the row of ``texts`` embedding each citable span

    def passage_vectors(self, vectors: np.ndarray) -> np.ndarray:
        """One unit vector per chunk: the length-weighted mean of its members' vectors."""
        out = np.stack([self.weights[rows] @ vectors[rows] for rows in self.members])
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)

    def citable_vectors(self, vectors: np.ndarray) -> np.ndarray:
        return vectors[self.citable_rows]


def plan(article: Article, chunks: list[Chunk], embedder: Embedder) -> Plan:
    """What to embed for ``article`` cut into ``chunks``.

    A passage is made of its sentences; the spans a citation quotes are the
    same sentences, except that one leaning on the sentence before it ("He
    said…") is quoted, and so embedded, together with it.
    """
    rows: dict[Offsets, int] = {}
    texts: list[str] = []

    def row(span: Offsets) -> int:
        if span not in rows:
            rows[span] = len(texts)
            texts.append(article.text[span[0] : span[1]])
        return rows[span]

    title = title_prefix(article.title, embedder)
    if title:
        texts.append(title)
    members = []
    citable: dict[Offsets, int] = {}
    for chunk in chunks:  # made of the article's sentences, which are not split again
        sentences = [row((s.start, s.end)) for s in chunk.sentences]
        members.append(([0] if title else []) + sentences)
        for span in citable_among(article.text, chunk.sentences):
            citable.setdefault(span, row(span))
    weights = np.asarray(embedder.count_tokens(texts), dtype=np.float32) + 1.0  # +1: never a zero weight
    return Plan(texts, weights, members, list(citable), list(citable.values()))


def title_prefix(title: str, embedder: Embedder) -> str:
    """The title, cut between words to fit its token budget."""
    words = title.split()
    counts = embedder.count_tokens(words)
    total, keep = 0, 0
    for count in counts:
        if total + count > TITLE_TOKENS:
            break
        total += count
        keep += 1
    return " ".join(words[:keep])
