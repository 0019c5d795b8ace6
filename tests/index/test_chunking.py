from __future__ import annotations

import json

from index.chunking import chunk_article, split_sentences
from index.embed.base import Embedder
from index.read.files import load_file
from index.vectors import TITLE_TOKENS
from tests.conftest import DATA, SAMPLE
from tests.fakes import HashEmbedder


def test_chunks_quote_the_article_exactly_and_fit_the_model(real_embedder: Embedder) -> None:
    budget = real_embedder.max_tokens - 2 - TITLE_TOKENS
    articles = load_file(SAMPLE).articles + load_file(DATA / "realtimeqa-slice.jsonl").articles
    for article in articles:
        chunks = chunk_article(article.id, article.text, real_embedder.count_tokens, budget)
        assert chunks, article.title
        assert [c.position for c in chunks] == list(range(len(chunks)))
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
            # It carries its sentences, as splitting its own text would find them.
            own = [(s.start, s.end) for s in chunk.sentences]
            assert own == [(chunk.start + s.start, chunk.start + s.end) for s in split_sentences(chunk.text)]
        # What the model really sees (title + chunk, with special tokens) is never truncated.
        full = real_embedder.count_tokens([f"{article.title}\n{c.text}" for c in chunks])
        title_tokens = real_embedder.count_tokens([article.title])[0]
        for chunk, tokens in zip(chunks, full):
            assert tokens + 2 - min(title_tokens, TITLE_TOKENS) <= real_embedder.max_tokens, chunk.text[:60]
        # Together the chunks cover every sentence.
        covered = set()
        for chunk in chunks:
            covered.update(range(chunk.start, chunk.end))
        for sentence in split_sentences(article.text):
            assert sentence.start in covered


def test_sample_sentences_and_paragraphs() -> None:
    [article] = load_file(SAMPLE).articles
    sentences = split_sentences(article.text)
    texts = [article.text[s.start : s.end] for s in sentences]
    blame = next(i for i, t in enumerate(texts) if "accusations were made against Israel" in t)
    assert texts[blame].startswith("During the period between the explosions")
    assert texts[blame].endswith("by President Raisi.")
    assert sentences[blame].paragraph == 5
    assert sentences[0].paragraph == 0


def test_title_abbreviations_do_not_end_a_sentence() -> None:
    text = "Dr. Raisi spoke first. Gen. Smith answered at 3 p.m. on Friday."
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == ["Dr. Raisi spoke first.", "Gen. Smith answered at 3 p.m. on Friday."]


def test_neighbouring_chunks_overlap_by_a_sentence() -> None:
    text = " ".join(f"Sentence number {i} says a little." for i in range(40))
    chunks = chunk_article("a", text, HashEmbedder().count_tokens, max_tokens=30)
    assert len(chunks) > 3
    for left, right in zip(chunks, chunks[1:]):
        assert right.start < left.end  # shared sentence
        assert right.end > left.end  # and progress


def test_a_sentence_longer_than_the_limit_is_split_between_words() -> None:
    counter = HashEmbedder().count_tokens
    words = [f"w{i}" for i in range(200)]
    blob = "-" * 130  # one "word" of 130 tokens: cut into pieces that stand alone
    text = " ".join(words) + f" {blob} end."
    chunks = chunk_article("a", text, counter, max_tokens=50)
    assert all(counter([c.text])[0] <= 50 for c in chunks)
    assert [c.text for c in chunks if c.text.startswith("-")] == ["-" * 50, "-" * 50, "-" * 30]
    joined = " ".join(c.text for c in chunks).split()
    assert set(words) <= set(joined)
    assert joined[-1] == "end."
    for chunk in chunks:
        assert chunk.text == chunk.text.strip()
        # Its pieces are what it is made of, end to end.
        assert (chunk.sentences[0].start, chunk.sentences[-1].end) == (chunk.start, chunk.end)
        assert all(a.end < b.start for a, b in zip(chunk.sentences, chunk.sentences[1:]))


def test_real_articles_give_reasonable_chunk_sizes(real_embedder: Embedder) -> None:
    budget = real_embedder.max_tokens - 2 - TITLE_TOKENS
    lines = (DATA / "realtimeqa-slice.jsonl").read_text().splitlines()
    sizes = []
    for line in lines:
        record = json.loads(line)
        sizes += [len(c.text) for c in chunk_article("x", record["text"], real_embedder.count_tokens, budget)]
    # Passages are quoted as citations: long enough for context, short enough to read.
    assert 400 < sum(sizes) / len(sizes) < 1200
