"""Network-wide items, the rules in one place (DESIGN.md, "Networks"); no Discord here.

- Only an organiser of a server that is in a network may post with `network:true`.
- The post goes to the announcements channel of every linked server (servers with
  none set are reported back to the organiser, not silently skipped).
- Members answer in their own server; a person has one answer per item, counted
  in the server where they first answered (features key answers by user).
- A server may answer a network item only while it is linked to that network.
- Results show network totals plus a per-server breakdown, small groups suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import Refusal
from bot.domain.suppression import format_breakdown, suppress_breakdown
from bot.strings.networks import LEFT_THE_NETWORK, NOT_IN_A_NETWORK, UNKNOWN_SERVER
from db import networks
from db.database import Database
from db.settings import get_settings


@dataclass(frozen=True)
class Audience:
    network_id: int | None
    targets: tuple[tuple[int, int], ...]  # (guild_id, announcements channel_id), home first
    missing: tuple[str, ...]  # linked servers (never the home one) with no announcements channel


async def audience(db: Database, home_guild_id: int, network: bool) -> Audience:
    """Where an item is posted: the home server, or every linked server.

    The home server is never "missing": its copy goes to the channel the command
    was used in when it has no announcements channel.
    """
    if not network:
        settings = await get_settings(db, home_guild_id)
        targets = ((home_guild_id, settings.announcements_channel_id),)
        return Audience(None, targets if settings.announcements_channel_id else (), ())
    found = await networks.network_of(db, home_guild_id)
    if found is None:
        raise Refusal(NOT_IN_A_NETWORK)
    guild_ids = (home_guild_id, *(g for g in found.guild_ids if g != home_guild_id))
    names = await networks.guild_names(db, guild_ids)
    targets, missing = [], []
    for guild_id in guild_ids:
        channel_id = (await get_settings(db, guild_id)).announcements_channel_id
        if channel_id is not None:
            targets.append((guild_id, channel_id))
        elif guild_id != home_guild_id:
            missing.append(names.get(guild_id, UNKNOWN_SERVER.format(guild_id=guild_id)))
    return Audience(found.id, tuple(targets), tuple(missing))


async def may_answer_from(
    db: Database, home_guild_id: int, network_id: int | None, answering_guild_id: int
) -> bool:
    """True if members of `answering_guild_id` may answer this item now."""
    if answering_guild_id == home_guild_id:
        return True
    if network_id is None:
        return False
    linked = await networks.network_of(db, answering_guild_id)
    return linked is not None and linked.id == network_id


async def require_answerable_from(
    db: Database, home_guild_id: int, network_id: int | None, answering_guild_id: int
) -> None:
    if not await may_answer_from(db, home_guild_id, network_id, answering_guild_id):
        raise Refusal(LEFT_THE_NETWORK)


async def per_server_lines(
    db: Database, counts: dict[int, int], unit: str, *, show_total: bool = True
) -> list[str]:
    """A per-server breakdown with fewer-than-5 (and complementary) suppression (rule 9).

    `show_total=False` where the total, less what the reader already sees by name,
    would give a suppressed figure away (a roster's unnamed yeses)."""
    names = await networks.guild_names(db, list(counts))
    labelled = {names.get(g, UNKNOWN_SERVER.format(guild_id=g)): n for g, n in counts.items()}
    return format_breakdown(suppress_breakdown(labelled), unit, show_total=show_total)
