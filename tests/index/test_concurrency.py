"""Asking while an indexing run rewrites the articles: every answer comes from complete articles."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from chromadb.errors import InternalError

from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import open_indexer
from tests.checks import assert_consistent
from tests.conftest import CHOOSES_ITS_DATABASES
from tests.fakes import HashEmbedder

pytestmark = CHOOSES_ITS_DATABASES

ARTICLES = 5
ROUNDS = 12
# Passages searched for: every chunk of every article (3 in the short version, 5 in the long), so that each article
# is found whatever the order of their nearly identical chunks (with 10, an article was missed now and then).
EVERY_CHUNK = 6 * ARTICLES


@pytest.fixture(params=["sqlite", "postgres"])
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Each test with the index's records in the data folder's SQLite file, and in a PostgreSQL schema."""
    if request.param == "sqlite":
        return settings
    return Settings(NEWSQA_DATA_DIR=settings.data_dir, NEWSQA_DATABASE_URL=request.getfixturevalue("pg_url"))


def write_version(folder: Path, version: str, sentences: int) -> None:
    """Every sentence of every article carries the version's word, so a chunk tells which version it is from."""
    for n in range(ARTICLES):
        body = " ".join(
            f"In {version} report {n} the harbour council counted {i * 7 + n} ships at the quay on day {i}."
            for i in range(sentences)
        )
        (folder / f"harbour-{n}.txt").write_text(f"# Harbour report {n}\n\n{body}\n")


def test_asking_during_indexing_never_sees_a_half_indexed_article(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    write_version(folder, "alpha", 12)
    writer = open_indexer(settings, HashEmbedder())
    writer.index_paths([folder])
    retriever = Service(settings, HashEmbedder()).retriever  # its own connections, as another process

    done = threading.Event()
    errors: list[BaseException] = []
    mixed: list[dict] = []
    searches = 0

    def rewrite() -> None:
        try:
            for r in range(ROUNDS):  # versions of different lengths: chunks are added, replaced and dropped
                write_version(folder, "bravo" if r % 2 == 0 else "alpha", 20 if r % 2 == 0 else 12)
                writer.index_paths([folder])
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    def ask() -> None:
        nonlocal searches
        try:
            while not done.is_set():
                versions: dict[str, set[str]] = defaultdict(set)
                for p in retriever.search("how many ships did the harbour council count at the quay", k=EVERY_CHUNK):
                    versions[p.article_id] |= {v for v in ("alpha", "bravo") if v in p.text}
                mixed.extend({a: v} for a, v in versions.items() if len(v) != 1)
                searches += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=rewrite), threading.Thread(target=ask)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)

    assert errors == []
    assert searches > ROUNDS  # the searches really ran alongside the indexing
    assert mixed == []  # never chunks of two versions of one article in one answer
    assert_consistent(writer)


def test_a_search_between_writing_chunks_and_committing_sees_the_old_version(
    settings: Settings, tmp_path: Path
) -> None:
    """The moments of risk, made certain: the writer has stored a batch's new chunks and committed
    none, then some, of its articles."""
    folder = tmp_path / "news"
    folder.mkdir()
    write_version(folder, "bravo", 20)
    writer = open_indexer(settings, HashEmbedder())
    writer.index_paths([folder])
    retriever = Service(settings, HashEmbedder()).retriever
    seen: list[dict[str, set[str]]] = []

    def then_search(write: Callable[..., None]) -> Callable[..., None]:
        def written(*args: object, **kwargs: object) -> None:
            write(*args, **kwargs)
            versions: dict[str, set[str]] = defaultdict(set)
            for p in retriever.search("how many ships did the harbour council count at the quay", k=EVERY_CHUNK):
                versions[p.article_id] |= {v for v in ("alpha", "bravo") if v in p.text}
            seen.append(versions)

        return written

    writer.store.upsert = then_search(writer.store.upsert)  # type: ignore[method-assign]
    writer.manifest.record = then_search(writer.manifest.record)  # type: ignore[method-assign]
    write_version(folder, "alpha", 12)  # shorter: the old version's last chunks are left until deleted
    assert writer.index_paths([folder]).updated == ARTICLES

    assert len(seen) == 1 + ARTICLES  # the batch's chunks, then each article's commit
    for versions in seen:
        assert len(versions) == ARTICLES and all(v in ({"alpha"}, {"bravo"}) for v in versions.values()), versions
    # New chunks are not visible before their article's commit, and each commit shows one more.
    assert [sum(v == {"alpha"} for v in versions.values()) for versions in seen] == list(range(ARTICLES + 1))


def test_a_read_that_meets_a_write_of_its_chunks_is_read_again(settings: Settings, tmp_path: Path) -> None:
    """Chroma's local store may fail a read of chunks being rewritten that moment ("Error finding id", seen
    above under load); the read is tried again, and any other error is raised at once."""
    folder = tmp_path / "news"
    folder.mkdir()
    write_version(folder, "alpha", 12)
    writer = open_indexer(settings, HashEmbedder())
    writer.index_paths([folder])
    store = writer.store
    chunks = sorted(store.ids())[:3]
    real_get = store._collection.get
    failures = [InternalError("Error executing plan: Internal error: Error finding id")]

    def get_meeting_a_write(*args: object, **kwargs: object) -> object:
        if failures:
            raise failures.pop()
        return real_get(*args, **kwargs)

    store._collection.get = get_meeting_a_write  # type: ignore[method-assign]
    assert [hit.id for hit in store.get(chunks)] == chunks and not failures
    failures.append(InternalError("Error executing plan: Internal error: something else"))
    with pytest.raises(InternalError, match="something else"):
        store.get(chunks)
