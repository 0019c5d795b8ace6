from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from index.errors import LoadError
from index.read.files import discover, iter_loaded, load_file
from index.read.formats import MIN_ARTICLE_WORDS
from tests.conftest import DATA, SAMPLE


def test_sample_article_date_title_and_body() -> None:
    [article] = load_file(SAMPLE).articles
    assert article.published_at == date(2024, 1, 4)
    assert article.text.startswith("ISIS has claimed responsibility")
    assert "date 2024" not in article.text
    assert article.title.startswith("ISIS has claimed responsibility for a horrific attack")
    assert len(article.title) <= 101
    assert article.source == "local"
    assert article.origin == str(SAMPLE.resolve())


def test_article_id_is_stable_and_content_hash_tracks_edits(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("date 2024-01-04\nFirst version of the story.")
    first = load_file(path).articles[0]
    path.write_text("date 2024-01-04\nSecond version of the story.")
    second = load_file(path).articles[0]
    assert first.id == second.id
    assert first.content_hash != second.content_hash


def test_markdown_heading_and_front_matter(tmp_path: Path) -> None:
    md = tmp_path / "story.md"
    md.write_text("# Storm hits coast\n\nWinds of 120 km/h were recorded on Tuesday.\n")
    [article] = load_file(md).articles
    assert article.title == "Storm hits coast"
    assert article.text == "Winds of 120 km/h were recorded on Tuesday."

    fm = tmp_path / "fm.md"
    fm.write_text(
        "---\ntitle: Budget passed\ndate: 2024-02-01\nsource: example.org\n"
        "url: https://www.example.org/budget?utm_source=x\n---\nThe budget passed by 52 votes.\n"
    )
    [article] = load_file(fm).articles
    assert (article.title, article.published_at, article.source) == ("Budget passed", date(2024, 2, 1), "example.org")
    assert article.url == "https://www.example.org/budget?utm_source=x"


def test_same_url_spelled_differently_is_one_article(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("---\nurl: https://www.example.org/story/?utm_medium=rss\n---\nText one.")
    b.write_text("---\nurl: https://example.org/story\n---\nText two.")
    assert load_file(a).articles[0].id == load_file(b).articles[0].id


def test_html_keeps_article_text_and_drops_scripts_and_navigation() -> None:
    [article] = load_file(DATA / "article.html").articles
    assert article.title == "Flood waters recede in Valencia"
    assert "2,300 residents" in article.text
    assert "trackVisitor" not in article.text
    assert "Subscribe to our newsletter" not in article.text
    assert article.published_at == date(2024, 1, 15)


def test_jsonl_slice_loads_with_fields() -> None:
    loaded = load_file(DATA / "realtimeqa-slice.jsonl")
    assert not loaded.failures
    assert len(loaded.articles) == 14
    first = loaded.articles[0]
    assert first.url and first.url.startswith("https://")
    assert first.published_at is not None
    assert first.source.endswith(".com")
    assert len({a.id for a in loaded.articles}) == 14


def test_jsonl_bad_lines_are_reported_by_number_and_the_rest_loaded(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "1", "title": "One", "text": "First article text."}\n'
        "{not json\n"
        '{"id": "3", "title": "No text"}\n'
        '["a list"]\n'
        '{"id": "5", "title": "Five", "text": "Fifth article text.", "published_at": "2024-01-05"}\n'
    )
    loaded = load_file(path)
    assert [a.title for a in loaded.articles] == ["One", "Five"]
    assert [f.path for f in loaded.failures] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "invalid JSON" in loaded.failures[0].reason
    assert "no 'text'" in loaded.failures[1].reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary"),
    ],
)
def test_unusable_files_raise_a_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_file(path)


