"""Meetings as people see them: the echo, the post, DMs, replies, buttons and the modal.

The post shows Discord timestamps, counts, and names only of people who chose to
show theirs, with **Going** / **Maybe** / **Can't make it** for the occurrence
shown; after answering a repeating meeting a person may use the answer for the
whole series. `LOOKS` is the `Render` that flows draw their messages with.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot import strings
from bot.commitments import Commitment
from bot.delivery import message_payload
from bot.dm_checks import check_dms, check_words
from bot.domain.meetings import Meeting, Tally, upcoming_occurrence
from bot.domain.recurrence import Occurrence, describe, first_occurrence, occurrence_for_key
from bot.domain.text import cut
from bot.domain.timefmt import (
    discord_timestamp,
    full_and_relative,
    plain_date,
    plain_local,
    wall_to_utc,
)
from bot.domain.when import format_offsets
from bot.guards import require_member, require_organiser
from bot.strings import meetings as text
from bot.ui import DynamicView, NumberedButton, SafeButton, SafeModal, embed
from cogs.meetings import flows
from cogs.meetings.events import DiscordEvents

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services

Payload = dict[str, Any]
MAX_NAMES = 30


def services_of(interaction: discord.Interaction[SpeakBack]) -> Services:
    services = interaction.client.services
    assert services is not None
    return services


def calendar_of(bot: SpeakBack) -> DiscordEvents:
    return DiscordEvents(bot.http, bot.db)


def server(name: str) -> str:
    """A server's name, safe in markdown."""
    return discord.utils.escape_markdown(name)


