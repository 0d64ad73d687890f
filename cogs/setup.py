"""/setup: moderators view and change this server's settings."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.client import SpeakBack
from bot.domain.errors import Refusal
from bot.domain.settings import (
    MAX_NOTICE_LENGTH,
    MAX_SUPPORT_LENGTH,
    GuildSettings,
    suggest_timezones,
    validate_long_text,
    validate_retention,
    validate_timezone,
)
from bot.guards import require_moderator
from bot.strings import setup as text
from bot.ui import SafeModal, embed
from db.settings import get_settings, save_notice, update_settings

MODERATOR = {"audience": "moderator"}


def describe_settings(settings: GuildSettings) -> str:
    def mention(kind: str, value: int | None) -> str:
        if value is None:
            return text.NOT_SET
        return f"<@&{value}>" if kind == "role" else f"<#{value}>"

    return text.SHOW_LINES.format(
        organiser=mention("role", settings.organiser_role_id)
        if settings.organiser_role_id
        else text.ORGANISER_FALLBACK,
        announce=mention("role", settings.announce_role_id),
        announcements=mention("channel", settings.announcements_channel_id),
        moderators=mention("channel", settings.moderators_channel_id),
        timezone=settings.timezone,
        split="yes" if settings.split_by_group else "no",
        retention=settings.retention_months,
        notice_version=settings.notice_version,
        notice_kind=text.CUSTOM if settings.notice_text else text.DEFAULT,
        support_kind=text.CUSTOM if settings.support_text else text.DEFAULT,
    )


class SupportModal(SafeModal, title=text.SUPPORT_MODAL_TITLE):
    def __init__(self, current: str) -> None:
        super().__init__()
        self.body = discord.ui.TextInput(
            label=text.SUPPORT_FIELD_LABEL,
            style=discord.TextStyle.paragraph,
            default=current[:MAX_SUPPORT_LENGTH],
            placeholder=text.SUPPORT_FIELD_PLACEHOLDER,
            max_length=MAX_SUPPORT_LENGTH,
        )
        self.add_item(self.body)

    async def on_submit(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)
        body = validate_long_text(self.body.value, what="support text", limit=MAX_SUPPORT_LENGTH)
        bot = interaction.client
        await update_settings(bot.db, interaction.guild_id, bot.clock.now(), support_text=body)
        await interaction.response.send_message(
            text.SUPPORT_SAVED, embed=embed(strings.SUPPORT_TITLE, body), ephemeral=True
        )


class NoticeModal(SafeModal, title=text.NOTICE_MODAL_TITLE):
    def __init__(self, current: str) -> None:
        super().__init__()
        self.body = discord.ui.TextInput(
            label=text.NOTICE_FIELD_LABEL,
            style=discord.TextStyle.paragraph,
            default=current[:MAX_NOTICE_LENGTH],
            max_length=MAX_NOTICE_LENGTH,
        )
        self.add_item(self.body)

    async def on_submit(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)
        body = validate_long_text(self.body.value, what="notice", limit=MAX_NOTICE_LENGTH)
        bot = interaction.client
        saved = await save_notice(bot.db, interaction.guild_id, body, bot.clock.now())
        await interaction.response.send_message(
            text.NOTICE_SAVED.format(version=saved.notice_version), ephemeral=True
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SetupGroup(app_commands.Group, name="setup", description="Moderators: set Speak Back up"):
    def __init__(self, bot: SpeakBack) -> None:
        super().__init__(extras=MODERATOR)
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_moderator(interaction)  # re-checked here whatever the client shows
        return True

    @app_commands.command(name="show", description="See this server's Speak Back settings")
    async def show(self, interaction: discord.Interaction) -> None:
        settings = await get_settings(self.bot.db, interaction.guild_id)
        await interaction.response.send_message(
            embed=embed(text.SETUP_TITLE, describe_settings(settings)), ephemeral=True
        )

    @app_commands.command(
        name="roles", description="Choose who organises, and the one role they may ping"
    )
    @app_commands.describe(
        organiser="People with this role can post polls, opportunities and meetings",
        announce="Optional: the one role organisers may ping when they post",
    )
    async def roles(
        self,
        interaction: discord.Interaction,
        organiser: discord.Role,
        announce: discord.Role | None = None,
    ) -> None:
        for role in (organiser, announce):
            if role is not None and role.is_default():
                raise Refusal(text.EVERYONE_ROLE)
        await update_settings(
            self.bot.db,
            interaction.guild_id,
            self.bot.clock.now(),
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

    @app_commands.command(
        name="channel", description="Choose where posts and moderator approvals go"
    )
    @app_commands.describe(
        announcements="Polls, opportunities and meetings are posted here",
        moderators="Optional: where requests that need a moderator's approval go",
    )
    async def channel(
        self,
        interaction: discord.Interaction,
        announcements: discord.TextChannel,
        moderators: discord.TextChannel | None = None,
    ) -> None:
        for chosen in (announcements, moderators):
            if chosen is not None:
                _check_can_post(interaction, chosen)
        await update_settings(
            self.bot.db,
            interaction.guild_id,
            self.bot.clock.now(),
            announcements_channel_id=announcements.id,
            moderators_channel_id=moderators.id if moderators else None,
        )
        moderators_part = (
            text.MODERATORS_PART.format(moderators=moderators.mention) if moderators else ""
        )
        await interaction.response.send_message(
            text.CHANNEL_SAVED.format(
                announcements=announcements.mention, moderators_part=moderators_part
            ),
            ephemeral=True,
        )

    @app_commands.command(
        name="timezone", description="Set the time zone that typed times are read in"
    )
    @app_commands.describe(zone="A time zone name such as Europe/London (pick from the list)")
    async def timezone(self, interaction: discord.Interaction, zone: str) -> None:
        zone = validate_timezone(zone)
        await update_settings(
            self.bot.db, interaction.guild_id, self.bot.clock.now(), timezone=zone
        )
        await interaction.response.send_message(
            text.TIMEZONE_SAVED.format(zone=zone), ephemeral=True
        )

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    @app_commands.command(name="support", description="Write what people see with /support")
    async def support(self, interaction: discord.Interaction) -> None:
        settings = await get_settings(self.bot.db, interaction.guild_id)
        await interaction.response.send_modal(
            SupportModal(settings.support_text or strings.DEFAULT_SUPPORT)
        )

    @app_commands.command(
        name="notice", description="Write the membership notice (members re-confirm)"
    )
    async def notice(self, interaction: discord.Interaction) -> None:
        from bot.domain.consent import default_notice  # the membership feature owns the text

        settings = await get_settings(self.bot.db, interaction.guild_id)
        await interaction.response.send_modal(NoticeModal(settings.notice_text or default_notice()))

    @app_commands.command(name="results", description="Show poll results by self-described group")
    @app_commands.describe(
        split_by_group="Add a breakdown by group (small groups are always hidden)"
    )
    async def results(self, interaction: discord.Interaction, split_by_group: bool) -> None:
        await update_settings(
            self.bot.db,
            interaction.guild_id,
            self.bot.clock.now(),
            split_by_group=int(split_by_group),
        )
        message = text.RESULTS_SAVED_ON if split_by_group else text.RESULTS_SAVED_OFF
        await interaction.response.send_message(message, ephemeral=True)

    @app_commands.command(name="retention", description="How long answers to closed items are kept")
    @app_commands.describe(
        months="Months after an item closes before its answers are erased (1-120)"
    )
    async def retention(self, interaction: discord.Interaction, months: int) -> None:
        months = validate_retention(months)
        await update_settings(
            self.bot.db, interaction.guild_id, self.bot.clock.now(), retention_months=months
        )
        await interaction.response.send_message(
            text.RETENTION_SAVED.format(months=months), ephemeral=True
        )


def _check_can_post(interaction: discord.Interaction, channel: discord.abc.GuildChannel) -> None:
    if not isinstance(channel, discord.TextChannel) or channel.guild.id != interaction.guild_id:
        raise Refusal(text.CHANNEL_NOT_TEXT)
    me = channel.guild.me
    if me is None:
        return
    perms = channel.permissions_for(me)
    if not (
        perms.view_channel and perms.send_messages and perms.embed_links and perms.attach_files
    ):
        raise Refusal(text.CHANNEL_NO_ACCESS.format(channel=channel.mention))


class SetupCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(SetupGroup(bot))

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command("setup")


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(SetupCog(bot))
