"""The Discord bot, offline: dpytest's fake gateway for messages, a fake interaction for slash commands."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import discord.ext.test as dpytest
import pytest
import pytest_asyncio
from discord.ext.test import backend, factories
from pydantic import SecretStr

from bot.app.history import History
from bot.app.service import Service
from bot.app.settings import Settings
from bot.discord import create_bot, run
from bot.discord.client import GENERIC_ERROR, NewsBot
from index.embed.base import Embedder
from index.errors import NewsqaError
from index.filters import Filter
from tests.conftest import sharing
from tests.fakes import HashEmbedder
from tests.site import NewsSite, page, slice_articles

_ids = itertools.count(900_000_000_000_000_000)


async def start(bot: NewsBot) -> NewsBot:
    """Set the bot up on dpytest's fake gateway, as ``bot.start`` would on Discord's."""
    # dpytest finds mentioned members in the member cache, which the bot itself does not need.
    intents = bot.intents
    intents.members = True
    bot._connection._intents = intents
    bot._connection.member_cache_flags = discord.MemberCacheFlags.from_intents(intents)
    await bot._async_setup_hook()
    allowed_mentions = bot.allowed_mentions
    dpytest.configure(bot)  # replaces the connection state: carry over what it held
    backend.get_state().loop = asyncio.get_running_loop()
    backend.get_state().allowed_mentions = allowed_mentions
    await bot.setup_hook()
    return bot


@pytest_asyncio.fixture
async def bot(settings: Settings, sample_index: Service) -> AsyncIterator[NewsBot]:
    """The bot over the sample article, answering with the real model."""
    yield await start(create_bot(settings, sharing(sample_index, settings), sync_commands=False))
    await dpytest.empty_queue()


def mention(bot: NewsBot, text: str) -> str:
    return f"<@{bot.user.id}> {text}"


def sent_messages() -> list[discord.Message]:
    messages = []
    while not dpytest.get_message.__globals__["sent_queue"].empty():
        messages.append(dpytest.get_message())
    return messages


async def reply_to(message: discord.Message, content: str, member: discord.Member, ping: bool = True) -> None:
    """A member's reply to ``message``, pinging its author unless ``ping`` is off (as Discord lets one choose)."""
    mentions = [message.author] if ping else []
    data = factories.make_message_dict(
        message.channel, member, content=content, guild_id=message.guild.id, mentions=mentions, type=19
    )
    data["message_reference"] = {"message_id": message.id, "channel_id": message.channel.id}  # dpytest drops it
    backend.get_state().parse_message_create(data)
    await dpytest.run_all_events()


# --- messages ---------------------------------------------------------------------------------


async def test_a_mention_gets_a_cited_answer_as_a_reply(bot: NewsBot) -> None:
    await dpytest.message(mention(bot, "who was blamed first?"))
    (answer,) = sent_messages()
    assert "Israel" in answer.content and "[1]" in answer.content
    assert answer.embeds, "the sources are shown"
    source = answer.embeds[0]
    assert source.title.startswith("[1] ") and source.footer.text.startswith("2024-01-04")
    assert "Israel" in " ".join(e.description for e in answer.embeds)


async def test_messages_not_addressed_to_the_bot_are_ignored(bot: NewsBot) -> None:
    await dpytest.message("who was blamed first?")
    assert sent_messages() == []


async def test_an_empty_mention_gets_a_hint(bot: NewsBot) -> None:
    await dpytest.message(mention(bot, ""))
    (hint,) = sent_messages()
    assert "Ask me about the news" in hint.content


async def test_direct_messages_are_answered_unless_turned_off(bot: NewsBot) -> None:
    member = dpytest.get_config().members[0]
    dm = await member.create_dm()
    await dpytest.message("How many people were injured?", channel=dm, member=member)
    (answer,) = sent_messages()
    assert "284" in answer.content

    bot.settings.discord_dms = False
    await dpytest.message("How many people were injured?", channel=dm, member=member)
    assert sent_messages() == []


