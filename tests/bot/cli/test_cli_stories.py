"""`newsqa ask` naming who else reported a cited story, `newsqa sources --stories`, `new` and `follow`, on real articles."""

from __future__ import annotations

import json
from datetime import date

from bot.app.follows_db import open_follows
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


def test_new_lists_the_stories_of_a_window_and_says_when_there_is_nothing_new(env: Settings) -> None:
    code, _, stderr = run("index", str(DATA / "stories.jsonl"))
    assert code == 0, stderr
    code, stdout, _ = run("new", "--json", "--since", "2024-02-01", "Greece same-sex marriage")
    data = json.loads(stdout)
    assert code == 0 and (data["topic"], data["since"]) == ("Greece same-sex marriage", "2024-02-01")
    (story,) = data["stories"]
    assert set(story) == {"story_id", "published_at", "text", "title", "source", "url", "also_reported_by"}
    assert story["published_at"] == "2024-02-16" and len(story["also_reported_by"]) == 2

    code, stdout, _ = run("new", "--since", "2024-02-17", "Greece same-sex marriage")
    assert code == 0 and stdout.strip() == "Nothing new about “Greece same-sex marriage” since 2024-02-17."
    code, stdout, _ = run("new", "--since", "2024-01-04", "migrants abducted near the US border")
    assert "Mexican authorities rescued 31 migrants" in stdout and "also reported by: usatoday.com (2024-01-03)" in stdout
    assert stdout.strip().endswith("1 new story about “migrants abducted near the US border” since 2024-01-04.")


def test_follow_prints_what_would_be_posted_and_follows_lists_the_channels_follows(env: Settings) -> None:
    code, _, stderr = run("index", str(DATA / "stories.jsonl"))
    assert code == 0, stderr
    code, stdout, _ = run("follow", "--print", "--since", "2024-02-01", "Greece same-sex marriage")
    assert code == 0 and "2024-02-16" in stdout and "also reported by:" in stdout
    assert stdout.strip().endswith(
        "1 story would be posted about “Greece same-sex marriage” published since 2024-02-01."
    )
    code, _, stderr = run("follow", "Greece same-sex marriage")
    assert code == 2 and "/follow" in stderr

    follows = open_follows(env)
    made, _ = follows.follow(7, "Greece same-sex marriage", guild_id=1, user_id=2, since=date(2024, 2, 1))
    follows.mark_posted(made, [json.loads(run("new", "--json", "--since", "2024-02-01", made.topic)[1])
                               ["stories"][0]["story_id"]])  # fmt: skip
    follows.close()
    code, stdout, _ = run("follow", "--print", "--channel", "7", "greece same-sex  marriage")
    assert code == 0 and stdout.strip() == (
        "Nothing would be posted about “Greece same-sex marriage” published since 2024-02-01."
    )
    code, _, stderr = run("follow", "--print", "--channel", "8", "Greece same-sex marriage")
    assert code == 1 and "channel 8 does not follow “Greece same-sex marriage”" in stderr

    code, stdout, _ = run("follows", "--json")
    (listed,) = json.loads(stdout)
    assert (listed["channel_id"], listed["topic"], listed["guild_id"], listed["since_day"]) == (
        7, "Greece same-sex marriage", 1, "2024-02-01")  # fmt: skip
    code, stdout, _ = run("follows")
    assert code == 0 and stdout.strip().endswith("1 followed topic.")
