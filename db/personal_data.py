"""The one list of repository modules that hold something about a person.

Each module named in `MODULES` exposes:

- ``PERSONAL_TABLES: tuple[str, ...]`` - its tables with a person's id in them;
- ``async def export_member(db, guild_id, user_id) -> dict[str, list[dict]]`` -
  every row about that person in that server, by table;
- ``async def erase_member(db, guild_id, user_id, secret) -> None`` - erase them
  (`secret` is the bot's own key, `SPEAKBACK_SECRET`, for a module that leaves a
  pseudonymous record behind, as polls do for a vote that still counts).

`/me export` and `/leave` walk this list, so a feature that stores personal data
adds its module here, and a test proves every table with a person column in the
schema is covered (rules 4 and 5). Like Red's data-deletion hooks, a module that
forgets a function fails loudly rather than silently keeping data.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from db.database import Database

MODULES = [
    "db.members",
    "db.outbox",
    "db.polls",
    "db.meetings",
    "db.opportunities",
    "db.payments",
    "db.drafts",
    "db.ideas",
    "db.calendar_feeds",
    "db.records",
]
"""Erased in reverse order, so `db.members` (which others may reference) goes last."""

REQUIRED = ("PERSONAL_TABLES", "export_member", "erase_member")


class RegistryError(Exception):
    """A registered module does not provide what the registry needs."""


def registered_modules() -> list[ModuleType]:
    modules = []
    for name in MODULES:
        module = importlib.import_module(name)
        missing = [attr for attr in REQUIRED if not hasattr(module, attr)]
        if missing:
            raise RegistryError(f"{name} is in the personal data registry but lacks {missing}")
        modules.append(module)
    return modules


def personal_tables() -> dict[str, str]:
    """{table: module name} for every registered personal table."""
    found: dict[str, str] = {}
    for module in registered_modules():
        for table in module.PERSONAL_TABLES:
            found[table] = module.__name__
    return found


async def export_all(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row about this person in this server, by table (one consistent snapshot)."""
    result: dict[str, list[dict[str, Any]]] = {}
    async with db.transaction():
        for module in registered_modules():
            exported = await module.export_member(db, guild_id, user_id)
            for table in module.PERSONAL_TABLES:
                result[table] = list(exported.get(table, []))
    return result


async def erase_all(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    """Erase this person from every registered module, in one transaction."""
    modules = registered_modules()
    async with db.transaction():
        for module in reversed(modules):
            await module.erase_member(db, guild_id, user_id, secret)
