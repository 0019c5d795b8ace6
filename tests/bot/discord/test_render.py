from __future__ import annotations

import re

from bot.app.wiring import SourceRow
from bot.core.answer import Answer, Citation
from bot.discord.render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    MESSAGE_MAX,
    TITLE_MAX,
    inert,
    render_answer,
    render_sources,
)


def citation(n: int, text: str, title: str = "Twin blasts kill dozens in Kerman", url: str = "") -> Citation:
    return Citation(n, f"a{n}", title, "2024-01-04", "example.com", url, text, 0, len(text), 1.0)


def words(text: str) -> list[str]:
    return text.split()


def check_limits(replies: list) -> None:
    for reply in replies:
        assert len(reply.content) <= MESSAGE_MAX
        assert len(reply.embeds) <= EMBEDS_PER_MESSAGE
        assert sum(len(e) for e in reply.embeds) <= EMBED_TOTAL_MAX
        for embed in reply.embeds:
            assert len(embed.title or "") <= TITLE_MAX
            assert len(embed.description or "") <= DESCRIPTION_MAX


def test_a_long_answer_is_split_between_words_and_nothing_is_lost() -> None:
    sentence = "The second blast caused greater destruction as people rushed to help the wounded."
    text = " ".join(f"{sentence} [{i % 3 + 1}]" for i in range(130))  # about 11,000 characters
    assert len(text) > 10_000
    result = Answer("q", True, text, [citation(n, sentence) for n in (1, 2, 3)])

    replies = render_answer(result)

    check_limits(replies)
    assert len(replies) >= 6
    assert [w for r in replies for w in words(r.content)] == words(text)  # no word cut or dropped
    assert all(r.content.endswith((".", "]")) for r in replies)  # cut between sentences
    assert [len(r.embeds) for r in replies] == [0] * (len(replies) - 1) + [3]  # sources follow the text


def test_the_short_answer_leads_in_bold_and_is_made_inert() -> None:
    result = Answer("q", True, "At least 84 people died. [1]", [citation(1, "At least 84 people died.")])
    result.short_answer = "84"
    assert render_answer(result)[0].content == "**84** — At least 84 people died. [1]"
    result.short_answer = "*@everyone*"
    assert render_answer(result)[0].content.startswith("**\\*@\u200beveryone\\*** — ")
    result.short_answer = None
    assert render_answer(result)[0].content == "At least 84 people died. [1]"


def test_emoji_and_non_latin_text_are_counted_as_discord_counts_them() -> None:
    # Discord counts code points, as len() does: 🕯️ is two (the candle and a variation selector).
    text = " ".join(["伊朗克尔曼发生两起爆炸", "🕯️🙏", "Взрывы в Кермане"] * 400)
    replies = render_answer(Answer("q", True, text, []))
    check_limits(replies)
    assert [w for r in replies for w in words(r.content)] == words(text)
    assert max(len(r.content) for r in replies) > MESSAGE_MAX - 40  # pieces are filled, not cut short


def test_many_long_citations_spread_over_messages_within_embed_limits() -> None:
    quote = "Officials said " + "the toll rose again " * 200
    result = Answer("q", True, "Short answer [1].", [citation(n, quote, "T" * 400) for n in range(1, 15)])
    replies = render_answer(result)
    check_limits(replies)
    assert sum(len(r.embeds) for r in replies) == 14
    assert replies[0].embeds[0].title.startswith("[1] TTT") and replies[0].embeds[0].title.endswith("…")
    assert replies[0].embeds[0].description.endswith("…")


def test_quoted_text_cannot_format_mention_or_unfurl() -> None:
    raw = "```py\nboom``` **bold** @everyone @here <@&123> <@456> see https://example.com/a_b. [x](https://evil.example)"
    safe = inert(raw)
    assert "```" not in safe and "**" not in safe
    assert not re.search(r"@(everyone|here)|<@&?\d", safe)
    assert "<https://example.com/a_b>." in safe  # link kept whole, without a preview
    assert "\\[x]" in safe and not re.search(r"(?<!\\)\[[^\]]*\]\(", safe)  # no masked link


def test_citation_embed_links_titles_only_to_web_urls() -> None:
    web, local = citation(1, "a", url="https://example.com/x"), citation(2, "b", url="/home/me/news.txt")
    replies = render_answer(Answer("q", True, "a [1] b [2]", [web, local]))
    first, second = replies[0].embeds
    assert first.url == "https://example.com/x" and second.url is None
    assert first.footer.text == "2024-01-04 · example.com"


def test_sources_listing_is_truncated_with_a_count() -> None:
    rows = [SourceRow(f"id{i}", f"Article {i} " + "x" * 150, "2024-01-02", "cnn.com", "", 3) for i in range(100)]
    embed = render_sources(rows, None)
    assert len(embed.description) <= DESCRIPTION_MAX
    shown = embed.description.count("Article ")
    assert 0 < shown < 100
    assert embed.description.endswith(f"…and {100 - shown} more.")
    assert embed.title == "Indexed articles (100)"


def test_a_citation_names_who_else_reported_its_story() -> None:
    from bot.core.stories import Report

    others = [Report("apnews.com", "https://apnews.com/a", "2024-02-16"), Report("yahoo.com", "https://yahoo.com/a", None),
              Report("example.com", "https://example.com/earlier", "2024-01-03")]  # fmt: skip
    cited = Citation(1, "a1", "Greece legalizes same-sex marriage", "2024-02-16", "example.com", "", "Greece has "
                     "legalized same-sex civil marriage.", 0, 40, 1.0, "s1", others)  # fmt: skip
    (reply,) = render_answer(Answer("Which country?", True, "Greece has legalized same-sex civil marriage. [1]", [cited]))
    footer = reply.embeds[0].footer.text
    assert footer == "2024-02-16 · example.com · also reported by: apnews.com, yahoo.com, example.com (2024-01-03)"
    alone = render_answer(Answer("Which country?", True, "Greece. [1]", [citation(1, "Greece.")]))[0]
    assert "also reported" not in alone.embeds[0].footer.text
