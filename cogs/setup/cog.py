"""/setup: moderators view and change this server's settings.

Each command parses, guards (moderators only, re-checked here), makes one call
(the settings repository) and answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.domain.consent import default_notice
from bot.domain.errors import Refusal
from bot.domain.ideas import validate_answer_days, validate_threshold
from bot.domain.settings import (
    DEFAULT_TIMEZONE,
    names_uk_time,
    read_timezone,
    suggest_timezones,
    validate_retention,
)
from bot.guards import require_moderator
from bot.strings import ideas as ideas_text
from bot.strings import pages as pages_text
from bot.strings import setup as text
from cogs.setup import flows, ui
from db import outcomes as outcomes_db
from db.jobs import Job
from db.networks import network_of
from db.pages import SNAPSHOT_JOB
from db.settings import get_settings, update_settings

if TYPE_CHECKING:
    from bot.client import SpeakBack

MODERATOR = {"audience": "moderator"}


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SetupGroup(app_commands.Group, name="setup", description=text.GROUP_DESCRIPTION):
    def __init__(self) -> None:
        super().__init__(extras=MODERATOR)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_moderator(interaction)  # re-checked here whatever the client shows
        return True

    @app_commands.command(name="show", description=text.SHOW_DESCRIPTION)
    async def show(self, interaction: discord.Interaction[SpeakBack]) -> None:
        db = interaction.client.db
        settings = await get_settings(db, interaction.guild_id)
        network = await network_of(db, interaction.guild_id)
        attention = ui.needs_attention(
            interaction.guild,
            settings,
            network.name if network is not None else None,
            reviews=await outcomes_db.count_review_dates(db, interaction.guild_id),
        )
        await interaction.response.send_message(
            embed=ui.settings_embed(settings, attention), ephemeral=True
        )

    @app_commands.command(name="roles", description=text.ROLES_DESCRIPTION)
    @app_commands.describe(
        organiser=text.ROLES_ORGANISER_OPTION, announce=text.ROLES_ANNOUNCE_OPTION
    )
    async def roles(
        self,
        interaction: discord.Interaction[SpeakBack],
        organiser: discord.Role,
        announce: discord.Role | None = None,
    ) -> None:
        for role in (organiser, announce):
            if role is not None and role.is_default():
                raise Refusal(text.EVERYONE_ROLE)
        if announce is not None:
            settings = await get_settings(interaction.client.db, interaction.guild_id)
            channel_id = settings.announcements_channel_id
            ui.check_can_ping(announce, announce.guild.get_channel(channel_id or 0))
        await update_settings(
            interaction.client.db,
            interaction.guild_id,
            interaction.client.clock.now(),
            organiser_role_id=organiser.id,
            announce_role_id=announce.id if announce else None,
        )
        announce_part = (
            text.ANNOUNCE_PART.format(announce=announce.mention)
            if announce
            else text.NO_ANNOUNCE_PART
        )
        await interaction.response.send_message(
            text.ROLES_SAVED.format(organiser=organiser.mention, announce_part=announce_part),
            ephemeral=True,
        )

    @app_commands.command(name="channel", description=text.CHANNEL_DESCRIPTION)
    @app_commands.describe(
        announcements=text.CHANNEL_ANNOUNCEMENTS_OPTION,
        moderators=text.CHANNEL_MODERATORS_OPTION,
        organisers=text.CHANNEL_ORGANISERS_OPTION,
    )
    async def channel(
        self,
        interaction: discord.Interaction[SpeakBack],
        announcements: discord.TextChannel,
        moderators: discord.TextChannel | None = None,
        organisers: discord.TextChannel | None = None,
    ) -> None:
        for chosen in (announcements, moderators, organisers):
            if chosen is not None:
                ui.check_can_post(interaction, chosen)
        await update_settings(
            interaction.client.db,
            interaction.guild_id,
            interaction.client.clock.now(),
            announcements_channel_id=announcements.id,
            moderators_channel_id=moderators.id if moderators else None,
            organisers_channel_id=organisers.id if organisers else None,
        )
        # e.g. outcome review reminders that had nowhere to go come now (late, not missed)
        interaction.client.dispatch("setup_channels_changed", interaction.guild_id)
        moderators_part = (
            text.MODERATORS_PART.format(moderators=moderators.mention) if moderators else ""
        )
        if organisers:
            moderators_part += text.ORGANISERS_PART.format(organisers=organisers.mention)
        await interaction.response.send_message(
            text.CHANNEL_SAVED.format(
                announcements=announcements.mention, moderators_part=moderators_part
            ),
            ephemeral=True,
        )

    @app_commands.command(name="timezone", description=text.TIMEZONE_DESCRIPTION)
    @app_commands.describe(zone=text.TIMEZONE_ZONE_OPTION, date_order=text.DATE_ORDER_OPTION)
    @app_commands.choices(
        date_order=[app_commands.Choice(name=n, value=v) for v, n in text.DATE_ORDERS.items()]
    )
    async def timezone(
        self,
        interaction: discord.Interaction[SpeakBack],
        zone: str | None = None,
        date_order: str | None = None,
    ) -> None:
        if zone is None and date_order is None:
            raise Refusal(text.TIMEZONE_NOTHING)
        changes: dict[str, str] = {}
        reading = read_timezone(zone) if zone is not None else None
        if reading is not None:
            changes["timezone"] = reading.zone
        if date_order is not None:
            changes["date_order"] = date_order
        saved = await update_settings(
            interaction.client.db,
            interaction.guild_id,
            interaction.client.clock.now(),
            **changes,
        )
        words = []
        if zone is not None:
            words.append(text.TIMEZONE_SAVED.format(zone=saved.timezone))
            if reading is not None and reading.note:
                words.append(strings.ZONE_NOTES[reading.note].format(zone=saved.timezone))
        if date_order is not None:
            words.append(text.DATE_ORDER_SAVED[saved.date_order])
        await interaction.response.send_message(" ".join(words), ephemeral=True)

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[SpeakBack], current: str
    ) -> list[app_commands.Choice[str]]:
        uk = names_uk_time(current)
        return [
            app_commands.Choice(
                name=text.UK_TIME_CHOICE if uk and z == DEFAULT_TIMEZONE else z, value=z
            )
            for z in suggest_timezones(current)
        ]

    @app_commands.command(name="support", description=text.SUPPORT_DESCRIPTION)
    async def support(self, interaction: discord.Interaction[SpeakBack]) -> None:
        settings = await get_settings(interaction.client.db, interaction.guild_id)
        await interaction.response.send_modal(
            ui.SupportModal(settings.support_text or strings.DEFAULT_SUPPORT)
        )

    @app_commands.command(name="notice", description=text.NOTICE_DESCRIPTION)
    async def notice(self, interaction: discord.Interaction[SpeakBack]) -> None:
        settings = await get_settings(interaction.client.db, interaction.guild_id)
        await interaction.response.send_modal(
            ui.NoticeModal(settings.notice_text or default_notice())
        )

    @app_commands.command(name="results", description=text.RESULTS_DESCRIPTION)
    @app_commands.describe(split_by_group=text.RESULTS_SPLIT_OPTION)
    async def results(
        self, interaction: discord.Interaction[SpeakBack], split_by_group: bool
    ) -> None:
        await update_settings(
            interaction.client.db,
            interaction.guild_id,
            interaction.client.clock.now(),
            split_by_group=int(split_by_group),
        )
        message = text.RESULTS_SAVED_ON if split_by_group else text.RESULTS_SAVED_OFF
        await interaction.response.send_message(message, ephemeral=True)

    @app_commands.command(name="welcome", description=text.WELCOME_DESCRIPTION)
    @app_commands.describe(channel=text.WELCOME_CHANNEL_OPTION)
    async def welcome(
        self,
        interaction: discord.Interaction[SpeakBack],
        channel: discord.TextChannel | None = None,
    ) -> None:
        require_moderator(interaction)
        target = channel or interaction.channel
        ui.check_can_post(interaction, target)  # type: ignore[arg-type]
        assert isinstance(target, discord.TextChannel)
        await ui.post_welcome(interaction, target)
        await interaction.response.send_message(
            text.WELCOME_POSTED.format(channel=target.mention), ephemeral=True
        )

    @app_commands.command(name="ideas", description=ideas_text.SETUP_IDEAS_DESCRIPTION)
    @app_commands.describe(
        review=ideas_text.SETUP_REVIEW_OPTION,
        threshold=ideas_text.SETUP_THRESHOLD_OPTION,
        answer_within_days=ideas_text.SETUP_DAYS_OPTION,
    )
    async def ideas(
        self,
        interaction: discord.Interaction[SpeakBack],
        review: bool | None = None,
        threshold: int | None = None,
        answer_within_days: int | None = None,
    ) -> None:
        changes: dict[str, int] = {}
        if review is not None:
            changes["ideas_review"] = int(review)
        if threshold is not None:
            changes["ideas_threshold"] = validate_threshold(threshold)
        if answer_within_days is not None:
            changes["ideas_answer_days"] = validate_answer_days(answer_within_days)
        saved = await update_settings(
            interaction.client.db, interaction.guild_id, interaction.client.clock.now(), **changes
        )
        await interaction.response.send_message(
            ideas_text.SETUP_SAVED.format(
                review=ideas_text.ON if saved.ideas_review else ideas_text.OFF,
                threshold=saved.ideas_threshold,
                days=saved.ideas_answer_days,
            ),
            ephemeral=True,
        )

    @app_commands.command(name="publish", description=pages_text.PUBLISH_DESCRIPTION)
    async def publish(self, interaction: discord.Interaction[SpeakBack]) -> None:
        bot = interaction.client
        assert bot.services is not None
        published = await flows.publishing(
            bot.services, interaction.guild_id, bot.config.web_base_url
        )
        await interaction.response.send_message(**ui.publish_message(published), ephemeral=True)

    @app_commands.command(name="retention", description=text.RETENTION_DESCRIPTION)
    @app_commands.describe(months=text.RETENTION_MONTHS_OPTION)
    async def retention(self, interaction: discord.Interaction[SpeakBack], months: int) -> None:
        months = validate_retention(months)
        await update_settings(
            interaction.client.db,
            interaction.guild_id,
            interaction.client.clock.now(),
            retention_months=months,
        )
        await interaction.response.send_message(
            text.RETENTION_SAVED.format(months=months), ephemeral=True
        )


class SetupCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(SetupGroup())

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction[SpeakBack], command: object
    ) -> None:
        """The first reply to a moderator in a new server carries the set-up checklist."""
        await ui.maybe_checklist(interaction)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
        services = self.bot.services
        if services is not None:  # the daily snapshot of published figures (issue 25)
            services.dispatcher.register(SNAPSHOT_JOB, self._snapshot_job)
            await flows.ensure_snapshot_job(services)

    async def _snapshot_job(self, job: Job, now: datetime) -> None:
        assert self.bot.services is not None
        await flows.snapshot_job(self.bot.services, job)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        self.bot.tree.remove_command("setup")


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(SetupCog(bot))
