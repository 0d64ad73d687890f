"""/join, /leave, /me ... and /members count: opt-in, stepping back, leaving, data rights.

Rules 1, 3, 4, 5, 11 and 14. Each command parses, guards, makes one call to
`flows` and answers with `ui`. This cog also registers the delivery recipient
policy (`flows.recipient_policy`), how the member guard's `NoticeNeeded` is
shown (the new notice, with I agree / Not now), and the work that tells members
with reminders that the notice changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import me_group
from bot.domain.notice_edits import NOTICE_CHANGED_JOB
from bot.errors import present_with
from bot.guards import (
    NoticeNeeded,
    actor_guild_id,
    require_member,
    require_organiser,
    still_in_server,
)
from bot.strings import membership as text
from cogs.membership import flows, ui
from db.jobs import Job

if TYPE_CHECKING:
    from datetime import datetime

    from bot.client import SpeakBack
    from db.jobs import Job

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}


class MembersGroup(app_commands.Group, name="members", description=text.MEMBERS_DESCRIPTION):
    def __init__(self) -> None:
        super().__init__(guild_only=True, extras=ORGANISER)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await require_organiser(interaction)  # re-checked here whatever the client shows
        return True

    @app_commands.command(name="count", description=text.COUNT_DESCRIPTION)
    async def count(self, interaction: discord.Interaction[SpeakBack]) -> None:
        guild_id = actor_guild_id(interaction)
        totals, events = await flows.count_members(ui.services_of(interaction), guild_id)
        await interaction.response.send_message(
            embed=ui.counts_embed(totals, events), ephemeral=True
        )


class MembershipCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        self._me_commands = [
            self._me_command("show", text.SHOW_DESCRIPTION, MembershipCog.show),
            self._me_command("settings", text.SETTINGS_DESCRIPTION, MembershipCog.settings),
            self._me_command("pause", text.PAUSE_DESCRIPTION, MembershipCog.pause),
            self._me_command("resume", text.RESUME_DESCRIPTION, MembershipCog.resume),
            self._me_command("export", text.EXPORT_DESCRIPTION, MembershipCog.export),
            self._me_command("delete", text.DELETE_DESCRIPTION, MembershipCog.delete),
        ]
        group = me_group(bot)
        for command in self._me_commands:
            group.add_command(command)
        self._members_group = MembersGroup()
        bot.tree.add_command(self._members_group)
        # Exists once setup_hook has opened the database (not in command-only loads).
        if getattr(bot, "dispatcher", None) is not None:
            bot.dispatcher.register(flows.PAUSE_END_JOB, self._pause_end_job)
            bot.dispatcher.register(NOTICE_CHANGED_JOB, self._notice_changed_job)

    def _me_command(self, name: str, description: str, callback: Any) -> app_commands.Command:
        # Built by hand (the /me group is shared), bound to this cog like a cog command.
        command = app_commands.Command(
            name=name, description=description, callback=callback, extras=MEMBER
        )
        command.binding = self
        return command

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
        delivery = getattr(self.bot, "delivery", None)
        if delivery is not None:
            delivery.set_recipient_policy(flows.recipient_policy(self.bot.db))
        services = getattr(self.bot, "services", None)
        if services is not None:  # not in command-only loads
            services.dispatcher.register(flows.PRESENCE_SWEEP_JOB, self._presence_sweep)
            await flows.ensure_presence_sweep(services, services.clock.now())

    async def _presence_sweep(self, job: Job, now: datetime) -> None:
        """Who is still in their server (Discord's member endpoint), and erasure 30 days
        after someone was first found gone (issue 19)."""
        assert self.bot.services is not None

        async def lookup(guild_id: int, user_id: int) -> bool | None:
            return await still_in_server(self.bot, guild_id, user_id)

        await flows.sweep_presence(
            self.bot.services,
            lookup,
            now,
            secret=self.bot.config.secret,
            dispatch=self.bot.dispatch,
        )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        group = me_group(self.bot)
        for command in self._me_commands:
            group.remove_command(command.name)
        self.bot.tree.remove_command("members")

    # -- after a real change to the notice ------------------------------------------

    async def _notice_changed_job(self, job: Job, now: datetime) -> None:
        services = self.bot.services
        assert services is not None
        guild_id, version = int(job.payload["guild_id"]), int(job.payload["version"])
        await flows.tell_notice_changed(
            services, guild_id, version, ui.notice_changed_payload(guild_id)
        )

    # -- /join and /leave -----------------------------------------------------------

    @app_commands.command(name="join", description=text.JOIN_DESCRIPTION)
    @app_commands.guild_only()
    async def join(self, interaction: discord.Interaction[SpeakBack]) -> None:
        guild_id = actor_guild_id(interaction)
        joining = await flows.start_joining(
            ui.services_of(interaction), guild_id, interaction.user.id
        )
        if joining.status is None:
            await ui.show_notice(interaction, joining.settings, outdated=joining.outdated)
        else:
            await ui.send_status(interaction, joining.status, text.ALREADY_MEMBER)

    # /leave and /me also work in a DM with the bot (a server shared with it is needed):
    # someone who would rather not open the server can still see, export, step back or
    # leave. `ui.server_for` asks which server when they are a member of several.

    @app_commands.command(name="leave", description=text.LEAVE_DESCRIPTION, extras=MEMBER)
    @app_commands.allowed_contexts(guilds=True, dms=True)
    async def leave(self, interaction: discord.Interaction[SpeakBack]) -> None:
        await self._in_server(interaction, "leave")

    async def _in_server(
        self, interaction: discord.Interaction[SpeakBack], action: str, until: str | None = None
    ) -> None:
        guild_id = await ui.server_for(interaction, action, until)
        if guild_id is not None:
            await ui.me_in_server(interaction, action, guild_id, until)

    # -- /me ...  (callbacks bound to this cog by hand: the group is shared) ------------

    async def show(self, interaction: discord.Interaction[SpeakBack]) -> None:
        await self._in_server(interaction, "show")

    async def settings(self, interaction: discord.Interaction[SpeakBack]) -> None:
        if interaction.guild_id is None:
            await interaction.response.send_message(text.DM_ONLY_IN_SERVER, ephemeral=True)
            return
        member = await require_member(interaction)
        await interaction.response.send_message(
            text.SETTINGS_INTRO, view=ui.settings_view(member), ephemeral=True
        )

    @app_commands.describe(until=text.PAUSE_OPTION)
    async def pause(
        self, interaction: discord.Interaction[SpeakBack], until: str | None = None
    ) -> None:
        await self._in_server(interaction, "pause", until.strip() if until else None)

    async def resume(self, interaction: discord.Interaction[SpeakBack]) -> None:
        await self._in_server(interaction, "resume")

    async def _pause_end_job(self, job: Job, now: datetime) -> None:
        """A pause ended by its date: one DM of what came meanwhile (if anything did)."""
        guild = self.bot.get_guild(int(job.payload["guild_id"]))
        server = guild.name if guild is not None else text.THIS_SERVER
        await flows.pause_ended(self.bot.services, job.payload, ui.pause_ended_words(server))

    async def export(self, interaction: discord.Interaction[SpeakBack]) -> None:
        await self._in_server(interaction, "export")

    async def delete(self, interaction: discord.Interaction[SpeakBack]) -> None:
        await self._in_server(interaction, "leave")


async def present_notice_needed(interaction: discord.Interaction, error: BaseException) -> None:
    """The member guard's `NoticeNeeded`: show the new notice, with I agree / Not now."""
    assert isinstance(error, NoticeNeeded)
    # What they pressed carries on once they agree, so they need not press it again.
    origin = ui.origin_to_carry(interaction, error.settings.notice_version)
    note = text.AFTER_NOTICE_CARRY_ON if origin is not None else error.note
    await ui.show_notice(interaction, error.settings, outdated=True, note=note, origin=origin)


async def setup(bot: SpeakBack) -> None:
    present_with(NoticeNeeded, present_notice_needed)
    await bot.add_cog(MembershipCog(bot))
