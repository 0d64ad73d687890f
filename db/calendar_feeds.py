"""Members' private calendar feed links: only a hash of each token is kept.

The token itself is shown once, when the link is made (`/me calendar`), and is in
the address the member's calendar app asks for; we look the hash up. Making a new
link replaces the row, so the old address finds nothing (404).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from db.database import Database, to_iso

PERSONAL_TABLES = ("calendar_feeds",)
SCOPES = ("mine", "all")
TOKEN_BYTES = 32


@dataclass(frozen=True)
class Feed:
    guild_id: int
    user_id: int
    scope: str
    created_at: datetime


def token_hash(token: str) -> str:
    """The stored form of a token. Tokens are 256 random bits, so a plain hash is enough
    (nobody can try them all); it keeps a database copy from opening anyone's feed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _feed(row) -> Feed:
    return Feed(
        row["guild_id"], row["user_id"], row["scope"], datetime.fromisoformat(row["created_at"])
    )


async def make_link(
    db: Database, guild_id: int, user_id: int, now: datetime, scope: str | None = None
) -> str:
    """A new token for this member (any old one stops working); returns the token.
    Keeps their scope unless one is given."""
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    token = new_token()
    async with db.transaction():
        kept = await db.fetchval(
            "SELECT scope FROM calendar_feeds WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        await db.execute(
            "INSERT INTO calendar_feeds (guild_id, user_id, token_hash, scope, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
            "token_hash = excluded.token_hash, scope = excluded.scope, "
            "created_at = excluded.created_at",
            (guild_id, user_id, token_hash(token), scope or kept or "mine", to_iso(now)),
        )
    return token


async def get_feed(db: Database, guild_id: int, user_id: int) -> Feed | None:
    row = await db.fetchone(
        "SELECT * FROM calendar_feeds WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return _feed(row) if row is not None else None


async def feed_for_token(db: Database, token: str) -> Feed | None:
    """The feed this address belongs to, if the link is still live and its owner a member."""
    row = await db.fetchone(
        "SELECT f.* FROM calendar_feeds f JOIN members m "
        "ON m.guild_id = f.guild_id AND m.user_id = f.user_id WHERE f.token_hash = ?",
        (token_hash(token),),
    )
    return _feed(row) if row is not None else None


async def set_scope(db: Database, guild_id: int, user_id: int, scope: str) -> bool:
    """Change what the link shows; False if they have no link."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    changed = await db.execute(
        "UPDATE calendar_feeds SET scope = ? WHERE guild_id = ? AND user_id = ?",
        (scope, guild_id, user_id),
    )
    return changed > 0


# -- personal data registry ----------------------------------------------------------------


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    # the hash is left out: it is of no use to the member and would only be a secret
    # travelling in a file
    rows = await db.fetchall(
        "SELECT guild_id, user_id, scope, created_at FROM calendar_feeds "
        "WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return {"calendar_feeds": [dict(row) for row in rows]}


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    await db.execute(
        "DELETE FROM calendar_feeds WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
