from __future__ import annotations

import numpy as np

from index.embeddings import Embedder
from index.loaders import load_file
from index.vectors import passages, plan
from tests.conftest import DATA, SAMPLE


def test_each_sentence_is_embedded_once_and_passages_are_their_weighted_mean(real_embedder: Embedder) -> None:
    [article] = load_file(SAMPLE).articles
    chunks = passages(article, real_embedder)
    assert len(chunks) > 1  # neighbouring chunks share a sentence
    made = plan(article, chunks, real_embedder)
    assert made.texts[0] == article.title and len(made.texts) == len(set(made.texts))
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
