"""Moving a data folder's index records into PostgreSQL (`newsqa migrate`): the same entries, keyword results,
sentence vectors and stories afterwards, nothing embedded again, and what is refused.

Real stores (Chroma in tmp_path, a fresh PostgreSQL schema per test) with the fast hash embedder: ranking does not
matter here, only that the records are the same (the answers with the real model: tests/bot/cli/test_migrate.py).
"""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from bot.app.move import move_index
from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import store_name
from index import SAMPLES_DIR
from index.articles import make_article
from index.errors import IndexBusyError, NewsqaError
from index.pg import PostgresManifest, PostgresRecords
from tests.checks import assert_consistent
from tests.conftest import DATA
from tests.fakes import CountingEmbedder, HashEmbedder
from tests.index import damage
from tests.index.test_postgres import assert_same_ranking

SOURCES = [DATA / "realtimeqa-slice.jsonl", DATA / "stories.jsonl", SAMPLES_DIR]
TOPICS = ["Alaska Airlines door plug", "who was blamed for the attack", "Iowa caucuses", "storm"]


@pytest.fixture
def local(settings: Settings) -> Settings:
    """A data folder's index of 21 articles, their records in SQLite, made with the hash embedder."""
    hashed = Settings(NEWSQA_DATA_DIR=settings.data_dir, NEWSQA_EMBEDDING_MODEL=HashEmbedder().name)
    service = Service(hashed, HashEmbedder())
    report = service.indexer.index_paths(SOURCES)
    assert report.added == 21 and not report.failed
    service.indexer.manifest.close()
    return hashed


def shared(local: Settings, url: str) -> Settings:
    """The same data folder and store, with the records in the database at ``url``."""
    return Settings(NEWSQA_DATA_DIR=local.data_dir, NEWSQA_EMBEDDING_MODEL=local.embedding_model,
                    NEWSQA_DATABASE_URL=url)  # fmt: skip


def records_of(service: Service) -> dict:
    """What an index's records say: rows, sentence vectors, stories, keyword results, stats."""
    manifest = service.indexer.manifest
    entries = manifest.entries()
    vectors = manifest.sentence_vectors({e.id: e.content_hash for e in entries.values()})
    return {
        "entries": entries,
        "vectors": {key: vector.tobytes() for key, vector in vectors.items()},
        "stories": manifest.memberships(),
        "totals": manifest.totals(),
        "sources": service.sources(),
        "story rows": service.stories(),
    }


def test_the_moved_records_are_the_same_and_nothing_is_embedded_again(local: Settings, pg_url: str) -> None:
    before = Service(local, HashEmbedder())
    expected = records_of(before)
    searches = {t: before.retriever.keyword_search(t, 20) for t in TOPICS}
    before.indexer.manifest.close()

    seen: list[tuple[str, int, int]] = []
    moved = move_index(local, pg_url, progress=lambda *step: seen.append(step))
    assert (moved.articles, moved.chunks, moved.already) == (21, expected["totals"][1], 0)
    assert seen[-1] == ("moving", 21, 21) and all(total == 21 for _, _, total in seen)
    assert moved.summary().startswith(f"Moved 21 articles ({moved.chunks} chunks) to postgresql://")

    counting = CountingEmbedder(HashEmbedder())
    after = Service(shared(local, pg_url), counting)
    assert after.stats().manifest.startswith("postgresql://")
    assert records_of(after) == expected
    assert len(set(expected["stories"].values())) < 21  # the copies and reports were grouped, and stay so
    for topic, found in searches.items():
        assert_same_ranking(after.retriever.keyword_search(topic, 20), found)
    assert after.indexer.manifest.consistent  # the next run need not read the whole store
    report = after.indexer.index_paths(SOURCES)
    assert (report.unchanged, report.added, report.updated, counting.embedded) == (21, 0, 0, 0)
    assert_consistent(after.indexer)
    with pytest.raises(NewsqaError, match=rf"the index in {local.data_dir} was moved to postgresql://\S+ \(`newsqa "
                       r"migrate`\): set NEWSQA_DATABASE_URL to use it there"):  # fmt: skip
        Service(local, HashEmbedder())  # a run here would remove the chunks of articles indexed there as orphans
    after.indexer.index_paths([DATA / "realtimeqa-blame.jsonl"])  # indexed there: its chunks are in the same store
    with pytest.raises(NewsqaError, match=r"was already moved to postgresql://\S+: nothing to move again"):
        move_index(local, pg_url)  # not "orphan chunks: run check --repair", which would remove them


