"""Forms one feature opens for another, by name, so no feature imports another.

A feature that owns a form registers an opener at start-up; another feature asks
for it with what to fill in. E.g. after organisers take an idea forward,
**Start a poll** opens the poll form with the question already written:

    forms.register("poll", open_poll_form)              # cogs/polls
    await forms.open_form("poll", interaction, {"question": "..."})   # cogs/ideas

The opener re-checks who may use it (rule 7); it must answer the interaction
with the form (a modal is only ever a first response).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.domain.errors import Refusal

Opener = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]
NOT_AVAILABLE = "That form isn't available right now, sorry. Nothing was changed."

_openers: dict[str, Opener] = {}


def register(name: str, opener: Opener) -> None:
    _openers[name] = opener


def unregister(name: str) -> None:
    _openers.pop(name, None)


async def open_form(name: str, interaction: discord.Interaction, prefill: dict[str, str]) -> None:
    opener = _openers.get(name)
    if opener is None:
        raise Refusal(NOT_AVAILABLE)
    await opener(interaction, prefill)
