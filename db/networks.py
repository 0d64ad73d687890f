"""Networks of servers: membership of servers (never of people), link codes, join requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.networks import CODE_LIFETIME, code_hash
from db.database import Database


@dataclass(frozen=True)
class Network:
    id: int
    name: str
    founding_guild_id: int
    guild_ids: tuple[int, ...]


@dataclass(frozen=True)
class JoinRequest:
    id: int
    network_id: int
    guild_id: int
    guild_name: str | None
    state: str


async def network_of(db: Database, guild_id: int) -> Network | None:
    network_id = await db.fetchval(
        "SELECT network_id FROM network_members WHERE guild_id = ?", (guild_id,)
    )
    return await get_network(db, network_id) if network_id is not None else None


async def get_network(db: Database, network_id: int) -> Network | None:
    row = await db.fetchone("SELECT * FROM networks WHERE id = ?", (network_id,))
    if row is None:
        return None
    members = await db.fetchall(
        "SELECT guild_id FROM network_members WHERE network_id = ? ORDER BY joined_at, guild_id",
        (network_id,),
    )
    return Network(row["id"], row["name"], row["founding_guild_id"], tuple(m[0] for m in members))


async def linked_guild_ids(db: Database, guild_id: int) -> tuple[int, ...]:
    """Every server in this server's network (itself first); just itself if unlinked."""
    network = await network_of(db, guild_id)
    if network is None:
        return (guild_id,)
    return (guild_id, *(g for g in network.guild_ids if g != guild_id))


async def create_network(db: Database, name: str, guild_id: int, now: datetime) -> int:
    async with db.transaction():
        network_id = await db.execute(
            "INSERT INTO networks (name, founding_guild_id, created_at) VALUES (?, ?, ?)",
            (name, guild_id, now.isoformat()),
        )
        await db.execute(
            "INSERT INTO network_members (network_id, guild_id, joined_at) VALUES (?, ?, ?)",
            (network_id, guild_id, now.isoformat()),
        )
    return network_id


async def add_code(db: Database, network_id: int, code: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO network_codes (code_hash, network_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (code_hash(code), network_id, now.isoformat(), (now + CODE_LIFETIME).isoformat()),
    )


async def use_code(db: Database, code: str, now: datetime) -> int | None:
    """Spend a one-time code; returns its network, or None if unknown, used or expired."""
    async with db.transaction():
        row = await db.fetchone(
            "SELECT network_id FROM network_codes WHERE code_hash = ? AND used_at IS NULL "
            "AND expires_at > ?",
            (code_hash(code), now.isoformat()),
        )
        if row is None:
            return None
        await db.execute(
            "UPDATE network_codes SET used_at = ? WHERE code_hash = ?",
            (now.isoformat(), code_hash(code)),
        )
    return row["network_id"]


async def open_request(
    db: Database, network_id: int, guild_id: int, guild_name: str | None, now: datetime
) -> int:
    async with db.transaction():
        await db.execute(
            "UPDATE network_requests SET state = 'withdrawn' WHERE guild_id = ? AND state = 'pending'",
            (guild_id,),
        )
        return await db.execute(
            "INSERT INTO network_requests (network_id, guild_id, guild_name, requested_at) "
            "VALUES (?, ?, ?, ?)",
            (network_id, guild_id, guild_name, now.isoformat()),
        )


async def get_request(db: Database, request_id: int) -> JoinRequest | None:
    row = await db.fetchone("SELECT * FROM network_requests WHERE id = ?", (request_id,))
    if row is None:
        return None
    return JoinRequest(
        row["id"], row["network_id"], row["guild_id"], row["guild_name"], row["state"]
    )


async def pending_requests(db: Database, network_id: int) -> list[JoinRequest]:
    rows = await db.fetchall(
        "SELECT * FROM network_requests WHERE network_id = ? AND state = 'pending' ORDER BY id",
        (network_id,),
    )
    return [
        JoinRequest(r["id"], r["network_id"], r["guild_id"], r["guild_name"], r["state"])
        for r in rows
    ]


async def decide(
    db: Database, request_id: int, approve: bool, decided_in_guild: int, now: datetime
) -> JoinRequest | None:
    """Approve or refuse a pending request once; returns it, or None if already decided."""
    async with db.transaction():
        request = await get_request(db, request_id)
        if request is None or request.state != "pending":
            return None
        await db.execute(
            "UPDATE network_requests SET state = ?, decided_at = ?, decided_in_guild = ? WHERE id = ?",
            ("approved" if approve else "refused", now.isoformat(), decided_in_guild, request_id),
        )
        if approve:
            await db.execute(
                "INSERT INTO network_members (network_id, guild_id, joined_at) VALUES (?, ?, ?) "
                "ON CONFLICT(guild_id) DO NOTHING",
                (request.network_id, request.guild_id, now.isoformat()),
            )
    return await get_request(db, request_id)


async def leave_network(db: Database, guild_id: int) -> Network | None:
    """Unlink this server at once. A network left with no servers is removed."""
    async with db.transaction():
        network = await network_of(db, guild_id)
        if network is None:
            return None
        await db.execute("DELETE FROM network_members WHERE guild_id = ?", (guild_id,))
        if len(network.guild_ids) == 1:
            await db.execute("DELETE FROM networks WHERE id = ?", (network.id,))
    return network


async def guild_names(db: Database, guild_ids: tuple[int, ...] | list[int]) -> dict[int, str]:
    if not guild_ids:
        return {}
    marks = ",".join("?" * len(guild_ids))
    rows: list[Any] = await db.fetchall(
        f"SELECT guild_id, name FROM guild_presence WHERE guild_id IN ({marks})", list(guild_ids)
    )
    return {row["guild_id"]: row["name"] or f"server {row['guild_id']}" for row in rows}
