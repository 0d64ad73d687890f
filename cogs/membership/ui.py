"""Membership's screens: the notice, /me show, the choices, and their buttons and form.

Every button, select and form re-checks on our side (rule 7); they are
DynamicItems, so month-old messages keep working after a restart. Each press
parses, guards, makes one call to `flows`, and answers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot import commitments, strings
from bot.commitments import Commitment
from bot.delivery import message_payload
from bot.dm_checks import check_dms, check_words
from bot.domain.consent import OPTIONAL_PURPOSES, PURPOSE_DM_OUTCOMES, default_notice
from bot.domain.errors import Refusal
from bot.domain.members import (
    GROUP_NOT_GIVEN,
    GROUPS,
    MAX_ACCESS_NEEDS,
    MAX_PREFERRED_NAME,
    Member,
    MemberCounts,
    clean_optional_text,
    is_paused,
    notice_is_current,
    validate_group,
    validate_purposes,
)
from bot.domain.notice_edits import wording_changed_since
from bot.domain.quiet_hours import parse_quiet_hours
from bot.domain.settings import GuildSettings, read_timezone
from bot.domain.suppression import Shown, count_text
from bot.domain.timefmt import discord_timestamp, plain_date
from bot.domain.when import format_offsets, parse_offsets
from bot.errors import reply_ephemeral
from bot.guards import actor_guild_id, require_member
from bot.strings import membership as text
from bot.strings import outcomes as outcome_text
from bot.strings import payments as pay_text
from bot.ui import (
    MAX_CUSTOM_ID,
    DynamicView,
    NumberedButton,
    ReadAboutJoiningButton,
    SafeButton,
    SafeItem,
    SafeModal,
    carry_on,
    embed,
    in_field,
    on_own_message,
    pressed_button,
    shown,
    text_field,
)
from cogs.membership import flows

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services


MAX_STEP_OUT = 20  # buttons on one reply (Discord allows 25)


def services_of(interaction: discord.Interaction) -> Services:
    services = interaction.client.services  # type: ignore[attr-defined]
    assert services is not None
    return services


def _bot(interaction: discord.Interaction) -> SpeakBack:
    return interaction.client  # type: ignore[return-value]


# -- showing words people typed --------------------------------------------------


def chosen_words(purposes: frozenset[str]) -> str:
    words = [text.PURPOSE_SHORT[p] for p in OPTIONAL_PURPOSES if p in purposes]
    return ", ".join(words) if words else text.NONE_CHOSEN


def pause_words(paused: flows.Pause) -> str:
    if paused.ends is None:
        return text.PAUSED_NO_DATE
    words = text.PAUSED_UNTIL_DATE.format(date=plain_date(paused.ends, paused.zone))
    return f"{paused.note} {words}" if paused.note else words


def pause_message(
    paused: flows.Pause, held: list[Commitment]
) -> tuple[str, discord.ui.View | None]:
    """The pause reply, and what they are still down for: each with a button to step
    out if they'd like to (an offer; keeping them is just as fine)."""
    words = pause_words(paused)
    if not held:
        return words, None
    shown_here = held[:MAX_STEP_OUT]
    lines = [f"- {c.line}" for c in shown_here]
    if len(held) > len(shown_here):
        lines.append(text.PAUSE_MORE.format(count=len(held) - len(shown_here)))
    words = f"{words}\n\n{text.PAUSE_STILL_DOWN_FOR}\n" + "\n".join(lines)
    view = DynamicView()
    for commitment in shown_here:
        view.add_item(commitment.step_out)
    return words[:2000], view


def resume_words(resumed: flows.Resumed | None) -> str:
    """After /me resume: the messages they chose, and what came meanwhile (`None`:
    they weren't stepping back)."""
    if resumed is None:
        return text.NOT_PAUSED_NOW
    consents = resumed.consents
    if flows.optional_choices(consents):
        words = text.RESUMED.format(chosen=chosen_words(consents))
    else:
        words = text.RESUMED_NONE
    return words + "\n\n" + catch_up_words(resumed.caught_up)


CATCH_UP_SHOWN = 8  # lines of each kind; a message must stay well under 2,000 characters