async def test_asking_too_often_is_refused_until_the_cooldown_ends(settings: Settings, sample_index: Service) -> None:
    settings.discord_cooldown_questions, settings.discord_cooldown_seconds = 1, 60
    bot = await start(create_bot(settings, sharing(sample_index, settings), sync_commands=False))
    await dpytest.message(mention(bot, "who was blamed first?"))
    await dpytest.message(mention(bot, "how many died?"))
    first, second = sent_messages()
    assert "Israel" in first.content
    assert re.fullmatch(r"You are asking quickly: try again in \d+ s\.", second.content)


@pytest_asyncio.fixture
async def news_bot(settings: Settings, slice_index: Service) -> AsyncIterator[NewsBot]:
    """The bot over fifteen real articles, recording the context each question is answered with."""
    bot = await start(create_bot(settings, sharing(slice_index, settings), sync_commands=False))
    asked: list[tuple[str, str | None]] = []
    real_ask = bot.service.ask

    wheres: list[Filter | None] = []

    def ask(question: str, context: str | None = None, where: Filter | None = None) -> Any:
        asked.append((question, context))
        wheres.append(where)
        return real_ask(question, context, where)

    bot.service.ask = ask  # type: ignore[method-assign]
    bot.asked = asked  # type: ignore[attr-defined]
    bot.wheres = wheres  # type: ignore[attr-defined]
    yield bot
    await dpytest.empty_queue()


async def test_replies_to_answers_follow_up_the_conversation(news_bot: NewsBot) -> None:
    member = dpytest.get_config().members[0]
    await dpytest.message(mention(news_bot, "What happened near Soleimani's burial site in Kerman?"))
    (answer,) = sent_messages()
    await reply_to(answer, "and how many were injured?", member)
    (follow_up,) = sent_messages()
    assert "284" in follow_up.content
    await reply_to(follow_up, "who was blamed?", member)  # a follow-up of the follow-up
    (third,) = sent_messages()
    assert "Israel" in third.content

    contexts = [context for _, context in news_bot.asked]  # type: ignore[attr-defined]
    assert contexts[0] is None
    assert contexts[1] == "What happened near Soleimani's burial site in Kerman?"
    assert contexts[2] == "What happened near Soleimani's burial site in Kerman? and how many were injured?"


async def test_a_message_in_a_thread_the_bot_started_is_a_follow_up(news_bot: NewsBot) -> None:
    guild = dpytest.get_config().guilds[0]
    parent = dpytest.get_config().channels[0]
    thread = discord.Thread(
        guild=guild,
        state=backend.get_state(),
        data={
            "id": next(_ids), "guild_id": guild.id, "parent_id": parent.id, "owner_id": news_bot.user.id,
            "name": "Kerman", "type": 11, "message_count": 1, "member_count": 2,
            "thread_metadata": {"archived": False, "archive_timestamp": "2024-01-04T00:00:00+00:00",
                                "auto_archive_duration": 1440},
        },
    )
    guild._add_thread(thread)
    history: History = news_bot.service.history
    opener = news_bot.service.ask("Who claimed responsibility for the Kerman attack?")
    assert opener.answered and history.record(opener, context=None, guild_id=guild.id, channel_id=thread.id)

    member = dpytest.get_config().members[0]
    data = factories.make_message_dict(thread, member, content="and how many were injured?", guild_id=guild.id)
    backend.get_state().parse_message_create(data)  # no mention: in the bot's thread every message is for it
    await dpytest.run_all_events()

    (follow_up,) = sent_messages()
    assert follow_up.channel.id == thread.id
    assert "284" in follow_up.content
    assert news_bot.asked[-1] == (  # type: ignore[attr-defined]
        "and how many were injured?", "Who claimed responsibility for the Kerman attack?"
    )


