"""The Speak Back client: a `commands.Bot` wired to our database, clock and cogs."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import importlib
import json
import logging
import pkgutil
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

import cogs
from bot.clock import Clock, DrivenClock, SystemClock
from bot.config import Config
from bot.delivery import Delivery
from bot.dispatcher import Dispatcher
from bot.errors import answer_error
from bot.retention import Retention
from db.database import Database
from db.settings import follow_default_notice, get_meta, set_meta

log = logging.getLogger("speakback")


def build_intents() -> discord.Intents:
    """The least we need: servers (channels, roles) and DMs sent to the bot.

    No privileged intents: members and permissions arrive with each interaction,
    and the bot never reads server messages.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = True
    return intents


class SpeakBackTree(app_commands.CommandTree):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await answer_error(interaction, error)


def extension_names() -> list[str]:
    """Every module in cogs/ that defines `setup` is an extension."""
    names = []
    for module in pkgutil.iter_modules(cogs.__path__, prefix="cogs."):
        if module.ispkg or module.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        if hasattr(importlib.import_module(module.name), "setup"):
            names.append(module.name)
    return sorted(names)


class SpeakBack(commands.Bot):
    def __init__(self, config: Config, clock: Clock | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=build_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=SpeakBackTree,
            # discord.py waits this long for more servers before on_ready. The emulator
            # sends them all at once, so tests need not wait the 2 s default.
            guild_ready_timeout=0.1 if config.test_control is not None else 2.0,
        )
        self.config = config
        if clock is None:
            test = config.test_control
            clock = DrivenClock(test.start) if test is not None else SystemClock()
        self.clock: Clock = clock
        # Opened in setup_hook, once there is an event loop:
        self.db: Database = None  # type: ignore[assignment]
        self.dispatcher: Dispatcher = None  # type: ignore[assignment]
        self.delivery: Delivery = None  # type: ignore[assignment]
        self.retention: Retention = None  # type: ignore[assignment]
        self.synced_ready = asyncio.Event()
        self._control_runner: Any = None

    # -- start-up -----------------------------------------------------------

    async def setup_hook(self) -> None:
        self.db = await Database.open(self.config.database_path)
        applied = await self.db.migrate()
        if applied:
            log.info("Database migrated: %s", ", ".join(applied))
        moved = await follow_default_notice(self.db, self.clock.now())
        if moved:
            log.info("The built-in notice changed: %d server(s) will ask members again", moved)
        if self.config.uses_custom_api:
            await self._use_custom_gateway()
        self.dispatcher = Dispatcher(self.db, self.clock)
        self.delivery = Delivery(self)
        self.retention = Retention(self.db, self.dispatcher)
        self.dispatcher.after_run = self.delivery.wake
        if self.config.test_control is not None:
            from bot.testing import register_test_jobs

            register_test_jobs(self)
        for name in extension_names():  # features register job handlers and policies here
            await self.load_extension(name)
        await self.delivery.start()
        await self.dispatcher.start()
        await self.retention.ensure_daily_sweep(self.clock.now())
        await self.sync_commands_if_changed()
        if self.config.test_control is not None:
            from bot.testing import start_control_server

            self._control_runner = await start_control_server(self, self.config.test_control.port)

    async def _use_custom_gateway(self) -> None:
        # The non-sharded client dials DEFAULT_GATEWAY, and falls back to it after an
        # invalidated session, so point the default itself at the API's gateway.
        _, url, _ = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        log.info("Using gateway %s", url)

    async def on_ready(self) -> None:
        # What is loaded by now (libraries, cogs, the guild cache) lives about as long
        # as the process: move it out of the cycle collector's way, so a full collection
        # in the middle of a burst of button presses scans only what is new. Before
        # this, those collections stopped the loop for 36-61 ms (figures 1 and 6 in
        # docs/benchmarks.md). A fresh login (not a resume) replaces discord.py's whole
        # cache, so unfreeze first and let the old one be collected.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.synced_ready.set()
        log.info("Ready as %s in %d server(s)", self.user, len(self.guilds))

    @property
    def is_fully_ready(self) -> bool:
        return self.is_ready() and self.synced_ready.is_set() and self.dispatcher.caught_up

    # -- commands -----------------------------------------------------------

    def command_payload(self) -> list[dict[str, Any]]:
        guild = discord.Object(self.config.dev_guild_id) if self.config.dev_guild_id else None
        commands_ = self.tree.get_commands(guild=guild) if guild else self.tree.get_commands()
        return sorted((c.to_dict(self.tree) for c in commands_), key=lambda d: d["name"])

    def _sync_scope(self) -> tuple[str, discord.Object | None]:
        if self.config.dev_guild_id:
            return f"guild:{self.config.dev_guild_id}", discord.Object(self.config.dev_guild_id)
        return "global", None

    async def sync_commands(self) -> int:
        scope, guild = self._sync_scope()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        digest = hashlib.sha256(json.dumps(self.command_payload(), sort_keys=True).encode())
        await set_meta(self.db, f"command_hash:{scope}", digest.hexdigest())
        log.info("Synced %d commands (%s)", len(synced), scope)
        return len(synced)

    async def sync_commands_if_changed(self) -> bool:
        """Discord allows 200 command creates a day per server: sync only on change."""
        scope, guild = self._sync_scope()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        digest = hashlib.sha256(json.dumps(self.command_payload(), sort_keys=True).encode())
        if await get_meta(self.db, f"command_hash:{scope}") == digest.hexdigest():
            log.info("Commands unchanged since the last sync (%s)", scope)
            return False
        await self.sync_commands()
        return True

    # -- timing -------------------------------------------------------------

    async def settle(self) -> None:
        """Run everything due now to completion: jobs, then the messages they queued."""
        for _ in range(100):
            ran = await self.dispatcher.run_due()
            await self.delivery.drain()
            if not ran:
                return
        log.warning("settle: work kept arriving; stopped after 100 rounds")

    # -- shutdown -----------------------------------------------------------

    async def close(self) -> None:
        try:
            if self._control_runner is not None:
                await self._control_runner.cleanup()
            if self.dispatcher is not None:
                self.dispatcher.stop()
            if self.delivery is not None:
                await self.delivery.stop()
        finally:
            await super().close()
            if self.db is not None:
                await self.db.close()
