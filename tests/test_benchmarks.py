"""The benchmark scripts run (their figures are not checked: they are measurements, not tests)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from psycopg.conninfo import conninfo_to_dict

from index.embed.base import Embedder
from tests.conftest import CHOOSES_ITS_DATABASES, DATA

ROOT = Path(__file__).parents[1]
pytestmark = CHOOSES_ITS_DATABASES  # the scripts' own: a data folder, or a database given to them


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_soak_runs_questions_alongside_reindexing(tmp_path: Path, real_embedder: Embedder) -> None:
    soak = script("soak")
    questions = ["Who beat Luke Littler in the darts final?", "Which animals cause car breakdowns in the UK?"]
    result = soak.soak(tmp_path, DATA / "realtimeqa-slice.jsonl", questions, 12, 2, real_embedder, every=4)
    assert result["errors"] == 0, result["first_error"]
    assert result["questions"] == 12 and result["reindex_rounds"] >= 1
    assert result["answered"] >= 6
    assert set(result) >= {"ask_p50_ms", "ask_p95_ms", "rss_start_mb", "rss_end_mb", "peak_rss_mb", "second_half_added_mb"}
    assert len(result["rss_curve_mb"]) == 3  # after 4, 8 and 12 questions


def test_bench_measures_both_recipes_on_the_same_articles(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    folder.joinpath("articles.jsonl").write_text((DATA / "realtimeqa-slice.jsonl").read_text())
    folder.joinpath("questions.jsonl").write_text((DATA / "realtimeqa-questions.jsonl").read_text())
    result = script("bench").run(folder, articles=3, questions=2, cold_runs=1)
    assert (result["articles"], result["questions"]) == (3, 2)
    assert result["chunks"] > 3 and result["langchain_chunks"] >= 3
    assert "encode_chunks" not in result  # the raw encode saw exactly the texts the index embedded
    assert all(result[key] > 0 for key in script("bench").KEYS if key not in ("articles", "questions", "chunks"))


def test_growth_adds_the_same_ten_articles_to_a_smaller_and_a_larger_index(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    folder.joinpath("articles.jsonl").write_text((DATA / "realtimeqa-slice.jsonl").read_text())
    folder.joinpath("questions.jsonl").write_text((DATA / "realtimeqa-questions.jsonl").read_text())
    result = script("growth").run(folder, small=100, large=300, keep=tmp_path / "kept")
    assert 100 <= result["chunks_small"] < result["chunks_large"] and result["chunks_large"] >= 300
    assert result["add10_s_small"] > 0 and result["add10_s_large"] > 0
    small, large = result["add10_s_small"], result["add10_s_large"]  # rounded to 0.01 s; the ratio is of the times
    assert (large - 0.005) / (small + 0.005) - 0.005 <= result["add10_ratio"] <= (large + 0.005) / (small - 0.005) + 0.005
    assert result["ask_p50_ms_large"] <= result["ask_p95_ms_large"]
    adds = script("growth").adds(folder, tmp_path / "kept")  # the rounds of 10 again, on the kept indexes
    assert adds["add10_s_small"] > 0 and adds["add10_s_large"] > 0
    again = script("growth").asks(folder, tmp_path / "kept")  # the answers alone, from the kept larger index
    assert again["ask_p50_ms_large"] <= again["ask_p95_ms_large"]
    keyword = script("growth").keyword(folder, tmp_path / "kept", rows=1)  # keyword search alone, a narrow match
    assert keyword["questions"] == len((DATA / "realtimeqa-questions.jsonl").read_text().splitlines())
    assert keyword["keyword_p50_ms"] <= keyword["keyword_p95_ms"] and 0 < keyword["best10_found"] <= 1
    assert keyword["best10_same"] <= keyword["questions"]


def test_stories_measures_the_thresholds_with_the_indexing_code(tmp_path: Path, real_embedder: Embedder) -> None:
    from bot.app.service import Service
    from bot.app.settings import Settings

    folder = tmp_path / "set"
    folder.mkdir()
    folder.joinpath("articles.jsonl").write_text((DATA / "stories.jsonl").read_text())
    Service(Settings(NEWSQA_DATA_DIR=tmp_path / "index", CHROMA_HOST=None), real_embedder).index([str(folder)])
    stories = script("stories")
    articles, keys, gists, spans = stories.load(folder, tmp_path / "index")
    assert len(articles) == 6
    shares = stories.copies(articles, keys)["pairs_by_share"]
    assert sum(n for share, n in shares.items() if float(share) >= 0.5) == 4  # three pairs of copies, an update
    grouped = stories.grouped(articles, spans)
    assert grouped["stories"] == 3 and grouped["copy_groups_of_2_or_more"] == 2
    assert set(stories.nearest(articles, gists)["nearest_by_bin"])


def test_growth_keeps_its_records_in_postgresql_when_given_a_database(tmp_path: Path, pg_server: str) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    folder.joinpath("articles.jsonl").write_text((DATA / "realtimeqa-slice.jsonl").read_text())
    keep = tmp_path / "kept"
    result = script("growth").run(folder, small=50, large=150, keep=keep, database_url=pg_server)
    assert 50 <= result["chunks_small"] < result["chunks_large"] and result["add10_s_large"] > 0
    assert (keep / "index-150" / "chroma").is_dir()  # the vectors stay local...
    assert not list(keep.glob("index-*/manifest.sqlite3"))  # ...the records went to PostgreSQL


def test_growth_keeps_no_password_of_its_database_and_takes_it_back_when_asked(tmp_path: Path) -> None:
    from bot.app.settings import Settings

    growth = script("growth")
    url = "postgresql://bench:s3cret@db.example:5432/news?options=-csearch_path%3Dnewsqa_growth"
    growth.write_kept(
        tmp_path,
        {
            "small": Settings(NEWSQA_DATA_DIR=tmp_path / "index-100", NEWSQA_DATABASE_URL=url),
            "large": Settings(NEWSQA_DATA_DIR=tmp_path / "index-300", NEWSQA_DATABASE_URL=url),
        },
    )
    assert "s3cret" not in (tmp_path / growth.KEPT).read_text()

    def parts(settings: Settings) -> dict:
        assert settings.database_url is not None
        return conninfo_to_dict(settings.database_url.get_secret_value())

    kept = parts(growth.kept_settings(tmp_path))  # the password left to the environment (PGPASSWORD, ~/.pgpass)
    assert "password" not in kept and (kept["host"], kept["dbname"], kept["user"]) == ("db.example", "news", "bench")
    assert kept["options"] == "-csearch_path=newsqa_growth"  # the kept index's own schema
    assert parts(growth.kept_settings(tmp_path, url))["password"] == "s3cret"  # --asks FOLDER --database-url URL


def test_a_question_is_reachable_only_where_one_passage_holds_its_answer_and_its_words() -> None:
    reach = script("reach")
    filler = " ".join(["The weather stayed mild across the region for most of the week."] * 40)  # > one passage
    article = f"Luke Humphries won the darts world championship final. {filler} Littler lost to Humphries."
    question = "Who won the darts world championship final?"
    assert reach.reachable(question, "Luke Humphries", [article])
    assert not reach.reachable("Who did Littler lose to?", "Luke Humphries", [article])  # "Luke" is far away
    assert reach.reachable("Who did Littler lose to?", "Humphries", [article])
    assert not reach.reachable(question, "Rob Cross", [article])


def test_with_days_only_the_news_of_the_questions_week_reaches_it(tmp_path: Path, capsys) -> None:
    """An older story naming the answer with the question's words does not count with ``--days``: the question
    asked on 2024-01-05 is reported by the article of 2024-01-03, not by the one of 2019."""
    reach = script("reach")
    final, other = "Luke Humphries won the darts world championship final.", "Rob Cross won the final."
    articles = [
        {"id": "old", "published_at": "2019-01-02", "text": final},
        {"id": "new", "published_at": "2024-01-03", "text": f"Reported on Wednesday: {final}"},
        {"id": "later", "published_at": "2024-01-06", "text": f"Who won the darts world championship? {other}"},
    ]
    question = {"id": "q", "question": "Who won the darts world championship final?", "date": "2024-01-05"}
    assert reach.within(articles, "2024-01-05", 7) == [articles[1]["text"]]  # the days up to the question's
    assert reach.within(articles, "2024-01-05", 3) == [articles[1]["text"]]  # the 3rd, 4th and 5th
    assert reach.within(articles, "2024-01-05", 2) == []
    assert len(reach.within(articles, "2024-01-05", None)) == 3
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in articles))
    asked = [{**question, "answer": "Luke Humphries"}, {**question, "id": "r", "answer": "Rob Cross"}]
    (tmp_path / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in asked))
    reach.main([str(tmp_path), "--days", "7", "--json"])
    assert json.loads(capsys.readouterr().out)["reachable"] == 1  # Rob Cross only in a report after the date
    del articles[1]  # now only the 2019 story names Luke Humphries
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in articles))
    reach.main([str(tmp_path), "--days", "7", "--json"])
    assert json.loads(capsys.readouterr().out)["reachable"] == 0
    reach.main([str(tmp_path), "--json"])
    assert json.loads(capsys.readouterr().out)["reachable"] == 2
    with pytest.raises(SystemExit):
        reach.main([str(tmp_path), "--days", "0"])
    assert "--days needs a number of days of 1 or more" in capsys.readouterr().err


def test_calibrate_keeps_the_highest_threshold_that_declines_few_grounded_questions(
    tmp_path: Path, real_embedder: Embedder
) -> None:
    """Through the whole decision to answer: the slice's grounded questions are declined more often as the
    threshold rises, and the one kept is the last before more than 5% of them are."""
    from bot.app.service import Service
    from bot.app.settings import Settings

    calibrate = script("calibrate")
    for name in ("questions", "unanswerable"):
        (tmp_path / f"{name}.jsonl").write_text((DATA / f"realtimeqa-{name}.jsonl").read_text())
    service = Service(Settings(NEWSQA_DATA_DIR=tmp_path / "data", CHROMA_HOST=None), real_embedder)
    service.indexer.index_paths([DATA / "realtimeqa-slice.jsonl"])
    report = calibrate.calibrate(service, tmp_path, [0.2, 0.4, 0.6, 0.8])
    allowed = calibrate.SHARE_DECLINED * report["grounded"]
    for field in ("min_similarity", "min_similarity_widened"):
        kept, sweep = report[field]["threshold"], report[field]["sweep"]
        declined = [row["grounded_declined"] for row in sweep.values()]
        assert declined == sorted(declined) and declined[0] < declined[-1] <= report["grounded"]
        fewest = min(declined)  # on the slice, more than 5% of its few grounded questions are declined for names
        assert sweep[kept]["grounded_declined"] <= max(allowed, fewest)
        assert all(row["grounded_declined"] > max(allowed, fewest) for t, row in sweep.items() if t > kept)