async def test_a_message_without_text_or_mention_gets_no_reply(news_bot: NewsBot) -> None:
    """Without the Message Content intent, messages not mentioning the bot arrive empty: stay quiet."""
    await dpytest.message(mention(news_bot, "How many died in Kerman?"))
    (answer,) = sent_messages()
    await reply_to(answer, "", dpytest.get_config().members[0], ping=False)
    assert sent_messages() == []
    await reply_to(answer, "and how many were injured?", dpytest.get_config().members[0], ping=False)
    (follow_up,) = sent_messages()  # with the intent, a reply that does not ping is still a follow-up
    assert "284" in follow_up.content


async def test_article_text_cannot_ping_anyone(settings: Settings, real_embedder: Embedder,
                                               tmp_path: Path) -> None:
    article = tmp_path / "news" / "harbor.txt"
    article.parent.mkdir()
    article.write_text(
        "# Harbor strike ends after nine days\n\ndate 2024-03-08\n\n"
        "Dock workers in Rotterdam returned to work on Friday. The union sent a message to @everyone and "
        "<@&123> saying the harbor strike ended after nine days when the port operator agreed to a 6% raise.\n",
        encoding="utf-8",
    )
    opened = Service(settings, real_embedder)
    assert opened.indexer.index_paths([article.parent]).added == 1
    bot = await start(create_bot(settings, sharing(opened, settings), sync_commands=False))
    assert bot.allowed_mentions.everyone is False and bot.allowed_mentions.roles is False
    assert bot.allowed_mentions.users is False and bot.allowed_mentions.replied_user is False

    await dpytest.message(mention(bot, "How did the harbor strike end?"))
    (answer,) = sent_messages()
    shown = answer.content + " ".join(e.description or "" for e in answer.embeds)
    assert "6% raise" in shown and "everyone" in shown  # the sentence is quoted ...
    assert not re.search(r"@(everyone|here)|<@&?\d", shown)  # ... but mentions no one


# --- slash commands ---------------------------------------------------------------------------


class FakeInteraction:
    """The parts of discord.Interaction the commands use; records what the bot does with it.

    Every call is checked against the signature of the real discord.py method,
    so a misspelt or unknown argument fails here as it would against Discord.
    """

    def __init__(
        self, bot: NewsBot, *, manage_guild: bool = False, guild_id: int | None = 1, message: Any = None
    ) -> None:
        self.client = bot
        self.message = message  # the message a clicked button is on
        self.user = SimpleNamespace(id=next(_ids), name="asker")
        self.guild_id = guild_id
        self.channel_id = next(_ids)
        self.permissions = discord.Permissions(manage_guild=manage_guild)
        self.command = SimpleNamespace(name="test")
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.response = SimpleNamespace(
            is_done=lambda: any(c[0] in ("defer", "send_message") for c in self.calls),
            defer=self._recorder("defer", discord.InteractionResponse.defer),
            send_message=self._recorder("send_message", discord.InteractionResponse.send_message),
        )
        self.followup = SimpleNamespace(send=self._recorder("followup", discord.Webhook.send))
        self.edit_original_response = self._recorder("edit", discord.Interaction.edit_original_response)
        self.delete_original_response = self._recorder("delete", discord.Interaction.delete_original_response)

    def _recorder(self, name: str, real: Any) -> Any:
        signature = inspect.signature(real)

        async def record(*args: Any, **kwargs: Any) -> Any:
            signature.bind(None, *args, **kwargs)  # raises TypeError for arguments the real one refuses
            content = args[0] if args else kwargs.pop("content", None)
            self.calls.append((name, {"content": content, **kwargs}))
            return SimpleNamespace(id=next(_ids), channel=SimpleNamespace(id=self.channel_id))

        return record

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def commands_of(bot: NewsBot) -> Any:
    return bot.get_cog("Commands")


