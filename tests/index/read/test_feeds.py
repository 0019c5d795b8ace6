"""Feeds and pages fetched from a real HTTP server on loopback."""

from __future__ import annotations

import codecs
import socket
from dataclasses import replace
from datetime import date

import pytest

from index.chunking import chunk_id
from index.indexer import Indexer
from index.manifest import Entry
from index.read.feeds import MIN_SUMMARY_WORDS, PAGES_AT_ONCE
from index.read.files import Failure
from index.read.http import USER_AGENT
from tests.checks import assert_consistent
from tests.site import ATOM, RSS, Item, NewsSite, atom, day, page, rss, slice_articles

ARTICLES = slice_articles()


def item(site: NewsSite, n: int, *, full: bool = False) -> Item:
    """Entry for slice article ``n``, its page served by the site; ``full`` puts the text in the feed."""
    article = ARTICLES[n]
    link = site.put(f"/story/{n}.html", page(article))
    summary = article["text"].split(". ")[0] + "."
    content = "".join(f"<p>{p}</p>" for p in article["text"].split("\n")) if full else None
    return Item(article["title"], link, day(article["published_at"]), summary, content)


def by_url(indexer: Indexer) -> dict[str, Entry]:
    return {e.url: e for e in indexer.manifest.entries().values() if e.url}


def stored_text(indexer: Indexer, entry: Entry) -> str:
    return " ".join(hit.text for hit in indexer.store.get([chunk_id(entry.id, p) for p in range(entry.chunks)]))


def test_a_feed_and_a_page_are_indexed_with_titles_dates_and_sources(fake_indexer: Indexer, site: NewsSite) -> None:
    summary_only, full = item(site, 0), item(site, 1, full=True)
    feed = site.put("/rss.xml", rss("Loopback News", [summary_only, full]), RSS)
    single = site.put("/single.html", page(ARTICLES[2]))

    report = fake_indexer.index_paths([feed, single])

    assert (report.added, report.failed) == (3, [])
    entries = by_url(fake_indexer)
    first = entries[summary_only.link]
    assert first.title == ARTICLES[0]["title"] and first.source == "127.0.0.1"  # the publisher's site
    assert first.published_at == date.fromisoformat(ARTICLES[0]["published_at"]) and first.origin == feed
    # Only a summary in the feed: the linked page was fetched and its story (not its menu) indexed.
    text = stored_text(fake_indexer, first)
    assert len(text) > 3 * len(summary_only.summary) and ARTICLES[0]["text"][-60:].strip() in text
    assert "Home" not in text and "Loopback" not in text
    # Full content in the feed: its page is never requested.
    assert ARTICLES[1]["text"][:80] in stored_text(fake_indexer, entries[full.link])
    assert "/story/1.html" not in site.sent()
    assert entries[single].title == ARTICLES[2]["title"]
    assert {ua for _, _, ua in site.log} == {USER_AGENT}
    assert_consistent(fake_indexer)


def test_atom_feeds_are_read_too(fake_indexer: Indexer, site: NewsSite) -> None:
    entries = [item(site, 3), item(site, 4, full=True)]
    report = fake_indexer.index_paths([site.put("/atom.xml", atom("Loopback Atom", entries), ATOM)])
    assert (report.added, report.failed) == (2, [])
    assert {e.source for e in fake_indexer.manifest.entries().values()} == {"127.0.0.1"}


def test_a_second_run_downloads_nothing_that_did_not_change(fake_indexer: Indexer, site: NewsSite) -> None:
    feed = site.put("/rss.xml", rss("Loopback News", [item(site, 0), item(site, 1)]), RSS)
    single = site.put("/single.html", page(ARTICLES[2]))
    first = fake_indexer.index_paths([feed, single])
    assert (first.downloaded, first.not_modified) == (4, 0)
    site.forget_log()
    embedded = fake_indexer.embedder.embedded

    again = fake_indexer.index_paths([feed, single])

    assert (again.unchanged, again.added, again.updated, again.failed) == (3, 0, 0, [])
    assert (again.downloaded, again.not_modified) == (0, 4)
    assert sorted(site.sent(304)) == sorted(site.sent()) and len(site.sent()) == 4
    assert fake_indexer.embedder.embedded == embedded


