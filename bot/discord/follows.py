"""Following topics: /follow, /unfollow, /following, and the digests posted after each index round.

After an index round (``DISCORD_WATCH``; the client dispatches ``index_round``)
each channel that follows topics gets one message: an embed per topic with its
new stories, each story posted to a channel once (``Service.due``, whose
selection is ``newsqa new``'s).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.follows import Follow
from bot.app.watch import Round
from bot.core import NewsqaError
from bot.core.new import NewStory
from bot.discord.client import NewsBot, send_reply
from bot.discord.commands import replies_on_error, restriction
from bot.discord.render import EMBEDS_PER_MESSAGE, render_digest, shorten

log = logging.getLogger(__name__)

MANAGE = "Only members with the Manage Channels permission can change what this channel follows."


class Following(commands.Cog):
    """Slash commands to follow topics in a channel, and the posting of their news."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self._posting = asyncio.Lock()  # rounds never post at the same time: a story would go out twice

    async def interaction_check(self, interaction: discord.Interaction) -> bool:  # type: ignore[override]
        if self.bot.allowed_in(interaction.guild_id):
            return True
        await send_reply(interaction, "This bot is not enabled on this server.")
        return False

    @app_commands.command(description="Post the news about a topic in this channel after each index round.")
    @app_commands.describe(topic="What the news is about", since="Count stories published since this day "
                           "(YYYY-MM-DD); default: the last day")  # fmt: skip
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @replies_on_error
    async def follow(self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 200],
                     since: str | None = None) -> None:  # fmt: skip
        if not interaction.permissions.manage_channels:  # default permissions can be changed by admins
            await send_reply(interaction, MANAGE)
            return
        day = restriction(None, since, None).since or date.today() - timedelta(days=1)
        follows = self.bot.service.follows
        made, added = await asyncio.to_thread(
            follows.follow, interaction.channel_id or 0, topic,
            guild_id=interaction.guild_id, user_id=interaction.user.id, since=day,
        )  # fmt: skip
        text = (f"This channel now follows “{shorten(made.topic, 200)}”: new stories published since "
                f"{made.since_day} are posted here after each index round.") if added else \
            f"This channel already follows “{shorten(made.topic, 200)}”."  # fmt: skip
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(description="Stop posting the news about a topic in this channel.")
    @app_commands.describe(topic="A topic this channel follows")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @replies_on_error
    async def unfollow(self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 200]) -> None:
        if not interaction.permissions.manage_channels:
            await send_reply(interaction, MANAGE)
            return
        removed = await asyncio.to_thread(self.bot.service.follows.unfollow, interaction.channel_id or 0, topic)
        name = shorten(" ".join(topic.split()), 200)
        text = f"This channel no longer follows “{name}”." if removed else f"This channel does not follow “{name}”."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(description="The topics whose news is posted in this channel.")
    @replies_on_error
    async def following(self, interaction: discord.Interaction) -> None:
        follows = await asyncio.to_thread(self.bot.service.follows.all, interaction.channel_id)
        lines = [f"• “{shorten(f.topic, 200)}” (since {f.followed_at[:10]})" for f in follows]
        text = "\n".join(["This channel follows:", *lines]) if lines else "This channel follows no topic."
        await interaction.response.send_message(shorten(text, 2000), ephemeral=True)

    @commands.Cog.listener()
    async def on_index_round(self, done: Round) -> None:
        if done.report is not None:
            await self.post_news()

    async def post_news(self, now: datetime | None = None) -> int:
        """Post each channel's digest of new stories about the topics it follows; how many messages were sent.

        In quiet hours nothing is posted; a channel gets at most
        ``discord_follow_per_hour`` stories an hour. What waits is posted after a later round.
        """
        now = now or datetime.now(UTC)
        if self.bot.settings.is_quiet(now.astimezone(UTC).hour):
            return 0
        async with self._posting:
            follows = await asyncio.to_thread(self.bot.service.follows.all)
            by_channel: dict[int, list[Follow]] = defaultdict(list)
            for f in follows:
                by_channel[f.channel_id].append(f)
            sent = 0
            for channel_id, followed in by_channel.items():
                try:
                    sent += await self._post_digest(channel_id, followed, now)
                except (discord.HTTPException, NewsqaError) as exc:
                    log.warning("could not post the news followed in channel %d: %s", channel_id, exc)
            return sent

    async def _post_digest(self, channel_id: int, followed: list[Follow], now: datetime) -> int:
        """One message to a channel: an embed per topic with news, each story once; then record it."""
        follows = self.bot.service.follows
        posted = await asyncio.to_thread(follows.posts_since, channel_id, now - timedelta(hours=1))
        room = min(self.bot.settings.discord_follow_per_hour - posted, EMBEDS_PER_MESSAGE)
        seen: set[str] = set()
        shown: list[tuple[Follow, list[NewStory]]] = []
        done: list[Follow] = []  # checked in full: their window moves on
        for f in followed:
            due = [s for s in await asyncio.to_thread(self.bot.service.due, f) if s.story_id not in seen]
            taken = due[: max(room, 0)] if len(shown) < EMBEDS_PER_MESSAGE else []
            room -= len(taken)
            seen.update(s.story_id for s in taken)
            if taken:
                shown.append((f, taken))
            if len(taken) == len(due):
                done.append(f)
        if shown:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            await channel.send(embeds=[render_digest(f.topic, due) for f, due in shown])  # type: ignore[union-attr]
        for f, taken in shown:
            await asyncio.to_thread(follows.mark_posted, f, [s.story_id for s in taken], now)
        for f in done:
            await asyncio.to_thread(follows.checked, f, now.date())
        return 1 if shown else 0