async def test_ask_defers_then_follows_up_with_a_cited_answer(bot: NewsBot) -> None:
    cog, interaction = commands_of(bot), FakeInteraction(bot)
    await cog.ask.callback(cog, interaction, question="Who was blamed first?")
    assert interaction.names() == ["defer", "followup"]
    assert interaction.calls[0][1] == {"content": None, "ephemeral": False, "thinking": True}
    sent = interaction.calls[1][1]
    assert "Israel" in sent["content"] and sent["embeds"] and sent["ephemeral"] is False
    assert isinstance(sent["view"], discord.ui.View)  # the vote buttons
    assert {item.custom_id.rsplit(":", 2)[1] for item in sent["view"].children} == {"up", "down"}


async def test_ask_privately_and_vote(bot: NewsBot) -> None:
    cog, interaction = commands_of(bot), FakeInteraction(bot)
    await cog.ask.callback(cog, interaction, question="How many people died?", private=True)
    assert interaction.calls[0][1]["ephemeral"] is True and interaction.calls[1][1]["ephemeral"] is True
    down = next(i for i in interaction.calls[1][1]["view"].children if ":down:" in i.custom_id)
    voter = FakeInteraction(bot)
    # What discord.py does when the button is clicked, even after a restart: find the registered
    # item whose template matches the button's custom id, and rebuild it from that id.
    dynamic = bot._connection._view_store._dynamic_items
    ((pattern, item),) = [(p, i) for p, i in dynamic.items() if p.fullmatch(down.custom_id)]
    vote = await item.from_custom_id(voter, down, pattern.fullmatch(down.custom_id))
    await vote.callback(voter)
    assert voter.calls == [("send_message", {"content": "Thanks for the feedback.", "ephemeral": True})]
    (feedback,) = bot.service.history.feedback()
    assert feedback.vote == "down" and feedback.question == "How many people died?"
    assert "84" in feedback.answer and feedback.citations[0]["published_at"] == "2024-01-04"


async def test_slash_commands_share_the_cooldown(settings: Settings, sample_index: Service) -> None:
    settings.discord_cooldown_questions = 1
    bot = await start(create_bot(settings, sharing(sample_index, settings), sync_commands=False))
    cog, first, second = commands_of(bot), FakeInteraction(bot), FakeInteraction(bot)
    second.user = first.user
    await cog.ask.callback(cog, first, question="Who was blamed first?")
    await cog.ask.callback(cog, second, question="Who was blamed first?")
    assert second.names() == ["send_message"]
    assert second.calls[0][1]["ephemeral"] is True and "try again" in second.calls[0][1]["content"]