def test_a_new_entry_in_the_feed_is_added(fake_indexer: Indexer, site: NewsSite) -> None:
    items = [item(site, 0), item(site, 1)]
    feed = site.put("/rss.xml", rss("Loopback News", items), RSS)
    fake_indexer.index_paths([feed])
    site.forget_log()

    site.put("/rss.xml", rss("Loopback News", [item(site, 5), *items]), RSS)
    report = fake_indexer.index_paths([feed])

    assert (report.added, report.unchanged, report.updated) == (1, 2, 0)
    assert sorted(site.sent(200)) == ["/rss.xml", "/story/5.html"]
    assert ARTICLES[5]["title"] in {e.title for e in fake_indexer.manifest.entries().values()}


def test_an_entry_whose_page_changed_is_updated(fake_indexer: Indexer, site: NewsSite) -> None:
    entries = [item(site, 0), item(site, 1)]
    feed = site.put("/rss.xml", rss("Loopback News", entries), RSS)
    fake_indexer.index_paths([feed])

    correction = "Correction: an earlier version of this story misstated the date of the final."
    site.put("/story/0.html", page({**ARTICLES[0], "text": ARTICLES[0]["text"] + "\n" + correction}))
    report = fake_indexer.index_paths([feed])

    assert (report.updated, report.unchanged, report.downloaded) == (1, 1, 1)
    assert correction in stored_text(fake_indexer, by_url(fake_indexer)[entries[0].link])
    assert_consistent(fake_indexer)


def test_an_entry_whose_page_cannot_be_had_is_indexed_from_its_summary(
    fake_indexer: Indexer, site: NewsSite
) -> None:
    gone = replace(item(site, 0), link=site.url("/moved-away.html"))
    report = fake_indexer.index_paths([site.put("/rss.xml", rss("Loopback News", [gone]), RSS)])
    assert (report.added, report.failed) == (1, [])
    assert stored_text(fake_indexer, by_url(fake_indexer)[gone.link]) == gone.summary
    # The page's failure is still told: by its address, with its reason, and in the summary line.
    assert report.warnings == [Failure(gone.link, "HTTP 404 NOT FOUND; indexed from the feed's summary instead")]
    assert "0 failed, 1 warning;" in report.summary()


def test_each_failing_page_is_reported_and_a_summary_too_short_to_be_news_is_not_indexed(
    fake_indexer: Indexer, site: NewsSite
) -> None:
    fake_indexer.fetch = replace(fake_indexer.fetch, timeout=3.0)  # the slow page is held until the site stops
    site.slow["/slow.html"] = 60.0
    menu = site.put("/menu.html", "<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></body>")
    words = ARTICLES[1]["text"].split()
    summaries = {  # the page behind each entry, and its summary
        site.url("/gone.html"): item(site, 0).summary,
        site.url("/slow.html"): item(site, 2).summary,
        menu: item(site, 3).summary,
        site.url("/gone-too.html"): " ".join(words[:MIN_SUMMARY_WORDS]),
        site.url("/teaser.html"): " ".join(words[: MIN_SUMMARY_WORDS - 1]),
        site.url("/x.html"): "x",
    }
    entries = [Item(f"Story {n}", link, day("2024-01-05"), text) for n, (link, text) in enumerate(summaries.items())]

    report = fake_indexer.index_paths([site.put("/rss.xml", rss("Loopback News", entries), RSS)])

    instead = "; indexed from the feed's summary instead"
    warned = {w.path: w.reason for w in report.warnings}
    assert list(warned) == list(summaries)[:4] and report.added == 4
    assert warned[site.url("/gone.html")] == "HTTP 404 NOT FOUND" + instead
    assert warned[site.url("/slow.html")] == "timed out (no answer within 3 s)" + instead
    no_story = "no article text could be extracted (only 2 words: a menu or a notice, not a story)"
    assert warned[menu] == no_story + instead
    too_short = "HTTP 404 NOT FOUND; the feed's summary, {}, is too short to index instead"
    assert [(f.path, f.reason) for f in report.failed] == [
        (site.url("/teaser.html"), too_short.format(f"{MIN_SUMMARY_WORDS - 1} words")),
        (site.url("/x.html"), too_short.format("1 word")),
    ]
    assert "4 added, 0 updated, 0 unchanged, 0 removed, 2 failed, 4 warnings;" in report.summary()
    assert {e.url for e in fake_indexer.manifest.entries().values()} == set(list(summaries)[:4])
    assert_consistent(fake_indexer)


