"""Network-wide posting, shared by polls, opportunities and meetings (DESIGN.md, "Networks").

The rules, in one place:
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

from bot.client import SpeakBack
from bot.domain.errors import Refusal
from bot.domain.suppression import format_breakdown, suppress_breakdown
from db import networks
from db.settings import get_settings

NOT_IN_A_NETWORK = (
    "This server isn't in a network, so there is nowhere else to post it. Leave out "
    "`network`, or ask a moderator about `/network create`. Nothing was posted."
)
LEFT_THE_NETWORK = (
    "This was shared by a network this server is no longer part of, so answers from here "
    "are closed. Nothing was changed."
)


@dataclass(frozen=True)
class Audience:
    network_id: int | None
    targets: tuple[tuple[int, int], ...]  # (guild_id, announcements channel_id), home first
    missing: tuple[str, ...]  # names of linked servers with no announcements channel


async def audience(bot: SpeakBack, home_guild_id: int, network: bool) -> Audience:
    """Where an item is posted: the home server, or every linked server."""
    if not network:
        settings = await get_settings(bot.db, home_guild_id)
        targets = ((home_guild_id, settings.announcements_channel_id),)
        return Audience(None, targets if settings.announcements_channel_id else (), ())
    found = await networks.network_of(bot.db, home_guild_id)
    if found is None:
        raise Refusal(NOT_IN_A_NETWORK)
    guild_ids = (home_guild_id, *(g for g in found.guild_ids if g != home_guild_id))
    names = await networks.guild_names(bot.db, guild_ids)
    targets, missing = [], []
    for guild_id in guild_ids:
        channel_id = (await get_settings(bot.db, guild_id)).announcements_channel_id
        if channel_id is None:
            missing.append(names.get(guild_id, f"server {guild_id}"))
        else:
            targets.append((guild_id, channel_id))
    return Audience(found.id, tuple(targets), tuple(missing))


async def may_answer_from(
    bot: SpeakBack, home_guild_id: int, network_id: int | None, answering_guild_id: int
) -> bool:
    """True if members of `answering_guild_id` may answer this item now."""
    if answering_guild_id == home_guild_id:
        return True
    if network_id is None:
        return False
    linked = await networks.network_of(bot.db, answering_guild_id)
    return linked is not None and linked.id == network_id


async def require_answerable_from(
    bot: SpeakBack, home_guild_id: int, network_id: int | None, answering_guild_id: int
) -> None:
    if not await may_answer_from(bot, home_guild_id, network_id, answering_guild_id):
        raise Refusal(LEFT_THE_NETWORK)


async def per_server_lines(bot: SpeakBack, counts: dict[int, int], unit: str) -> list[str]:
    """A per-server breakdown with fewer-than-5 (and complementary) suppression (rule 9)."""
    names = await networks.guild_names(bot.db, list(counts))
    labelled = {names.get(g, f"server {g}"): n for g, n in counts.items()}
    return format_breakdown(suppress_breakdown(labelled), unit)
