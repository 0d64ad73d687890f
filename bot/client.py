"""The Speak Back client: a `commands.Bot` wired to our database, clock and cogs."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot import notes
from bot.clock import Clock, DrivenClock, SystemClock
from bot.config import Config
from bot.delivery import Delivery
from bot.dispatcher import Dispatcher
from bot.errors import answer_error
from bot.posts import Posts
from bot.retention import Retention
from bot.services import Services
from bot.typed import cleaning
from bot.ui import FixItButton
from db.database import Database
from db.settings import get_meta, set_meta

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


# Every feature is a package in cogs/ with a `setup`; loaded in this order.
FEATURES = (
    "cogs.ideas",
    "cogs.meetings",
    "cogs.membership",
    "cogs.networks",
    "cogs.opportunities",
    "cogs.outcomes",
    "cogs.polls",
    "cogs.records",
    "cogs.reports",
    "cogs.setup",
    "cogs.status",
    "cogs.support",
)
TEST_CONTROL = "bot.testing"  # the test-only control server, never loaded in production
# The pages (web/): loaded by name after the features, so nothing in bot/ imports web/.
WEB_SERVER = "web.server"


def extension_names(config: Config | None = None) -> list[str]:
    """The extensions to load: the test control first (when enabled), then every feature."""
    test_control = config is not None and config.test_control is not None
    return [TEST_CONTROL, *FEATURES] if test_control else list(FEATURES)


class SpeakBack(commands.AutoShardedBot):
    """Sharded as Discord recommends (one shard up to 2,500 servers), or SHARD_COUNT."""

    def __init__(self, config: Config, clock: Clock | None = None) -> None:
        # Speak Back has no voice features: discord.py's warnings that the voice
        # libraries (PyNaCl, davey) are missing would only worry whoever reads the log.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            shard_count=config.shard_count,
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
        self.add_dynamic_items(FixItButton)  # every form's Fix it (bot/ui.py)
        # Typed text is cleaned as it arrives, before any command or form reads it.
        parsers = self._connection.parsers
        parsers["INTERACTION_CREATE"] = cleaning(parsers["INTERACTION_CREATE"])
        if clock is None:
            test = config.test_control
            clock = DrivenClock(test.start) if test is not None else SystemClock()
        self.clock: Clock = clock
        # Built in setup_hook, once there is an event loop (bot/services.py); each
        # service is also an attribute, as the cogs use them:
        self.services: Services | None = None
        self.add_dynamic_items(*notes.DYNAMIC_ITEMS)  # organisers' notes: shared by features
        self.db: Database = None  # type: ignore[assignment]
        self.dispatcher: Dispatcher = None  # type: ignore[assignment]
        self.delivery: Delivery = None  # type: ignore[assignment]
        self.retention: Retention = None  # type: ignore[assignment]
        self.posts: Posts = None  # type: ignore[assignment]
        self.synced_ready = asyncio.Event()
        self.identify_concurrency = 1  # Discord's session_start_limit.max_concurrency
        self.web_port: int | None = None  # where the pages listen (set by web.server)

    # -- start-up -----------------------------------------------------------

    async def setup_hook(self) -> None:
        services = await Services.open(
            self.config.database_path,
            self.clock,
            http=self.http,
            dispatch=self.dispatch,
            allowed_mentions=self.allowed_mentions,
            server_name=self.server_name,
            secret=self.config.secret,
        )
        self.services = services
        self.db, self.dispatcher, self.delivery = (
            services.db,
            services.dispatcher,
            services.delivery,
        )
        self.retention, self.posts = services.retention, services.posts
        await self._read_gateway()
        for name in extension_names(self.config):  # features register job handlers here
            await self.load_extension(name)
        await self.load_extension(WEB_SERVER)  # logs and carries on if it cannot listen
        await services.start()
        await self.sync_commands_if_changed()

    async def _read_gateway(self) -> None:
        _, url, limits = await self.http.get_bot_gateway()
        self.identify_concurrency = max(1, int(limits.get("max_concurrency", 1)))
        if self.config.uses_custom_api:
            # A fixed SHARD_COUNT dials DEFAULT_GATEWAY, and every shard falls back to it
            # after an invalidated session, so point the default itself at the API's.
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
            log.info("Using gateway %s", url)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # Discord lets `max_concurrency` shards identify in each 5-second window (shards
        # 0..n-1 together, then n..2n-1, ...); discord.py's own hook waits 5 s before
        # every shard but the first, whatever Discord allows.
        if initial or shard_id is None or shard_id % self.identify_concurrency:
            return
        await asyncio.sleep(5.0)

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("Shard %d of %d is ready", shard_id + 1, self.shard_count or 1)

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

    def server_name(self, guild_id: int) -> str:
        """A server's name as Discord shows it now (the posting service names servers so)."""
        guild = self.get_guild(guild_id)
        return guild.name if guild else "your server"

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
        assert self.services is not None
        await self.services.settle()

    # -- shutdown -----------------------------------------------------------

    async def close(self) -> None:
        try:
            if self.services is not None:
                await self.services.stop()
        finally:
            await super().close()  # unloads the extensions (the test control's server too)
            if self.services is not None:
                await self.services.close()
