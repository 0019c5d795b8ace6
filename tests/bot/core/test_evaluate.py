from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from bot.core.evaluate import KEYS, gold_rank, mentions, normalise, occurs, pick_choice
from index.embed.base import Embedder
from index.passages import Passage
from tests.bot.cli.test_cli import run
from tests.conftest import DATA


def passage(text: str) -> Passage:
    return Passage("c:00000", "c", "T", None, "s", "loc", text, 0, len(text), 1.0, 0.5)


def test_gold_rank_follows_the_metric_definition() -> None:
    passages = [passage("Nothing here."), passage("The  Final\nscore was 84-82."), passage("84-82 again")]
    assert gold_rank(passages, "final score was 84-82") == 2
    assert gold_rank(passages, "84-82", k=1) is None
    # Only the first 1,200 characters of a passage count.
    assert gold_rank([passage("x" * 1200 + " Tetris")], "Tetris") is None
    assert normalise("  A\tB \n c ") == "a b c"


def test_a_gold_answer_occurs_when_all_its_words_do_as_whole_words() -> None:
    """The eval contract's rule, with its own examples."""
    assert occurs("“Sinners”", 'The film "Sinners" leads the 98th Academy Awards')
    assert occurs("Conan O’Brien", "Conan O'Brien returns as host")
    assert occurs("Davos, Switzerland", "Davos, where the forum meets, is a town in Switzerland.")
    assert not occurs("84", "284 people were injured")
    assert not occurs("Rats", "Democrats won")
    assert occurs("Al-Furqan", "its media wing al-Furqan said")
    assert not occurs("", "anything")


def test_a_choice_counts_as_named_only_as_whole_words() -> None:
    assert not mentions("Democrats in the Senate", "Rats")
    assert mentions("Rats were seen in the subway.", "rats")
    assert mentions("It won for Oppenheimer, then for Barbie.", "“Oppenheimer”")
    assert mentions("Shares of McDonald’s rose.", "McDonald's")
    assert mentions("Shares of AT&T fell.", "AT&T")
    assert not mentions("About 10,000 people, or 10.5%, came.", "10")
    assert mentions("It lasted 10 days.", "10")
    assert not mentions("Nothing to see.", "“”")


def test_multiple_choice_picks_the_answer_of_the_week_asked(
    settings: Settings, real_embedder: Embedder, tmp_path: Path
) -> None:
    """Two finals a year apart: the champion picked is the one of the week the question is asked in."""
    folder = tmp_path / "finals"
    folder.mkdir()
    (folder / "now.txt").write_text(
        "date 2024-01-04\nLuke Humphries won the PDC World Darts Championship on Wednesday, "
        "beating Luke Littler 7-4 in the final at Alexandra Palace in London.\n",
        encoding="utf-8",
    )
    (folder / "then.txt").write_text(
        "date 2023-01-04\nMichael Smith won the PDC World Darts Championship on Tuesday, "
        "beating Michael van Gerwen 7-4 in the final at Alexandra Palace in London.\n",
        encoding="utf-8",
    )
    opened = Service(settings, real_embedder)
    assert opened.indexer.index_paths([folder]).added == 2
    question = "Who won the PDC World Darts Championship?"
    choices = ["Rob Cross", "Michael Smith", "Luke Humphries", "Gerwyn Price"]
    assert choices[pick_choice(opened.retriever, question, choices, date(2024, 1, 6))] == "Luke Humphries"
    assert choices[pick_choice(opened.retriever, question, choices, date(2023, 1, 6))] == "Michael Smith"


@pytest.fixture
def eval_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "evalset"
    folder.mkdir()
    shutil.copy(DATA / "realtimeqa-slice.jsonl", folder / "articles.jsonl")
    shutil.copy(DATA / "realtimeqa-questions.jsonl", folder / "questions.jsonl")
    shutil.copy(DATA / "realtimeqa-unanswerable.jsonl", folder / "unanswerable.jsonl")
    return folder


def test_eval_reports_every_metric_and_a_per_question_report(
    eval_dir: Path, tmp_path: Path, settings: Settings
) -> None:
    report = tmp_path / "report.jsonl"
    code, stdout, stderr = run("eval", str(eval_dir), "--json", "--report", str(report))
    assert code == 0, stderr
    metrics = json.loads(stdout)
    assert tuple(metrics) == KEYS
    assert metrics["answerable"] == 14
    assert 0 <= metrics["recall@1"] <= metrics["recall@5"] <= metrics["recall@10"] <= 1
    # Every question's article is indexed: the answer's passage is nearly always found.
    assert metrics["recall@10"] >= 0.85
    assert metrics["mrr@10"] >= metrics["recall@1"]
    assert metrics["index_s"] > 0 and metrics["ask_p95_ms"] >= metrics["ask_p50_ms"] > 0

    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert len(rows) == 17
    scored = [r for r in rows if r["gold"] is not None]
    assert len(scored) == 14
    assert metrics["answer_hit"] == round(sum(r["answer_hit"] for r in scored) / 14, 4)
    assert metrics["mc_accuracy"] == round(sum(r["mc_right"] for r in scored) / 14, 4)
    assert metrics["refusal"] == round(sum(not r["answered"] for r in rows if r["gold"] is None) / 3, 4)
    questions = {q["id"]: q for q in map(json.loads, (eval_dir / "questions.jsonl").read_text().splitlines())}
    for row in scored:
        assert row["mc_pick"] in questions[row["id"]]["choices"]
        assert row["mc_right"] == (row["mc_pick"] == questions[row["id"]]["answer"])
    assert not settings.data_dir.exists()  # a temporary store, not the user's index


def test_eval_of_a_folder_without_questions_is_a_clear_error(tmp_path: Path, settings: Settings) -> None:
    code, _, stderr = run("eval", str(tmp_path))
    assert code == 1
    assert "questions.jsonl not found" in stderr
