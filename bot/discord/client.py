"""The Discord bot: a thin adapter that takes questions in and sends cited answers out.

Questions arrive as ``/ask``, as a mention of the bot, as a direct message,
or inside a thread the bot started. Answering runs off the event loop, a few
at a time, so a burst of questions queues instead of stalling the gateway.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Awaitable, Callable, Sequence
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.service import Service, configured_sources
from bot.app.settings import Settings
from bot.app.watch import Round, watch
from bot.core import Filter, NewsqaError
from bot.core.answer import Answer
from bot.core.new import NewStory
from bot.core.timeline import Event
from bot.discord.render import MESSAGE_MAX, render_answer, shorten

log = logging.getLogger(__name__)

GENERIC_ERROR = "Sorry, something went wrong on my side; the details are in the bot's log."
HINT = "Ask me about the news, for example: “who was blamed first?”"
Send = Callable[..., Awaitable[discord.Message | None]]
Cog = Callable[["NewsBot"], commands.Cog]  # builds one of the bot's cogs for it


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=r"newsqa:vote:(?P<vote>up|down):(?P<id>\d+)"):
    """👍 or 👎 under an answer; its custom id carries the answer's id, so it survives restarts.

    The vote goes to the answer the message under which it was clicked carried, the custom id's only where
    that message is not on record (an answer copied in from an earlier version's file may have a new id)."""

    def __init__(self, answer_id: int, up: bool) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"newsqa:vote:{'up' if up else 'down'}:{answer_id}",
            )
        )
        self.answer_id = answer_id
        self.up = up

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["id"]), match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: NewsBot = interaction.client  # type: ignore[assignment]
        message_id = interaction.message.id if interaction.message is not None else None
        vote = bot.service.history.vote
        stored = await asyncio.to_thread(vote, self.answer_id, interaction.user.id, self.up, message_id=message_id)
        text = "Thanks for the feedback." if stored else "That answer is no longer on record."
        await interaction.response.send_message(text, ephemeral=True)


def vote_view(answer_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(answer_id, up=True))
    view.add_item(VoteButton(answer_id, up=False))
    return view


