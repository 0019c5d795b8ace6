"""Answers and listings as Discord messages, within Discord's limits.

Discord counts length in Unicode code points, as Python's ``len`` does. Text
from articles is made inert before it is shown: it cannot mention anyone,
open a code block or format itself, and links in it do not unfurl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import discord

from bot.app.wiring import SourceRow
from bot.core.answer import Answer, Citation
from bot.core.new import NewStory
from bot.core.stories import also_reported
from bot.core.timeline import Event

MESSAGE_MAX = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_MAX = 6000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FOOTER_MAX = 2048
QUOTE_MAX = 1000  # a quoted passage; longer ones are shortened at a word
ELLIPSIS = "…"

_URL = re.compile(r"https?://[^\s<>]+[^\s<>.,:;\"')\]]")


@dataclass
class Reply:
    """One Discord message: text and embeds."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)


def inert(text: str) -> str:
    """Article or user text made safe to show: no mentions, no markdown, no link previews."""
    text = discord.utils.escape_markdown(" ".join(text.split()), ignore_links=True)
    text = text.replace("@", "@\u200b")  # @everyone, @here, <@id>, <@&id> no longer mention
    return _URL.sub(lambda m: f"<{m.group(0)}>", text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip("\\") + ELLIPSIS  # never end on a lone escape character


def split_text(text: str, limit: int = MESSAGE_MAX) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut between sentences or words."""
    pieces: list[str] = []
    text = text.strip()
    while len(text) > limit:
        window = text[: limit + 1]
        cut = max(window.rfind("\n"), window.rfind(". ") + 1, window.rfind("] ") + 1)
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut <= 0:  # one word longer than a message: no better place to cut
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def citation_embed(c: Citation) -> discord.Embed:
    """One source: numbered title (a link where there is a URL), date, source and who else reported it, the quote."""
    url = c.url if c.url.startswith(("http://", "https://")) else None
    embed = discord.Embed(
        title=shorten(f"[{c.n}] {c.title}", TITLE_MAX),
        url=url,
        description=shorten(f"> {inert(c.text)}", QUOTE_MAX),
    )
    others = also_reported(c.source, c.also_reported_by)
    also = f"also reported by: {others}" if others else ""
    footer = " · ".join(x for x in (c.published_at or "date unknown", c.source, also) if x)
    return embed.set_footer(text=shorten(footer, FOOTER_MAX))


def render_answer(result: Answer) -> list[Reply]:
    """The short answer in bold and the answer text, then one embed per citation, over as many messages as needed."""
    about = " ".join(x for x in (f"From articles up to {result.as_of}." if result.as_of else "", result.note) if x)
    lead = f"**{inert(result.short_answer)}** — " if result.short_answer else ""
    text = lead + inert(result.answer) + (f"\n-# {inert(about)}" if about else "")  # -# : Discord's small print
    replies = [Reply(piece) for piece in split_text(text)] or [Reply()]
    for embed in map(citation_embed, result.citations):
        last = replies[-1]
        size = sum(len(e) for e in last.embeds) + len(embed)
        if len(last.embeds) == EMBEDS_PER_MESSAGE or size > EMBED_TOTAL_MAX:
            replies.append(last := Reply())
        last.embeds.append(embed)
    return replies


def render_sources(rows: list[SourceRow], query: str | None, limit: int = 25) -> discord.Embed:
    """A list of indexed articles in one embed, truncated with a count of the rest."""
    lines = []
    for row in rows[:limit]:
        title = inert(row.title)
        if row.url.startswith(("http://", "https://")):
            title = f"[{title}]({_link(row.url)})"
        lines.append(f"`{row.published_at or 'undated'}` {title} · {inert(row.source)}")
    heading = f"Articles matching “{shorten(inert(query), 100)}”" if query else "Indexed articles"
    return discord.Embed(title=f"{heading} ({len(rows)})", description=_listing(lines, len(rows), "None."))


def render_timeline(topic: str, events: list[Event]) -> discord.Embed:
    """Dated claims, oldest first, each with its source and a link where there is one."""
    lines = []
    for e in events:
        lines.append(f"`{e.published_at or 'undated'}` {_source(e.source, e.url)}: “{shorten(inert(e.text), 400)}”")
    title = shorten(f"Timeline: {topic}", TITLE_MAX)
    return discord.Embed(title=title, description=_listing(lines, len(events), "Nothing in the indexed articles."))


def render_new(topic: str, since: str, stories: list[NewStory]) -> discord.Embed:
    """The stories published since a day, newest first: date, source (a link), the claim, who else reported it."""
    lines = [_story_line(s) for s in stories]
    title = shorten(f"New since {since}: {topic}", TITLE_MAX)
    return discord.Embed(title=title, description=_listing(lines, len(stories), "Nothing new since then."))


def render_digest(topic: str, stories: list[NewStory]) -> discord.Embed:
    """A followed topic's new stories, posted after an index round: the lines of /new under the topic."""
    lines = [_story_line(s) for s in stories]
    return discord.Embed(title=shorten(f"News on: {topic}", TITLE_MAX), description=_listing(lines, len(stories), ""))


def _story_line(s: NewStory) -> str:
    """One story: date, source (a link), the claim, who else reported it."""
    others = also_reported(s.source, s.also_reported_by)
    also = f" (also reported by: {inert(others)})" if others else ""
    return f"`{s.published_at or 'undated'}` {_source(s.source, s.url)}: “{shorten(inert(s.text), 400)}”{also}"


def _listing(lines: list[str], total: int, empty: str) -> str:
    """As many whole lines as fit an embed description, then how many of ``total`` were left out."""
    shown: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > DESCRIPTION_MAX - 100:
            break
        shown.append(line)
        size += len(line) + 1
    if total > len(shown):
        shown.append(f"…and {total - len(shown)} more.")
    return "\n".join(shown) or empty


def _source(source: str, url: str) -> str:
    """A source's name, linked to the article where it has a web address."""
    return f"[{inert(source)}]({_link(url)})" if url.startswith(("http://", "https://")) else inert(source)


def _link(url: str) -> str:
    """A URL that cannot end a markdown link early."""
    return url.replace("(", "%28").replace(")", "%29")
