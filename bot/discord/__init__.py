"""The Discord front end: ``create_bot`` builds it, ``run`` connects it until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord

from bot.app.health import startup_check
from bot.app.service import Service
from bot.app.settings import Settings
from bot.core import NewsqaError
from bot.discord.client import NewsBot
from bot.discord.commands import Commands
from bot.discord.follows import Following

__all__ = ["NewsBot", "create_bot", "run"]

log = logging.getLogger(__name__)

PORTAL = "https://discord.com/developers/applications"


def run(settings: Settings, service: Service | None = None) -> None:
    """Run the bot until SIGINT or SIGTERM; configuration problems raise NewsqaError with what to do."""
    if settings.discord_token is None:
        raise NewsqaError(
            f"DISCORD_TOKEN is not set: copy your bot's token from {PORTAL} (Bot → Reset Token) into .env"
        )
    healthy, line = startup_check(settings)
    (log.info if healthy else log.warning)("%s", line)
    service = service or Service(settings)
    report = service.fill_if_empty(log.info)
    if report is not None:
        log.info("indexed: %s", report.summary())
    asyncio.run(_serve(create_bot(settings, service), settings.discord_token.get_secret_value()))


def create_bot(settings: Settings, service: Service | None = None, *, sync_commands: bool = True) -> NewsBot:
    """Build the bot, with its slash commands, from settings without connecting to Discord."""
    return NewsBot(settings, service or Service(settings), [Commands, Following], sync_commands=sync_commands)


async def _serve(bot: NewsBot, token: str) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        try:
            await bot.start(token)
        except discord.LoginFailure:
            raise NewsqaError(
                f"Discord rejected DISCORD_TOKEN: copy a fresh token from {PORTAL} (Bot → Reset Token)"
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise NewsqaError(
                f"the Message Content intent is not enabled: turn it on in {PORTAL} (Bot → Privileged Gateway "
                "Intents), or set DISCORD_MESSAGE_CONTENT=false to answer mentions and DMs only"
            ) from None
        except (OSError, discord.GatewayNotFound) as exc:
            raise NewsqaError(f"cannot reach Discord: {exc}") from None
    log.info("disconnected")
