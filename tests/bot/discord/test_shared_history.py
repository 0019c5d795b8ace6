"""Two bots on hosts of their own (other data folders) sharing one PostgreSQL: what one answered, the other
follows up, and the votes under one's answers are the other's feedback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord.ext.test as dpytest

from bot.app.settings import Settings
from bot.discord import create_bot
from bot.discord.client import VoteButton
from tests.bot.discord.test_discord import FakeInteraction, reply_to, sent_messages, start
from tests.bot.test_history_db import DIED, hash_service
from tests.conftest import sharing


async def test_a_reply_to_another_host_s_answer_is_a_follow_up_and_its_buttons_vote(
    pg_settings: Settings, pg_url: str, tmp_path: Path
) -> None:
    first = hash_service(pg_settings)
    second = sharing(first, Settings(NEWSQA_DATA_DIR=tmp_path / "second", NEWSQA_DATABASE_URL=pg_url))
    bot = await start(create_bot(second.settings, second, sync_commands=False))
    asked: list[str | None] = []
    real_ask = second.ask

    def ask(question: str, context: str | None = None, *args: Any) -> Any:
        asked.append(context)
        return real_ask(question, context, *args)

    second.ask = ask  # type: ignore[method-assign]
    channel = dpytest.get_config().channels[0]
    carried = await channel.send("At least 84 died.")  # the message the first host's bot sent
    sent_messages()
    answered = first.history.record(DIED, context=None, guild_id=channel.guild.id, channel_id=channel.id)
    first.history.sent(answered, [carried.id], channel.id)

    await reply_to(carried, "and how many were injured?", dpytest.get_config().members[0], ping=False)
    assert len(sent_messages()) == 1 and asked == [DIED.question]

    voter = FakeInteraction(bot)
    await VoteButton(answered, up=True).callback(voter)  # rebuilt from the custom id under the first one's answer
    assert voter.calls == [("send_message", {"content": "Thanks for the feedback.", "ephemeral": True})]
    assert [(f.answer_id, f.vote) for f in first.history.feedback()] == [(answered, "up")]
    clicked = FakeInteraction(bot, message=carried)  # a button whose custom id names no answer of this database
    await VoteButton(answered + 100, up=False).callback(clicked)
    assert clicked.calls == [("send_message", {"content": "Thanks for the feedback.", "ephemeral": True})]
    assert {(f.answer_id, f.vote) for f in first.history.feedback()} == {(answered, "up"), (answered, "down")}
    await dpytest.empty_queue()
    first.history.close()
    second.history.close()