def test_a_feed_s_pages_are_fetched_a_few_at_a_time(fake_indexer: Indexer, site: NewsSite) -> None:
    items = [item(site, n) for n in range(6)]
    for n in range(6):
        site.slow[f"/story/{n}.html"] = 0.3
    report = fake_indexer.index_paths([site.put("/rss.xml", rss("Loopback News", items), RSS)])
    assert report.added == 6
    assert site.most_in_flight == PAGES_AT_ONCE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_each_bad_source_is_reported_and_the_others_are_indexed(fake_indexer: Indexer, site: NewsSite) -> None:
    # Generous for a loaded machine; the slow feed is held far longer, until the site stops.
    fake_indexer.fetch = replace(fake_indexer.fetch, timeout=3.0)
    good = site.put("/rss.xml", rss("Loopback News", [item(site, 0)]), RSS)
    site.put("/slow.xml", rss("Slow News", [item(site, 1)]), RSS)
    site.slow["/slow.xml"] = 60.0
    bad = {
        f"http://127.0.0.1:{free_port()}/feed.xml": "could not connect",
        site.url("/missing.xml"): "HTTP 404 NOT FOUND",
        site.url("/slow.xml"): "timed out",
        site.put("/broken.xml", "<rss><channel><title>Broken</tit", RSS): "malformed feed",
        site.put("/menu.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>"): "no article text",
        site.url("/loop"): "too many redirects",
    }

    report = fake_indexer.index_paths([*bad, good])

    assert report.added == 1, (report, fake_indexer.manifest.entries())
    reasons = {f.path: f.reason for f in report.failed}
    assert reasons.keys() == bad.keys()
    for url, reason in bad.items():
        assert reason.casefold() in reasons[url].casefold(), (url, reasons[url])
    assert_consistent(fake_indexer)


def test_a_failing_source_keeps_what_it_had_indexed(fake_indexer: Indexer, site: NewsSite) -> None:
    feed = site.put("/rss.xml", rss("Loopback News", [item(site, 0), item(site, 1)]), RSS)
    single = site.put("/single.html", page(ARTICLES[2]))
    assert fake_indexer.index_paths([feed, single]).added == 3

    for broken in ("<rss><channel><item><title>half an ent", None):
        if broken is None:
            del site.docs["/rss.xml"], site.docs["/single.html"]
        else:
            site.put("/rss.xml", broken, RSS)
            site.put("/single.html", "<html><body></body></html>")
        report = fake_indexer.index_paths([feed, single], prune=True)
        assert {feed, single} <= {f.path for f in report.failed} and report.removed == 0
        assert len(fake_indexer.manifest.entries()) == 3
    assert_consistent(fake_indexer)


def test_entries_that_left_the_feed_are_kept_unless_pruned(fake_indexer: Indexer, site: NewsSite) -> None:
    feed = site.put("/rss.xml", rss("Loopback News", [item(site, 0), item(site, 1)]), RSS)
    fake_indexer.index_paths([feed])
    site.put("/rss.xml", rss("Loopback News", [item(site, 1)]), RSS)
    assert fake_indexer.index_paths([feed]).removed == 0
    assert fake_indexer.index_paths([feed], prune=True).removed == 1
    assert [e.title for e in fake_indexer.manifest.entries().values()] == [ARTICLES[1]["title"]]


