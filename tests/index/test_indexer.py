from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import open_database, open_indexer
from index.errors import IndexBusyError, ModelMismatchError
from index.indexer import Indexer
from index.read.files import load_file
from index.vectors import passages, plan
from tests.checks import assert_consistent, stored_ids
from tests.conftest import DATA, SAMPLE
from tests.fakes import HashEmbedder


def test_add_noop_update_prune_with_the_real_model(real_indexer: Indexer, articles_dir: Path) -> None:
    embedder = real_indexer.embedder
    report = real_indexer.index_paths([articles_dir])
    assert (report.added, report.updated, report.unchanged, report.failed) == (1, 0, 0, [])
    [article] = load_file(SAMPLE).articles
    texts = plan(article, passages(article, embedder), embedder).texts
    assert report.chunks == real_indexer.store.count() > 0
    assert embedder.embedded == len(texts)  # the title and each sentence, once
    assert_consistent(real_indexer)

    again = real_indexer.index_paths([articles_dir])
    assert (again.added, again.unchanged, again.chunks) == (0, 1, 0)
    assert embedder.embedded == len(texts)  # nothing embedded on a no-op run

    path = articles_dir / SAMPLE.name
    path.write_text("date 2024-01-05\nThe death toll was revised to 95 people on Friday.\n")
    edited = real_indexer.index_paths([articles_dir])
    assert (edited.added, edited.updated, edited.chunks) == (0, 1, 1)
    assert real_indexer.store.count() == 1  # the old chunks are gone
    [entry] = real_indexer.manifest.entries().values()
    assert str(entry.published_at) == "2024-01-05"
    assert_consistent(real_indexer)

    path.unlink()
    kept = real_indexer.index_paths([articles_dir])
    assert kept.removed == 0 and real_indexer.store.count() == 1  # no --prune: nothing removed
    pruned = real_indexer.index_paths([articles_dir], prune=True)
    assert pruned.removed == 1
    assert real_indexer.store.count() == 0
    assert real_indexer.manifest.entries() == {}


def test_jsonl_slice_is_indexed_and_searchable(real_indexer: Indexer) -> None:
    report = real_indexer.index_paths([DATA / "realtimeqa-slice.jsonl"])
    assert (report.added, report.failed) == (14, [])
    entries = real_indexer.manifest.entries().values()
    assert all(e.url and e.url.startswith("https://") for e in entries)
    query = real_indexer.embedder.embed(["who beat Luke Littler in the darts world championship final"])[0]
    top = real_indexer.store.query(query, k=3)
    assert "Littler" in top[0].metadata["title"]
    assert top[0].metadata["published_at"] == "2024-01-02"
    assert top[0].text in (DATA / "realtimeqa-slice.jsonl").read_text().replace("\\n", "\n")