def offsets_as_typed(offsets: tuple[timedelta, ...]) -> str:
    if not offsets:
        return text.NO_REMINDERS_TYPED
    parts = []
    for offset in offsets:
        hours, mins = divmod(int(offset.total_seconds()) // 60, 60)
        parts.append(f"{hours}h{mins}m" if hours and mins else f"{hours}h" if hours else f"{mins}m")
    return ",".join(parts)


# -- drafts: what the organiser typed, before posting ------------------------------------


def echo_embed(data: dict[str, Any]) -> discord.Embed:
    series = flows.draft_series(data)
    start = first_occurrence(series).start_utc
    offsets = flows.draft_offsets(data)
    lines = [text.ECHO_INTRO, ""]
    if data.get("note"):
        lines.append(text.ECHO_NOTE.format(note=data["note"]))
    if "ask_am_pm" in data:
        am, pm = (wall_time(data, i) for i in (0, 1))
        lines.append(
            text.ECHO_AM_PM.format(
                clock=clock_words(am, series.zone)[:-2],
                am=clock_words(am, series.zone),
                pm=clock_words(pm, series.zone),
                am_plain=plain_local(am, series.zone),
                pm_plain=plain_local(pm, series.zone),
            )
        )
    else:
        lines.append(
            text.ECHO_START.format(
                plain=plain_local(start, series.zone), **full_and_relative(start)
            )
        )
    lines.append(text.ECHO_REPEAT.format(rule=describe(series)))
    if "ask_length" in data:
        typed, given = data["ask_length"]
        lines.append(
            text.ECHO_TWO_LENGTHS.format(typed=text.length(typed), given=text.length(given))
        )
    else:
        lines.append(text.ECHO_LENGTH.format(length=text.length(series.duration_minutes)))
    if data.get("place"):
        lines.append(text.ECHO_PLACE.format(place=data["place"]))
    lines.append(text.ECHO_REMINDERS.format(offsets=format_offsets(list(offsets))))
    if data.get("discord_event"):
        lines.append(text.ECHO_EVENT)
    lines += ["", text.ECHO_WHERE.format(channel=data["channel_id"])]
    if data.get("network"):
        lines.append(text.ECHO_NETWORK)
    return embed(cut(data["title"], 256), "\n".join(lines))


def wall_time(data: dict[str, Any], which: int) -> datetime:
    """The morning (0) or evening (1) start the read-back asks about, as an instant."""
    wall = datetime.fromisoformat(data["ask_am_pm"][which])
    return wall_to_utc(wall, data["zone"])


def clock_words(instant: datetime, zone: str) -> str:
    """E.g. "6:30pm", in the meeting's zone."""
    return plain_local(instant, zone).split(", ")[-1].split(" (")[0]


def draft_view(draft_id: int, data: dict[str, Any] | None = None) -> discord.ui.View:
    """**Post it** / **Change**; while the read-back asks something, its answers instead
    of **Post it** (nothing is posted until one is pressed)."""
    view = DynamicView()
    data = data or {}
    if "ask_am_pm" in data:
        for which, choice in enumerate(("am", "pm")):
            label = clock_words(wall_time(data, which), data["zone"])
            view.add_item(MeetingPickButton(draft_id, choice, label))
    elif "ask_length" in data:
        typed, given = data["ask_length"]
        view.add_item(
            MeetingPickButton(draft_id, "range", text.PICK_RANGE.format(length=text.length(typed)))
        )
        view.add_item(
            MeetingPickButton(draft_id, "given", text.PICK_GIVEN.format(length=text.length(given)))
        )
    else:
        view.add_item(DraftButton(draft_id, "post"))
    view.add_item(DraftButton(draft_id, "change"))
    return view


def posted_words(shared: flows.Shared) -> str:
    """The organiser's reply once **Post it** has posted (and shared) the meeting."""
    published = shared.published
    if not published.networked:
        return text.POSTED.format(channel=shared.channel_id)
    names = [server(name) for name in published.servers]
    words = text.POSTED_NETWORK.format(
        channel=shared.channel_id, count=len(names), servers=", ".join(names)
    )
    if published.missing:
        words += text.POSTED_MISSING.format(servers=", ".join(map(server, published.missing)))
    return words


# -- the meeting post ------------------------------------------------------------------


def detail_lines(meeting: Meeting, occ: Occurrence) -> list[str]:
    """When, how often, how long, where."""
    series = meeting.series
    lines = [
        text.WHEN_LINE.format(
            **full_and_relative(occ.start_utc),
        )
    ]
    if meeting.recurring:
        lines.append(
            text.REPEAT_LINE.format(
                rule=describe(series), wall=f"{series.start_local:%H:%M}", zone=series.zone
            )
        )
    lines.append(text.LENGTH_LINE.format(length=text.length(series.duration_minutes)))
    if meeting.place:
        lines.append(text.PLACE_LINE.format(place=meeting.place))
    return lines


def meeting_embed(
    meeting: Meeting,
    occ: Occurrence | None,
    counts: Tally,
    by_server: list[str] | None = None,
    home: str | None = None,
) -> discord.Embed:
    """The post. A network meeting also names its home server (`home`, safe in markdown)
    and shows the suppressed per-server breakdown (`by_server`); every copy shows the same."""
    if not meeting.is_scheduled:
        shown = embed(
            cut(text.CANCELLED_TITLE.format(title=meeting.title), 256), text.CANCELLED_BODY
        )
    elif occ is None:
        key = meeting.shown_occ_key
        last = (occurrence_for_key(meeting.series, key) if key else None) or first_occurrence(
            meeting.series
        )
        shown = embed(
            cut(meeting.title, 256),
            text.FINISHED_BODY.format(when=discord_timestamp(last.start_utc, "F")),
        )
    else:
        lines = detail_lines(meeting, occ)
        lines += ["", text.COUNTS_LINE.format(going=counts.going, maybe=counts.maybe)]
        if counts.named:
            names = ", ".join(f"<@{uid}>" for uid in counts.named[:MAX_NAMES])
            if len(counts.named) > MAX_NAMES:
                names += f" (+{len(counts.named) - MAX_NAMES})"
            lines.append(text.NAMES_LINE.format(names=names))
        if by_server:
            lines += ["", text.BY_SERVER_TITLE, *by_server]
        if home is not None:
            lines += ["", text.NETWORK_LINE.format(home=home)]
        lines += ["", text.HOW_TO_ANSWER]
        if meeting.recurring:
            lines.append(text.HOW_TO_ANSWER_SERIES)
        shown = embed(cut(meeting.title, 256), cut("\n".join(lines), 4096))
    shown.set_footer(text=text.FOOTER.format(id=meeting.id))
    return shown


def meeting_payload(
    meeting: Meeting,
    occ: Occurrence | None,
    counts: Tally,
    by_server: list[str] | None = None,
    home: str | None = None,
) -> Payload:
    view = DynamicView()
    if meeting.is_scheduled and occ is not None:
        for status in ("going", "maybe", "no"):
            view.add_item(AnswerButton(meeting.id, occ.key, status))
    shown = meeting_embed(meeting, occ, counts, by_server, home)
    return message_payload(embeds=[shown], view=view)


def reminder_payload(meeting: Meeting, occ: Occurrence, status: str, link: str) -> Payload:
    lines = [
        text.REMINDER_BODY.format(
            status=text.STATUS_WORDS[status],
            **full_and_relative(occ.start_utc),
        )
    ]
    if meeting.place:
        lines.append(text.PLACE_LINE.format(place=meeting.place))
    lines += ["", text.REMINDER_CHANGE.format(link=link)]
    shown = embed(cut(text.REMINDER_TITLE.format(title=meeting.title), 256), "\n".join(lines))
    return message_payload(embeds=[shown])


def notice_payload(
    meeting: Meeting, occ: Occurrence | None, link: str, dropped: Occurrence | None = None
) -> Payload:
    """What people going are told when a meeting changes or is cancelled, or when only
    its meeting `dropped` is (then `occ` is the next one, if any)."""
    if dropped is not None:
        day = plain_date(dropped.start_utc, meeting.series.zone)
        after = (
            text.DATE_CANCELLED_DM_NEXT.format(when=discord_timestamp(occ.start_utc, "F"))
            if occ is not None
            else ""
        )
        body = text.DATE_CANCELLED_DM_BODY.format(
            when=discord_timestamp(dropped.start_utc, "F"), title=meeting.title, next=after
        )
        title = text.DATE_CANCELLED_DM_TITLE.format(day=day, title=meeting.title)
        return message_payload(embeds=[embed(cut(title, 256), body)])
    if meeting.is_scheduled and occ is not None:
        lines = [text.CHANGED_BODY.format(link=link), "", *detail_lines(meeting, occ)]
        title = text.CHANGED_TITLE.format(title=meeting.title)
    else:
        when = discord_timestamp(occ.start_utc, "F") if occ else ""
        lines = [text.CANCELLED_DM_BODY.format(title=meeting.title, when=when)]
        title = text.CANCELLED_DM_TITLE.format(title=meeting.title)
    return message_payload(embeds=[embed(cut(title, 256), "\n".join(lines))])


class Looks:
    """The `Render` flows draw meetings with."""

    def post(
        self,
        meeting: Meeting,
        occ: Occurrence | None,
        counts: Tally,
        by_server: list[str] | None,
        home: str | None,
    ) -> Payload:
        return meeting_payload(
            meeting, occ, counts, by_server, server(home) if home is not None else None
        )

    def reminder(self, meeting: Meeting, occ: Occurrence, status: str, link: str) -> Payload:
        return reminder_payload(meeting, occ, status, link)

    def notice(
        self, meeting: Meeting, occ: Occurrence | None, link: str, dropped: Occurrence | None
    ) -> Payload:
        return notice_payload(meeting, occ, link, dropped)


LOOKS = Looks()


# -- answering ----------------------------------------------------------------------------


def saved_words(saved: flows.Saved) -> str:
    """What someone is told once their answer is saved."""
    if saved.occ is not None:
        words = [
            text.SAVED.format(
                status=text.STATUS_WORDS[saved.status],
                when=discord_timestamp(saved.occ.start_utc, "F"),
            )
        ]
    else:
        words = [text.SAVED_SERIES.format(status=text.STATUS_WORDS[saved.status])]
    if saved.status != "no":
        if saved.offer_reminders:
            words.append(text.SAVED_OFFER_REMINDERS)
        elif saved.reminders is None:
            words.append(text.SAVED_NO_REMINDERS)
        elif not saved.reminders:
            words.append(text.SAVED_NO_REMINDER_TIMES)
        else:
            words.append(text.SAVED_REMINDERS.format(offsets=format_offsets(list(saved.reminders))))
    if saved.counted_in is not None:
        words.append(text.COUNTED_ELSEWHERE.format(server=server(saved.counted_in)))
    if saved.occ is not None and saved.networked and saved.status != "no" and not saved.show_name:
        words.append(text.NAME_NETWORK_HINT)  # before they choose, not after
    return "\n".join(words)


def answer_view(saved: flows.Saved) -> discord.ui.View:
    view = DynamicView()
    if saved.meeting.recurring:
        view.add_item(SeriesButton(saved.meeting.id, saved.status))
    if saved.status != "no":  # names show only among people going or maybe
        view.add_item(NameButton(saved.meeting.id, not saved.show_name))
    if saved.offer_reminders:
        view.add_item(RemindMeButton(saved.meeting.id))
    return view


def series_view(saved: flows.Saved) -> discord.ui.View:
    view = DynamicView()
    if saved.status != "no":  # names show only among people going or maybe
        view.add_item(NameButton(saved.meeting.id, not saved.show_name))
    if saved.offer_reminders:
        view.add_item(RemindMeButton(saved.meeting.id))
    return view


class AnswerButton(
    SafeButton,
    template=r"meet:(?P<id>[0-9]+):(?P<occ>[0-9T]+):(?P<status>going|maybe|no)",
):
    LABELS = {"going": strings.GOING, "maybe": strings.MAYBE, "no": strings.CANT_MAKE_IT}
    STYLES = {
        "going": discord.ButtonStyle.success,
        "maybe": discord.ButtonStyle.primary,
        "no": discord.ButtonStyle.secondary,
    }

    def __init__(self, meeting_id: int, occ_key: str, status: str) -> None:
        self.meeting_id = meeting_id
        self.occ_key = occ_key
        self.status = status
        super().__init__(
            f"meet:{meeting_id}:{occ_key}:{status}",
            label=self.LABELS[status],
            style=self.STYLES[status],
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["occ"], match["status"])

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        member = await require_member(interaction)
        saved = await flows.answer(
            services_of(interaction),
            LOOKS,
            self.meeting_id,
            self.occ_key,
            member.guild_id,
            member.user_id,
            self.status,
            interaction.message.id if interaction.message is not None else None,
        )
        await interaction.response.send_message(
            saved_words(saved),
            view=answer_view(saved),
            ephemeral=True,
        )


class SeriesButton(SafeButton, template=r"meetall:(?P<id>[0-9]+):(?P<status>going|maybe|no)"):
    def __init__(self, meeting_id: int, status: str) -> None:
        self.meeting_id = meeting_id
        self.status = status
        super().__init__(
            f"meetall:{meeting_id}:{status}",
            label=text.ALL_IN_SERIES,
            style=discord.ButtonStyle.primary,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["status"])

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        member = await require_member(interaction)
        saved = await flows.answer_series(
            services_of(interaction),
            LOOKS,
            self.meeting_id,
            member.guild_id,
            member.user_id,
            self.status,
        )
        await interaction.response.edit_message(content=saved_words(saved), view=series_view(saved))


class NameButton(SafeButton, template=r"meetname:(?P<id>[0-9]+):(?P<show>on|off)"):
    def __init__(self, meeting_id: int, show: bool) -> None:
        self.meeting_id = meeting_id
        self.show = show
        super().__init__(
            f"meetname:{meeting_id}:{'on' if show else 'off'}",
            label=text.SHOW_MY_NAME if show else text.HIDE_MY_NAME,
            style=discord.ButtonStyle.secondary,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["show"] == "on")

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        member = await require_member(interaction)
        servers = await flows.show_name(
            services_of(interaction),
            LOOKS,
            self.meeting_id,
            member.guild_id,
            member.user_id,
            self.show,
        )
        view = DynamicView()
        view.add_item(NameButton(self.meeting_id, not self.show))
        words = text.NAME_SHOWN if self.show else text.NAME_HIDDEN
        if servers is not None:
            words = text.NAME_SHOWN_NETWORK.format(servers=", ".join(map(server, servers)))
        await interaction.response.send_message(words, view=view, ephemeral=True)


class RemindMeButton(NumberedButton, template=r"meetremind:(?P<id>[0-9]+)"):
    """Offered with a Going or Maybe answer when reminders are off only because they
    were never chosen: one press records the choice (rule 1) and plans the reminders."""

    id_format = "meetremind:{}"
    LABEL = text.REMIND_ME
    STYLE = discord.ButtonStyle.secondary

    @property
    def meeting_id(self) -> int:
        return self.number

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        member = await require_member(interaction)
        services = services_of(interaction)
        turned = await flows.turn_on_reminders(
            services, self.meeting_id, member.guild_id, member.user_id
        )
        words = text.REMINDERS_TURNED_ON
        if turned.offsets:
            words += " " + text.SAVED_REMINDERS.format(offsets=format_offsets(list(turned.offsets)))
        elif turned.offsets is not None:
            words += text.REMINDERS_TURNED_ON_NO_TIMES
        if not turned.first_choice:
            await interaction.response.edit_message(content=words, view=None)
            return
        # Their first messages: check now that DMs reach them (issue 20).
        await interaction.response.defer(ephemeral=True, thinking=True)
        check = await check_dms(services, member.guild_id, member.user_id)
        await interaction.followup.send(f"{words}\n\n{check_words(check)}", ephemeral=True)


class DraftButton(SafeButton, template=r"meetdraft:(?P<id>[0-9]+):(?P<action>post|change)"):
    def __init__(self, draft_id: int, action: str) -> None:
        self.draft_id = draft_id
        self.action = action
        super().__init__(
            f"meetdraft:{draft_id}:{action}",
            label=text.POST_IT if action == "post" else text.CHANGE,
            style=discord.ButtonStyle.success
            if action == "post"
            else discord.ButtonStyle.secondary,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["action"])

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        services = services_of(interaction)
        _actor, settings = await require_organiser(interaction)
        if self.action == "change":
            data = await flows.get_draft(
                services, self.draft_id, settings.guild_id, interaction.user.id
            )
            await interaction.response.send_modal(ChangeDraftModal(self.draft_id, data))
            return
        shared = await flows.publish_draft(
            services, LOOKS, self.draft_id, settings, interaction.user.id
        )
        await interaction.response.edit_message(content=posted_words(shared), embed=None, view=None)
        problem = await flows.add_event(calendar_of(interaction.client), shared)
        if problem is not None:
            await interaction.followup.send(
                text.EVENT_FAILED.format(reason=problem), ephemeral=True
            )


class ChangeDraftModal(SafeModal, title=text.CHANGE_MODAL_TITLE):
    form = "meeting:change"

    def form_context(self) -> dict[str, Any]:
        return {"draft_id": self.draft_id}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        _actor, settings = await require_organiser(interaction)
        draft_id = int(context["draft_id"])
        data = await flows.get_draft(
            services_of(interaction), draft_id, settings.guild_id, interaction.user.id
        )
        return cls(draft_id, data)

    def __init__(self, draft_id: int, data: dict[str, Any]) -> None:
        super().__init__(timeout=3600)
        self.draft_id = draft_id
        self.data = data
        start = datetime.fromisoformat(data["start_local"])
        self.title_input = discord.ui.TextInput(
            custom_id="title", label=text.FIELD_TITLE, max_length=100, default=data["title"]
        )
        self.start = discord.ui.TextInput(
            custom_id="start",
            label=text.FIELD_START,
            max_length=80,
            default=f"{start:%Y-%m-%d %H:%M}",
        )
        self.duration = discord.ui.TextInput(
            custom_id="duration",
            label=text.FIELD_DURATION,
            max_length=4,
            default=str(data["duration"]),
        )
        self.place = discord.ui.TextInput(
            custom_id="place",
            label=text.FIELD_PLACE,
            required=False,
            max_length=200,
            default=data.get("place") or None,
        )
        self.reminders = discord.ui.TextInput(
            custom_id="reminders",
            label=text.FIELD_REMINDERS,
            max_length=80,
            default=offsets_as_typed(flows.draft_offsets(data)),
        )
        for item in (self.title_input, self.start, self.duration, self.place, self.reminders):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[SpeakBack]) -> None:
        _actor, settings = await require_organiser(interaction)
        draft = await flows.change_draft(
            services_of(interaction),
            self.draft_id,
            settings.guild_id,
            interaction.user.id,
            title=self.title_input.value,
            start=self.start.value,
            duration=self.duration.value,
            place=self.place.value,
            reminders=self.reminders.value,
        )
        await interaction.response.edit_message(
            embed=echo_embed(draft.data), view=draft_view(draft.id, draft.data)
        )


