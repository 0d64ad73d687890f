"""Server-side permission checks shared by every command, button and modal (rule 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot import strings
from bot.domain.access import Actor, is_moderator, is_organiser
from bot.domain.members import Member, notice_is_current
from bot.domain.settings import GuildSettings
from bot.errors import NotAllowed
from bot.strings.membership import AFTER_NOTICE_RETRY, LEFT_THE_SERVER
from db.members import member_and_notice, record_presence, seen_in_server
from db.settings import get_settings

if TYPE_CHECKING:
    from bot.client import SpeakBack


def actor_of(interaction: discord.Interaction) -> Actor:
    """The person as this server sees them now; refuses outside a server."""
    user = interaction.user
    if interaction.guild_id is None or not isinstance(user, discord.Member):
        raise NotAllowed(strings.NEEDS_SERVER)
    perms = interaction.permissions
    return Actor(
        user_id=user.id,
        role_ids=frozenset(role.id for role in user.roles),
        manage_guild=perms.manage_guild or perms.administrator,
    )


def require_moderator(interaction: discord.Interaction) -> Actor:
    actor = actor_of(interaction)
    if not is_moderator(actor):
        raise NotAllowed(strings.NEEDS_MODERATOR)
    return actor


async def require_organiser(interaction: discord.Interaction) -> tuple[Actor, GuildSettings]:
    actor = actor_of(interaction)
    bot: SpeakBack = interaction.client  # type: ignore[assignment]
    settings = await get_settings(bot.db, actor_guild_id(interaction))
    if not is_organiser(actor, settings):
        raise NotAllowed(organiser_refusal(interaction, settings))
    return actor, settings


def actor_guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise NotAllowed(strings.NEEDS_SERVER)
    return interaction.guild_id


def organiser_refusal(interaction: discord.Interaction, settings: GuildSettings) -> str:
    if settings.organiser_role_id is None:
        return strings.NEEDS_ORGANISER_NO_ROLE
    role = interaction.guild.get_role(settings.organiser_role_id) if interaction.guild else None
    return strings.NEEDS_ORGANISER_ROLE.format(role=role.name if role else "organiser")


def moderator_only():
    """Command check: Manage Server, re-checked on our side."""

    def predicate(interaction: discord.Interaction) -> bool:
        require_moderator(interaction)
        return True

    return app_commands.check(predicate)


def organiser_only():
    """Command check: the server's organiser role (or Manage Server until one is set)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        await require_organiser(interaction)
        return True

    return app_commands.check(predicate)


class NoticeNeeded(NotAllowed):
    """The member has not yet agreed to this server's current notice.

    Raised by the member guard; the error handler presents it through what
    membership registers (`bot.errors.present_with`): the new notice with
    I agree / Not now. Nothing in bot/ needs to know how a notice is shown.
    """

    def __init__(self, settings: GuildSettings, note: str) -> None:
        super().__init__(note)
        self.settings = settings
        self.note = note


async def require_member(
    interaction: discord.Interaction,
    *,
    allow_outdated_notice: bool = False,
    found: tuple[Member | None, int] | None = None,
    guild_id: int | None = None,
) -> Member:
    """The member behind this interaction, re-checked now (rule 7).

    Non-members get the friendly join hint. A member who has not yet agreed to
    the server's current notice is shown it (with I agree / Not now) before
    anything else happens; pass `allow_outdated_notice=True` for things a
    person may always do (see, export or erase their data, step back).
    `found` is (member, notice version) when the caller has just read them
    together with what it needs (`db.members.member_and_notice` shape). `guild_id` is
    the server chosen for a command used in a DM (else the interaction's own).
    """
    if guild_id is None:
        guild_id = actor_guild_id(interaction)
    bot: SpeakBack = interaction.client  # type: ignore[assignment]
    if found is None:
        found = await member_and_notice(bot.db, guild_id, interaction.user.id)
    member, notice_version = found
    if member is None:
        raise NotAllowed(strings.JOIN_FIRST)
    if member.gone_since is not None and interaction.guild_id == guild_id:
        # Found gone from the server once, but using the bot there again: not erased.
        await seen_in_server(bot.db, guild_id, member.user_id)
    if not allow_outdated_notice and not notice_is_current(member, notice_version):
        raise NoticeNeeded(await get_settings(bot.db, guild_id), AFTER_NOTICE_RETRY)
    return member


def member_only():
    """Command check: a member of Speak Back in this server, with the current notice."""

    async def predicate(interaction: discord.Interaction) -> bool:
        await require_member(interaction)
        return True

    return app_commands.check(predicate)


# -- still in the server? (issue 19) ----------------------------------------------------

UNKNOWN_MEMBER = 10007  # Discord's code for "this person is not in this server"


async def still_in_server(bot: SpeakBack, guild_id: int, user_id: int) -> bool | None:
    """Whether Discord's member endpoint says this person is in the server: False only
    for 404 Unknown Member (a refused DM cannot tell closed DMs from leaving), None when
    it could not tell (the bot was removed, Discord is having trouble)."""
    try:
        await bot.http.get_member(guild_id, user_id)
    except discord.NotFound as error:
        return False if error.code == UNKNOWN_MEMBER else None
    except (discord.HTTPException, OSError):
        return None
    return True


async def require_in_server(interaction: discord.Interaction, guild_id: int) -> None:
    """A press in a DM (an old invitation) acts for a server the person may have left:
    ask Discord first, record what it says, and refuse kindly if they are gone."""
    bot: SpeakBack = interaction.client  # type: ignore[assignment]
    present = await still_in_server(bot, guild_id, interaction.user.id)
    if present is None:
        return  # could not tell: the database decides, as for any press
    await record_presence(
        bot.db, guild_id, interaction.user.id, present=present, now=bot.clock.now()
    )
    if not present:
        raise NotAllowed(LEFT_THE_SERVER)
