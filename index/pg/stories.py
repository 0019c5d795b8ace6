"""The stories' rows in PostgreSQL (migration ``0002_stories.sql``): the SQL of :class:`index.stories.StoryRows`.

The grouping itself is :func:`index.stories.write`, the same for both kinds of
database; these run on the connection of the manifest's transaction.
"""

from __future__ import annotations

from datetime import date

import psycopg

from index.stories import Membership


class PostgresStories:
    """The stories' rows, on a connection of the PostgreSQL manifest."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def membership(self, article_id: str) -> Membership | None:
        row = self.conn.execute("SELECT story_id, copy_id FROM stories WHERE article_id = %s", (article_id,)).fetchone()
        return Membership(*row) if row else None

    def shared(self, keys: set[int]) -> list[tuple[str, int, int]]:
        return self.conn.execute(
            "SELECT s.article_id, count(*),"
            " (SELECT count(*) FROM story_sentences t WHERE t.article_id = s.article_id)"
            " FROM story_sentences s WHERE s.key = ANY(%s::bigint[]) GROUP BY s.article_id",
            (list(keys),),
        ).fetchall()

    def near(self, window: tuple[date, date] | None) -> list[tuple[str, str, bytes]]:
        if window is None:
            return self.conn.execute("SELECT article_id, story_id, gist FROM stories").fetchall()
        return self.conn.execute(
            "SELECT article_id, story_id, gist FROM stories"
            " WHERE published_at IS NULL OR published_at BETWEEN %s AND %s",
            window,
        ).fetchall()

    def insert(self, article_id: str, joined: Membership, published: date | None, gist: bytes, keys: set[int]) -> None:
        self.conn.execute(
            "INSERT INTO stories VALUES (%s, %s, %s, %s, %s)",
            (article_id, joined.story_id, joined.copy_id, published, gist),
        )
        self.conn.execute("INSERT INTO story_sentences SELECT %s, unnest(%s::bigint[])", (article_id, list(keys)))

    def remove(self, article_id: str) -> None:
        self.conn.execute("DELETE FROM stories WHERE article_id = %s", (article_id,))
        self.conn.execute("DELETE FROM story_sentences WHERE article_id = %s", (article_id,))

    def clear(self) -> None:
        self.conn.execute("DELETE FROM stories")
        self.conn.execute("DELETE FROM story_sentences")

    def memberships(self) -> dict[str, Membership]:
        found = self.conn.execute("SELECT to_regclass('stories') IS NOT NULL").fetchone()
        if not found or not found[0]:  # records of an earlier version, opened for reading only: no stories yet
            return {}
        rows = self.conn.execute("SELECT article_id, story_id, copy_id FROM stories").fetchall()
        return {row[0]: Membership(row[1], row[2]) for row in rows}