def test_bad_files_are_reported_and_the_rest_indexed(fake_indexer: Indexer, articles_dir: Path) -> None:
    (articles_dir / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00" * 50)
    (articles_dir / "empty.md").write_text("  \n")
    (articles_dir / "feed.jsonl").write_text(
        '{"id": "1", "title": "Good record", "text": "Officials counted 12 ballots."}\n{broken\n'
    )
    report = fake_indexer.index_paths([articles_dir, articles_dir / "missing.txt"])
    assert report.added == 2
    reasons = {Path(f.path.split(":")[0]).name: f.reason for f in report.failed}
    assert reasons.keys() == {"binary.txt", "empty.md", "feed.jsonl", "missing.txt"}
    assert "binary" in reasons["binary.txt"]
    assert "empty" in reasons["empty.md"]
    assert any(f.path.endswith("feed.jsonl:2") for f in report.failed)
    assert_consistent(fake_indexer)


def test_after_a_clean_run_the_store_is_read_in_full_only_when_its_count_disagrees(
    fake_indexer: Indexer, articles_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_indexer.index_paths([articles_dir])
    assert fake_indexer.manifest.consistent
    full_reads, reads = [], []
    real_ids = type(fake_indexer.store).ids
    monkeypatch.setattr(type(fake_indexer.store), "ids", lambda store: full_reads.append(1) or real_ids(store))
    for method in ("entries", "keyword_damage"):  # each reads every article's rows
        real = getattr(type(fake_indexer.manifest), method)
        monkeypatch.setattr(
            type(fake_indexer.manifest), method, lambda m, real=real, method=method: reads.append(method) or real(m)
        )
    fake_indexer.index_paths([articles_dir])
    assert not full_reads  # a clean run left the store as its rows say: nothing to reconcile...
    assert reads == ["entries"]  # ...and its keyword rows, written with their articles' rows; the rows read once
    clean = stored_ids(fake_indexer)
    fake_indexer.store.delete([sorted(clean)[-1]])  # changed behind the index's back: the counts disagree
    full_reads.clear()
    reads.clear()
    report = fake_indexer.index_paths([articles_dir])
    assert full_reads and "keyword_damage" in reads and report.updated + report.added == 1
    assert stored_ids(fake_indexer) == clean
    assert_consistent(fake_indexer)


def test_a_failed_jsonl_line_does_not_prune_its_article(fake_indexer: Indexer, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "1", "text": "One."}\n{"id": "2", "text": "Two."}\n')
    assert fake_indexer.index_paths([feed]).added == 2
    feed.write_text('{"id": "1", "text": "One."}\n{"id": "2", "text": "Two." BROKEN\n')
    report = fake_indexer.index_paths([feed], prune=True)
    assert report.removed == 0 and len(report.failed) == 1
    feed.write_text('{"id": "1", "text": "One."}\n')
    assert fake_indexer.index_paths([feed], prune=True).removed == 1


def test_duplicates_are_indexed_once(fake_indexer: Indexer, articles_dir: Path) -> None:
    shutil.copy(SAMPLE, articles_dir / "copy.txt")
    report = fake_indexer.index_paths([articles_dir, articles_dir / "copy.txt"])
    assert report.added == 1
    assert [Path(f.path).name for f in report.failed] == ["kerman-attack-2024-01-04.txt"]
    assert "duplicate of" in report.failed[0].reason
    later = fake_indexer.index_paths([articles_dir / SAMPLE.name])
    assert later.added == 0 and "already indexed" in later.failed[0].reason
    assert len(fake_indexer.manifest.entries()) == 1


def test_leftovers_of_an_interrupted_run_are_repaired(fake_indexer: Indexer, articles_dir: Path) -> None:
    fake_indexer.index_paths([articles_dir])
    clean = stored_ids(fake_indexer)
    # An interrupted run leaves chunks without a manifest row, and rows missing chunks; it started by recording
    # that the store may no longer hold what the rows promise.
    fake_indexer.manifest.mark_consistent(False)
    vector = fake_indexer.embedder.embed(["orphan"])
    fake_indexer.store.upsert(["deadbeef:00000"], vector, ["orphan"], [{"article_id": "deadbeef"}])
    fake_indexer.store.delete([sorted(clean)[-1]])
    report = fake_indexer.index_paths([articles_dir])
    assert report.updated + report.added == 1
    assert stored_ids(fake_indexer) == clean
    assert_consistent(fake_indexer)


def test_another_model_is_refused_with_the_rebuild_command(settings: Settings, articles_dir: Path) -> None:
    open_indexer(settings, HashEmbedder(name="test/model-a")).index_paths([articles_dir])
    with pytest.raises(ModelMismatchError, match="newsqa index --rebuild"):
        open_indexer(settings, HashEmbedder(name="test/model-b"))
    rebuilt = open_indexer(settings, HashEmbedder(name="test/model-b", dimension=32), rebuild=True)
    assert rebuilt.store.count() == 0
    assert rebuilt.index_paths([articles_dir]).added == 1


def test_a_second_writer_fails_at_once(fake_indexer: Indexer, settings: Settings, articles_dir: Path) -> None:
    with open_database(settings).lock.hold():  # as another indexing run does
        with pytest.raises(IndexBusyError, match="busy"):
            fake_indexer.index_paths([articles_dir])
    assert fake_indexer.index_paths([articles_dir]).added == 1


def test_batches_respect_the_store_limit(fake_indexer: Indexer, tmp_path: Path) -> None:
    fake_indexer.store._batch = 7  # a server with a small maximum batch size
    feed = tmp_path / "many.jsonl"
    feed.write_text("".join(f'{{"id": "{i}", "text": "Story {i} is short."}}\n' for i in range(30)))
    assert fake_indexer.index_paths([feed]).added == 30
    assert fake_indexer.store.count() == 30
    assert len(list(fake_indexer.store.ids())) == 30


def test_keyword_search_keeps_in_step_with_every_index_run(settings: Settings, tmp_path: Path) -> None:
    opened = Service(settings, HashEmbedder())
    retriever = opened.retriever  # opened before the article exists, as a running bot would be
    story = tmp_path / "story.md"
    story.write_text("# Orchids\n\nBotanists found a zygomorphic orchid near the river.")
    assert retriever.keyword_search("zygomorphic", 5) == []
    opened.indexer.index_paths([story])
    [(chunk, _)] = retriever.keyword_search("zygomorphic", 5)
    assert chunk.startswith(next(iter(opened.indexer.manifest.entries())))
    story.write_text("# Orchids\n\nBotanists found a rare orchid near the river.")
    opened.indexer.index_paths([story])
    assert retriever.keyword_search("zygomorphic", 5) == []


def test_progress_is_reported_per_phase(fake_indexer: Indexer) -> None:
    calls: list[tuple[str, int, int]] = []
    fake_indexer.index_paths([DATA / "realtimeqa-slice.jsonl", SAMPLE], progress=lambda *a: calls.append(a))
    assert [c for c in calls if c[0] == "reading"] == [("reading", 1, 2), ("reading", 2, 2)]
    embedding = [c for c in calls if c[0] == "embedding"]
    assert embedding[-1] == ("embedding", 15, 15)
    assert [c[1] for c in embedding] == sorted(c[1] for c in embedding)


def test_a_record_whose_id_changed_replaces_its_old_entry(fake_indexer: Indexer, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "1", "text": "Officials counted 12 ballots."}\n{"id": "2", "text": "Two."}\n')
    fake_indexer.index_paths([feed])
    feed.write_text('{"id": "one", "text": "Officials counted 12 ballots."}\n{"id": "2", "text": "Two."}\n')

    report = fake_indexer.index_paths([feed])

    assert (report.added, report.removed, report.unchanged, report.failed) == (1, 1, 1, [])
    assert sorted(fake_indexer.manifest.entries()) == ["2", "one"]
    assert_consistent(fake_indexer)


def test_an_id_another_file_still_holds_is_refused(fake_indexer: Indexer, tmp_path: Path) -> None:
    january, february = tmp_path / "january.jsonl", tmp_path / "february.jsonl"
    january.write_text('{"id": "1", "title": "Ballots", "text": "Officials counted 12 ballots."}\n')
    february.write_text('{"id": "1", "title": "Ferries", "text": "The ferry strike ended on Friday."}\n')
    fake_indexer.index_paths([january])

    report = fake_indexer.index_paths([february])

    assert report.added == 0
    assert [(f.path, f.reason) for f in report.failed] == [
        (str(february.resolve()), f"same id (1) as 'Ballots', indexed from {january.resolve()}")
    ]
    assert [e.title for e in fake_indexer.manifest.entries().values()] == ["Ballots"]
    # Read with the file that no longer holds it, or once that file is gone, the id has moved.
    january.write_text('{"id": "2", "title": "Rail fares", "text": "Rail fares will rise in March."}\n')
    moved = fake_indexer.index_paths([january, february])
    assert (moved.added, moved.updated, moved.failed) == (1, 1, [])
    assert {e.id: e.title for e in fake_indexer.manifest.entries().values()} == {"1": "Ferries", "2": "Rail fares"}
    february.unlink()
    january.write_text('{"id": "1", "title": "Ballots", "text": "Officials counted 12 ballots."}\n')
    assert fake_indexer.index_paths([january]).updated == 1
    assert_consistent(fake_indexer)