def catch_up_words(caught_up: flows.CatchUp) -> str:
    """What came while someone was away: held news first, then what was posted."""
    if caught_up.empty:
        return text.CATCH_UP_NOTHING
    parts: list[str] = []
    if caught_up.held:
        lines = [text.CATCH_UP_LINE.format(line=line) for line in caught_up.held[:CATCH_UP_SHOWN]]
        if len(caught_up.held) > CATCH_UP_SHOWN:
            lines.append(text.CATCH_UP_MORE.format(count=len(caught_up.held) - CATCH_UP_SHOWN))
        parts.append("\n".join([text.CATCH_UP_HELD, *lines]))
    if caught_up.posted:
        lines = []
        for item in caught_up.posted[:CATCH_UP_SHOWN]:
            kind = text.CATCH_UP_KINDS[item.kind]
            title = shown(item.title, 100)
            if item.message_id is None:
                lines.append(
                    text.CATCH_UP_POSTED_NO_LINK.format(
                        kind=kind, title=title, channel=item.channel_id
                    )
                )
            else:
                link = (
                    f"https://discord.com/channels/{item.guild_id}/{item.channel_id}/"
                    f"{item.message_id}"
                )
                lines.append(text.CATCH_UP_POSTED_LINE.format(kind=kind, title=title, link=link))
        if len(caught_up.posted) > CATCH_UP_SHOWN:
            lines.append(text.CATCH_UP_MORE.format(count=len(caught_up.posted) - CATCH_UP_SHOWN))
        parts.append("\n".join([text.CATCH_UP_POSTED, *lines]))
    return "\n\n".join(parts)


def pause_ended_words(server: str) -> Callable[[flows.CatchUp], str]:
    def words(caught_up: flows.CatchUp) -> str:
        return "\n\n".join(
            [
                text.PAUSE_ENDED_DM.format(server=shown(server, 100)),
                catch_up_words(caught_up),
                text.PAUSE_ENDED_OUTRO,
            ]
        )

    return words


def _offsets_as_typed(offsets: tuple[timedelta, ...]) -> str:
    if not offsets:
        return text.REMINDERS_NONE_TYPED
    parts = []
    for offset in offsets:
        minutes = int(offset.total_seconds()) // 60
        hours, mins = divmod(minutes, 60)
        parts.append(f"{hours}h{mins}m" if hours and mins else f"{hours}h" if hours else f"{mins}m")
    return ",".join(parts)


# -- views and embeds ---------------------------------------------------------------


def notice_view(
    version: int, origin: str | None = None, *, in_dm_for: int | None = None
) -> discord.ui.View:
    """I agree / Not now; I agree carries on with `origin` (a button's id) when given.
    In a DM (`in_dm_for`: the server), I agree names the server it is for."""
    view = DynamicView()
    if in_dm_for is not None:
        view.add_item(AgreeInServerButton(in_dm_for, version))
    elif origin is None:
        view.add_item(AgreeButton(version))
    else:
        view.add_item(AgreeAndCarryOnButton(version, origin))
    view.add_item(NotNowButton())
    return view


def origin_to_carry(interaction: discord.Interaction, version: int) -> str | None:
    """The button this person pressed, if I agree can carry on with it afterwards.

    Only a button (a select's choice is not in its id), never I agree itself, and
    only when `member:agree:<version>:<id>` fits Discord's 100 characters; otherwise
    the notice keeps today's plain I agree and asks them to press again.
    """
    origin = pressed_button(interaction)
    if origin is None or origin.startswith("member:agree:"):
        return None
    return fitting(origin, version)


def fitting(origin: str | None, version: int) -> str | None:
    """`origin`, if I agree on notice `version` can carry it in its id (100 characters)."""
    if origin is None or len(AgreeAndCarryOnButton.custom_id_for(version, origin)) > MAX_CUSTOM_ID:
        return None
    return origin


def notice_embeds(settings: GuildSettings, *, outdated: bool) -> list[discord.Embed]:
    """The notice whole (a notice fits one embed: MAX_NOTICE_LENGTH); when it changed since
    the member agreed, a short embed saying so comes first, so it never pushes the end of
    the notice (leaving, erasing) past Discord's 4,096 characters."""
    notice = embed(text.NOTICE_TITLE, settings.notice_text or default_notice())
    notice.set_footer(text=text.NOTICE_FOOTER.format(version=settings.notice_version))
    if not outdated:
        return [notice]
    intro = text.NOTICE_UPDATED_INTRO.format(version=settings.notice_version)
    return [embed(text.NOTICE_UPDATED_TITLE, intro), notice]


