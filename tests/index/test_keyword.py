"""Keyword search in the manifest: BM25 over the project's stems, rows that come and go with their article's
row, and an index made by an earlier version, which gets its rows before it answers a question."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import open_database
from index import keyword
from index.articles import Article, make_article
from index.chunking import chunk_id
from index.errors import IndexNotReadyError
from index.keyword import document, tokenize
from index.manifest import Manifest
from index.pg import PostgresManifest
from index.pg import keyword as pg_keyword
from tests.checks import assert_consistent, keyword_rows
from tests.conftest import DATA
from tests.fakes import HashEmbedder
from tests.index import damage
from tests.index.runs import lock_held

STORIES = {
    "Darts final": ["Luke Humphries beat Luke Littler in the darts final.", "Humphries won the title in London."],
    "Coastal storms": ["Storms flooded the Californian coast.", "Officials in London sent aid after the storms."],
    "Rail fares": ["Rail fares will rise in March, officials said."],
    "Ferry strike": ["The ferry strike ended on Friday after talks in London."],
    "Harbour count": ["The harbour council counted ships at the quay."],
}
QUESTION = "Who won the darts title in London?"


def story(title: str) -> Article:
    return make_article(text=" ".join(STORIES[title]), title=title, origin=f"/news/{title}.txt")


def record(manifest: Manifest, article: Article, texts: list[str]) -> None:
    manifest.record(article, texts, [], np.zeros((0, 4), dtype=np.float32))


@pytest.fixture
def manifest(settings: Settings) -> Iterator[Manifest]:
    """The five stories' records, in the database of this run."""
    opened = open_database(settings).open()
    for title, texts in STORIES.items():
        record(opened, story(title), texts)
    yield opened
    opened.close()


def okapi(query: list[str], docs: dict[str, list[str]], k1: float = 1.2, b: float = 0.75) -> dict[str, float]:
    """BM25 as SQLite's FTS5 computes it (its idf, floored just above 0), written out, for chunks sharing a term."""
    average = sum(map(len, docs.values())) / len(docs)
    having = Counter(term for words in docs.values() for term in set(words))
    scores = {}
    for chunk, words in docs.items():
        counts = Counter(words)
        if not any(term in counts for term in query):
            continue
        score = 0.0
        for term in query:
            idf = max(math.log((len(docs) - having[term] + 0.5) / (having[term] + 0.5)), 1e-6)
            tf = counts[term]
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(words) / average))
        scores[chunk] = score
    return scores


def test_chunks_are_ranked_by_bm25_over_the_project_s_stems_of_title_and_text(manifest: Manifest) -> None:
    docs = {
        chunk_id(story(title).id, n): tokenize([document(title, text)])[0]
        for title, texts in STORIES.items()
        for n, text in enumerate(texts)
    }
    expected = okapi(tokenize([QUESTION])[0], docs)

    found = manifest.keyword_search(QUESTION, 10)

    assert [chunk for chunk, _ in found] == sorted(expected, key=expected.__getitem__, reverse=True)
    assert [score for _, score in found] == pytest.approx([expected[chunk] for chunk, _ in found], rel=1e-6)
    assert found[0][0] == chunk_id(story("Darts final").id, 1)  # "won", "title" stemmed, "who", "the" dropped
    assert manifest.keyword_search("Who was it, and which did they?", 10) == []  # stop words only


def test_a_filtered_search_ranks_only_the_admitted_articles(manifest: Manifest) -> None:
    admitted = {story("Coastal storms").id, story("Ferry strike").id}
    everything = manifest.keyword_search(QUESTION, 10)

    found = manifest.keyword_search(QUESTION, 10, admitted)

    assert found == [(chunk, score) for chunk, score in everything if chunk.rsplit(":", 1)[0] in admitted]
    assert len(found) == 2  # "London" is in both
    assert manifest.keyword_search(QUESTION, 10, set()) == []


