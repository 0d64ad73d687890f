"""What a person is still down for, across features: shown when they step back.

Features register a provider (`register`); `/me pause` gathers them, so membership
lists places and meetings without importing the features that own them. Each entry
carries that feature's own step-out button (its DynamicItem, so it routes to the
feature, re-checks on press, and works after a restart).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Commitment:
    line: str  # e.g. "**Co-deliver staff training**: you have a place"
    step_out: discord.ui.Item  # the owning feature's button that steps out of it


Provider = Callable[["Services", int, int], Awaitable[list[Commitment]]]
_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """One provider per feature (registering again replaces it: reloading is safe)."""
    _PROVIDERS[name] = provider


async def still_down_for(services: Services, guild_id: int, user_id: int) -> list[Commitment]:
    found: list[Commitment] = []
    for name in sorted(_PROVIDERS):
        found.extend(await _PROVIDERS[name](services, guild_id, user_id))
    return found