def test_a_move_killed_midway_continues_where_it_stopped(
    local: Settings, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    adopt, calls = PostgresManifest.adopt, []

    def dies_at_the_eighth(self: PostgresManifest, *args: object) -> None:
        calls.append(1)
        if len(calls) == 8:
            raise KeyboardInterrupt
        adopt(self, *args)  # type: ignore[arg-type]

    expected = records_of(Service(local, HashEmbedder()))
    monkeypatch.setattr(PostgresManifest, "adopt", dies_at_the_eighth)
    with pytest.raises(KeyboardInterrupt):
        move_index(local, pg_url)
    monkeypatch.undo()
    with pytest.raises(NewsqaError, match=r"a move of an index into postgresql://\S+ \(`newsqa migrate`\) did not "
                       "finish: run it again to move the rest"):  # fmt: skip
        Service(shared(local, pg_url), HashEmbedder())  # an indexing run would remove the chunks not yet moved
    moved = move_index(local, pg_url)
    assert (moved.articles, moved.already) == (14, 7)
    assert "(7 articles were there already)" in moved.summary()
    assert records_of(Service(shared(local, pg_url), HashEmbedder())) == expected


def test_a_damaged_index_is_refused_and_nothing_is_moved(local: Settings, pg_url: str) -> None:
    lost = damage.delete_a_chunk(local)
    with pytest.raises(NewsqaError, match="refusing to move an index that is not consistent: 1 problem found: "
                       rf"missing_chunks: .*\({lost}\).*run `newsqa check --repair` to mend it"):  # fmt: skip
        move_index(local, pg_url)
    assert Service(shared(local, pg_url), HashEmbedder()).indexer.manifest.totals() == (0, 0)


def test_a_database_of_another_store_is_refused(local: Settings, pg_url: str, tmp_path) -> None:
    other = Settings(NEWSQA_DATA_DIR=tmp_path / "other", NEWSQA_EMBEDDING_MODEL=HashEmbedder().name,
                     NEWSQA_DATABASE_URL=pg_url)  # fmt: skip
    assert Service(other, HashEmbedder()).indexer.index_paths([SAMPLES_DIR]).added == 1
    with pytest.raises(NewsqaError, match=r"holds the index of the chunks in .*other.*, not in"):
        move_index(local, pg_url)  # the database names the store its rows describe


def test_a_database_holding_other_articles_is_refused(local: Settings, pg_url: str) -> None:
    target = PostgresRecords(pg_url, store_name(local)).open()
    elsewhere = make_article(text="Not of this index. " * 20, origin="elsewhere", title="Elsewhere")
    target.record(elsewhere, ["Not of this index."], [], np.zeros((0, 4), dtype=np.float32))
    with pytest.raises(NewsqaError, match=r"already holds 1 article that this index does not \(first: 'Elsewhere'\): "
                       "move it into an empty database or schema"):  # fmt: skip
        move_index(local, pg_url)
    assert target.totals() == (1, 1)
    target.close()


def test_a_move_is_refused_while_a_writer_holds_either_lock(local: Settings, pg_url: str) -> None:
    service = Service(local, HashEmbedder())
    with service.indexer.lock.hold():
        with pytest.raises(NewsqaError, match="busy: an indexing run .* holds the writer lock"):
            move_index(local, pg_url)
    with Service(shared(local, pg_url), HashEmbedder()).indexer.lock.hold():
        with pytest.raises(IndexBusyError, match="the index is busy"):
            move_index(local, pg_url)


def test_records_beside_a_chroma_server_move_and_another_data_folder_then_serves_them(
    chroma_server: int, pg_url: str, tmp_path
) -> None:
    """The way to several machines: the vectors on a Chroma server already, the records moved; then a process
    with another data folder (another host) answers from them, and indexes nothing again."""

    collection = f"moved-{uuid.uuid4().hex[:8]}"

    def on(folder: str, url: str | None = None) -> Settings:
        return Settings(NEWSQA_DATA_DIR=tmp_path / folder, CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_server,
                        NEWSQA_COLLECTION=collection, NEWSQA_EMBEDDING_MODEL=HashEmbedder().name,
                        NEWSQA_DATABASE_URL=url)  # fmt: skip

    first = on("first")
    local = Service(first, HashEmbedder())
    assert local.indexer.index_paths(SOURCES[:2]).added == 20
    expected = records_of(local)
    local.indexer.manifest.close()
    assert move_index(first, pg_url).articles == 20
    counting = CountingEmbedder(HashEmbedder())
    other = Service(on("second", pg_url), counting)
    assert records_of(other) == expected
    assert other.indexer.index_paths(SOURCES[:2]).unchanged == 20 and counting.embedded == 0