async def show_notice(
    interaction: discord.Interaction,
    settings: GuildSettings,
    *,
    outdated: bool,
    note: str = "",
    origin: str | None = None,
    in_dm_for: int | None = None,
) -> None:
    """Answer with the notice and I agree / Not now (used by /join and the member guard).

    Always privately: a press on a post in a channel gets a new ephemeral reply (the
    post is everyone's and stays as it is); only a message that is this person's
    own (an ephemeral screen) is replaced. `origin`: the button I agree carries on with.
    """
    await flows.prepare_notice(services_of(interaction), settings)
    kwargs: dict[str, Any] = {
        "embeds": notice_embeds(settings, outdated=outdated),
        "view": notice_view(settings.notice_version, origin, in_dm_for=in_dm_for),
    }
    if note:
        kwargs["content"] = note
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **kwargs)
    elif interaction.type is discord.InteractionType.component and on_own_message(interaction):
        await interaction.response.edit_message(**{"content": note or None, **kwargs})
    else:
        await interaction.response.send_message(ephemeral=True, **kwargs)


async def read_about_joining(interaction: discord.Interaction, origin: str | None) -> None:
    """**Read about joining** (bot.ui): what /join shows, privately; after I agree,
    what they had pressed (`origin`) carries on."""
    guild_id = actor_guild_id(interaction)
    joining = await flows.start_joining(services_of(interaction), guild_id, interaction.user.id)
    if joining.status is not None:
        await send_status(interaction, joining.status, text.ALREADY_MEMBER)
        return
    version = joining.settings.notice_version
    carried = fitting(origin, version) if origin and not origin.startswith("member:") else None
    await show_notice(interaction, joining.settings, outdated=joining.outdated, origin=carried)


async def join_first(interaction: discord.Interaction, error: BaseException) -> None:
    """A "join first" reply, with **Read about joining** (carrying what they pressed)."""
    origin = pressed_button(interaction)
    if origin is not None and origin.startswith("member:"):
        origin = None
    view = DynamicView().add_item(ReadAboutJoiningButton.fitting(origin))
    await reply_ephemeral(interaction, str(error), view=view)


def read_again_view(interaction: discord.Interaction) -> discord.ui.View | None:
    """After Not now in a DM: Read the notice again, for the server the DM's I agree named."""
    message = interaction.message
    for row in message.components if message is not None else []:
        for child in getattr(row, "children", []):
            found = re.fullmatch(r"member:agree-in:([0-9]+):[0-9]+", child.custom_id or "")
            if found:
                view = DynamicView()
                view.add_item(ReadNoticeButton(int(found[1])))
                return view
    return None


def notice_changed_payload(guild_id: int) -> dict[str, Any]:
    """The one service message after a real change: read the notice, keep your reminders."""
    view = DynamicView()
    view.add_item(ReadNoticeButton(guild_id))
    return message_payload(text.NOTICE_CHANGED_DM, view=view)


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


def leave_view(guild_id: int | None = None, *, unpaid_claim: bool = False) -> discord.ui.View:
    """Leave / Keep my membership; `guild_id` names the server when asked in a DM.
    With an unpaid expenses claim: **Keep my unpaid claim until it's paid** / **Erase it
    too** (both leave), then Keep my membership."""
    view = DynamicView()
    if unpaid_claim:
        view.add_item(KeepClaimLeaveButton(guild_id))
        view.add_item(
            LeaveButton(pay_text.ERASE_TOO) if guild_id is None else EraseTooServerButton(guild_id)
        )
    else:
        view.add_item(LeaveButton() if guild_id is None else LeaveServerButton(guild_id))
    view.add_item(StayButton())
    return view


def describe_member(
    member: Member,
    settings: GuildSettings,
    blocked_since: datetime | None,
    now: datetime,
    wording_dates: dict[int | None, datetime] | None = None,
) -> discord.Embed:
    """/me show's embed. `wording_dates`: when each notice wording named was saved."""
    wording_dates = wording_dates or {}
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
    following = PURPOSE_DM_OUTCOMES in member.consents
    message.add_field(
        name=outcome_text.ME_FIELD,
        value=outcome_text.ME_FOLLOWING if following else outcome_text.ME_NOT_FOLLOWING,
        inline=False,
    )
    if notice_is_current(member, settings.notice_version):
        notice = text.NOTICE_CURRENT.format(version=member.notice_version)
        if wording_changed_since(member.notice_revision, settings.notice_revision):
            notice += text.NOTICE_WORDING_FIXED.format(
                when=discord_timestamp(wording_dates.get(settings.notice_revision), "D")
                if wording_dates.get(settings.notice_revision)
                else text.NOTICE_WORDING_LATER
            )
        elif wording_dates.get(member.notice_revision):
            notice += text.NOTICE_WORDING_OF.format(
                when=discord_timestamp(wording_dates[member.notice_revision], "D")
            )
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


