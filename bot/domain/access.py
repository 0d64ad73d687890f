"""Who may do what: member, organiser, moderator (DESIGN.md, "Who uses it").

Discord's `default_permissions` is only a hint to clients; every mutating command
and every button re-checks with these rules on the server side (rule 7).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.settings import GuildSettings


@dataclass(frozen=True)
class Actor:
    """The person behind an interaction, as the server sees them right now."""

    user_id: int
    role_ids: frozenset[int]
    manage_guild: bool


def is_moderator(actor: Actor) -> bool:
    return actor.manage_guild


def is_organiser(actor: Actor, settings: GuildSettings) -> bool:
    """Holders of the organiser role; until one is set, people with Manage Server."""
    if settings.organiser_role_id is None:
        return actor.manage_guild
    return settings.organiser_role_id in actor.role_ids