class MeetingPickButton(
    SafeButton, template=r"meetpick:(?P<id>[0-9]+):(?P<choice>am|pm|range|given)"
):
    """An answer to the read-back's question (morning or evening; which length)."""

    def __init__(self, draft_id: int, choice: str, label: str = "") -> None:
        self.draft_id = draft_id
        self.choice = choice
        super().__init__(
            f"meetpick:{draft_id}:{choice}",
            label=label or choice,
            style=discord.ButtonStyle.primary,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["choice"])

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        _actor, settings = await require_organiser(interaction)
        draft = await flows.pick_in_draft(
            services_of(interaction),
            self.draft_id,
            settings.guild_id,
            interaction.user.id,
            self.choice,
        )
        await interaction.response.edit_message(
            embed=echo_embed(draft.data), view=draft_view(draft.id, draft.data)
        )


DYNAMIC_ITEMS = (
    AnswerButton,
    SeriesButton,
    NameButton,
    RemindMeButton,
    DraftButton,
    MeetingPickButton,
)


# -- organiser replies ----------------------------------------------------------------------


def edited_words(changed: flows.Changed, moved: bool) -> str:
    words = text.EDITED.format(told=text.told(changed.told.total, changed.told.split))
    if moved and changed.occ is not None:
        words += text.EDITED_START.format(
            plain=plain_local(changed.occ.start_utc, changed.meeting.series.zone),
            when=discord_timestamp(changed.occ.start_utc, "F"),
        )
    return words


