"""What every page handler reads: the database, the clock, the public address.

In the running bot `db` is the pages' own read-only connection (web.server).

The running bot gives a `Probe` for /healthz (is it ready, when did Discord last
answer a heartbeat); tests give a fake one, or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from bot.clock import Clock
from db.database import Database
from web.shared import SharedReads


class Probe(Protocol):
    def ready(self) -> bool: ...

    def heartbeat(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Site:
    db: Database
    clock: Clock
    base_url: str | None = None  # WEB_BASE_URL: the public https address, if there is one
    probe: Probe | None = None
    secret: bytes = field(default=b"", repr=False)  # signs report links (bot.domain.reports)
    # Requests for the same page share a read that has not begun (web.shared): never older.
    shared: SharedReads = field(default_factory=SharedReads, repr=False, compare=False)


SITE = web.AppKey("site", Site)


def site_of(request: web.Request) -> Site:
    return request.app[SITE]
