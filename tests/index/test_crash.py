"""Crash safety: an indexing run killed with SIGKILL at any write, then run again, gives the clean result."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.app.settings import Settings
from index.pg import AdvisoryLock
from tests.checks import assert_consistent
from tests.conftest import pg_schema
from tests.index import damage
from tests.index.runs import child, index_in_process, snapshot, write_articles


def run_killed_after(data_dir: Path, folder: Path, writes: int, env: dict[str, str] | None = None) -> bool:
    """Run an indexing process and SIGKILL it right after its ``writes``-th write; False if it finished first."""
    proc = child(data_dir, folder, env)
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        if line.startswith("done"):
            break
        seen += 1
        if seen == writes:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=120)
    proc.stdout.close()
    proc.stderr.close()  # type: ignore[union-attr]
    return proc.returncode == -signal.SIGKILL


def count_writes(data_dir: Path, folder: Path, env: dict[str, str] | None = None) -> int:
    proc = child(data_dir, folder, env)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return len(out.splitlines()) - 1


@pytest.mark.records_in("sqlite", reason="kills runs writing the manifest file (in PostgreSQL: the test below)")
@pytest.mark.parametrize("edition", [1, 2, "earlier"])
def test_kill_9_at_any_write_then_rerun_gives_the_clean_index(tmp_path: Path, edition: int | str) -> None:
    """Edition 1 indexes from nothing; edition 2 updates, adds and prunes over a complete edition 1; "earlier"
    indexes edition 2 over edition 1 as an earlier version left it, without keyword rows, which come first."""
    folder = tmp_path / "news"
    write_articles(folder, 1)
    base = tmp_path / "base"
    if edition != 1:
        index_in_process(base, folder).manifest.close()
        write_articles(folder, 2)
    if edition == "earlier":
        damage.make_it_an_earlier_version_s(Settings(NEWSQA_DATA_DIR=base, CHROMA_HOST=None))
    clean = index_in_process(_copy(base, tmp_path / "clean"), folder)
    expected = snapshot(clean)
    total = count_writes(_copy(base, tmp_path / "count"), folder)
    assert total > 10

    for n, writes in enumerate(sorted({1, 2, total // 4, total // 2, 3 * total // 4, total - 1})):
        data_dir = _copy(base, tmp_path / f"killed-{n}")
        assert run_killed_after(data_dir, folder, writes), f"the run ended before write {writes}"
        rerun = index_in_process(data_dir, folder)
        assert snapshot(rerun) == expected, f"killed after write {writes} of {total}"
        assert_consistent(rerun)
        assert rerun.store.count() == len(expected[1])  # no duplicates hidden behind equal ids


@pytest.mark.parametrize("edition", [1, 2])
def test_kill_9_at_any_write_with_the_records_in_postgres_then_rerun_gives_the_clean_index(
    tmp_path: Path, pg_server: str, edition: int
) -> None:
    """As above, with the manifest, keyword rows and writer lock in PostgreSQL: each run in a schema of its
    own, edition 2 over a complete edition 1 written into it first."""
    folder = tmp_path / "news"

    @contextmanager
    def base(name: str) -> Iterator[tuple[Path, str]]:
        """A data folder and a schema holding edition 1 for edition 2, nothing for edition 1; the edition's articles."""
        with pg_schema(pg_server) as url:
            if edition == 2:
                write_articles(folder, 1)
                index_in_process(tmp_path / name, folder, url).manifest.close()
            write_articles(folder, edition)
            yield tmp_path / name, url

    with base("clean") as (data_dir, url):
        clean = index_in_process(data_dir, folder, url)
        expected = snapshot(clean)
        clean.manifest.close()
    with base("count") as (data_dir, url):
        total = count_writes(data_dir, folder, {"NEWSQA_DATABASE_URL": url})
    assert total > 10

    for n, writes in enumerate(sorted({1, 2, total // 4, total // 2, 3 * total // 4, total - 1})):
        with base(f"killed-{n}") as (data_dir, url):
            env = {"NEWSQA_DATABASE_URL": url}
            assert run_killed_after(data_dir, folder, writes, env), f"the run ended before write {writes}"
            wait_until_free(AdvisoryLock(url))
            rerun = index_in_process(data_dir, folder, url)
            assert snapshot(rerun) == expected, f"killed after write {writes} of {total}"
            assert_consistent(rerun)
            assert rerun.store.count() == len(expected[1])
            rerun.manifest.close()


def wait_until_free(lock: AdvisoryLock) -> None:
    """Until the server has seen the killed run's session end, which frees its lock (at once, on one machine)."""
    for _ in range(200):
        if not lock.status().held:
            return
        time.sleep(0.05)
    raise AssertionError("the killed run's writer lock was not freed")


def _copy(base: Path, target: Path) -> Path:
    """A copy of the data dir ``base`` (or a new empty one when there is none)."""
    if base.exists():
        subprocess.run(["cp", "-a", str(base), str(target)], check=True)
    return target