def cancelled_words(changed: flows.Changed) -> str:
    told = text.told(changed.told.total, changed.told.split)
    if changed.dropped is None:
        return text.CANCELLED.format(told=told)
    after = (
        text.DATE_CANCELLED_NEXT.format(when=discord_timestamp(changed.occ.start_utc, "F"))
        if changed.occ is not None
        else ""
    )
    return text.DATE_CANCELLED.format(
        day=plain_date(changed.dropped.start_utc, changed.meeting.series.zone),
        next=after,
        told=told,
    )


# -- calendar files and the list -----------------------------------------------------------


def ics_reply(found: flows.CalendarFile) -> tuple[str, discord.File]:
    meeting = found.meeting
    what = (
        text.ICS_SERIES.format(rule=describe(meeting.series))
        if found.whole and meeting.recurring
        else text.ICS_ONE.format(when=discord_timestamp(found.shown.start_utc, "F"))
    )
    file = discord.File(io.BytesIO(found.data), filename=f"meeting-{meeting.id}.ics")
    return text.ICS_READY.format(title=meeting.title, what=what), file


async def still_down_for(services: Services, guild_id: int, user_id: int) -> list[Commitment]:
    """For /me pause: upcoming meetings they said Going or Maybe to, each with a
    **Can't make it** for that date (the same button as on the post)."""
    upcoming = await flows.upcoming_meetings(services, guild_id, user_id)
    found = []
    for listed in upcoming.shown:
        if listed.status not in ("going", "maybe"):
            continue
        button = AnswerButton(listed.meeting.id, listed.occ.key, "no")
        button.item.label = cut(text.STEP_OUT.format(title=listed.meeting.title), 80)
        line = text.PAUSE_LINE.format(
            title=cut(listed.meeting.title, 200),
            when=discord_timestamp(listed.occ.start_utc, "F"),
            status=text.STATUS_WORDS[listed.status],
        )
        found.append(Commitment(line, button))
    return found


