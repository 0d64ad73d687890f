"""/setup's screens: the settings summary, the support and notice forms, the channel check."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot import strings
from bot.domain.errors import Refusal
from bot.domain.settings import (
    MAX_NOTICE_LENGTH,
    MAX_SUPPORT_LENGTH,
    GuildSettings,
    validate_long_text,
)
from bot.guards import require_moderator
from bot.strings import setup as text
from bot.ui import SafeModal, embed, shown
from db.settings import save_notice, update_settings

if TYPE_CHECKING:
    from bot.client import SpeakBack


def describe_settings(settings: GuildSettings) -> str:
    def mention(kind: str, value: int | None) -> str:
        if value is None:
            return text.NOT_SET
        return f"<@&{value}>" if kind == "role" else f"<#{value}>"

    lines = text.SHOW_LINES.format(
        organiser=mention("role", settings.organiser_role_id)
        if settings.organiser_role_id
        else text.ORGANISER_FALLBACK,
        announce=mention("role", settings.announce_role_id),
        announcements=mention("channel", settings.announcements_channel_id),
        moderators=mention("channel", settings.moderators_channel_id),
        timezone=settings.timezone,
        date_order=text.DATE_ORDERS.get(settings.date_order, settings.date_order),
        split=text.YES if settings.split_by_group else text.NO,
        retention=settings.retention_months,
        notice_version=settings.notice_version,
        notice_kind=text.CUSTOM if settings.notice_text else text.DEFAULT,
        support_kind=text.CUSTOM if settings.support_text else text.DEFAULT,
    )
    lines += text.SHOW_IDEAS.format(
        organisers=mention("channel", settings.organisers_channel_id)
        if settings.organisers_channel_id
        else text.ORGANISERS_FALLBACK,
        review=text.YES if settings.ideas_review else text.NO,
        threshold=settings.ideas_threshold,
        days=settings.ideas_answer_days,
    )
    return lines


def settings_embed(settings: GuildSettings, attention: list[str] | None = None) -> discord.Embed:
    """The settings, ending with what needs attention (or that nothing does)."""
    body = describe_settings(settings)
    if attention is not None:
        if attention:
            lines = "\n".join(f"- {line}" for line in attention)
            body = f"{body}\n\n{text.NEEDS_ATTENTION_TITLE}\n{lines}"
        else:
            body = f"{body}\n\n{text.NOTHING_NEEDS_ATTENTION}"
    return embed(text.SETUP_TITLE, body)


def can_ping(role: discord.Role, channel: discord.abc.GuildChannel | None) -> bool:
    """Whether a ping of `role` by the bot notifies anyone (in `channel`, if chosen)."""
    me = role.guild.me
    if role.mentionable or me is None:
        return True
    perms = channel.permissions_for(me) if channel is not None else me.guild_permissions
    return perms.mention_everyone


def check_can_ping(role: discord.Role, channel: discord.abc.GuildChannel | None) -> None:
    """A Refusal saying how to fix it, if the bot's ping of `role` would notify nobody."""
    if not can_ping(role, channel):
        where = channel.mention if channel is not None else text.THE_ANNOUNCEMENTS_CHANNEL
        raise Refusal(text.ROLE_NOT_PINGABLE.format(role=role.mention, where=where))


def needs_attention(
    guild: discord.Guild, settings: GuildSettings, network_name: str | None
) -> list[str]:
    """What is missing for Speak Back to work here, each with how to fix it."""
    found = []
    if settings.organiser_role_id is None:
        found.append(text.NEEDS_NO_ORGANISER_ROLE)
    channel = None
    if settings.announcements_channel_id is None:
        found.append(text.NEEDS_NO_ANNOUNCEMENTS)
    else:
        channel = guild.get_channel(settings.announcements_channel_id)
        if channel is None:
            found.append(text.NEEDS_ANNOUNCEMENTS_GONE)
        elif guild.me is not None:
            perms = channel.permissions_for(guild.me)
            missing = [
                name for flag, name in text.PERMISSION_NAMES.items() if not getattr(perms, flag)
            ]
            if missing:
                found.append(
                    text.NEEDS_CHANNEL_PERMISSIONS.format(
                        channel=channel.mention, missing=", ".join(missing)
                    )
                )
    if network_name is not None and settings.moderators_channel_id is None:
        found.append(text.NEEDS_NO_MODERATORS_IN_NETWORK.format(network=shown(network_name, 100)))
    role = guild.get_role(settings.announce_role_id) if settings.announce_role_id else None
    if role is not None and not can_ping(role, channel):
        found.append(text.NEEDS_ROLE_NOT_PINGABLE.format(role=role.mention))
    if settings.ideas_review and settings.moderators_channel_id is None:
        found.append(text.IDEAS_NEED_MODERATORS)
    return found


def check_can_post(interaction: discord.Interaction, channel: discord.abc.GuildChannel) -> None:
    """A text channel in this server where the bot can post (a Refusal says what is missing)."""
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
        body = validate_long_text(self.body.value, what=text.WHAT_SUPPORT, limit=MAX_SUPPORT_LENGTH)
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
        body = validate_long_text(self.body.value, what=text.WHAT_NOTICE, limit=MAX_NOTICE_LENGTH)
        bot = interaction.client
        saved = await save_notice(bot.db, interaction.guild_id, body, bot.clock.now())
        await interaction.response.send_message(
            text.NOTICE_SAVED.format(version=saved.notice_version), ephemeral=True
        )
