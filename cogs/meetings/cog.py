"""Meetings' commands and the cog: listeners and the reminder and roll job handlers.

`/meeting schedule` reads the start in the server's time zone and echoes it back
privately with **Post it** / **Change** (`ui.py`); what happens then, and when
reminders come due, is in `flows.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import commitments
from bot.commands import me_group
from bot.domain.recurrence import RULES
from bot.guards import actor_guild_id, require_organiser
from bot.notes import open_note_form, register_audience
from bot.strings import meetings as text
from cogs.meetings import calendar_ui, flows
from cogs.meetings.ui import (
    DYNAMIC_ITEMS,
    LOOKS,
    calendar_of,
    cancelled_words,
    draft_view,
    echo_embed,
    edited_words,
    ics_reply,
    meeting_autocomplete,
    services_of,
    still_down_for,
    upcoming_embed,
    visible_autocomplete,
)
from db import meetings as repo
from db.jobs import Job

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}
REPEAT_CHOICES = [app_commands.Choice(name=rule, value=rule) for rule in RULES]

Interaction = discord.Interaction["SpeakBack"]


@app_commands.guild_only()
class MeetingGroup(app_commands.Group, name="meeting", description=text.GROUP_DESCRIPTION):
    def __init__(self) -> None:
        super().__init__(extras=ORGANISER)

    @app_commands.command(name="schedule", description=text.SCHEDULE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(
        title=text.TITLE_HELP,
        start=text.START_HELP,
        duration=text.DURATION_HELP,
        place=text.PLACE_HELP,
        repeat=text.REPEAT_HELP,
        reminders=text.REMINDERS_HELP,
        discord_event=text.DISCORD_EVENT_HELP,
        network=text.NETWORK_HELP,
        ping=text.PING_HELP,
    )
    @app_commands.choices(repeat=REPEAT_CHOICES)
    async def schedule(
        self,
        interaction: Interaction,
        title: str,
        start: str,
        duration: app_commands.Range[int, 5, 1440] | None = None,
        place: str | None = None,
        repeat: str = "none",
        reminders: str | None = None,
        discord_event: bool = False,
        network: bool = False,
        ping: bool = False,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        draft = await flows.start_draft(
            services_of(interaction),
            settings,
            interaction.user.id,
            interaction.channel_id,
            title=title,
            start=start,
            duration=duration,
            place=place,
            repeat=repeat,
            reminders=reminders,
            discord_event=discord_event,
            network=network,
            ping=ping,
        )
        await interaction.response.send_message(
            embed=echo_embed(draft.data), view=draft_view(draft.id, draft.data), ephemeral=True
        )

    @app_commands.command(name="edit", description=text.EDIT_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(
        meeting=text.MEETING_HELP,
        title=text.TITLE_HELP,
        start=text.START_HELP,
        duration=text.DURATION_HELP,
        place=text.PLACE_HELP,
        repeat=text.REPEAT_HELP,
        reminders=text.REMINDERS_HELP,
    )
    @app_commands.choices(repeat=REPEAT_CHOICES)
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def edit(
        self,
        interaction: Interaction,
        meeting: int,
        title: str | None = None,
        start: str | None = None,
        duration: app_commands.Range[int, 5, 1440] | None = None,
        place: str | None = None,
        repeat: str | None = None,
        reminders: str | None = None,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        services = services_of(interaction)
        change = await flows.plan_edit(
            services,
            meeting,
            actor_guild_id(interaction),
            settings.timezone,
            title=title,
            start=start,
            duration=duration,
            place=place,
            repeat=repeat,
            reminders=reminders,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        changed = await flows.apply_edit(services, LOOKS, calendar_of(interaction.client), change)
        await interaction.followup.send(edited_words(changed, change.moved), ephemeral=True)

    @app_commands.command(name="cancel", description=text.CANCEL_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(meeting=text.MEETING_HELP, date=text.CANCEL_DATE_HELP)
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def cancel(self, interaction: Interaction, meeting: int, date: str | None = None) -> None:
        await require_organiser(interaction)
        services = services_of(interaction)
        cancel = await flows.plan_cancel(services, meeting, actor_guild_id(interaction), date)
        await interaction.response.defer(ephemeral=True, thinking=True)
        changed = await flows.apply_cancel(services, LOOKS, calendar_of(interaction.client), cancel)
        await interaction.followup.send(cancelled_words(changed), ephemeral=True)

    @app_commands.command(name="message", description=text.MESSAGE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(meeting=text.MEETING_HELP, date=text.MESSAGE_DATE_HELP)
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def message(
        self, interaction: Interaction, meeting: int, date: str | None = None
    ) -> None:
        await require_organiser(interaction)
        key = await flows.note_key(
            services_of(interaction), meeting, actor_guild_id(interaction), date
        )
        await open_note_form(interaction, flows.NOTE_KIND, key)

    @app_commands.command(name="ics", description=text.ICS_DESCRIPTION, extras=EVERYONE)
    @app_commands.describe(meeting=text.MEETING_HELP, series=text.SERIES_HELP)
    @app_commands.autocomplete(meeting=visible_autocomplete)
    async def ics(self, interaction: Interaction, meeting: int, series: bool = False) -> None:
        guild_id = actor_guild_id(interaction)
        found = await flows.calendar_file(services_of(interaction), meeting, guild_id, series)
        words, file = ics_reply(found)
        await interaction.response.send_message(words, file=file, ephemeral=True)


class MeetingsCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(MeetingGroup())
        self._me = app_commands.Command(
            name="calendar",
            description=text.CALENDAR_DESCRIPTION,
            callback=MeetingsCog.me_calendar,
            extras=MEMBER,
        )
        self._me.binding = self
        me_group(bot).add_command(self._me)
        # The services exist once setup_hook has opened the database (not in command-only loads).
        services = bot.services
        if services is not None:
            services.dispatcher.register(flows.REMINDER_JOB, self._reminder_job, reminder=True)
            services.dispatcher.register(flows.ROLL_JOB, self._roll_job)
            services.retention.add_sweeper(repo.sweep)
            services.on_leaving(self._names_leave_posts)
        register_audience(flows.NOTE_KIND, flows.note_audience)
        commitments.register(flows.NOTE_KIND, still_down_for)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS, *calendar_ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS, *calendar_ui.DYNAMIC_ITEMS)
        self.bot.tree.remove_command("meeting")
        me_group(self.bot).remove_command("calendar")

    async def me_calendar(self, interaction: Interaction) -> None:
        """`/me calendar`: a private calendar address (or a file) of their meetings."""
        await calendar_ui.me_calendar(interaction)

    @property
    def services(self) -> Services:
        assert self.bot.services is not None
        return self.bot.services

    # -- timed work -----------------------------------------------------------------

    async def _reminder_job(self, job: Job, now: datetime) -> None:
        await flows.send_due_reminders(self.services, LOOKS, job, now)

    async def _roll_job(self, job: Job, now: datetime) -> None:
        await flows.roll_on(self.services, LOOKS, calendar_of(self.bot), job, now)

    # -- members changing their settings or leaving -----------------------------------

    @commands.Cog.listener()
    async def on_member_settings_changed(self, guild_id: int, user_id: int) -> None:
        await flows.member_settings_changed(self.services, guild_id, user_id)

    async def _names_leave_posts(self, guild_id: int, user_id: int) -> None:
        await flows.names_leave_posts(self.services, LOOKS, guild_id)

    @commands.Cog.listener()
    async def on_member_left(self, guild_id: int, user_id: int) -> None:
        await flows.member_left(self.services, LOOKS, guild_id, user_id)

    # -- /meetings ----------------------------------------------------------------------

    @app_commands.command(name="meetings", description=text.LIST_DESCRIPTION, extras=EVERYONE)
    @app_commands.guild_only()
    async def meetings(self, interaction: Interaction) -> None:
        guild_id = actor_guild_id(interaction)
        upcoming = await flows.upcoming_meetings(
            services_of(interaction), guild_id, interaction.user.id
        )
        if not upcoming.shown:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        await interaction.response.send_message(embed=upcoming_embed(upcoming), ephemeral=True)


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(MeetingsCog(bot))