def upcoming_embed(upcoming: flows.Upcoming) -> discord.Embed:
    lines = []
    for listed in upcoming.shown:
        meeting, occ = listed.meeting, listed.occ
        answer = (
            text.LIST_YOUR_ANSWER.format(status=text.STATUS_WORDS[listed.status])
            if listed.status
            else text.LIST_NO_ANSWER
        )
        if listed.shared_by is not None:
            answer += text.LIST_FROM.format(server=server(listed.shared_by))
        lines.append(
            text.LIST_LINE.format(
                title=cut(meeting.title, 100),
                **full_and_relative(occ.start_utc),
                repeat=text.LIST_REPEAT.format(rule=describe(meeting.series))
                if meeting.recurring
                else "",
                answer=answer,
                link=listed.link,
            )
        )
    if upcoming.more:
        lines.append(text.LIST_MORE.format(count=upcoming.more))
    if not upcoming.is_member:
        lines += ["", text.LIST_JOIN]
    return embed(text.LIST_TITLE, cut("\n\n".join(lines), 4096))


# -- autocomplete ---------------------------------------------------------------------------


def _choices(interaction: discord.Interaction[SpeakBack], found: list[Meeting]):
    now = services_of(interaction).clock.now()
    choices = []
    for meeting in found[:25]:
        occ = upcoming_occurrence(meeting.series, now)
        when = f" ({occ.rule_local:%a %d %b %H:%M})" if occ else ""
        choices.append(app_commands.Choice(name=cut(meeting.title + when, 100), value=meeting.id))
    return choices


async def meeting_autocomplete(
    interaction: discord.Interaction[SpeakBack], current: str
) -> list[app_commands.Choice[int]]:
    """This server's meetings (for organisers)."""
    if interaction.guild_id is None:
        return []
    found = await flows.own_meetings(services_of(interaction), interaction.guild_id, current)
    return _choices(interaction, found)


async def visible_autocomplete(
    interaction: discord.Interaction[SpeakBack], current: str
) -> list[app_commands.Choice[int]]:
    """For `/meeting ics`: this server's meetings and network meetings shared here."""
    if interaction.guild_id is None:
        return []
    found = await flows.visible_meetings(services_of(interaction), interaction.guild_id, current)
    return _choices(interaction, found)