def test_an_article_s_keyword_rows_come_and_go_with_its_row(manifest: Manifest) -> None:
    darts = story("Darts final")
    record(manifest, darts, ["Luke Humphries beat Luke Littler."])  # shorter now: one chunk
    assert [c for c, _ in manifest.keyword_search("Humphries", 10)] == [chunk_id(darts.id, 0)]
    assert not manifest.keyword_damage()
    manifest.forget(darts.id)
    assert manifest.keyword_search("Humphries", 10) == []
    manifest.clear()
    assert manifest.keyword_search("London", 10) == [] and manifest.keywords_complete


def test_an_article_s_row_and_its_keyword_rows_are_written_together_or_not_at_all(
    manifest: Manifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = pg_keyword if isinstance(manifest, PostgresManifest) else keyword  # the database's own
    written = writer.write

    def write_then_fail(*args: object) -> None:
        written(*args)  # type: ignore[arg-type]
        raise OSError("disk full")

    monkeypatch.setattr(writer, "write", write_then_fail)
    fresh = make_article(text="A zygomorphic orchid was found.", title="Orchids", origin="/news/orchids.txt")
    before = (manifest.generation, manifest.with_sentences(), manifest.totals())
    with pytest.raises(OSError, match="disk full"):
        manifest.record(fresh, [fresh.text], [(0, 5)], np.ones((1, 4), dtype=np.float32))
    monkeypatch.undo()
    assert fresh.id not in manifest.entries()
    assert (manifest.generation, manifest.with_sentences(), manifest.totals()) == before  # nor its sentences
    assert manifest.keyword_search("zygomorphic", 10) == []


EARLIER = pytest.mark.records_in("sqlite", reason="an earlier version kept the records in SQLite only")


@pytest.fixture
def earlier(settings: Settings) -> Settings:
    """An index of fourteen real articles as an earlier version left it: no keyword rows, a saved index beside it."""
    service = Service(settings, HashEmbedder())
    assert service.indexer.index_paths([DATA / "realtimeqa-slice.jsonl"]).added == 14
    service.indexer.manifest.close()
    damage.make_it_an_earlier_version_s(settings)
    return settings


@EARLIER
def test_an_index_made_by_an_earlier_version_gets_its_keyword_rows_when_opened(earlier: Settings) -> None:
    service = Service(earlier, HashEmbedder())

    assert not earlier.legacy_keyword_dir.exists()
    assert_consistent(service.indexer)  # every committed chunk's row, of its stored title and text, once
    assert len(keyword_rows(service.indexer)) == service.indexer.manifest.totals()[1]
    [best, *_] = service.retriever.keyword_search("Tetris winner fingers", 5)
    assert best[0].startswith("bb2da17bf5344fc5:")


@EARLIER
def test_while_a_run_holds_the_lock_questions_are_refused_until_it_has_written_the_keyword_rows(
    earlier: Settings,
) -> None:
    """A question is never answered from the dense search alone: refused until the rows are written, which
    an indexing run does before it reads its sources."""
    with lock_held(earlier.lock_path):
        service = Service(earlier, HashEmbedder())  # cannot write them: another run holds the lock
        before = damage.state(earlier)
        with pytest.raises(IndexNotReadyError, match="not built yet: an indexing run builds it first thing"):
            service.retriever.search("Who won the Tetris title?")
        with pytest.raises(IndexNotReadyError):
            service.ask("Who won the Tetris title?")
        assert damage.state(earlier) == before
    complete_when_reading: list[bool] = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "reading":
            complete_when_reading.append(service.indexer.manifest.keywords_complete)

    report = service.indexer.index_paths([DATA / "realtimeqa-slice.jsonl"], progress=progress)

    assert report.unchanged == 14 and complete_when_reading == [True]
    assert not earlier.legacy_keyword_dir.exists()
    assert_consistent(service.indexer)
    (earlier.legacy_keyword_dir / "gen-7-abc").mkdir(parents=True)  # left by a run that could not remove it
    assert service.indexer.manifest.consistent  # the next run checks nothing in full, and still removes it
    service.indexer.index_paths([DATA / "realtimeqa-slice.jsonl"])
    assert not earlier.legacy_keyword_dir.exists()
    assert "bb2da17bf5344fc5" in {p.article_id for p in service.retriever.search("Who won the Tetris title?", 3)}