async def test_a_failure_inside_a_command_is_a_short_ephemeral_reply(bot: NewsBot, monkeypatch: pytest.MonkeyPatch,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    def broken(question: str, context: str | None = None, where: Filter | None = None) -> None:
        raise RuntimeError("store exploded at /secret/path")

    monkeypatch.setattr(bot.service, "ask", broken)
    cog, interaction = commands_of(bot), FakeInteraction(bot)
    await cog.ask.callback(cog, interaction, question="Who was blamed first?")
    # The public "thinking…" message is removed, so that the error reply is seen by the asker alone.
    assert interaction.names() == ["defer", "delete", "followup"]
    assert interaction.calls[-1] == ("followup", {"content": GENERIC_ERROR, "ephemeral": True})
    assert "store exploded" in caplog.text  # the traceback is in the log, not the channel


async def test_sources_stats_and_help(bot: NewsBot) -> None:
    cog = commands_of(bot)
    interaction = FakeInteraction(bot)
    await cog.sources.callback(cog, interaction, query="kerman")
    assert interaction.names() == ["defer", "followup"]
    embed = interaction.calls[1][1]["embed"]
    assert embed.title == "Articles matching “kerman” (1)" and "2024-01-04" in embed.description

    interaction = FakeInteraction(bot)
    await cog.sources.callback(cog, interaction, query="no such thing")
    assert interaction.calls[1][1]["embed"].title.endswith("(0)")

    interaction = FakeInteraction(bot)
    await cog.stats.callback(cog, interaction)
    assert interaction.calls[1][1]["content"].startswith("1 articles, 3 passages indexed")

    interaction = FakeInteraction(bot)
    await cog.help_command.callback(cog, interaction)
    assert "/ask" in interaction.calls[0][1]["content"] and interaction.calls[0][1]["ephemeral"] is True


@pytest_asyncio.fixture
async def fresh_bot(settings: Settings, articles_dir: Path) -> NewsBot:
    """A bot over an empty index whose configured source is a folder with the sample article."""
    settings.sources = [str(articles_dir)]
    return await start(create_bot(settings, Service(settings, HashEmbedder()), sync_commands=False))


async def test_reindex_needs_manage_server(fresh_bot: NewsBot) -> None:
    cog, interaction = commands_of(fresh_bot), FakeInteraction(fresh_bot, manage_guild=False)
    await cog.reindex.callback(cog, interaction)
    assert interaction.names() == ["send_message"]
    assert "Manage Server" in interaction.calls[0][1]["content"] and interaction.calls[0][1]["ephemeral"]
    assert fresh_bot.service.is_empty()


async def test_reindex_indexes_the_configured_sources_and_shows_progress(fresh_bot: NewsBot) -> None:
    cog, interaction = commands_of(fresh_bot), FakeInteraction(fresh_bot, manage_guild=True)
    await cog.reindex.callback(cog, interaction)
    assert interaction.names()[0] == "defer" and interaction.names()[1:] == ["edit"] * (len(interaction.calls) - 1)
    assert interaction.calls[1][1]["content"].startswith("Re-indexing 1 source: ")
    articles, chunks = fresh_bot.service.indexer.manifest.totals()
    assert articles == 1 and chunks > 0
    assert interaction.calls[-1][1]["content"] == (
        f"Done. Indexed: 1 added, 0 updated, 0 unchanged, 0 removed, 0 failed; {chunks} chunks embedded."
    )


async def test_reindex_lists_what_was_indexed_with_a_warning(fresh_bot: NewsBot, articles_dir: Path) -> None:
    feed = articles_dir / "feed.jsonl"
    feed.write_text('{"title": "Ferry strike", "text": "The ferry strike ended.", "published_at": "January 5th"}\n')
    cog, interaction = commands_of(fresh_bot), FakeInteraction(fresh_bot, manage_guild=True)
    await cog.reindex.callback(cog, interaction)
    done = interaction.calls[-1][1]["content"].splitlines()
    assert done[0].startswith("Done. Indexed: 2 added, 0 updated, 0 unchanged, 0 removed, 0 failed, 1 warning;")
    no_year = "published_at 'January 5th' has no year (it is not guessed); indexed without a date"
    assert done[1:] == [f"⚠ {feed}:1: {no_year}"]


async def test_reindex_while_another_writer_holds_the_index_says_busy(fresh_bot: NewsBot) -> None:
    from bot.app.wiring import open_database

    cog, interaction = commands_of(fresh_bot), FakeInteraction(fresh_bot, manage_guild=True)
    with open_database(fresh_bot.settings).lock.hold():  # as another indexing run does
        await cog.reindex.callback(cog, interaction)
    name, sent = interaction.calls[-1]
    assert name == "followup" and sent["ephemeral"] and "busy" in sent["content"]


async def test_the_bot_reindexes_its_sources_on_schedule_when_asked_to(
    settings: Settings, articles_dir: Path, site: NewsSite
) -> None:
    article = slice_articles()[0]
    story = site.put("/story.html", page(article))
    settings.sources, settings.discord_watch = [str(articles_dir), story], True
    bot = await start(create_bot(settings, Service(settings, HashEmbedder()), sync_commands=False))
    manifest = bot.service.indexer.manifest
    for _ in range(200):
        if len(manifest.entries()) == 2:
            break
        await asyncio.sleep(0.05)
    entries = manifest.entries().values()
    assert len(entries) == 2 and article["title"] in {e.title for e in entries}
    assert bot.watching is not None and not bot.watching.done()
    bot.ws = None  # dpytest's fake gateway has no socket for close() to shut
    await bot.close()
    assert bot.watching.done() and bot.watching.exception() is None


async def test_other_servers_are_refused_when_an_allowlist_is_set(bot: NewsBot) -> None:
    bot.settings.discord_guilds = [42]
    cog, interaction = commands_of(bot), FakeInteraction(bot, guild_id=7)
    assert await cog.interaction_check(interaction) is False
    assert interaction.calls == [("send_message", {"content": "This bot is not enabled on this server.",
                                                   "ephemeral": True})]
    assert bot.allowed_in(42) and bot.allowed_in(None)
    await dpytest.message(mention(bot, "who was blamed first?"))  # dpytest's guild is not on the list
    assert sent_messages() == []


# --- entry point ------------------------------------------------------------------------------


def test_run_without_a_token_says_what_to_do(settings: Settings) -> None:
    with pytest.raises(NewsqaError, match="DISCORD_TOKEN is not set: copy your bot's token from"):
        run(settings)


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (discord.LoginFailure("Improper token has been passed."), "Discord rejected DISCORD_TOKEN"),
        (discord.PrivilegedIntentsRequired(None), "Message Content intent is not enabled"),
        (OSError("Name or service not known"), "cannot reach Discord: Name or service not known"),
    ],
)
def test_run_turns_connection_failures_into_one_line(
    settings: Settings, sample_index: Service, monkeypatch: pytest.MonkeyPatch, failure: Exception, expected: str
) -> None:
    async def refuse(self: NewsBot, token: str, *, reconnect: bool = True) -> None:
        assert token == "not-a-token"
        raise failure

    monkeypatch.setattr(NewsBot, "start", refuse)
    settings = settings.model_copy(update={"discord_token": SecretStr("not-a-token")})
    with pytest.raises(NewsqaError, match=expected):
        run(settings, sharing(sample_index, settings))


