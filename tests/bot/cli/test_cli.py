from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app.service import Service
from bot.app.settings import Settings
from bot.cli import app
from index import SAMPLES_DIR
from tests.conftest import DATA

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_index_without_paths_indexes_the_bundled_samples(env: Settings) -> None:
    code, stdout, stderr = run("index")
    assert code == 0, stderr
    assert "bundled sample articles" in stderr
    assert stdout.strip() == "Indexed: 1 added, 0 updated, 0 unchanged, 0 removed, 0 failed; 3 chunks embedded."

    code, stdout, _ = run("index", "--json")
    assert code == 0
    assert json.loads(stdout) == {
        "added": 0, "updated": 0, "unchanged": 1, "removed": 0, "failed": [], "warnings": [], "chunks": 0,
        "downloaded": 0, "not_modified": 0, "passed_over": 0,
    }


def test_sources_and_stats_json(env: Settings) -> None:
    assert run("index", str(DATA / "realtimeqa-slice.jsonl"))[0] == 0
    code, stdout, _ = run("sources", "--json")
    assert code == 0
    rows = json.loads(stdout)
    assert len(rows) == 14
    assert set(rows[0]) == {"id", "title", "published_at", "source", "url", "chunks"}
    assert rows[0]["published_at"] >= rows[-1]["published_at"]  # newest first
    littler = next(r for r in rows if "Littler" in r["title"])
    assert littler["published_at"] == "2024-01-02" and littler["source"] == "usatoday.com"

    code, stdout, _ = run("stats", "--json")
    stats = json.loads(stdout)
    assert stats["articles"] == 14
    assert stats["chunks"] == sum(r["chunks"] for r in rows) == stats["stored_chunks"]
    assert stats["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert stats["store"] == str(env.chroma_path)

    code, stdout, _ = run("sources")
    assert "14 articles indexed." in stdout


def test_failed_inputs_exit_1_and_are_listed(env: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x00\x00binary")
    code, stdout, _ = run("index", "--json", str(bad), str(DATA / "article.html"))
    assert code == 1
    report = json.loads(stdout)
    assert report["added"] == 1
    assert report["failed"] == [{"path": str(bad), "reason": "binary file, not text"}]

    code, _, stderr = run("index", str(bad))
    assert code == 1
    assert f"failed: {bad}: binary file, not text" in stderr


def test_files_of_other_types_in_a_folder_are_counted_not_failed(env: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.html").write_bytes((DATA / "article.html").read_bytes())
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    code, stdout, _ = run("index", str(folder))
    assert code == 0
    assert stdout.strip().endswith(
        "0 failed; 1 chunk embedded; 2 other files passed over (not .htm/.html/.jsonl/.markdown/.md/.txt)."
    ), stdout


def test_usage_errors_exit_2(env: Settings) -> None:
    assert run("index", "--no-such-flag")[0] == 2
    assert run("frobnicate")[0] == 2


def test_core_errors_are_one_line_without_traceback(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("index")[0] == 0
    monkeypatch.setenv("NEWSQA_EMBEDDING_MODEL", str(Path(__file__).parent / "no-such-model"))
    code, _, stderr = run("index", str(SAMPLES_DIR))
    assert code == 1
    assert stderr.startswith("error: the index 'newsqa' was built with sentence-transformers/all-MiniLM-L6-v2")
    assert "newsqa index --rebuild" in stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_invalid_setting_is_reported(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMA_PORT", "not-a-port")
    code, _, stderr = run("stats")
    assert code == 2
    assert "CHROMA_PORT" in stderr


COMMANDS = [["stats"], ["sources"], ["feedback"], ["index"], ["ask", "Who?"], ["watch"], ["discord"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_data_folder_that_is_a_file_is_one_line(
    env: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("kept as it is\n")
    monkeypatch.setenv("NEWSQA_DATA_DIR", str(a_file))
    code, _, stderr = run(*command)
    assert code == 2
    reason = f"{a_file} is a file, not a folder"
    assert stderr == f"error: invalid setting NEWSQA_DATA_DIR: {reason} (check the environment and .env)\n"
    assert a_file.read_text() == "kept as it is\n"


def test_ask_on_an_empty_index_indexes_the_samples_first(env: Settings) -> None:
    code, stdout, stderr = run("ask", "How many people were killed?")
    assert code == 0, stderr
    assert "indexing the bundled sample articles" in stderr
    answer_line, _, sources = stdout.partition("Sources (articles up to 2024-01-04):")
    assert answer_line.startswith("84 — ") and "[1]" in answer_line  # the short answer leads
    assert "[1] ISIS has claimed responsibility" in sources
    assert "2024-01-04 · local" in sources
    assert "“The dual explosions resulted in the deaths of at least 84 people" in sources


def test_chunks_left_without_manifest_rows_do_not_keep_the_samples_out(env: Settings) -> None:
    """An interrupted run can leave chunks but no manifest row: nothing to answer from, so ask indexes again."""
    assert run("index")[0] == 0
    opened = Service(env)
    (article,) = opened.indexer.manifest.entries()
    opened.indexer.manifest.forget(article)
    assert opened.indexer.store.count() == 3 and opened.is_empty()

    code, stdout, stderr = run("ask", "How many people were killed?")
    assert code == 0, stderr
    assert "indexing the bundled sample articles" in stderr and "84" in stdout
    stats = json.loads(run("stats", "--json")[1])
    assert stats["articles"] == 1 and stats["chunks"] == stats["stored_chunks"] == 3


def test_ask_json_has_the_documented_shape(env: Settings) -> None:
    code, stdout, _ = run("ask", "--json", "who was blamed first")
    assert code == 0
    data = json.loads(stdout)
    assert set(data) == {"question", "answered", "answer", "citations", "as_of", "note", "short_answer"}
    assert data["as_of"] == "2024-01-04" and data["note"] is None
    assert data["question"] == "who was blamed first"
    assert data["answered"] is True
    assert set(data["citations"][0]) == {
        "n", "article_id", "title", "published_at", "source", "url", "text", "start", "end", "score", "story_id",
        "also_reported_by",
    }
    assert data["citations"][0]["also_reported_by"] == []  # one article: nobody else reported its story
    assert any("Israel" in c["text"] for c in data["citations"])


def test_ask_declines_plainly(env: Settings) -> None:
    code, stdout, _ = run("ask", "--json", "Will it rain in Oslo on Saturday?")
    assert code == 0
    data = json.loads(stdout)
    assert (data["answered"], data["citations"]) == (False, [])
    assert "do not answer" in data["answer"]


def test_chat_answers_until_an_empty_line(env: Settings) -> None:
    result = runner.invoke(app, ["chat"], input="How many people were killed?\n\n")
    assert result.exit_code == 0
    assert "at least 84 people" in result.stdout
    assert result.stdout.count("Sources (articles up to") == 1


def test_chat_takes_a_question_that_points_back_as_a_follow_up(env: Settings) -> None:
    """ "Who will he face…" after "Who is Luke Littler?" is answered from the Littler report, with the final
    still to come (Luke Humphries), not the semi-final he won (Rob Cross); a question naming its own topic
    starts afresh."""
    assert run("index", str(DATA / "realtimeqa-slice.jsonl"))[0] == 0
    talk = "Who is Luke Littler?\nWho will he face in the final?\nWhat did Doug Burgum say about the border?\n\n"
    answers = runner.invoke(app, ["chat"], input=talk).stdout.split("\n? ")
    # piped in, each question is shown after the prompt, and its answer starts on the next line
    asked, answer = answers[2].split("\n", 1)
    assert asked == "Who will he face in the final?"
    assert "Littler" in answer.split("Sources")[0] and "darts" in answer
    assert answer.startswith("Luke Humphries — The finals, set for January 3, 2024")
    assert "Burgum" in answers[3] and "Littler" not in answers[3]


def test_empty_question_is_a_usage_error(env: Settings) -> None:
    assert run("ask", "   ")[0] == 2


def test_a_date_range_that_ends_before_it_starts_is_an_error(env: Settings) -> None:
    code, _, stderr = run("ask", "--since", "2024-02-01", "--until", "2024-01-01", "Anything?")
    assert code == 2  # a usage error, reported before anything is indexed
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", stderr).split())  # the message as the terminal box wraps it
    assert "since 2024-02-01 is after until 2024-01-01: no article could match" in text
    assert "indexing" not in stderr


def test_discord_without_a_token_is_one_line_and_exit_1(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    code, stdout, stderr = run("discord")
    assert code == 1
    assert stderr.startswith("error: DISCORD_TOKEN is not set") and stderr.count("\n") == 1


def test_feedback_lists_votes(env: Settings) -> None:
    from bot.app.history import open_history
    from bot.core.answer import Answer, Citation

    history = open_history(env)
    cited = Citation(1, "a1", "Kerman blasts", "2024-01-04", "local", "", "At least 84 died.", 0, 17, 1.0)
    up = history.record(Answer("How many died?", True, "At least 84 died. [1]", [cited]), context=None,
                        guild_id=7, channel_id=8)
    down = history.record(Answer("Who won?", False, "The indexed articles do not answer this question."),
                          context=None, guild_id=7, channel_id=8)
    assert history.vote(up, user_id=1, up=True) and history.vote(down, user_id=1, up=True)
    assert history.vote(down, user_id=1, up=False)  # a changed mind replaces the vote
    assert not history.vote(999, user_id=1, up=True)
    history.close()

    code, stdout, _ = run("feedback", "--json")
    votes = json.loads(stdout)
    assert code == 0
    assert sorted((v["question"], v["vote"]) for v in votes) == [("How many died?", "up"), ("Who won?", "down")]
    assert {v["guild_id"] for v in votes} == {7}
    assert next(v for v in votes if v["vote"] == "up")["citations"][0]["text"] == "At least 84 died."
    code, stdout, _ = run("feedback")
    assert stdout.strip().endswith("2 votes: 1 up, 1 down.")


def test_timeline_json_is_oldest_first_and_cited(env: Settings) -> None:
    assert run("index", str(DATA / "realtimeqa-slice.jsonl"))[0] == 0
    code, stdout, stderr = run("timeline", "--json", "Alaska Airlines")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["topic"] == "Alaska Airlines"
    events = data["events"]
    assert [e["published_at"] for e in events] == ["2024-01-06", "2024-01-09"]
    assert set(events[0]) == {"published_at", "text", "article_id", "title", "source", "url"}
    assert "Boeing 737 Max 9" in events[0]["title"] and "topless" in events[1]["title"]
    assert all(e["url"].startswith("https://") and e["source"] == "usatoday.com" for e in events)

    code, stdout, _ = run("timeline", "--json", "--since", "2024-01-07", "Alaska Airlines")
    assert [e["published_at"] for e in json.loads(stdout)["events"]] == ["2024-01-09"]
    code, stdout, _ = run("timeline", "Alaska Airlines")
    assert stdout.index("2024-01-06") < stdout.index("2024-01-09")
    assert stdout.strip().endswith("2 articles about “Alaska Airlines”.")


def test_ask_restricted_by_source_and_dates(env: Settings) -> None:
    assert run("index", str(DATA / "realtimeqa-slice.jsonl"))[0] == 0
    code, stdout, _ = run("ask", "--json", "--source", "cnn", "What was the verdict against Ford?")
    data = json.loads(stdout)
    assert code == 0 and data["answered"]
    assert {c["source"] for c in data["citations"]} == {"cnn.com"}
    assert data["note"] == "Only articles from cnn."

    code, stdout, _ = run("ask", "--json", "--since", "2024-01-07", "--until", "2024-01-31",
                          "What happened on the Alaska Airlines flight?")
    data = json.loads(stdout)
    assert data["citations"] and all("2024-01-07" <= c["published_at"] <= "2024-01-31" for c in data["citations"])

    code, _, stderr = run("ask", "--since", "January", "anything")
    assert code == 2 and "since" in stderr


def test_a_source_named_by_several_words_matches_however_it_is_spaced_or_cased(env: Settings, tmp_path: Path) -> None:
    records = [json.loads(line) for line in (DATA / "realtimeqa-slice.jsonl").read_text().splitlines()]
    news = tmp_path / "news.jsonl"  # the Ford verdict as reported by an outlet with a two-word name
    news.write_text("".join(json.dumps({**r, "source": "Valley Gazette"} if "Ford" in r["title"] else r) + "\n"
                            for r in records))
    assert run("index", str(news))[0] == 0

    for named in ("Valley Gazette", "valley  gazette", "The Valley Gazette"):
        code, stdout, _ = run("ask", "--json", "--source", named, "What was the verdict against Ford?")
        data = json.loads(stdout)
        assert code == 0 and data["answered"], named
        assert {c["source"] for c in data["citations"]} == {"Valley Gazette"}

    code, stdout, _ = run("ask", "--json", "What was the verdict against Ford, according to the Valley Gazette?")
    data = json.loads(stdout)
    assert data["answered"] and {c["source"] for c in data["citations"]} == {"Valley Gazette"}
    assert data["note"] == "Only articles from Valley Gazette."


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_day_that_cannot_be_read_is_one_plain_line(env: Settings, option: str) -> None:
    code, _, stderr = run("ask", option, "notaday", "anything")
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", stderr).split())
    assert code == 2
    assert f"Invalid value for '{option}': 'notaday' is not a day: write it as YYYY-MM-DD, e.g. 2024-01-05" in text
    assert "Value error" not in text and "indexing" not in stderr


def test_a_source_no_indexed_article_is_from_is_said_plainly(env: Settings) -> None:
    assert run("index", str(DATA / "realtimeqa-slice.jsonl"))[0] == 0
    code, stdout, _ = run("ask", "--json", "--source", "bbc", "What was the verdict against Ford?")
    data = json.loads(stdout)
    assert code == 0 and not data["answered"]
    assert data["note"].startswith("No indexed article is from bbc (indexed sources: ")
    assert "cnn.com" in data["note"]


def test_an_empty_timeline_topic_is_a_usage_error(env: Settings) -> None:
    assert run("timeline", "   ")[0] == 2


@pytest.mark.parametrize("command", ["ask", "index", "eval", "chat"])
def test_help_shows_flags_as_flags(command: str) -> None:
    """A flag takes no value: its help shows none ("--json <bool>" read as if it wanted "--json true")."""
    code, stdout, _ = run(command, "--help")
    assert code == 0
    flags = [line for line in stdout.splitlines() if re.search(r"--(json|help)\b", line)]
    assert flags and not [line for line in flags if "<bool>" in line], flags
