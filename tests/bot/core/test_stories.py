"""Stories in answers, on real articles: copies cited once with who else reported them, an update over its first version."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from bot.app.history import SCHEMA, History
from bot.app.service import Service
from bot.core.answer import answer
from bot.core.timeline import timeline
from index.tables import SqliteTables

GREECE = "f6984133c7730621"  # as USA Today ran it; apnews.com and yahoo.com carry copies
UPDATE, FIRST = "02b9c6daf10e9d95", "migrants-first"


def test_three_copies_are_cited_once_with_the_other_outlets(stories_index: Service) -> None:
    question = "Which country became the first Orthodox Christian country to legalize same-sex marriage?"
    result = answer(question, stories_index.retriever, today=date(2024, 2, 17))
    assert result.answered and "Greece" in result.answer
    greek = [c for c in result.citations if "Greece" in c.title or "Greece" in c.text]
    assert greek and len({c.article_id for c in greek}) == 1  # one copy quoted, however many sentences
    cited = greek[0]
    others = {r.source for r in cited.also_reported_by}
    assert others | {cited.source} == {"usatoday.com", "apnews.com", "yahoo.com"} and cited.source not in others
    assert all(r.published_at == "2024-02-16" and r.url.startswith("https://") for r in cited.also_reported_by)
    assert cited.story_id and all(c.story_id == cited.story_id for c in greek)
    as_json = result.as_dict()["citations"][0]
    assert set(as_json["also_reported_by"][0]) == {"source", "url", "published_at"}


def test_an_update_at_a_new_address_is_cited_over_its_first_version(stories_index: Service) -> None:
    result = answer("What happened to the 31 migrants abducted near the US border?", stories_index.retriever,
                    today=date(2024, 1, 5))  # fmt: skip
    assert result.answered and "rescued" in result.answer, result.answer
    assert {c.article_id for c in result.citations} == {UPDATE}
    (earlier,) = result.citations[0].also_reported_by
    assert earlier.published_at == "2024-01-03" and "2024/01/03" in earlier.url


def test_the_first_version_is_cited_on_the_day_before_the_update(stories_index: Service) -> None:
    """Asked about the day before the update, the update was not yet written."""
    result = answer("What happened to the 31 migrants abducted near the US border?", stories_index.retriever,
                    today=date(2024, 1, 3))  # fmt: skip
    assert result.answered and {c.article_id for c in result.citations} == {FIRST}, result.answer


def test_a_timeline_quotes_one_copy_of_a_text(stories_index: Service) -> None:
    events = timeline(stories_index.retriever, "Greece same-sex marriage")
    assert len([e for e in events if "Greece" in e.title]) == 1


def test_an_answer_naming_other_outlets_is_recorded_with_them(stories_index: Service, tmp_path: Path) -> None:
    """The Discord bot records each answer it sends, citations and all, for the feedback it gets."""
    question = "Which country became the first Orthodox Christian country to legalize same-sex marriage?"
    result = answer(question, stories_index.retriever, today=date(2024, 2, 17))
    history = History(SqliteTables(tmp_path / "history.sqlite3", SCHEMA))
    answer_id = history.record(result, context=None, guild_id=None, channel_id=None)
    assert history.vote(answer_id, user_id=1, up=True)
    (recorded,) = history.feedback()
    assert recorded.citations[0]["also_reported_by"] == [asdict(r) for r in result.citations[0].also_reported_by]
    history.close()