def test_run_logs_the_index_check_at_start_up(
    sample_index: Service, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def offline(self: NewsBot, token: str, *, reconnect: bool = True) -> None:
        raise OSError("offline")

    monkeypatch.setattr(NewsBot, "start", offline)
    settings = sample_index.settings.model_copy(update={"discord_token": SecretStr("not-a-token")})
    with caplog.at_level(logging.INFO, logger="bot"), pytest.raises(NewsqaError, match="cannot reach Discord"):
        run(settings, sample_index)
    [line] = [r.getMessage() for r in caplog.records if "Index check" in r.getMessage()]
    assert line.startswith("Index check: consistent: 1 article, 3 chunks, built with sentence-transformers/")


async def test_a_burst_of_questions_queues_while_the_event_loop_stays_free(
    settings: Settings, sample_index: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.discord_max_concurrent = 1
    bot = create_bot(settings, sharing(sample_index, settings), sync_commands=False)
    in_flight, most, ticks = 0, 0, 0
    real_ask = bot.service.ask

    def ask(question: str, context: str | None = None, where: Filter | None = None) -> Any:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        try:
            return real_ask(question, context, where)
        finally:
            in_flight -= 1

    monkeypatch.setattr(bot.service, "ask", ask)

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    beat = asyncio.create_task(heartbeat())
    questions = ["Who was blamed first?", "How many died?", "How many were injured?", "Who claimed responsibility?"]
    results = await asyncio.gather(*(bot.answer(q, None) for q in questions))
    beat.cancel()
    assert most == 1  # one answer at a time; the rest waited their turn
    assert [r.question for r in results] == questions and all(r.answered for r in results)
    assert ticks > len(questions)  # the loop kept running while answers were computed


async def test_slash_commands_that_cannot_be_registered_are_one_clear_error(
    settings: Settings, sample_index: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.discord_guilds = [42]
    bot = create_bot(settings, sharing(sample_index, settings))

    async def refuse(*, guild: discord.abc.Snowflake | None = None) -> list:
        raise discord.Forbidden(SimpleNamespace(status=403, reason="Forbidden"), {"message": "Missing Access"})

    monkeypatch.setattr(bot.tree, "sync", refuse)
    with pytest.raises(NewsqaError, match=r"could not register the slash commands on the servers in DISCORD_GUILDS"):
        await bot.setup_hook()


async def test_ask_options_restrict_the_sources_and_dates(news_bot: NewsBot) -> None:
    cog, interaction = commands_of(news_bot), FakeInteraction(news_bot)
    await cog.ask.callback(cog, interaction, question="What verdict was reached against Ford?", source="cnn")
    assert news_bot.asked[-1] == ("What verdict was reached against Ford?", None)  # type: ignore[attr-defined]
    assert news_bot.wheres[-1] == Filter(("cnn",))  # type: ignore[attr-defined]
    sent = interaction.calls[1][1]
    assert {e.footer.text.split(" · ")[1] for e in sent["embeds"]} == {"cnn.com"}
    assert sent["content"].endswith("-# From articles up to 2022-08-22. Only articles from cnn.")

    bad = FakeInteraction(news_bot)
    await cog.ask.callback(cog, bad, question="Anything?", since="last Tuesday")
    assert bad.calls == [("send_message", {"content": "since must be a date like 2024-01-31, not “last Tuesday”",
                                           "ephemeral": True})]
    backwards = FakeInteraction(news_bot)
    await cog.ask.callback(cog, backwards, question="Anything?", since="2024-02-01", until="2024-01-01")
    assert backwards.calls == [("send_message", {"content": "since 2024-02-01 is after until 2024-01-01: no article "
                                                 "could match", "ephemeral": True})]


async def test_timeline_command_lists_dated_claims_oldest_first(news_bot: NewsBot) -> None:
    cog, interaction = commands_of(news_bot), FakeInteraction(news_bot)
    await cog.timeline.callback(cog, interaction, topic="Alaska Airlines")
    assert interaction.names() == ["defer", "followup"]
    embed = interaction.calls[1][1]["embed"]
    assert embed.title == "Timeline: Alaska Airlines"
    lines = embed.description.splitlines()
    assert [line[:12] for line in lines] == ["`2024-01-06`", "`2024-01-09`"]
    assert all("[usatoday.com](https://" in line for line in lines)

    later = FakeInteraction(news_bot)
    await cog.timeline.callback(cog, later, topic="Alaska Airlines", since="2024-01-07")
    assert later.calls[1][1]["embed"].description.startswith("`2024-01-09`")


async def test_new_command_lists_the_stories_since_a_day_and_says_when_there_is_none(news_bot: NewsBot) -> None:
    cog, interaction = commands_of(news_bot), FakeInteraction(news_bot)
    await cog.new.callback(cog, interaction, topic="Alaska Airlines flight", since="2024-01-07")
    assert interaction.names() == ["defer", "followup"]
    embed = interaction.calls[1][1]["embed"]
    assert embed.title == "New since 2024-01-07: Alaska Airlines flight"
    (line,) = embed.description.splitlines()
    assert line.startswith("`2024-01-09` [usatoday.com](https://")

    later = FakeInteraction(news_bot)
    await cog.new.callback(cog, later, topic="Alaska Airlines flight", since="2024-01-20")
    assert later.calls[1][1]["embed"].description == "Nothing new since then."
    wrong = FakeInteraction(news_bot)
    await cog.new.callback(cog, wrong, topic="Alaska Airlines", since="last week")
    assert "since must be a date like 2024-01-31" in str(wrong.calls)