class NewsBot(commands.Bot):
    """The bot; build it with :func:`create_bot`."""

    def __init__(
        self, settings: Settings, service: Service, cogs: Sequence[Cog] = (), *, sync_commands: bool = True
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = settings.discord_message_content
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
        )
        self.settings = settings
        self.service = service
        self._cogs = list(cogs)
        self._sync_commands = sync_commands
        self._slots = asyncio.Semaphore(settings.discord_max_concurrent)
        self._cooldowns = commands.CooldownMapping.from_cooldown(
            settings.discord_cooldown_questions, settings.discord_cooldown_seconds, lambda user_id: user_id
        )
        self._stop_watching = threading.Event()
        self.watching: asyncio.Future[None] | None = None

    async def setup_hook(self) -> None:
        for cog in self._cogs:
            await self.add_cog(cog(self))
        self.add_dynamic_items(VoteButton)
        self.tree.on_error = self.on_tree_error
        if self.settings.discord_watch:
            self.start_watching()
        if not self._sync_commands:
            return
        try:
            if self.settings.discord_guilds:  # guild commands appear at once
                for guild_id in self.settings.discord_guilds:
                    guild = discord.Object(guild_id)
                    self.tree.copy_global_to(guild=guild)
                    await self.tree.sync(guild=guild)
            else:
                await self.tree.sync()
        except discord.HTTPException as exc:
            where = f"on the servers in DISCORD_GUILDS ({exc.text})" if self.settings.discord_guilds else f"({exc.text})"
            raise NewsqaError(
                f"could not register the slash commands {where}: check that the bot is on those servers and "
                "was invited with the applications.commands scope"
            ) from None

    def start_watching(self) -> None:
        """Re-index the configured sources on their schedule, in a thread beside the gateway."""
        sources = configured_sources(self.settings)
        log.info("re-indexing %d sources on schedule", len(sources))
        loop = asyncio.get_running_loop()

        def on_round(done: Round) -> None:  # in the watching thread: listeners (followed topics) run on the loop
            log.info("scheduled re-index: %s", done.summary())
            loop.call_soon_threadsafe(self.dispatch, "index_round", done)

        self.watching = asyncio.ensure_future(
            asyncio.to_thread(
                watch, sources, lambda due: self.service.reindex(sources=due), on_round, self._stop_watching
            )
        )

    async def close(self) -> None:
        self._stop_watching.set()
        await super().close()
        if self.watching is not None:
            await self.watching  # a round in progress finishes: the index stays consistent

    async def on_tree_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Refused checks were already answered; anything else reaching here is logged."""
        if isinstance(error, app_commands.CheckFailure):
            return
        log.error("slash command failed", exc_info=error)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d servers", self.user, len(self.guilds))

    def allowed_in(self, guild_id: int | None) -> bool:
        """Whether the bot serves this server (always, without an allowlist; DMs have none)."""
        return guild_id is None or not self.settings.discord_guilds or guild_id in self.settings.discord_guilds

    def retry_after(self, user_id: int) -> float | None:
        """Seconds until ``user_id`` may ask again, or None if they may ask now (and it counts)."""
        return self._cooldowns.get_bucket(user_id).update_rate_limit()

    async def answer(self, question: str, context: str | None, where: Filter | None = None) -> Answer:
        """Answer off the event loop, at most ``discord_max_concurrent`` at a time."""
        async with self._slots:
            return await asyncio.to_thread(self.service.ask, question, context, where)

    async def timeline(self, topic: str, where: Filter | None = None) -> list[Event]:
        async with self._slots:
            return await asyncio.to_thread(self.service.timeline, topic, where)

    async def new(self, topic: str, since: date, where: Filter | None = None) -> list[NewStory]:
        async with self._slots:
            return await asyncio.to_thread(self.service.new, topic, since, where)

    async def send_answer(
        self, result: Answer, context: str | None, send: Send, *, guild_id: int | None, channel_id: int | None
    ) -> list[discord.Message]:
        """Record the answer, then send it; the vote buttons go under its last message."""
        history = self.service.history
        answer_id = await asyncio.to_thread(
            history.record, result, context=context, guild_id=guild_id, channel_id=channel_id
        )
        replies = render_answer(result)
        sent: list[discord.Message] = []
        for i, reply in enumerate(replies):
            extra = {"view": vote_view(answer_id)} if result.answered and i == len(replies) - 1 else {}
            message = await send(content=reply.content or None, embeds=reply.embeds, **extra)
            if message is not None:
                sent.append(message)
        if sent:
            await asyncio.to_thread(history.sent, answer_id, [m.id for m in sent], sent[0].channel.id)
        return sent

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not self.allowed_in(message.guild.id if message.guild else None):
            return
        asked = await self.question_in(message)
        if asked is None:
            return
        question, context = asked
        try:
            await self._answer_message(message, question, context)
        except Exception as exc:  # the user gets a short reply, the log the traceback
            await self._report(exc, lambda text: message.reply(text, mention_author=False))

    async def question_in(self, message: discord.Message) -> tuple[str, str | None] | None:
        """The question a message asks the bot, with the conversation it follows up; None if not for us."""
        assert self.user is not None
        mentioned = self.user in message.mentions
        text = " ".join(re.sub(rf"<@!?{self.user.id}>", " ", message.content).split())
        if not text and not mentioned:
            return None  # nothing to answer (or no Message Content intent): stay quiet
        history = self.service.history
        context = None
        if message.reference and message.reference.message_id:
            context = await asyncio.to_thread(history.topic_of_message, message.reference.message_id)
        if message.guild is None:
            return (text, context) if self.settings.discord_dms else None
        channel = message.channel
        if isinstance(channel, discord.Thread) and channel.owner_id == self.user.id:
            return text, context or await asyncio.to_thread(history.topic_in, channel.id)
        if mentioned or context is not None:
            return text, context
        return None

    async def _answer_message(self, message: discord.Message, question: str, context: str | None) -> None:
        if not question:
            await message.reply(HINT, mention_author=False)
            return
        retry = self.retry_after(message.author.id)
        if retry is not None:
            await message.reply(f"You are asking quickly: try again in {retry:.0f} s.", delete_after=10)
            return
        channel: discord.abc.Messageable = message.channel
        send: Send = lambda **kw: message.reply(mention_author=False, **kw)  # noqa: E731
        if self.settings.discord_threads and isinstance(message.channel, discord.TextChannel):
            channel = await message.create_thread(name=shorten(question, 100))
            send = channel.send
        async with channel.typing():
            result = await self.answer(question, context)
        guild_id = message.guild.id if message.guild else None
        await self.send_answer(result, context, send, guild_id=guild_id, channel_id=channel.id)

    async def _report(self, exc: Exception, reply: Callable[[str], Awaitable[object]]) -> None:
        """Tell the user briefly what failed."""
        try:
            await reply(error_text(exc, "answering a message"))
        except discord.HTTPException:
            log.warning("could not send the error reply", exc_info=True)


def error_text(exc: Exception, doing: str) -> str:
    """What a user is told of a failure: the core's own message, else a generic one (the traceback is logged)."""
    if isinstance(exc, NewsqaError):
        return shorten(str(exc), MESSAGE_MAX)
    log.error("%s failed", doing, exc_info=exc)
    return GENERIC_ERROR


async def send_reply(interaction: discord.Interaction, text: str) -> None:
    """A reply only the user sees, whether or not the interaction was already answered or deferred."""
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True)
        return
    # After a public defer, the first follow-up would take the public "thinking…"
    # message's place; removing that message first keeps the reply private.
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:
        pass
    await interaction.followup.send(text, ephemeral=True)


__all__ = ["NewsBot", "VoteButton", "error_text", "send_reply"]