def test_legacy_encodings_are_decoded(tmp_path: Path) -> None:
    cp1252 = tmp_path / "cp1252.txt"
    cp1252.write_bytes("The minister’s “plan” costs 5 € per café visit, officials said.".encode("cp1252"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Der Bürgermeister sagte, die Straße bleibt gesperrt.".encode("utf-16"))
    assert "“plan”" in load_file(cp1252).articles[0].text
    assert "Bürgermeister" in load_file(utf16).articles[0].text


def test_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    with pytest.raises(LoadError, match="over the"):
        load_file(path, max_bytes=1000)


def test_discover_recurses_and_reports_missing_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A story.")
    (tmp_path / "b.md").write_text("B story.")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("hidden")
    files, failures, passed_over = discover([tmp_path, tmp_path / "missing.txt", tmp_path / "notes.pdf"])
    assert sorted(p.name for p in files) == ["a.txt", "b.md"]
    assert passed_over == []  # named on its own, notes.pdf is a failure, and not counted again
    assert discover([tmp_path])[2] == [tmp_path / "notes.pdf"]  # only in the folder: counted, not a failure
    assert [f.reason.split(" (")[0] for f in failures] == ["no such file or folder", "unsupported file type"]


def test_iter_loaded_turns_file_errors_into_failures(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("A fine article.")
    bad.write_bytes(b"")
    results = dict(iter_loaded([good, bad], max_bytes=10_000))
    assert len(results[good].articles) == 1
    assert results[bad].failures[0].reason == "file is empty"


def test_an_html_file_of_only_a_menu_is_reported_not_indexed(tmp_path: Path) -> None:
    sentence = (
        "Officials said the Harbour Bridge reopened on Monday after nine days of repairs, and ferries returned to "
        "their usual timetable across the city"
    )
    words = sentence.split()
    for n in (MIN_ARTICLE_WORDS - 1, MIN_ARTICLE_WORDS):
        (tmp_path / f"{n}.html").write_text(
            "<html><head><title>Bridge reopens</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><p>{' '.join(words[:n])}.</p></article></body></html>"
        )
    (tmp_path / "menu.html").write_text(
        "<html><head><title>menu</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/world'>World</a></li><li><a href='/sport'>Sport</a></li></ul></nav></body></html>"
    )
    results = dict(iter_loaded(sorted(tmp_path.iterdir()), max_bytes=10_000))
    assert [a.title for a in results[tmp_path / f"{MIN_ARTICLE_WORDS}.html"].articles] == ["Bridge reopens"]
    for name, count in ((f"{MIN_ARTICLE_WORDS - 1}.html", MIN_ARTICLE_WORDS - 1), ("menu.html", 3)):
        assert results[tmp_path / name].articles == []
        assert [f.reason for f in results[tmp_path / name].failures] == [
            f"no article text could be extracted (only {count} words: a menu or a notice, not a story)"
        ]


def test_jsonl_dates_in_written_forms_are_read_and_unreadable_ones_reported_by_line(tmp_path: Path) -> None:
    written = {
        "2024-01-05": date(2024, 1, 5),
        "5 January 2024": date(2024, 1, 5),
        "Jan 5, 2024": date(2024, 1, 5),
        "January 5th, 2024": date(2024, 1, 5),
        "13/01/2024": date(2024, 1, 13),  # only one way to read it
        "January 5th": None,
        "01/02/2024": None,
        "yesterday": None,
        "Jan 2024": None,
        "5 janvier 2024": date(2024, 1, 5),  # in any language dateparser knows
    }
    path = tmp_path / "news.jsonl"
    records = (json.dumps({"text": f"Story {n}.", "published_at": d}) for n, d in enumerate(written))
    path.write_text("".join(f"{record}\n" for record in records))

    loaded = load_file(path)

    assert [a.published_at for a in loaded.articles] == list(written.values())  # every record indexed
    assert [(w.path, w.reason) for w in loaded.warnings] == [
        (f"{path}:6", "published_at 'January 5th' has no year (it is not guessed); indexed without a date"),
        (
            f"{path}:7",
            (
                "published_at '01/02/2024' could be 2024-01-02 or 2024-02-01 (write it as YYYY-MM-DD); "
                "indexed without a date"
            ),
        ),
        (
            f"{path}:8",
            "published_at 'yesterday' is not a date that can be read (write it as YYYY-MM-DD); indexed without a date",
        ),
        (f"{path}:9", "published_at 'Jan 2024' names no day (it is not guessed); indexed without a date"),
    ]
    assert not loaded.failures


def test_broken_front_matter_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("\n---\ntitle: Budget passed\nsource: [example.org\n---\nThe budget passed by 52 votes.\n")
    [(_, loaded)] = iter_loaded([path], max_bytes=10_000)
    assert [(f.path, f.reason) for f in loaded.failures] == [
        (
            str(path),
            (
                "front matter is not valid YAML at line 5: did not find expected ',' or ']'"
                " (while parsing a flow sequence from line 4)"
            ),
        )
    ]

    path.write_text("---\ntitle: Budget passed: at last\n---\nThe budget passed by 52 votes.\n")
    with pytest.raises(LoadError, match=r"^front matter is not valid YAML at line 2: mapping values are not allowed"):
        load_file(path)


def test_a_front_matter_date_that_cannot_be_read_is_reported_and_the_story_indexed(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("---\ntitle: Budget passed\ndate: January 5th\n---\nThe budget passed by 52 votes.\n")
    loaded = load_file(path)
    assert [(a.title, a.published_at) for a in loaded.articles] == [("Budget passed", None)]
    assert [(w.path, w.reason) for w in loaded.warnings] == [
        (str(path), "front matter line 3: date 'January 5th' has no year (it is not guessed); indexed without a date")
    ]
    path.write_text("---\ntitle: Budget passed\ndate: 5 January 2024\n---\nThe budget passed by 52 votes.\n")
    assert [a.published_at for a in load_file(path).articles] == [date(2024, 1, 5)]


def test_a_record_s_id_is_the_article_s_id_and_records_without_one_keep_theirs(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(
        '{"id": "fe2ce5b1e4ebb141", "url": "https://example.org/a", "text": "With an id and a URL."}\n'
        '{"id": 7, "text": "With a number for an id."}\n'
        '{"url": "https://example.org/c", "text": "With a URL only."}\n'
        '{"text": "With neither."}\n'
        '{"id": ["a", "list"], "text": "With an id that is no id."}\n'
    )
    first = load_file(path)
    assert [a.id for a in first.articles[:2]] == ["fe2ce5b1e4ebb141", "7"]
    assert [(f.path, f.reason) for f in first.failures] == [
        (f"{path}:5", """record's 'id' is ["a", "list"], not a string or a number""")
    ]
    # Without an id, an article's id comes from its URL, else its text: the same on every reading, in any file.
    path.write_text('{"text": "With neither."}\n{"url": "https://www.example.org/c/", "text": "Edited."}\n')
    again = load_file(path).articles
    assert [a.id for a in again] == [first.articles[3].id, first.articles[2].id]
