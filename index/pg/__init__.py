"""The index's records (manifest, keyword index, writer lock) in PostgreSQL, for processes on several hosts.

Chosen by a database address (``NEWSQA_DATABASE_URL``); the vectors stay in
Chroma. The tables are made by the migrations of ``index/migrations``,
applied when the records are first opened for writing; a schema named in
the address (``options=-csearch_path=NAME``) holds an index of its own.
"""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from index.errors import NewsqaError
from index.pg.connect import is_address, migrate, migrations, pool, shown, version
from index.pg.lock import AdvisoryLock
from index.pg.manifest import PostgresManifest

__all__ = ["AdvisoryLock", "PostgresManifest", "PostgresRecords", "is_address", "migrated_pool"]


class PostgresRecords:
    """The records of one index in the PostgreSQL database (and schema) at ``url``, of the chunks in ``store``.

    ``store`` names the chunk store (its location and collection): the first
    writer records it, and the records refuse to be opened for writing with
    another, whose chunks they do not describe.
    """

    def __init__(self, url: str, store: str) -> None:
        self.url = url
        self.store = store
        self.lock = AdvisoryLock(url)

    @property
    def location(self) -> str:
        return shown(self.url)

    def open(self, *, moving: bool = False) -> PostgresManifest:
        """The records, their tables created or brought up to date first; refused while a move into them
        (``index.move``) is unfinished, but to the move itself (``moving``)."""
        opened = pool(self.url)
        try:
            _refuse_newer(version(opened), self.location)
            migrate(opened)
            self._bind(opened)
            manifest = PostgresManifest(opened, self.location)
            if manifest.moving and not moving:
                raise NewsqaError(
                    f"a move of an index into {self.location} (`newsqa migrate`) did not finish: run it again to "
                    "move the rest; until then the index there is incomplete, and an indexing run would remove the "
                    "chunks of the articles not yet moved"
                )
        except BaseException:
            opened.close()
            raise
        return manifest

    def _bind(self, opened: ConnectionPool) -> None:
        with opened.connection() as conn:
            conn.execute("INSERT INTO store (location) VALUES (%s) ON CONFLICT (one) DO NOTHING", (self.store,))
            row = conn.execute("SELECT location FROM store").fetchone()
        if row and row[0] != self.store:
            raise NewsqaError(
                f"the database at {self.location} holds the index of the chunks in {row[0]}, not in {self.store}: "
                "set CHROMA_HOST, CHROMA_PORT and NEWSQA_COLLECTION as the processes sharing it do, "
                "or give this index a database (or schema) of its own"
            )

    def reader(self) -> PostgresManifest | None:
        """The records, without creating or changing anything; None where no index was ever made."""
        opened = pool(self.url)
        found = version(opened)
        if not found:
            opened.close()
            return None
        try:
            _refuse_newer(found, self.location)
        except NewsqaError:
            opened.close()
            raise
        return PostgresManifest(opened, self.location)


def migrated_pool(url: str) -> ConnectionPool:
    """A pool of connections to ``url``, its tables created or brought up to date first: for the tables other
    parts keep beside the index's records (the bot's follows)."""
    opened = pool(url)
    try:
        _refuse_newer(version(opened), shown(url))
        migrate(opened)
    except BaseException:
        opened.close()
        raise
    return opened


def _refuse_newer(found: int, location: str) -> None:
    newest = migrations()[-1][0]
    if found > newest:
        raise NewsqaError(
            f"the index at {location} was made by a newer version of newsqa (schema {found}, this one knows "
            f"{newest}); upgrade newsqa to use it"
        )
