"""The web server inside the bot process, loaded by the client as an extension.

`python -m bot run` loads it after the features (bot/client.py names it by
string, so nothing in bot/ imports web/). It listens on WEB_HOST:WEB_PORT
(WEB_PORT=0: a free port, which the test control reports); a port already in
use is logged and the bot keeps running without pages.

Pages read through their own read-only connection to the bot's database file
(`Database.open_reader`), opened here and closed at teardown: they do not wait in the
bot's statement queue behind a burst of votes, and nothing in web/ can write. An
in-memory database (some tests) has no file to open twice; the pages then read through
the bot's own connection.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from db.database import Database
from web.app import create_app
from web.site import Site

if TYPE_CHECKING:
    from bot.client import SpeakBack

log = logging.getLogger("speakback.web")

_runner: web.AppRunner | None = None
_reader: Database | None = None


class BotProbe:
    """What /healthz asks the running bot: ready? when did Discord last answer a heartbeat?"""

    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot

    def ready(self) -> bool:
        return bool(self.bot.is_fully_ready)

    def heartbeat(self) -> dict[str, Any]:
        shards = []
        for shard_id, shard in sorted(getattr(self.bot, "shards", {}).items()):
            ws = getattr(getattr(shard, "_parent", None), "ws", None)
            keep_alive = getattr(ws, "_keep_alive", None)
            last_ack = getattr(keep_alive, "_last_ack", None)
            latency = shard.latency
            shards.append(
                {
                    "shard": shard_id,
                    "latency_ms": round(latency * 1000, 1) if latency == latency else None,
                    "seconds_since_ack": round(time.perf_counter() - last_ack, 1)
                    if isinstance(last_ack, float)
                    else None,
                }
            )
        return {"shards": shards}


async def start(site: Site, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve the pages; returns the runner and the port actually bound (for WEB_PORT=0)."""
    runner = web.AppRunner(create_app(site), access_log=None)  # an access log holds addresses
    await runner.setup()
    tcp = web.TCPSite(runner, host, port)
    try:
        await tcp.start()
    except OSError:
        await runner.cleanup()
        raise
    server = tcp._server
    sockets = getattr(server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    return runner, bound


async def setup(bot: SpeakBack) -> None:
    global _runner, _reader
    config = bot.config
    assert bot.services is not None
    _reader = await open_reader(bot.services.db)
    site = Site(
        db=_reader or bot.services.db,
        clock=bot.services.clock,
        base_url=config.web_base_url,
        probe=BotProbe(bot),
        secret=config.secret,
    )
    try:
        _runner, port = await start(site, config.web_host, config.web_port)
    except OSError as error:
        bot.web_port = None
        await _close_reader()
        log.error(
            "The pages could not start on %s:%s (%s); the bot carries on without them. "
            "Set WEB_PORT to a free port, or stop what is using it.",
            config.web_host,
            config.web_port,
            error.strerror or error,
        )
        return
    bot.web_port = port
    log.info("Pages are served on http://%s:%s", config.web_host, port)


async def teardown(bot: SpeakBack) -> None:
    global _runner
    if _runner is not None:
        await _runner.cleanup()
        _runner = None
    await _close_reader()


async def open_reader(db: Database) -> Database | None:
    """The pages' read-only connection to `db`'s file; None for an in-memory database,
    or (logged) if it cannot be opened, when the pages read through `db` itself."""
    if str(db.path) == ":memory:":
        return None
    try:
        return await Database.open_reader(db.path)
    except (OSError, sqlite3.Error) as error:
        log.warning(
            "The pages could not open their own read-only connection (%s); "
            "they read through the bot's connection instead.",
            type(error).__name__,
        )
        return None


async def _close_reader() -> None:
    global _reader
    if _reader is not None:
        reader, _reader = _reader, None
        await reader.close()
