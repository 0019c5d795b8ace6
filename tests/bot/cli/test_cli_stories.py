"""`newsqa ask` naming who else reported a cited story, and `newsqa sources --stories`, on real articles."""

from __future__ import annotations

import json

from bot.app.settings import Settings
from tests.bot.cli.test_cli import run
from tests.conftest import DATA

QUESTION = "Which country became the first Orthodox Christian country to legalize same-sex marriage?"


def test_a_story_carried_by_three_outlets_is_cited_once_and_listed_with_its_outlets(env: Settings) -> None:
    code, _, stderr = run("index", str(DATA / "stories.jsonl"))
    assert code == 0, stderr

    code, stdout, _ = run("ask", "--json", QUESTION)
    cited = json.loads(stdout)["citations"]
    assert len({c["article_id"] for c in cited}) == 1 and len({c["story_id"] for c in cited}) == 1
    reports = cited[0]["also_reported_by"]
    assert sorted(r["source"] for r in reports + [cited[0]]) == ["apnews.com", "usatoday.com", "yahoo.com"]
    assert all(set(r) == {"source", "url", "published_at"} for r in reports)

    code, stdout, _ = run("ask", QUESTION)
    others = ", ".join(r["source"] for r in reports)
    assert f"also reported by: {others}" in stdout

    code, stdout, _ = run("sources", "--stories", "--json")
    stories = json.loads(stdout)
    assert len(stories) == 3  # the wire report; the flight; the migrants' abduction and its update
    newest, _, migrants = stories
    assert sorted(newest["outlets"]) == ["apnews.com", "usatoday.com", "yahoo.com"] and len(newest["articles"]) == 3
    assert (migrants["first_published_at"], migrants["last_published_at"]) == ("2024-01-03", "2024-01-04")
    assert migrants["title"].startswith("Mexican authorities rescue")  # the newest article's

    code, stdout, _ = run("sources", "--stories")
    assert code == 0 and "2024-01-03 to 2024-01-04" in stdout
    assert stdout.strip().endswith("3 stories in 6 articles.")
