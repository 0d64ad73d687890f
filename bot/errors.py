"""One way to answer failures: kind words for people, full detail in the log.

`answer_error` is used by the command tree, by our buttons and by our modals, so
every path fails the same way: a Refusal or a permission problem is shown as its
own kind sentence; anything unexpected is logged with a short reference code
that the person sees too, never a traceback.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from bot import strings
from bot.domain.errors import Refusal

log = logging.getLogger("speakback.errors")


class NotAllowed(app_commands.CheckFailure):
    """The person lacks the role or permission; the message says which."""


class JoinFirst(NotAllowed):
    """Not a member here: the reply carries **Read about joining** (membership shows it)."""

    def __init__(self, message: str = strings.JOIN_FIRST) -> None:
        super().__init__(message)


Presenter = Callable[[discord.Interaction, BaseException], Awaitable[None]]
_presenters: dict[type[BaseException], Presenter] = {}


def present_with(kind: type[BaseException], presenter: Presenter) -> None:
    """Answer errors of `kind` with `presenter` instead of a sentence.

    A feature registers how it shows something a guard asks for (membership shows
    the new notice for `NoticeNeeded`), so bot/ raises without knowing the feature.
    """
    _presenters[kind] = presenter


def new_reference() -> str:
    return secrets.token_hex(3).upper()


def root_cause(error: BaseException) -> BaseException:
    """The error the person's request really hit, unwrapped from discord.py's wrappers."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
        return error.__cause__
    return error


def user_message_for(error: BaseException) -> tuple[str, str | None]:
    """(text for the person, reference code if it was unexpected)."""
    root = root_cause(error)
    if isinstance(root, Refusal | NotAllowed):
        return str(root), None
    if isinstance(root, app_commands.NoPrivateMessage):
        return strings.NEEDS_SERVER, None
    if isinstance(root, app_commands.CommandOnCooldown):
        seconds = max(1, round(root.retry_after))
        return strings.COOLDOWN.format(
            seconds=seconds, unit=strings.noun(seconds, "second", "seconds")
        ), None
    if isinstance(root, app_commands.MissingPermissions):
        return strings.NEEDS_MODERATOR, None
    reference = new_reference()
    return strings.UNEXPECTED_ERROR.format(reference=reference), reference


async def answer_error(interaction: discord.Interaction, error: BaseException) -> None:
    root = root_cause(error)
    presenter = _presenters.get(type(root))
    if presenter is not None:
        await presenter(interaction, root)  # e.g. the new notice, with its buttons
        return
    text, reference = user_message_for(error)
    if reference is not None:
        command = interaction.command.qualified_name if interaction.command else None
        # Never who pressed it (no personal data in logs), nor the part of a custom id
        # that carries a ballot being filled in: which item and which step is enough.
        log.error(
            "Unexpected error [ref %s] (command=%s, component=%s, guild=%s)",
            reference,
            command,
            _component_kind((interaction.data or {}).get("custom_id")),
            interaction.guild_id,
            exc_info=error,
        )
    await reply_ephemeral(interaction, text)


def _component_kind(custom_id: object) -> str | None:
    """`poll:12:rk:0.3` -> `poll:12:rk`: the item and the step, not what was chosen."""
    if not isinstance(custom_id, str):
        return None
    return ":".join(custom_id.split(":")[:3])


async def reply_ephemeral(interaction: discord.Interaction, text: str, **kwargs: object) -> None:
    """Answer privately whether or not the interaction was already acknowledged."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, **kwargs)
        else:
            await interaction.response.send_message(text, ephemeral=True, **kwargs)
    except discord.HTTPException:
        log.warning("Could not deliver an error reply for interaction %s", interaction.id)