def test_a_response_over_the_size_limit_is_refused(fake_indexer: Indexer, site: NewsSite) -> None:
    fake_indexer.fetch = replace(fake_indexer.fetch, max_bytes=100_000)
    huge = site.put("/huge.html", page({**ARTICLES[0], "text": "All the news. " * 10_000}))
    report = fake_indexer.index_paths([huge])
    assert report.added == 0
    assert report.failed[0].reason.startswith("response is 0.14 MB, over the 0.1 MB limit")


def test_a_page_that_fails_later_does_not_replace_its_full_text_with_the_summary(
    fake_indexer: Indexer, site: NewsSite
) -> None:
    entry = item(site, 0)
    feed = site.put("/rss.xml", rss("Loopback News", [entry, item(site, 1)]), RSS)
    fake_indexer.index_paths([feed])
    full_text = stored_text(fake_indexer, by_url(fake_indexer)[entry.link])
    embedded = fake_indexer.embedder.embedded

    del site.docs["/story/0.html"]
    report = fake_indexer.index_paths([feed])

    assert (report.updated, report.unchanged) == (0, 2) and fake_indexer.embedder.embedded == embedded
    assert [(f.path, f.reason) for f in report.failed] == [(entry.link, "HTTP 404 NOT FOUND; kept the text indexed before")]
    assert stored_text(fake_indexer, by_url(fake_indexer)[entry.link]) == full_text


def test_a_story_in_two_feeds_of_one_site_is_one_article(fake_indexer: Indexer, site: NewsSite) -> None:
    shared = [item(site, 0), item(site, 1)]
    top = site.put("/top.xml", rss("Loopback News: Top stories", shared), RSS)
    world = site.put("/world.xml", rss("Loopback News: World", [*shared, item(site, 2)]), RSS)

    together = fake_indexer.index_paths([top, world])
    assert (together.added, together.failed) == (3, [])
    embedded = fake_indexer.embedder.embedded
    for feed in (top, world, top):  # as `newsqa watch` reads them, each on its own schedule
        report = fake_indexer.index_paths([feed])
        assert (report.added, report.updated, report.failed) == (0, 0, [])
    assert fake_indexer.embedder.embedded == embedded


def test_ids_are_not_taken_for_links(fake_indexer: Indexer, site: NewsSite) -> None:
    summary = "Storm closes the harbour bridge; ferries run extra services through the evening rush."
    feed = site.put(
        "/guid.xml",
        "<rss version='2.0'><channel><title>Ids</title><item><title>Harbour bridge closed</title>"
        f"<guid>12345</guid><description>{summary}</description></item></channel></rss>",
        RSS,
    )
    atom_feed = site.put(
        "/urn.xml",
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>Urns</title><entry><title>Ferries</title>"
        f"<id>urn:loopback:ferries</id><updated>2024-01-09T08:00:00Z</updated><summary>{summary} More.</summary>"
        "</entry></feed>",
        ATOM,
    )
    report = fake_indexer.index_paths([feed, atom_feed])
    assert (report.added, report.failed) == (2, [])
    assert [e.url for e in fake_indexer.manifest.entries().values()] == [None, None]
    assert site.sent() == ["/guid.xml", "/urn.xml"]  # nothing fetched from a made-up address


def test_a_feed_served_as_html_is_still_read_as_a_feed(fake_indexer: Indexer, site: NewsSite) -> None:
    feed = site.put("/feed", rss("Loopback News", [item(site, 0, full=True)]), "text/html; charset=utf-8")
    assert fake_indexer.index_paths([feed]).added == 1


