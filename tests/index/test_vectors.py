from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from index.articles import Article
from index.embed.base import Embedder
from index.passages import Passage
from index.read.files import load_file
from index.search import _spans
from index.vectors import passages, plan
from tests.checks import assert_consistent
from tests.conftest import DATA, SAMPLE
from tests.fakes import CountingEmbedder, HashEmbedder


def test_each_sentence_is_embedded_once_and_passages_are_their_weighted_mean(real_embedder: Embedder) -> None:
    [article] = load_file(SAMPLE).articles
    chunks = passages(article, real_embedder)
    assert len(chunks) > 1  # neighbouring chunks share a sentence
    made = plan(article, chunks, real_embedder)
    assert made.texts[0] == article.title
    # Every text embedded is used, by a passage or a citation.
    assert set(range(len(made.texts))) == {*made.citable_rows, *(r for rows in made.members for r in rows)}
    vectors = real_embedder.embed(made.texts)
    passage_vectors = made.passage_vectors(vectors)
    assert passage_vectors.shape == (len(chunks), real_embedder.dimension)
    assert np.allclose(np.linalg.norm(passage_vectors, axis=1), 1.0, atol=1e-5)
    for chunk, rows, vector in zip(chunks, made.members, passage_vectors):
        assert all(made.texts[r] in chunk.text for r in rows[1:])  # its own sentences, after the title
        mean = made.weights[rows] @ vectors[rows]
        assert np.allclose(vector, mean / np.linalg.norm(mean), atol=1e-5)
    # The passage vector stays close to the passage embedded whole.
    whole = real_embedder.embed([f"{article.title}\n{c.text}" for c in chunks])
    assert np.sum(whole * passage_vectors, axis=1).min() > 0.8


def test_citable_spans_quote_the_article_and_lean_back_on_pronouns(real_embedder: Embedder) -> None:
    articles = load_file(DATA / "realtimeqa-slice.jsonl").articles[:4] + load_file(SAMPLE).articles
    for article in articles:
        made = plan(article, passages(article, real_embedder), real_embedder)
        assert len(made.citable) == len(set(made.citable)) == len(made.citable_rows)
        for (start, end), row in zip(made.citable, made.citable_rows):
            assert made.texts[row] == article.text[start:end]
    [sample] = load_file(SAMPLE).articles
    quoted = [sample.text[s:e] for s, e in plan(sample, passages(sample, real_embedder), real_embedder).citable]
    leaning = [q for q in quoted if "He held Israel responsible" in q]
    assert leaning and all(q.index("He held") > 0 for q in leaning)  # quoted with the sentence naming "he"


def test_answers_use_the_kept_sentence_vectors_and_older_indexes_are_upgraded(
    settings: Settings, fp32_embedder: Embedder, articles_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking embeds only the question and splits no passage into sentences (the kept spans are used);
    an index without them still answers alike, and is brought up to date.

    In fp32, where a sentence's vector is the same when embedded alone or at indexing."""
    embedder = CountingEmbedder(fp32_embedder)
    opened = Service(settings, embedder)
    opened.indexer.index_paths([articles_dir])
    question = "Who was blamed for the attack?"

    def ask() -> tuple[list[str], int]:
        before = embedder.embedded
        spans, _ = opened.retriever.sentences(opened.retriever.search(question, 4))
        return [span.text for span in spans], embedder.embedded - before

    with monkeypatch.context() as patched:
        patched.setattr("index.search.citable_spans", lambda text: pytest.fail("a passage was split when asked"))
        kept, calls = ask()
    assert calls == 1 and kept  # the question alone

    manifest = opened.indexer.manifest
    with manifest._transaction() as conn:  # as an index made before sentence vectors were kept
        (conn or manifest._db).execute("DELETE FROM sentences")  # SQLite's is the manifest's own connection
    older, calls = ask()
    assert older == kept and calls > 1  # the same evidence, its sentences embedded when asked

    report = opened.indexer.index_paths([articles_dir])
    assert (report.updated, report.unchanged) == (1, 0)
    assert_consistent(opened.indexer)
    assert ask() == (kept, 1)
    assert opened.indexer.index_paths([articles_dir]).unchanged == 1


def test_a_passage_has_the_same_sentences_from_the_kept_spans_as_from_its_text() -> None:
    """Neighbouring passages share a sentence; where it opens with "He", each passage still quotes
    it as its own text does (with the sentence before it, or alone where it comes first)."""
    embedder = HashEmbedder()
    text = " ".join(
        f"The council met on day {i} to count the ships in the harbour. He said {i} ships were at the quay."
        for i in range(30)
    )
    article = Article("a1", "Harbour", text, None, "test", None, "test")
    chunks = passages(article, embedder)
    kept = {(article.id, start, end): np.zeros(1) for start, end in plan(article, chunks, embedder).citable}
    found = [Passage(c.id, article.id, "", None, "", "", c.text, c.start, c.end, 0.0, 0.0) for c in chunks]
    assert any(p.text.startswith("He said") for p in found)  # a shared sentence leaning back
    for passage in found:
        from_kept = [(c.start, c.end, c.text) for c in _spans([passage], kept)]
        assert from_kept == [(c.start, c.end, c.text) for c in _spans([passage], {})]
