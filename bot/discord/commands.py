"""Slash commands: /ask, /sources, /stats, /help and /reindex.

Each callback defers or answers within Discord's three seconds, does the slow
work off the event loop, and turns failures into a short ephemeral reply.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.service import configured_sources
from bot.core import Filter, IndexReport, NewsqaError, counted
from bot.discord.client import NewsBot, error_text, send_reply
from bot.discord.render import MESSAGE_MAX, render_new, render_sources, render_timeline, shorten

PROGRESS_EVERY = 2.0  # seconds between edits of /reindex's reply (Discord rate-limits edits)
HELP = """**Ask me about the indexed news**; every answer quotes its sources.
• `/ask question:` … (set `private` to see the answer alone; `source`, `since`, `until` restrict it)
• `/timeline topic:` … what the articles say about a topic, oldest first
• `/new topic:` … the stories about a topic since yesterday (or `since:` a day), newest first
• `/follow topic:` posts the news about a topic in this channel after each index round (Manage Channels; `/unfollow`, `/following`)
• mention me: @{name} who was blamed first?
• reply to one of my answers to follow it up: “and how many were injured?”
• `/sources [query]` lists the indexed articles, `/stats` counts them
• `/reindex` re-indexes the configured sources (Manage Server only)
Rate each answer with 👍/👎: it helps improve the answers."""

Callback = Callable[..., Awaitable[None]]
FILTER_OPTIONS = {
    "source": "Only articles from this source, e.g. cnn",
    "since": "Only articles published on or after this day (YYYY-MM-DD)",
    "until": "Only articles published on or before this day (YYYY-MM-DD)",
}


def replies_on_error(callback: Callback) -> Callback:
    """Any failure inside a command becomes a short ephemeral reply; the traceback goes to the log."""

    @functools.wraps(callback)
    async def wrapper(cog: Commands, interaction: discord.Interaction, *args: Any, **kwargs: Any) -> None:
        try:
            await callback(cog, interaction, *args, **kwargs)
        except Exception as exc:
            name = interaction.command.name if interaction.command else "?"
            await send_reply(interaction, error_text(exc, f"/{name}"))

    return wrapper


def restriction(source: str | None, since: str | None, until: str | None) -> Filter:
    """The /ask and /timeline options as a filter; a malformed date is the user's error, said plainly."""

    def day(text: str | None, name: str) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise NewsqaError(f"{name} must be a date like 2024-01-31, not “{shorten(text, 40)}”") from None

    return Filter.given((source.strip(),) if source and source.strip() else (), day(since, "since"), day(until, "until"))


class Commands(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:  # type: ignore[override]
        if self.bot.allowed_in(interaction.guild_id):
            return True
        await send_reply(interaction, "This bot is not enabled on this server.")
        return False

    async def _cooling(self, interaction: discord.Interaction) -> bool:
        """True (and the user told) when they must wait before asking again."""
        retry = self.bot.retry_after(interaction.user.id)
        if retry is not None:
            await send_reply(interaction, f"You are asking quickly: try again in {retry:.0f} s.")
        return retry is not None

    @app_commands.command(description="Answer a question from the indexed news, citing the passages used.")
    @app_commands.describe(
        question="The question, as you would ask a person", private="Only you see the answer", **FILTER_OPTIONS
    )
    @replies_on_error
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 500],
        private: bool = False,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> None:
        where = restriction(source, since, until)
        if await self._cooling(interaction):
            return
        await interaction.response.defer(ephemeral=private, thinking=True)
        result = await self.bot.answer(question, None, where)

        async def send(**kwargs: Any) -> discord.Message | None:
            return await interaction.followup.send(ephemeral=private, wait=True, **kwargs)

        await self.bot.send_answer(
            result, None, send, guild_id=interaction.guild_id, channel_id=interaction.channel_id
        )

    @app_commands.command(description="What the indexed articles say about a topic, oldest first.")
    @app_commands.describe(topic="What the timeline is about", **FILTER_OPTIONS)
    @replies_on_error
    async def timeline(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, 200],
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> None:
        where = restriction(source, since, until)
        if await self._cooling(interaction):
            return
        await interaction.response.defer(thinking=True)
        events = await self.bot.timeline(topic, where or None)
        await interaction.followup.send(embed=render_timeline(topic, events))

    @app_commands.command(description="The stories about a topic published since a day, newest first.")
    @app_commands.describe(topic="What the news is about", since="Since this day (YYYY-MM-DD); default: the last day")
    @replies_on_error
    async def new(self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 200],
                  since: str | None = None) -> None:  # fmt: skip
        day = restriction(None, since, None).since or date.today() - timedelta(days=1)
        if await self._cooling(interaction):
            return
        await interaction.response.defer(thinking=True)
        stories = await self.bot.new(topic, day)
        await interaction.followup.send(embed=render_new(topic, day.isoformat(), stories))

    @app_commands.command(description="List the indexed articles, newest first.")
    @app_commands.describe(query="Only articles whose title, source or address contains this")
    @replies_on_error
    async def sources(self, interaction: discord.Interaction, query: str | None = None) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        rows = await asyncio.to_thread(self.bot.service.sources, query)
        await interaction.followup.send(embed=render_sources(rows, query), ephemeral=True)

    @app_commands.command(description="How many articles and passages are indexed.")
    @replies_on_error
    async def stats(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await asyncio.to_thread(self.bot.service.stats)
        text = f"{stats.articles} articles, {stats.chunks} passages indexed with {stats.model}."
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="help", description="How to ask questions.")
    @replies_on_error
    async def help_command(self, interaction: discord.Interaction) -> None:
        name = self.bot.user.name if self.bot.user else "newsqa"
        await interaction.response.send_message(HELP.format(name=name), ephemeral=True)

    @app_commands.command(description="Re-index the configured news sources.")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @replies_on_error
    async def reindex(self, interaction: discord.Interaction) -> None:
        # Checked here too: default permissions can be changed by the server's admins.
        if not interaction.permissions.manage_guild:
            await send_reply(interaction, "Only members with the Manage Server permission can re-index.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self._reindex_showing_progress(interaction)
        lines = [f"Done. {report.summary()}"]
        problems = [*(("•", f) for f in report.failed), *(("⚠", w) for w in report.warnings)]
        lines += [f"{mark} {shorten(p.path, 200)}: {shorten(p.reason, 200)}" for mark, p in problems[:10]]
        if len(problems) > 10:
            lines.append(f"…and {len(problems) - 10} more failures and warnings (see `newsqa index`).")
        await interaction.edit_original_response(content=shorten("\n".join(lines), MESSAGE_MAX))

    async def _reindex_showing_progress(self, interaction: discord.Interaction) -> IndexReport:
        state = {"phase": "starting", "done": 0, "total": 0}

        def progress(phase: str, done: int, total: int) -> None:  # called from the indexing thread
            state.update(phase=phase, done=done, total=total)

        count = len(configured_sources(self.bot.settings))
        sources = counted(count, "source")
        task = asyncio.ensure_future(asyncio.to_thread(self.bot.service.reindex, progress))
        shown = None
        while not task.done():
            text = f"Re-indexing {sources}: {state['phase']} {state['done']}/{state['total']}"
            if text != shown:
                await interaction.edit_original_response(content=shorten(text, MESSAGE_MAX))
                shown = text
            await asyncio.wait({task}, timeout=PROGRESS_EVERY)
        return task.result()