def test_a_byte_order_mark_outranks_the_declared_charset(fake_indexer: Indexer, site: NewsSite) -> None:
    article = {**ARTICLES[2], "title": "Café owners in Zürich – a report"}
    body = codecs.BOM_UTF8 + page(article).encode("utf-8")
    url = site.put("/cafe.html", body, "text/html; charset=iso-8859-1")
    stray = site.put("/stray.html", body.replace(b"</h1>", b"\xff</h1>"), "text/html; charset=utf-8")
    assert fake_indexer.index_paths([url, stray]).added == 2  # a stray byte is kept as U+FFFD, as without a BOM
    assert by_url(fake_indexer)[url].title == article["title"]


def test_a_moved_page_is_known_by_its_new_address(fake_indexer: Indexer, site: NewsSite) -> None:
    new = site.put("/2024/story.html", page(ARTICLES[2]))
    site.redirects["/old/story.html"] = "/2024/story.html"
    assert fake_indexer.index_paths([new]).added == 1
    report = fake_indexer.index_paths([site.url("/old/story.html")])
    assert (report.added, report.unchanged, report.failed) == (0, 1, [])
    assert list(by_url(fake_indexer)) == [new]


def test_last_modified_is_used_where_there_is_no_etag(fake_indexer: Indexer, site: NewsSite) -> None:
    single = site.put("/single.html", page(ARTICLES[2]))
    site.dated.add("/single.html")
    fake_indexer.index_paths([single])
    again = fake_indexer.index_paths([single])
    assert (again.downloaded, again.not_modified, again.unchanged) == (0, 1, 1)
    site.put("/single.html", page({**ARTICLES[2], "text": ARTICLES[2]["text"] + "\nUpdated at noon."}))
    assert fake_indexer.index_paths([single]).updated == 1


def test_a_body_without_a_declared_length_is_cut_off_at_the_limit(fake_indexer: Indexer, site: NewsSite) -> None:
    fake_indexer.fetch = replace(fake_indexer.fetch, max_bytes=100_000)
    huge = site.put("/huge.html", page({**ARTICLES[0], "text": "All the news. " * 10_000}))
    site.chunked.add("/huge.html")
    report = fake_indexer.index_paths([huge])
    assert report.added == 0 and report.failed[0].reason.startswith("response is larger, over the 0.1 MB limit")


def test_a_server_that_refuses_connections_is_tried_once_per_run(fake_indexer: Indexer, site: NewsSite) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    items = [replace(item(site, n), link=f"{dead}/story/{n}.html") for n in range(3)]
    report = fake_indexer.index_paths([site.put("/rss.xml", rss("Loopback News", items), RSS)])
    assert report.added == 3  # from their summaries
    again = fake_indexer.index_paths([f"{dead}/a.html", f"{dead}/b.html"])
    assert [f.reason.endswith("(not tried again in this run)") for f in again.failed] == [False, True]


@pytest.mark.parametrize(
    ("declared", "encoding", "title"),
    [
        ("iso-8859-1", "cp1252", "“Café owners” – a €5 million plan…"),  # windows-1252 quotes under a Latin-1 label
        ("utf-8", "cp1252", "Café owners in Zürich – a report"),  # a default label over legacy bytes
        ("windows-1250", "cp1250", "Řidiči v Ústí – nová pravidla"),  # a label that settles a tie
        ("utf-16", "utf-16-le", "Café owners in Zürich"),  # a wide encoding named, without a byte-order mark
    ],
)
def test_the_charset_a_server_declares_is_weighed_not_obeyed(
    fake_indexer: Indexer, site: NewsSite, declared: str, encoding: str, title: str
) -> None:
    plain = ARTICLES[2]["text"].encode("ascii", errors="ignore").decode()  # the title alone holds what is at stake
    article = {**ARTICLES[2], "title": title, "text": plain}
    url = site.put("/page.html", page(article).encode(encoding), f"text/html; charset={declared}")
    assert fake_indexer.index_paths([url]).added == 1
    assert by_url(fake_indexer)[url].title == title
