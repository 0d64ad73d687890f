"""/join, /leave, /me ... and /members count: opt-in, stepping back, leaving, data rights.

Rules 1, 3, 4, 5, 11 and 14. Every button, select and form re-checks on our side
(rule 7); buttons are DynamicItems, so month-old messages keep working after a
restart. This cog also registers the delivery recipient policy: the one place
that decides, at send time, whether a DM may go to a person.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.client import SpeakBack
from bot.commands import me_group
from bot.delivery import Decision, message_payload
from bot.domain.consent import OPTIONAL_PURPOSES, default_notice
from bot.domain.members import (
    GROUP_NOT_GIVEN,
    GROUPS,
    MAX_ACCESS_NEEDS,
    MAX_PREFERRED_NAME,
    Member,
    MemberCounts,
    clean_optional_text,
    contact_decision,
    is_paused,
    notice_is_current,
    validate_group,
    validate_purposes,
)
from bot.domain.quiet_hours import parse_quiet_hours
from bot.domain.settings import GuildSettings, validate_timezone
from bot.domain.suppression import Shown
from bot.domain.timefmt import discord_timestamp, plain_date
from bot.domain.when import format_offsets, parse_offsets, parse_pause_until
from bot.errors import present_with
from bot.guards import NoticeNeeded, actor_guild_id, require_member, require_organiser
from bot.strings import membership as text
from bot.ui import DynamicView, SafeItem, SafeModal, embed, shown
from db import members as repo
from db.outbox import dm_blocked_since
from db.personal_data import export_all
from db.polls import counted_after_leaving
from db.settings import ensure_settings_row, get_settings

log = logging.getLogger(__name__)

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVENT_WINDOW = timedelta(days=30)


# -- showing words people typed --------------------------------------------------


def chosen_words(purposes: frozenset[str]) -> str:
    words = [text.PURPOSE_SHORT[p] for p in OPTIONAL_PURPOSES if p in purposes]
    return ", ".join(words) if words else text.NONE_CHOSEN


# -- views ---------------------------------------------------------------------------


def notice_view(version: int) -> discord.ui.View:
    view = DynamicView()
    view.add_item(AgreeButton(version))
    view.add_item(NotNowButton())
    return view


def notice_embed(settings: GuildSettings, *, outdated: bool) -> discord.Embed:
    body = settings.notice_text or default_notice()
    if outdated:
        intro = text.NOTICE_UPDATED_INTRO.format(version=settings.notice_version)
        message = embed(text.NOTICE_UPDATED_TITLE, f"{intro}\n\n{body}"[:4096])
    else:
        message = embed(text.NOTICE_TITLE, body[:4096])
    message.set_footer(text=text.NOTICE_FOOTER.format(version=settings.notice_version))
    return message


async def show_notice(
    interaction: discord.Interaction, settings: GuildSettings, *, outdated: bool, note: str = ""
) -> None:
    """Answer with the notice and I agree / Not now (used by /join and the member guard)."""
    if settings.notice_text is None:
        # Record which edition of the built-in notice this server is on before anyone
        # reads it: if a new release changes the words while they read, start-up moves
        # the server to a new version and their "I agree" is asked again (rule 1).
        bot = _bot(interaction)
        await ensure_settings_row(bot.db, settings.guild_id, bot.clock.now())
    kwargs: dict[str, Any] = {
        "embed": notice_embed(settings, outdated=outdated),
        "view": notice_view(settings.notice_version),
    }
    if note:
        kwargs["content"] = note
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **kwargs)
    elif interaction.type is discord.InteractionType.component:
        await interaction.response.edit_message(**{"content": note or None, **kwargs})
    else:
        await interaction.response.send_message(ephemeral=True, **kwargs)


def preferences_view(chosen: frozenset[str]) -> discord.ui.View:
    view = DynamicView()
    view.add_item(ContactSelect(chosen))
    view.add_item(NoMessagesButton())
    return view


def settings_view(member: Member) -> discord.ui.View:
    view = DynamicView()
    view.add_item(ContactSelect(member.consents))
    view.add_item(GroupSelect(member.profile.group))
    view.add_item(DetailsButton())
    return view


def describe_member(
    member: Member, settings: GuildSettings, blocked_since: datetime | None, now: datetime
) -> discord.Embed:
    zone = member.profile.timezone or settings.timezone
    message = embed(text.SHOW_TITLE)
    message.add_field(
        name=text.FIELD_MEMBER_SINCE, value=discord_timestamp(member.joined_at, "D"), inline=True
    )
    message.add_field(name=text.FIELD_MESSAGES, value=chosen_words(member.consents), inline=True)
    if is_paused(member, now):
        paused = (
            text.PAUSED_UNTIL.format(when=plain_date(member.paused_until, zone))
            if member.paused_until
            else text.PAUSED_OPEN
        )
    else:
        paused = text.NOT_PAUSED
    message.add_field(name=text.FIELD_STEPPING_BACK, value=paused, inline=False)
    if notice_is_current(member, settings.notice_version):
        notice = text.NOTICE_CURRENT.format(version=member.notice_version)
    else:
        notice = text.NOTICE_OUTDATED.format(version=settings.notice_version)
    message.add_field(name=text.FIELD_NOTICE, value=notice, inline=False)
    profile = member.profile
    details = [
        (text.PROFILE_NAME, shown(profile.preferred_name, 200) if profile.preferred_name else None),
        (text.PROFILE_GROUP, text.GROUP_LABELS[profile.group] if profile.group else None),
        (text.PROFILE_TIMEZONE, profile.timezone),
        (text.PROFILE_QUIET, str(profile.quiet_hours) if profile.quiet_hours else None),
        (
            text.PROFILE_REMINDERS,
            format_offsets(list(profile.reminder_offsets))
            if profile.reminder_offsets is not None
            else None,
        ),
    ]
    lines = [f"**{label}:** {value}" for label, value in details if value]
    message.add_field(
        name=text.FIELD_PROFILE, value="\n".join(lines) or text.PROFILE_EMPTY, inline=False
    )
    if profile.access_needs:
        message.add_field(
            name=text.PROFILE_ACCESS, value=shown(profile.access_needs, 1000), inline=False
        )
    dms = (
        text.DMS_CLOSED.format(since=discord_timestamp(blocked_since, "D"))
        if blocked_since
        else text.DMS_OK
    )
    message.add_field(name=text.FIELD_DMS, value=dms, inline=False)
    return message


async def member_status(
    bot: SpeakBack, member: Member, settings: GuildSettings
) -> tuple[discord.Embed, discord.ui.View | None]:
    blocked = await dm_blocked_since(bot.db, member.guild_id, member.user_id)
    view = None
    if blocked is not None:
        view = DynamicView()
        view.add_item(OpenedDmsButton())
    return describe_member(member, settings, blocked, bot.clock.now()), view


def describe_counts(counts: MemberCounts, events: dict[str, int]) -> str:
    lines = [
        text.COUNT_LINES.format(
            members=counts.members,
            paused=counts.paused,
            awaiting=counts.awaiting_notice,
            joined=events["joined"],
            left=events["left"],
        ),
        f"\n**{text.COUNT_GROUPS}**",
    ]
    if counts.groups.all_small:
        lines.append(text.COUNT_ALL_SMALL)
    else:
        for figure in counts.groups.figures:
            value = {
                Shown.SMALL: text.COUNT_HIDDEN,
                Shown.PROTECTIVE: text.COUNT_HIDDEN_EXTRA,
            }.get(figure.shown, str(figure.count))
            lines.append(f"- {text.GROUP_LABELS[figure.group]}: {value}")
    lines.append(f"\n_{text.COUNT_NOTE}_")
    return "\n".join(lines)


# -- buttons, selects and the form -------------------------------------------------


def _bot(interaction: discord.Interaction) -> SpeakBack:
    return interaction.client  # type: ignore[return-value]


class AgreeButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"member:agree:(?P<version>[0-9]+)",
):
    def __init__(self, version: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=strings.I_AGREE,
                style=discord.ButtonStyle.primary,
                custom_id=f"member:agree:{version}",
            )
        )
        self.version = version

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["version"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot, guild_id = _bot(interaction), actor_guild_id(interaction)
        settings = await get_settings(bot.db, guild_id)
        if self.version != settings.notice_version:
            member = await repo.get_member(bot.db, guild_id, interaction.user.id)
            await show_notice(
                interaction,
                settings,
                outdated=member is not None,
                note=text.NOTICE_CHANGED_WHILE_READING,
            )
            return
        result = await repo.agree(
            bot.db,
            guild_id,
            interaction.user.id,
            notice_version=self.version,
            now=bot.clock.now(),
            secret=bot.config.secret,
        )
        member = await repo.get_member(bot.db, guild_id, interaction.user.id)
        assert member is not None
        if result == "already":
            status, view = await member_status(bot, member, settings)
            await interaction.response.edit_message(
                content=text.ALREADY_MEMBER, embed=status, view=view
            )
            return
        words = text.WELCOME if result == "joined" else text.RECONFIRMED
        await interaction.response.edit_message(
            content=words, embed=None, view=preferences_view(member.consents)
        )


class NotNowButton(SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"member:notnow"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=strings.NOT_NOW, style=discord.ButtonStyle.primary, custom_id="member:notnow"
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot, guild_id = _bot(interaction), actor_guild_id(interaction)
        member = await repo.is_member(bot.db, guild_id, interaction.user.id)
        words = text.NOT_NOW_MEMBER if member else text.NOT_NOW_NEW
        await interaction.response.edit_message(content=words, embed=None, view=None)


class ContactSelect(SafeItem, discord.ui.DynamicItem[discord.ui.Select], template=r"member:prefs"):
    def __init__(self, chosen: frozenset[str] = frozenset()) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id="member:prefs",
                placeholder=text.CONTACT_PLACEHOLDER,
                min_values=0,
                max_values=len(OPTIONAL_PURPOSES),
                options=[
                    discord.SelectOption(label=text.PURPOSE_LABELS[p], value=p, default=p in chosen)
                    for p in OPTIONAL_PURPOSES
                ],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        await save_preferences(interaction, validate_purposes(self.item.values))


class NoMessagesButton(
    SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"member:prefs:none"
):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=text.NO_MESSAGES,
                style=discord.ButtonStyle.secondary,
                custom_id="member:prefs:none",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        await save_preferences(interaction, frozenset())


async def save_preferences(interaction: discord.Interaction, chosen: frozenset[str]) -> None:
    member = await require_member(interaction)
    bot = _bot(interaction)
    now = bot.clock.now()
    saved = await repo.set_contact_preferences(bot.db, member.guild_id, member.user_id, chosen, now)
    words = text.PREFS_SAVED.format(chosen=chosen_words(saved)) if saved else text.PREFS_SAVED_NONE
    if saved and is_paused(member, now):
        words += text.PREFS_PAUSED_NOTE
    refreshed = await repo.get_member(bot.db, member.guild_id, member.user_id)
    assert refreshed is not None
    view = preferences_view(saved) if _is_join_message(interaction) else settings_view(refreshed)
    await interaction.response.edit_message(content=words, embed=None, view=view)


def _is_join_message(interaction: discord.Interaction) -> bool:
    """Preferences chosen right after joining (no group select on that message)."""
    message = interaction.message
    if message is None:
        return False
    ids = {
        getattr(child, "custom_id", None)
        for row in message.components
        for child in getattr(row, "children", [])
    }
    return "member:group" not in ids


class GroupSelect(SafeItem, discord.ui.DynamicItem[discord.ui.Select], template=r"member:group"):
    def __init__(self, current: str | None = None) -> None:
        options = [
            discord.SelectOption(label=text.GROUP_LABELS[g], value=g, default=g == current)
            for g in GROUPS
        ]
        options.append(discord.SelectOption(label=text.GROUP_CLEAR, value=GROUP_NOT_GIVEN))
        super().__init__(
            discord.ui.Select(
                custom_id="member:group",
                placeholder=text.GROUP_PLACEHOLDER,
                min_values=1,
                max_values=1,
                options=options,
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction)
        bot = _bot(interaction)
        group = validate_group(self.item.values[0] if self.item.values else None)
        await repo.update_profile(
            bot.db, member.guild_id, member.user_id, bot.clock.now(), group=group
        )
        refreshed = await repo.get_member(bot.db, member.guild_id, member.user_id)
        assert refreshed is not None
        words = (
            text.GROUP_SAVED.format(group=text.GROUP_LABELS[group]) if group else text.GROUP_CLEARED
        )
        await interaction.response.edit_message(content=words, view=settings_view(refreshed))


class DetailsButton(
    SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"member:details"
):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=text.EDIT_DETAILS,
                style=discord.ButtonStyle.secondary,
                custom_id="member:details",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction)
        await interaction.response.send_modal(DetailsModal(member))


class DetailsModal(SafeModal, title=text.DETAILS_MODAL_TITLE):
    def __init__(self, member: Member) -> None:
        super().__init__(timeout=3600)
        profile = member.profile
        self.name = discord.ui.TextInput(
            custom_id="preferred_name",
            label=text.DETAILS_NAME,
            required=False,
            max_length=MAX_PREFERRED_NAME,
            default=profile.preferred_name,
        )
        self.access = discord.ui.TextInput(
            custom_id="access_needs",
            label=text.DETAILS_ACCESS,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_ACCESS_NEEDS,
            placeholder=text.DETAILS_ACCESS_PLACEHOLDER,
            default=profile.access_needs,
        )
        self.timezone = discord.ui.TextInput(
            custom_id="timezone",
            label=text.DETAILS_TIMEZONE,
            required=False,
            max_length=64,
            default=profile.timezone,
        )
        self.quiet = discord.ui.TextInput(
            custom_id="quiet_hours",
            label=text.DETAILS_QUIET,
            required=False,
            max_length=40,
            default=str(profile.quiet_hours) if profile.quiet_hours else None,
        )
        offsets = profile.reminder_offsets
        self.reminders = discord.ui.TextInput(
            custom_id="reminders",
            label=text.DETAILS_REMINDERS,
            required=False,
            max_length=80,
            placeholder=text.DETAILS_REMINDERS_PLACEHOLDER,
            default=_offsets_as_typed(offsets) if offsets is not None else None,
        )
        for item in (self.name, self.access, self.timezone, self.quiet, self.reminders):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction)
        bot = _bot(interaction)
        zone = self.timezone.value.strip()
        reminders = self.reminders.value.strip()
        changes = {
            "preferred_name": clean_optional_text(
                self.name.value, what="preferred name", limit=MAX_PREFERRED_NAME
            ),
            "access_needs": clean_optional_text(
                self.access.value, what="access needs", limit=MAX_ACCESS_NEEDS
            ),
            "timezone": validate_timezone(zone) if zone else None,
            "quiet_hours": parse_quiet_hours(self.quiet.value),
            "reminder_offsets": tuple(parse_offsets(reminders)) if reminders else None,
        }
        await repo.update_profile(
            bot.db, member.guild_id, member.user_id, bot.clock.now(), **changes
        )
        # e.g. meetings re-plan reminders for new times, quiet hours or zone
        bot.dispatch("member_settings_changed", member.guild_id, member.user_id)
        refreshed = await repo.get_member(bot.db, member.guild_id, member.user_id)
        assert refreshed is not None
        settings = await get_settings(bot.db, member.guild_id)
        status, view = await member_status(bot, refreshed, settings)
        await interaction.response.send_message(
            text.DETAILS_SAVED, embed=status, view=view or discord.utils.MISSING, ephemeral=True
        )


def _offsets_as_typed(offsets: tuple[timedelta, ...]) -> str:
    if not offsets:
        return "none"
    parts = []
    for offset in offsets:
        minutes = int(offset.total_seconds()) // 60
        hours, mins = divmod(minutes, 60)
        parts.append(f"{hours}h{mins}m" if hours and mins else f"{hours}h" if hours else f"{mins}m")
    return ",".join(parts)


class OpenedDmsButton(
    SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"member:dms-open"
):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=strings.OPENED_MY_DMS,
                style=discord.ButtonStyle.primary,
                custom_id="member:dms-open",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction, allow_outdated_notice=True)
        bot = _bot(interaction)
        now = bot.clock.now()
        await bot.delivery.dm(
            guild_id=member.guild_id,
            user_id=member.user_id,
            purpose="service",
            payload=message_payload(text.TEST_DM),
            dedupe_key=f"dm-test:{member.guild_id}:{member.user_id}:{now.isoformat()}",
            urgent=True,
            retry_blocked=True,
        )
        await interaction.response.send_message(text.TEST_DM_SENT, ephemeral=True)


class LeaveButton(SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"member:leave"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=strings.LEAVE_AND_ERASE,
                style=discord.ButtonStyle.danger,
                custom_id="member:leave",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot, guild_id = _bot(interaction), actor_guild_id(interaction)
        was_member = await repo.leave(
            bot.db, guild_id, interaction.user.id, bot.clock.now(), bot.config.secret
        )
        if was_member:
            bot.dispatch("member_left", guild_id, interaction.user.id)  # e.g. names leave posts
        words = text.LEFT if was_member else text.LEFT_NOT_MEMBER
        await interaction.response.edit_message(content=words, embed=None, view=None)


class StayButton(SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"member:stay"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=text.KEEP_MEMBERSHIP,
                style=discord.ButtonStyle.secondary,
                custom_id="member:stay",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=text.STAYING, embed=None, view=None)


DYNAMIC_ITEMS = (
    AgreeButton,
    NotNowButton,
    ContactSelect,
    NoMessagesButton,
    GroupSelect,
    DetailsButton,
    OpenedDmsButton,
    LeaveButton,
    StayButton,
)


# -- commands ---------------------------------------------------------------------


async def confirm_leave(interaction: discord.Interaction) -> None:
    """/leave and /me delete: one confirmation, then erase at once."""
    bot, guild_id = _bot(interaction), actor_guild_id(interaction)
    if not await repo.is_member(bot.db, guild_id, interaction.user.id):
        held = await export_all(bot.db, guild_id, interaction.user.id)
        if not any(held.values()):
            noted = await counted_after_leaving(
                bot.db, guild_id, interaction.user.id, bot.config.secret
            )
            words = text.NOT_A_MEMBER_ONLY_A_NOTE if noted else text.NOT_A_MEMBER_NOTHING_HELD
            await interaction.response.send_message(words, ephemeral=True)
            return
    view = DynamicView()
    view.add_item(LeaveButton())
    view.add_item(StayButton())
    await interaction.response.send_message(text.LEAVE_CONFIRM, view=view, ephemeral=True)


class MembersGroup(
    app_commands.Group, name="members", description="Organisers: totals about members"
):
    def __init__(self) -> None:
        super().__init__(guild_only=True, extras=ORGANISER)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await require_organiser(interaction)  # re-checked here whatever the client shows
        return True

    @app_commands.command(
        name="count", description="How many members, stepping back, by group (totals only)"
    )
    async def count(self, interaction: discord.Interaction) -> None:
        bot, guild_id = _bot(interaction), actor_guild_id(interaction)
        settings = await get_settings(bot.db, guild_id)
        now = bot.clock.now()
        totals = await repo.counts(bot.db, guild_id, now, settings.notice_version)
        events = await repo.event_totals(bot.db, guild_id, now - EVENT_WINDOW)
        await interaction.response.send_message(
            embed=embed(text.COUNT_TITLE, describe_counts(totals, events)),
            ephemeral=True,
        )


class MembershipCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        self._me_commands = [
            self._me_command("show", "What Speak Back holds about you, and your choices", MembershipCog.show),
            self._me_command("settings", "Messages, group, access needs, quiet hours", MembershipCog.settings),
            self._me_command("pause", "Step back: no messages until a date or until you resume", MembershipCog.pause),
            self._me_command("resume", "Come back from stepping back", MembershipCog.resume),
            self._me_command("export", "A file of everything held about you here", MembershipCog.export),
            self._me_command("delete", "Leave and erase your data (the same as /leave)", MembershipCog.delete),
        ]  # fmt: skip
        group = me_group(bot)
        for command in self._me_commands:
            group.add_command(command)
        self._members_group = MembersGroup()
        bot.tree.add_command(self._members_group)

    def _me_command(self, name: str, description: str, callback: Any) -> app_commands.Command:
        # Built by hand (the /me group is shared), bound to this cog like a cog command.
        command = app_commands.Command(
            name=name, description=description, callback=callback, extras=MEMBER
        )
        command.binding = self
        return command

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        delivery = getattr(self.bot, "delivery", None)
        if delivery is not None:
            delivery.set_recipient_policy(self.recipient_policy)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        group = me_group(self.bot)
        for command in self._me_commands:
            group.remove_command(command.name)
        self.bot.tree.remove_command("members")

    # -- the delivery policy ------------------------------------------------------

    async def recipient_policy(
        self, guild_id: int | None, user_id: int, purpose: str, now: datetime
    ) -> Decision:
        if guild_id is None:
            return Decision.send() if purpose == "service" else Decision.skip("no server")
        member = await repo.get_member(self.bot.db, guild_id, user_id)
        settings = await get_settings(self.bot.db, guild_id)
        decision = contact_decision(
            member,
            purpose,
            now,
            notice_version=settings.notice_version,
            server_timezone=settings.timezone,
        )
        if decision.action == "defer" and decision.not_before is not None:
            return Decision.defer(decision.not_before, decision.reason)
        if decision.action == "skip":
            return Decision.skip(decision.reason)
        return Decision.send()

    # -- /join and /leave -----------------------------------------------------------

    @app_commands.command(name="join", description="Read what joining means, and join if you like")
    @app_commands.guild_only()
    async def join(self, interaction: discord.Interaction) -> None:
        guild_id = actor_guild_id(interaction)
        settings = await get_settings(self.bot.db, guild_id)
        member = await repo.get_member(self.bot.db, guild_id, interaction.user.id)
        if member is None:
            await show_notice(interaction, settings, outdated=False)
        elif not notice_is_current(member, settings.notice_version):
            await show_notice(interaction, settings, outdated=True)
        else:
            status, view = await member_status(self.bot, member, settings)
            await interaction.response.send_message(
                text.ALREADY_MEMBER,
                embed=status,
                view=view or discord.utils.MISSING,
                ephemeral=True,
            )

    @app_commands.command(
        name="leave", description="Leave Speak Back here and erase your data", extras=MEMBER
    )
    @app_commands.guild_only()
    async def leave(self, interaction: discord.Interaction) -> None:
        await confirm_leave(interaction)

    # -- /me ...  (callbacks bound to this cog by hand: the group is shared) ------------

    async def show(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction, allow_outdated_notice=True)
        settings = await get_settings(self.bot.db, member.guild_id)
        status, view = await member_status(self.bot, member, settings)
        await interaction.response.send_message(
            embed=status, view=view or discord.utils.MISSING, ephemeral=True
        )

    async def settings(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction)
        await interaction.response.send_message(
            text.SETTINGS_INTRO, view=settings_view(member), ephemeral=True
        )

    @app_commands.describe(until=text.PAUSE_OPTION)
    async def pause(self, interaction: discord.Interaction, until: str | None = None) -> None:
        member = await require_member(interaction, allow_outdated_notice=True)
        settings = await get_settings(self.bot.db, member.guild_id)
        zone = member.profile.timezone or settings.timezone
        now = self.bot.clock.now()
        ends = parse_pause_until(until, zone, now) if until and until.strip() else None
        await repo.pause(self.bot.db, member.guild_id, member.user_id, now, ends)
        words = (
            text.PAUSED_UNTIL_DATE.format(date=plain_date(ends, zone))
            if ends
            else text.PAUSED_NO_DATE
        )
        await interaction.response.send_message(words, ephemeral=True)

    async def resume(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction, allow_outdated_notice=True)
        if not is_paused(member, self.bot.clock.now()):
            await interaction.response.send_message(text.NOT_PAUSED_NOW, ephemeral=True)
            return
        await repo.resume(self.bot.db, member.guild_id, member.user_id)
        chosen = member.consents & set(OPTIONAL_PURPOSES)
        words = (
            text.RESUMED.format(chosen=chosen_words(member.consents))
            if chosen
            else text.RESUMED_NONE
        )
        await interaction.response.send_message(words, ephemeral=True)

    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = actor_guild_id(interaction)
        user_id = interaction.user.id
        now = self.bot.clock.now()
        tables = await export_all(self.bot.db, guild_id, user_id)
        events = await repo.events_for(self.bot.db, guild_id, user_id, self.bot.config.secret)
        counted = await counted_after_leaving(
            self.bot.db, guild_id, user_id, self.bot.config.secret
        )
        if not any(tables.values()) and not events and not counted:
            await interaction.response.send_message(text.NOTHING_HELD, ephemeral=True)
            return
        document = {
            "about": text.EXPORT_ABOUT,
            "server_id": str(guild_id),
            "user_id": str(user_id),
            "exported_at": now.isoformat(),
            "tables": tables,
            "membership_events": events,
            "anonymous_votes_counted_after_leaving": counted,
        }
        data = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()
        await interaction.response.send_message(
            text.EXPORT_DONE,
            file=discord.File(io.BytesIO(data), filename=text.EXPORT_FILENAME),
            ephemeral=True,
        )

    async def delete(self, interaction: discord.Interaction) -> None:
        await confirm_leave(interaction)


async def present_notice_needed(interaction: discord.Interaction, error: BaseException) -> None:
    """The member guard's `NoticeNeeded`: show the new notice, with I agree / Not now."""
    assert isinstance(error, NoticeNeeded)
    await show_notice(interaction, error.settings, outdated=True, note=error.note)


async def setup(bot: SpeakBack) -> None:
    present_with(NoticeNeeded, present_notice_needed)
    await bot.add_cog(MembershipCog(bot))
