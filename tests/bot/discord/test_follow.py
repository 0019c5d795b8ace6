"""Followed topics in Discord: the commands, the digest after an index round, and restarts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import discord
import discord.ext.test as dpytest

from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.watch import Round
from bot.discord import create_bot
from bot.discord.client import NewsBot
from index.embed.base import Embedder
from index.read.sources import Source
from tests.bot.discord.test_discord import FakeInteraction, sent_messages, start
from tests.conftest import DATA, sharing

ALASKA = "eccf3b4d1f111a17"  # usatoday, 2024-01-09: a teen on the Alaska Airlines flight
PRIMARY = "fc7a34cb7f4053c8"  # usatoday, 2024-01-18: the New Hampshire primary
GROUNDING = "24dbac67a71f40f2"  # usatoday, 2024-01-06: the Boeing 737 Max 9 grounded after the flight
DARTS = "fe2ce5b1e4ebb141"  # usatoday, 2024-01-02: a teen at the darts world championship


def _articles(*ids: str) -> list[str]:
    lines = (DATA / "realtimeqa-slice.jsonl").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if json.loads(line)["id"] in ids]


def following(bot: NewsBot):  # noqa: ANN201
    return bot.get_cog("Following")


async def _round(bot: NewsBot, source: Path) -> None:
    """An index round as the schedule runs it: re-index the source, then tell the listeners."""
    report = bot.service.reindex(sources=[Source(source, timedelta(hours=1))])
    bot.dispatch("index_round", Round([Source(source, timedelta(hours=1))], report))
    await dpytest.run_all_events()


async def _bot(settings: Settings, embedder: Embedder) -> NewsBot:
    service = Service(settings, embedder)
    service.fill_if_empty()  # as the bot's start does
    return await start(create_bot(settings, service, sync_commands=False))


async def test_a_followed_topic_gets_one_digest_per_new_story_and_survives_a_restart(
    settings: Settings, real_embedder: Embedder, tmp_path: Path
) -> None:
    feed = tmp_path / "news" / "today.jsonl"
    feed.parent.mkdir()
    feed.write_text(_articles(DARTS)[0] + "\n", encoding="utf-8")  # indexed before the follow
    settings.sources = [str(feed)]
    bot = await _bot(settings, real_embedder)
    channel = dpytest.get_config().channels[0]
    cog, asked = following(bot), FakeInteraction(bot)
    asked.channel_id, asked.permissions = channel.id, discord.Permissions(manage_channels=True)
    await cog.follow.callback(cog, asked, topic="Alaska Airlines  flight", since="2024-01-01")
    assert asked.calls == [("send_message", {
        "content": "This channel now follows “Alaska Airlines flight”: new stories published since 2024-01-01 are "
                   "posted here after each index round.", "ephemeral": True})]  # fmt: skip

    feed.write_text("\n".join(_articles(DARTS, ALASKA, PRIMARY)) + "\n", encoding="utf-8")
    await _round(bot, feed)
    (digest,) = sent_messages()
    assert digest.channel.id == channel.id
    (embed,) = digest.embeds
    assert embed.title == "News on: Alaska Airlines flight"
    (line,) = embed.description.splitlines()
    assert line.startswith("`2024-01-09` [usatoday.com](https://www.usatoday.com/story/travel/2024/01/09/alaska")

    await _round(bot, feed)  # nothing new
    assert sent_messages() == []

    bot.ws = None  # dpytest's fake gateway has no socket for close() to shut
    await bot.close()
    restarted = await _bot(settings, real_embedder)
    listed = FakeInteraction(restarted)
    listed.channel_id = channel.id
    await following(restarted).following.callback(following(restarted), listed)
    (_, reply), = listed.calls
    assert reply["ephemeral"] and reply["content"].startswith("This channel follows:\n• “Alaska Airlines flight”")
    await _round(restarted, feed)  # what was posted before the restart is not posted again
    assert sent_messages() == []


async def test_follow_and_unfollow_need_manage_channels(settings: Settings, sample_index: Service) -> None:
    bot = await start(create_bot(settings, sharing(sample_index, settings), sync_commands=False))
    cog, refused, refused_too = following(bot), FakeInteraction(bot), FakeInteraction(bot)
    await cog.follow.callback(cog, refused, topic="Kerman")
    await cog.unfollow.callback(cog, refused_too, topic="Kerman")
    for interaction in (refused, refused_too):
        assert interaction.calls == [("send_message", {
            "content": "Only members with the Manage Channels permission can change what this channel follows.",
            "ephemeral": True})]  # fmt: skip
    assert bot.service.follows.all() == []

    allowed = FakeInteraction(bot)
    allowed.permissions = discord.Permissions(manage_channels=True)
    texts = []
    for command, topic in [(cog.follow, "Kerman"), (cog.follow, "kerman"), (cog.unfollow, "KERMAN"),
                           (cog.unfollow, "Kerman")]:  # fmt: skip
        one = FakeInteraction(bot)
        one.channel_id, one.permissions = allowed.channel_id, allowed.permissions
        await command.callback(cog, one, topic=topic)
        (_, sent), = one.calls
        assert sent["ephemeral"]
        texts.append(sent["content"])
    assert texts[1:] == ["This channel already follows “Kerman”.", "This channel no longer follows “KERMAN”.",
                         "This channel does not follow “Kerman”."]  # fmt: skip
    empty = FakeInteraction(bot)
    await cog.following.callback(cog, empty)
    assert empty.calls == [("send_message", {"content": "This channel follows no topic.", "ephemeral": True})]


async def test_quiet_hours_and_the_hourly_limit_hold_stories_back_for_a_later_round(
    settings: Settings, real_embedder: Embedder, tmp_path: Path
) -> None:
    feed = tmp_path / "news.jsonl"
    feed.write_text("\n".join(_articles(DARTS, ALASKA, GROUNDING)) + "\n", encoding="utf-8")
    settings.sources, settings.discord_follow_per_hour = [str(feed)], 1
    settings.discord_quiet_hours = (22, 7)
    bot = await _bot(settings, real_embedder)
    channel = dpytest.get_config().channels[0]
    bot.service.follows.follow(channel.id, "Alaska Airlines flight", guild_id=1, user_id=2, since=date(2024, 1, 1))
    cog, night = following(bot), datetime(2026, 3, 2, 23, 30, tzinfo=UTC)

    assert await cog.post_news(night) == 0  # quiet: nothing is posted, nothing is lost
    assert await cog.post_news(night.replace(hour=8, minute=0)) == 1
    assert await cog.post_news(night.replace(hour=8, minute=50)) == 0  # one story an hour
    assert await cog.post_news(night.replace(hour=9, minute=10)) == 1
    assert await cog.post_news(night.replace(hour=11)) == 0  # both are posted
    first, second = sent_messages()
    dates = [m.embeds[0].description[:12] for m in (first, second)]
    assert dates == ["`2024-01-09`", "`2024-01-06`"]  # newest first; each a one-story digest
    assert all(len(m.embeds[0].description.splitlines()) == 1 for m in (first, second))