def status_message(status: flows.MemberStatus) -> tuple[discord.Embed, discord.ui.View | None]:
    """/me show: the member's embed, with "I've opened my DMs" if DMs were closed."""
    view = None
    if status.dms_blocked_since is not None:
        view = DynamicView()
        view.add_item(OpenedDmsButton())
    if notice_is_current(status.member, status.settings.notice_version) and (
        wording_changed_since(status.member.notice_revision, status.settings.notice_revision)
    ):
        view = view or DynamicView()
        view.add_item(ReadNoticeButton(status.member.guild_id))
    message = describe_member(
        status.member, status.settings, status.dms_blocked_since, status.now, status.wording_dates
    )
    return message, view


async def send_status(
    interaction: discord.Interaction, status: flows.MemberStatus, content: str | None = None
) -> None:
    message, view = status_message(status)
    await interaction.response.send_message(
        content, embed=message, view=view or discord.utils.MISSING, ephemeral=True
    )


def describe_counts(counts: MemberCounts, events: dict[str, int]) -> str:
    lines = [
        text.COUNT_LINES.format(  # each a count about people: "fewer than 5" under 5
            members=count_text(counts.members),
            paused=count_text(counts.paused),
            awaiting=count_text(counts.awaiting_notice),
            joined=count_text(events["joined"]),
            left=count_text(events["left"]),
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


def counts_embed(counts: MemberCounts, events: dict[str, int]) -> discord.Embed:
    return embed(text.COUNT_TITLE, describe_counts(counts, events))


def export_file(data: bytes) -> discord.File:
    return discord.File(io.BytesIO(data), filename=text.EXPORT_FILENAME)


# -- buttons, selects and the form -------------------------------------------------


class AgreeButton(SafeButton, template=r"member:agree:(?P<version>[0-9]+)"):
    def __init__(self, version: int) -> None:
        super().__init__(
            f"member:agree:{version}", label=strings.I_AGREE, style=discord.ButtonStyle.primary
        )
        self.version = version

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["version"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await agree(interaction, self.version)


class AgreeAndCarryOnButton(
    SafeButton, template=r"member:agree:(?P<version>[0-9]+):(?P<origin>.+)"
):
    """I agree on a notice shown instead of what the person pressed (`origin`, a button's
    custom id): once agreed, that press carries on (their ballot opens, their Going is
    saved) as ephemeral followups, so they need not find the post and press again."""

    def __init__(self, version: int, origin: str) -> None:
        super().__init__(
            self.custom_id_for(version, origin),
            label=strings.I_AGREE,
            style=discord.ButtonStyle.primary,
        )
        self.version = version
        self.origin = origin

    @staticmethod
    def custom_id_for(version: int, origin: str) -> str:
        return f"member:agree:{version}:{origin}"

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["version"]), match["origin"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        if await agree(interaction, self.version, self.origin):
            await carry_on(interaction, self.origin)


async def agree(
    interaction: discord.Interaction,
    version: int,
    origin: str | None = None,
    *,
    guild_id: int | None = None,
) -> bool:
    """I agree: record it and answer on the notice screen. True once they are on it.
    `guild_id`: the server, for a notice opened in a DM (otherwise where they pressed)."""
    in_dm_for = guild_id
    guild_id = guild_id if guild_id is not None else actor_guild_id(interaction)
    agreed = await flows.agree(
        services_of(interaction),
        guild_id,
        interaction.user.id,
        version,
        secret=_bot(interaction).config.secret,
    )
    if agreed.result == "changed":
        await show_notice(
            interaction,
            agreed.settings,
            outdated=agreed.outdated,
            note=text.NOTICE_CHANGED_WHILE_READING,
            origin=fitting(origin, agreed.settings.notice_version),
            in_dm_for=in_dm_for if interaction.guild_id is None else None,
        )
        return False
    if in_dm_for is not None and interaction.guild_id is None:
        # In a DM the choices screen cannot know its server: /me settings there does.
        await interaction.response.edit_message(
            content=text.RECONFIRMED_IN_DM, embed=None, view=None
        )
        return True
    if agreed.status is not None:  # already a member, on this notice
        status, view = status_message(agreed.status)
        await interaction.response.edit_message(
            content=text.ALREADY_MEMBER, embed=status, view=view
        )
        return True
    assert agreed.member is not None
    words = text.WELCOME if agreed.result == "joined" else text.RECONFIRMED
    await interaction.response.edit_message(
        content=words, embed=None, view=preferences_view(agreed.member.consents)
    )
    return True


class ReadNoticeButton(SafeButton, template=r"member:read-notice:(?P<guild_id>[0-9]+)"):
    """**Read the notice**: in the DM telling a member the notice changed (or on /me
    show after a wording fix), the server's notice, with I agree if it is new to them."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            f"member:read-notice:{guild_id}",
            label=text.READ_THE_NOTICE,
            style=discord.ButtonStyle.primary,
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["guild_id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        reading = await flows.read_notice(
            services_of(interaction), self.guild_id, interaction.user.id
        )
        if reading is None:  # not a member there (any more): checked on our side (rule 7)
            await interaction.response.send_message(text.READ_IN_SERVER, ephemeral=True)
            return
        in_dm = interaction.guild_id is None
        await show_notice(
            interaction,
            reading.settings,
            outdated=reading.outdated,
            in_dm_for=self.guild_id if in_dm else None,
        )


class AgreeInServerButton(
    SafeButton, template=r"member:agree-in:(?P<guild_id>[0-9]+):(?P<version>[0-9]+)"
):
    """I agree on a notice opened in a DM: the DM has no server, so the id names it.
    Only re-confirms someone who is a member there; joining is `/join` in the server."""

    def __init__(self, guild_id: int, version: int) -> None:
        super().__init__(
            f"member:agree-in:{guild_id}:{version}",
            label=strings.I_AGREE,
            style=discord.ButtonStyle.primary,
        )
        self.guild_id = guild_id
        self.version = version

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["guild_id"]), int(match["version"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        if not await flows.is_member(services_of(interaction), self.guild_id, interaction.user.id):
            await interaction.response.send_message(text.READ_IN_SERVER, ephemeral=True)
            return
        await agree(interaction, self.version, guild_id=self.guild_id)


class NotNowButton(SafeButton, template=r"member:notnow"):
    def __init__(self) -> None:
        super().__init__("member:notnow", label=strings.NOT_NOW, style=discord.ButtonStyle.primary)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            # A notice opened in a DM is only ever shown to a member (Read the notice).
            await interaction.response.edit_message(
                content=text.NOT_NOW_MEMBER, embed=None, view=read_again_view(interaction)
            )
            return
        guild_id = actor_guild_id(interaction)
        member = await flows.is_member(services_of(interaction), guild_id, interaction.user.id)
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


class NoMessagesButton(SafeButton, template=r"member:prefs:none"):
    def __init__(self) -> None:
        super().__init__(
            "member:prefs:none", label=text.NO_MESSAGES, style=discord.ButtonStyle.secondary
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        await save_preferences(interaction, frozenset())


async def save_preferences(interaction: discord.Interaction, chosen: frozenset[str]) -> None:
    member = await require_member(interaction)
    services = services_of(interaction)
    saved = await flows.set_contact_preferences(services, member, chosen)
    words = (
        text.PREFS_SAVED.format(chosen=chosen_words(saved.chosen))
        if saved.chosen
        else text.PREFS_SAVED_NONE
    )
    if saved.paused:
        words += text.PREFS_PAUSED_NOTE
    view = (
        preferences_view(saved.chosen)
        if _is_join_message(interaction)
        else settings_view(saved.member)
    )
    if not saved.first_choice:
        await interaction.response.edit_message(content=words, embed=None, view=view)
        return
    # Their first messages: check now that they can reach them, not weeks later (issue 20).
    await interaction.response.defer(ephemeral=True, thinking=True)
    check = await check_dms(services, member.guild_id, member.user_id)
    await interaction.followup.send(f"{words}\n\n{check_words(check)}", view=view, ephemeral=True)


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
        group = validate_group(self.item.values[0] if self.item.values else None)
        refreshed = await flows.set_group(services_of(interaction), member, group)
        words = (
            text.GROUP_SAVED.format(group=text.GROUP_LABELS[group]) if group else text.GROUP_CLEARED
        )
        await interaction.response.edit_message(content=words, view=settings_view(refreshed))


class DetailsButton(SafeButton, template=r"member:details"):
    def __init__(self) -> None:
        super().__init__(
            "member:details", label=text.EDIT_DETAILS, style=discord.ButtonStyle.secondary
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction)
        await interaction.response.send_modal(DetailsModal(member))


class DetailsModal(SafeModal, title=text.DETAILS_MODAL_TITLE):
    form = "member:details"

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        return cls(await require_member(interaction))

    def __init__(self, member: Member) -> None:
        super().__init__(timeout=3600)
        profile = member.profile
        self.name = text_field(
            "preferred_name",
            text.DETAILS_NAME,
            max_length=MAX_PREFERRED_NAME,
            default=profile.preferred_name,
        )
        self.access = text_field(
            "access_needs",
            text.DETAILS_ACCESS,
            max_length=MAX_ACCESS_NEEDS,
            placeholder=text.DETAILS_ACCESS_PLACEHOLDER,
            default=profile.access_needs,
            paragraph=True,
        )
        self.timezone = text_field(
            "timezone", text.DETAILS_TIMEZONE, max_length=64, default=profile.timezone
        )
        self.quiet = text_field(
            "quiet_hours",
            text.DETAILS_QUIET,
            max_length=40,
            default=str(profile.quiet_hours) if profile.quiet_hours else None,
        )
        offsets = profile.reminder_offsets
        self.reminders = text_field(
            "reminders",
            text.DETAILS_REMINDERS,
            max_length=80,
            placeholder=text.DETAILS_REMINDERS_PLACEHOLDER,
            default=_offsets_as_typed(offsets) if offsets is not None else None,
        )
        for item in (self.name, self.access, self.timezone, self.quiet, self.reminders):
            self.add_item(item)

    def changes(self) -> dict[str, Any]:
        """What was typed, checked (a Refusal says what to fix)."""
        zone = self.timezone.value.strip()
        reminders = self.reminders.value.strip()
        if zone:
            try:
                zone = read_timezone(zone).zone
            except Refusal:
                # A form has no list to pick from: say what would work instead.
                raise Refusal(text.DETAILS_TIMEZONE_UNKNOWN.format(typed=shown(zone, 60))) from None
        return {
            "preferred_name": clean_optional_text(
                self.name.value, what=text.WHAT_PREFERRED_NAME, limit=MAX_PREFERRED_NAME
            ),
            "access_needs": clean_optional_text(
                self.access.value, what=text.WHAT_ACCESS_NEEDS, limit=MAX_ACCESS_NEEDS
            ),
            "timezone": zone or None,
            "quiet_hours": in_field(text.DETAILS_QUIET_FIELD, parse_quiet_hours, self.quiet.value),
            "reminder_offsets": tuple(
                in_field(text.DETAILS_REMINDERS_FIELD, parse_offsets, reminders)
            )
            if reminders
            else None,
        }

    async def on_submit(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction)
        status = await flows.save_details(
            services_of(interaction), member, self.changes(), dispatch=_bot(interaction).dispatch
        )
        zone = self.timezone.value.strip()
        reading = read_timezone(zone) if zone else None
        saved = text.DETAILS_SAVED
        if reading is not None and reading.note:  # "UK" read as Europe/London: say so
            saved = f"{saved}\n{strings.ZONE_NOTES[reading.note].format(zone=reading.zone)}"
        await send_status(interaction, status, saved)


class OpenedDmsButton(SafeButton, template=r"member:dms-open"):
    def __init__(self) -> None:
        super().__init__(
            "member:dms-open", label=strings.OPENED_MY_DMS, style=discord.ButtonStyle.primary
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction, allow_outdated_notice=True)
        await interaction.response.defer(ephemeral=True, thinking=True)
        check = await check_dms(services_of(interaction), member.guild_id, member.user_id)
        await interaction.followup.send(check_words(check), ephemeral=True)


class LeaveButton(SafeButton, template=r"member:leave"):
    def __init__(self, label: str = strings.LEAVE_AND_ERASE) -> None:
        super().__init__("member:leave", label=label, style=discord.ButtonStyle.danger)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot, guild_id = _bot(interaction), actor_guild_id(interaction)
        was_member = await flows.leave(
            services_of(interaction),
            guild_id,
            interaction.user.id,
            secret=bot.config.secret,
            dispatch=bot.dispatch,
        )
        words = text.LEFT if was_member else text.LEFT_NOT_MEMBER
        await interaction.response.edit_message(content=words, embed=None, view=None)


class LeaveServerButton(NumberedButton, template=r"member:leave:(?P<guild>[0-9]+)"):
    """Leave and erase, pressed in a DM: the server it is for is in the custom id (the
    person erases only themselves, so naming any server is harmless)."""

    id_format = "member:leave:{}"
    LABEL = strings.LEAVE_AND_ERASE
    STYLE = discord.ButtonStyle.danger

    @property
    def guild_id(self) -> int:
        return self.number

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        was_member = await flows.leave(
            services_of(interaction),
            self.guild_id,
            interaction.user.id,
            secret=bot.config.secret,
            dispatch=bot.dispatch,
        )
        words = text.LEFT if was_member else text.LEFT_NOT_MEMBER
        words = (
            text.DM_FOR_SERVER.format(server=shown(bot.server_name(self.guild_id))) + "\n" + words
        )
        await interaction.response.edit_message(content=words, embed=None, view=None)


class EraseTooServerButton(LeaveServerButton, template=r"member:leave:(?P<guild>[0-9]+):all"):
    """**Erase it too**, pressed in a DM: leave and erase everything, the claim too."""

    id_format = "member:leave:{}:all"
    LABEL = pay_text.ERASE_TOO


class KeepClaimLeaveButton(SafeButton, template=r"member:leave:keepclaim(?::(?P<guild>[0-9]+))?"):
    """**Keep my unpaid claim until it's paid**: leave and erase everything else; the
    unpaid claim keeps only amount, date, item and name (rule 4's one exception)."""

    def __init__(self, guild_id: int | None = None) -> None:
        self.guild_id = guild_id
        tail = f":{guild_id}" if guild_id is not None else ""
        super().__init__(
            f"member:leave:keepclaim{tail}",
            label=pay_text.KEEP_CLAIM,
            style=discord.ButtonStyle.danger,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["guild"]) if match["guild"] else None)

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        guild_id = self.guild_id if self.guild_id is not None else actor_guild_id(interaction)
        was_member = await flows.leave(
            services_of(interaction),
            guild_id,
            interaction.user.id,
            secret=bot.config.secret,
            dispatch=bot.dispatch,
            keep_claims=True,
        )
        words = (text.LEFT + pay_text.LEFT_KEPT_CLAIM) if was_member else text.LEFT_NOT_MEMBER
        if self.guild_id is not None:
            words = (
                text.DM_FOR_SERVER.format(server=shown(bot.server_name(guild_id))) + "\n" + words
            )
        await interaction.response.edit_message(content=words, embed=None, view=None)


# -- /leave and /me from a DM: which server? ---------------------------------------------


async def server_for(
    interaction: discord.Interaction, action: str, until: str | None = None
) -> int | None:
    """The server a /me command or /leave is for: the one it is used in; in a DM, the one
    server the person is a member in, or None once they have been asked to choose (a
    select) or told kindly that it works inside a server."""
    if interaction.guild_id is not None:
        return interaction.guild_id
    guilds = await flows.member_guilds(services_of(interaction), interaction.user.id)
    if not guilds:
        await interaction.response.send_message(text.DM_NO_SERVER, ephemeral=True)
        return None
    if len(guilds) == 1:
        return guilds[0]
    select = ServerSelect(action, until, [(g, _bot(interaction).server_name(g)) for g in guilds])
    if len(select.item.custom_id or "") > MAX_CUSTOM_ID:
        await interaction.response.send_message(text.DM_PAUSE_DATE_TOO_LONG, ephemeral=True)
        return None
    view = DynamicView()
    view.add_item(select)
    await interaction.response.send_message(text.DM_WHICH_SERVER, view=view, ephemeral=True)
    return None


def _for_server(interaction: discord.Interaction, guild_id: int, words: str | None) -> str | None:
    """In a DM, say which server an answer is about."""
    if interaction.guild_id is not None:
        return words
    label = text.DM_FOR_SERVER.format(server=shown(_bot(interaction).server_name(guild_id)))
    return f"{label}\n{words}" if words else label


async def confirm_leave(interaction: discord.Interaction, guild_id: int) -> None:
    """/leave and /me delete: one confirmation, then erase at once."""
    held = await flows.before_leaving(
        services_of(interaction),
        guild_id,
        interaction.user.id,
        secret=_bot(interaction).config.secret,
    )
    if held in ("confirm", "confirm_claim"):
        claim = held == "confirm_claim"
        view = leave_view(
            None if interaction.guild_id is not None else guild_id, unpaid_claim=claim
        )
        words = _for_server(
            interaction, guild_id, text.LEAVE_CONFIRM + (pay_text.LEAVE_CLAIM if claim else "")
        )
        await interaction.response.send_message(words, view=view, ephemeral=True)
        return
    words = (
        text.NOT_A_MEMBER_ONLY_A_NOTE if held == "only_a_note" else text.NOT_A_MEMBER_NOTHING_HELD
    )
    await interaction.response.send_message(
        _for_server(interaction, guild_id, words), ephemeral=True
    )


async def me_in_server(
    interaction: discord.Interaction, action: str, guild_id: int, until: str | None = None
) -> None:
    """Run /me show|export|pause|resume or /leave for this server."""
    services = services_of(interaction)
    if action == "leave":
        await confirm_leave(interaction, guild_id)
        return
    if action == "export":
        data = await flows.build_export(
            services, guild_id, interaction.user.id, secret=_bot(interaction).config.secret
        )
        if data is None:
            words = _for_server(interaction, guild_id, text.NOTHING_HELD)
            await interaction.response.send_message(words, ephemeral=True)
            return
        words = _for_server(interaction, guild_id, text.EXPORT_DONE)
        await interaction.response.send_message(words, file=export_file(data), ephemeral=True)
        return
    member = await require_member(interaction, allow_outdated_notice=True, guild_id=guild_id)
    if action == "show":
        status = await flows.get_member_status(services, member)
        await send_status(interaction, status, _for_server(interaction, guild_id, None))
    elif action == "pause":
        paused = await flows.pause(services, member, until)
        held = await commitments.still_down_for(services, guild_id, member.user_id)
        words, view = pause_message(paused, held)
        await interaction.response.send_message(
            _for_server(interaction, guild_id, words),
            view=view or discord.utils.MISSING,
            ephemeral=True,
        )
    elif action == "resume":
        resumed = await flows.resume(services, member)
        words = _for_server(interaction, guild_id, resume_words(resumed))
        await interaction.response.send_message(words, ephemeral=True)


class ServerSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"member:dm:(?P<action>show|export|leave|pause|resume)(?::(?P<until>.*))?",
):
    """In a DM: which server a /me command or /leave is for. Re-checked on the press:
    only a server where the person is still a member is acted on (rule 7)."""

    def __init__(
        self, action: str, until: str | None, servers: list[tuple[int, str]] | None = None
    ) -> None:
        self.action, self.until = action, until
        custom_id = f"member:dm:{action}" + (f":{until}" if until else "")
        super().__init__(
            discord.ui.Select(
                custom_id=custom_id,
                placeholder=text.DM_SERVER_PLACEHOLDER,
                options=[
                    discord.SelectOption(label=name[:100], value=str(guild_id))
                    for guild_id, name in (servers or [])[:25]
                ]
                or [discord.SelectOption(label="-", value="0")],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(match["action"], match["until"] or None)

    async def on_press(self, interaction: discord.Interaction) -> None:
        chosen = int(self.item.values[0]) if self.item.values else 0
        if chosen not in await flows.member_guilds(services_of(interaction), interaction.user.id):
            await interaction.response.send_message(text.DM_NOT_THAT_SERVER, ephemeral=True)
            return
        await me_in_server(interaction, self.action, chosen, self.until)


class StayButton(SafeButton, template=r"member:stay"):
    def __init__(self) -> None:
        super().__init__(
            "member:stay", label=text.KEEP_MEMBERSHIP, style=discord.ButtonStyle.secondary
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=text.STAYING, embed=None, view=None)


DYNAMIC_ITEMS = (
    AgreeButton,
    AgreeAndCarryOnButton,
    NotNowButton,
    ContactSelect,
    NoMessagesButton,
    GroupSelect,
    DetailsButton,
    OpenedDmsButton,
    LeaveButton,
    LeaveServerButton,
    EraseTooServerButton,
    KeepClaimLeaveButton,
    ServerSelect,
    StayButton,
    ReadAboutJoiningButton,
    ReadNoticeButton,
    AgreeInServerButton,
)
