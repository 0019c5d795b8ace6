"""Serving: the Discord bot (``discord``), the votes people gave its answers (``feedback``), followed topics (``follows``)."""

from __future__ import annotations

import logging

from rich.markup import escape

from bot.app.follows_db import open_follows
from bot.app.history import open_history
from bot.app.settings import Settings
from bot.cli.console import JsonFlag, edge, out
from bot.core import counted


@edge
def discord_command() -> None:
    """Run the Discord bot (DISCORD_TOKEN from the environment or .env) until Ctrl-C or SIGTERM."""
    from bot.discord import run  # discord.py is only imported by this command

    for name in ("bot", "discord"):
        logging.getLogger(name).setLevel(logging.INFO)
    # The bot never joins voice channels: the missing voice libraries are no concern.
    logging.getLogger("discord.client").addFilter(lambda record: "voice will NOT" not in record.getMessage())
    run(Settings())


@edge
def feedback(as_json: JsonFlag = False) -> None:
    """List the 👍/👎 votes given to the Discord bot's answers, newest first."""
    history = open_history(Settings())
    try:
        votes = history.feedback()
    finally:
        history.close()
    if as_json:
        out.print_json(data=[v.as_dict() for v in votes])
        return
    for v in votes:
        mark = "+" if v.vote == "up" else "-"
        out.print(f"{mark} {v.voted_at}  {escape(v.question)}\n    {escape(' '.join(v.answer.split())[:200])}")
    ups = sum(v.vote == "up" for v in votes)
    out.print(f"{counted(len(votes), 'vote')}: {ups} up, {len(votes) - ups} down.")


@edge
def follows(as_json: JsonFlag = False) -> None:
    """List the topics followed in Discord channels (with /follow), in the order they were followed."""
    store = open_follows(Settings())
    try:
        rows = store.all()
    finally:
        store.close()
    if as_json:
        out.print_json(data=[f.as_dict() for f in rows])
        return
    for f in rows:
        out.print(f"“{escape(f.topic)}” in channel {f.channel_id} (server {f.guild_id}), followed {f.followed_at}"
                  f" by {f.user_id}; stories published since {f.since_day} count")  # fmt: skip
    out.print(f"{counted(len(rows), 'followed topic')}.")
