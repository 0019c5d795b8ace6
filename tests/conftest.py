from __future__ import annotations

import copy
import ipaddress
import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import open_indexer
from index import SAMPLES_DIR
from index.embed.base import Embedder, load_embedder
from index.embed.bundled import DEFAULT_MODEL
from index.indexer import Indexer
from tests.fakes import CountingEmbedder, HashEmbedder
from tests.site import NewsSite, serve

DATA = Path(__file__).parent / "data"
SAMPLE = SAMPLES_DIR / "kerman-attack-2024-01-04.txt"


_real_connect = socket.socket.connect


def _loopback_only(sock: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ConnectionRefusedError(f"tests may not reach the network (tried {address})")
    _real_connect(sock, address)


@pytest.fixture(autouse=True, scope="session")
def no_network() -> Iterator[None]:
    """Every test runs offline: only loopback connections are allowed."""
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture
def site() -> Iterator[NewsSite]:
    """A small news site (feeds and article pages) on a real HTTP server on loopback."""
    yield from serve()


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    """The bundled all-MiniLM-L6-v2 as the product runs it, loaded once for the whole run."""
    return load_embedder(DEFAULT_MODEL, Settings(_env_file=None).model_cache)


@pytest.fixture(scope="session")
def fp32_embedder() -> Embedder:
    """The bundled model in fp32: each text's vector is the same whatever else is embedded with it.

    (int8, the default, quantises each run's activations with one scale, so
    there a text's vector varies slightly, cosine about 0.99, with its companions.)
    """
    return load_embedder(DEFAULT_MODEL, Settings(_env_file=None).model_cache, precision="fp32")


# Where the index's records go in this run: the data folder's SQLite file (the default), or with
# NEWSQA_TEST_DATABASE=postgresql a fresh PostgreSQL schema for each index the tests make, the whole suite through.
DATABASES = ("sqlite", "postgresql")
DATABASE = os.environ.get("NEWSQA_TEST_DATABASE") or "sqlite"
if DATABASE not in DATABASES:
    raise pytest.UsageError(f"NEWSQA_TEST_DATABASE={DATABASE!r}: expected one of {', '.join(DATABASES)}")


# For a test that picks its databases itself (a PostgreSQL schema beside SQLite, or both in turn): it runs in
# the SQLite run only, where it has both already, rather than twice the same.
CHOOSES_ITS_DATABASES = pytest.mark.records_in("sqlite", reason="the test chooses its databases itself")


def pytest_report_header() -> str:
    return f"index records: {DATABASE} (NEWSQA_TEST_DATABASE)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for a PostgreSQL schema itself chooses its databases (see CHOOSES_ITS_DATABASES)."""
    for item in items:
        if "pg_server" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("records_in"):
            item.add_marker(CHOOSES_ITS_DATABASES)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture is made; after pytest's own skip marks (tryfirst), so that this skip is reported at
    this line, once per reason, rather than at each test."""
    marker = item.get_closest_marker("records_in")
    if marker and marker.args[0] != DATABASE:
        pytest.skip(f"with the index records in {marker.args[0]} only: {marker.kwargs['reason']}")


@pytest.fixture(scope="session")
def index_databases(request: pytest.FixtureRequest) -> Iterator[Callable[[], str | None]]:
    """Where each new index keeps its records in this run: None for its data folder's SQLite file, or the
    address of a fresh PostgreSQL schema per call, all dropped at the end of the run."""
    if DATABASE == "sqlite":
        yield lambda: None
        return
    server = request.getfixturevalue("pg_server")
    with ExitStack() as schemas:
        yield lambda: schemas.enter_context(pg_schema(server))


def index_settings(data_dir: Path, database_url: str | None, **fields: object) -> Settings:
    """Settings of an index in ``data_dir``, its records in ``database_url`` (None: the data dir's SQLite file)."""
    return Settings(NEWSQA_DATA_DIR=data_dir, NEWSQA_DATABASE_URL=database_url, **fields)


def environment_of(settings: Settings) -> dict[str, str]:
    """The environment that gives a command run in another process (or through the entry points) the index of
    ``settings``: its data dir, and where its records are."""
    url = settings.database_url
    return {"NEWSQA_DATA_DIR": str(settings.data_dir)} | ({"NEWSQA_DATABASE_URL": url.get_secret_value()} if url else {})


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Where the test's index keeps its records in this run: None for the SQLite file, or a fresh schema."""
    return request.getfixturevalue("pg_url") if DATABASE == "postgresql" else None


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str | None) -> Settings:
    """Settings pointing at a fresh data dir (and in the PostgreSQL run a fresh schema), ignoring the
    developer's environment."""
    for field in Settings.model_fields.values():
        monkeypatch.delenv(str(field.validation_alias), raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return index_settings(tmp_path / "data", database_url)


# The PostgreSQL the tests use: NEWSQA_TEST_DATABASE_URL, else the local one, as user postgres or root, in the
# database `test`. Where none answers, its tests are skipped; failed with NEWSQA_TEST_POSTGRES=required (CI).
PG_URLS = ["postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test"]
PG_HINT = (
    "no PostgreSQL reachable at {tried}: run the PostgreSQL tests with a local PostgreSQL on 127.0.0.1:5432 "
    "(trust auth, database `test`), or set NEWSQA_TEST_DATABASE_URL"
)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The address of a PostgreSQL database to make schemas in; where none can be reached, the test is
    skipped, or failed when one is required."""
    named = os.environ.get("NEWSQA_TEST_DATABASE_URL")
    required = os.environ.get("NEWSQA_TEST_POSTGRES") == "required" or DATABASE == "postgresql"
    errors = []
    for url in [named] if named else PG_URLS:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return url
        except psycopg.Error as exc:
            errors.append(f"{url}: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}")
    if required:
        pytest.fail(f"NEWSQA_TEST_POSTGRES=required, but no PostgreSQL answers: {'; '.join(errors)}")
    pytest.skip(PG_HINT.format(tried=named or " or ".join(PG_URLS)))


@contextmanager
def pg_schema(server: str, *, drop: bool = True) -> Iterator[str]:
    """A database address whose tables go to a fresh schema of their own, dropped after the block (unless not
    ``drop``)."""
    schema = f"newsqa_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield make_conninfo(server, options=f"-csearch_path={schema}")
    finally:
        if drop:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A database address of a fresh schema of its own, dropped after the test."""
    with pg_schema(pg_server) as url:
        yield url


@pytest.fixture
def pg_settings(settings: Settings, pg_url: str) -> Settings:
    """Settings pointing at a fresh data dir, with the index's records in a fresh PostgreSQL schema."""
    return Settings(NEWSQA_DATA_DIR=settings.data_dir, NEWSQA_DATABASE_URL=pg_url)


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    """A folder holding a copy of the sample article."""
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    return folder


@pytest.fixture
def real_indexer(settings: Settings, real_embedder: Embedder) -> Indexer:
    """A real index (Chroma in tmp_path, bundled model) that counts what it embeds."""
    return open_indexer(settings, CountingEmbedder(real_embedder))


@pytest.fixture
def fake_indexer(settings: Settings) -> Indexer:
    """A real Chroma index with the fast hash embedder, where ranking does not matter."""
    return open_indexer(settings, CountingEmbedder(HashEmbedder()))


def sharing(service: Service, settings: Settings) -> Service:
    """A service over ``service``'s open index, with other settings (its own history, bot options)."""
    shared = copy.copy(service)
    shared.settings = settings
    shared.__dict__.pop("history", None)
    shared.__dict__.pop("follows", None)
    return shared


@pytest.fixture(scope="session")
def new_index_settings(
    tmp_path_factory: pytest.TempPathFactory, index_databases: Callable[[], str | None]
) -> Callable[..., Settings]:
    """Settings of a new index kept for the whole run: a fresh data dir named after ``name``, its records
    where this run keeps them."""

    def make(name: str, **fields: object) -> Settings:
        return index_settings(tmp_path_factory.mktemp(name), index_databases(), **fields)

    return make


@pytest.fixture(scope="session")
def sample_index(new_index_settings: Callable[..., Settings], real_embedder: Embedder) -> Service:
    """The bundled sample article, indexed with the real model (shared, read-only)."""
    opened = Service(new_index_settings("sample"), real_embedder)
    assert opened.fill_if_empty()
    return opened


@pytest.fixture(scope="session")
def mixed_index(new_index_settings: Callable[..., Settings], real_embedder: Embedder) -> Service:
    """The slice and the sample among 52 more real articles about blame, bombings and Iran (shared, read-only)."""
    opened = Service(new_index_settings("mixed"), real_embedder)
    paths = [DATA / "realtimeqa-blame.jsonl", DATA / "realtimeqa-slice.jsonl", SAMPLES_DIR]
    report = opened.indexer.index_paths(paths)
    assert report.added == 67 and not report.failed
    return opened


@pytest.fixture(scope="session")
def slice_index(new_index_settings: Callable[..., Settings], real_embedder: Embedder) -> Service:
    """Fourteen real news articles and the sample, indexed with the real model (shared, read-only)."""
    opened = Service(new_index_settings("slice"), real_embedder)
    report = opened.indexer.index_paths([DATA / "realtimeqa-slice.jsonl", SAMPLES_DIR])
    assert report.added == 15 and not report.failed
    return opened
