"""/meeting schedule|edit|cancel|ics and /meetings: meetings, answers and reminders.

`/meeting schedule` reads the start in the server's time zone and echoes it back
privately with **Post it** / **Change** (the draft lives in the database, so the
buttons work after a restart). The post shows Discord timestamps, counts, and
names only of people who chose to show theirs, with **Going** / **Maybe** /
**Can't make it** for the occurrence shown; after answering a repeating meeting
a person may use the answer for the whole series.

Reminders are dispatcher jobs, one per distinct minute at which someone's
reminder is due (`meeting:{id}:remind:{occ}:{minute}`), re-planned whenever
answers or the meeting change. A job enqueues DMs with one dedupe key per
meeting, occurrence, offset and person, and moves the occurrence's
`reminded_until` mark in the same transaction, so a re-run after a crash or
restart doubles nothing. A `meeting:{id}:roll:{occ}` job at each start moves
the post and the plan on to the next meeting of a series.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.client import SpeakBack
from bot.delivery import message_payload
from bot.dispatcher import JobMissed
from bot.domain.errors import Refusal
from bot.domain.ics import build_ics
from bot.domain.meetings import (
    DEFAULT_OFFSETS,
    SERIES_KEY,
    Meeting,
    Tally,
    attending_by_server,
    occurrences_to_plan,
    offsets_from_text,
    offsets_to_text,
    plan_reminders,
    remap_keys,
    reminders_due,
    send_times,
    still_useful,
    tally,
    upcoming_occurrence,
    validate_duration,
    validate_place,
    validate_title,
)
from bot.domain.members import can_contact
from bot.domain.recurrence import (
    RULES,
    Occurrence,
    Series,
    describe,
    first_occurrence,
    next_occurrences,
    occurrence_for_key,
    occurrence_on,
)
from bot.domain.timefmt import discord_timestamp, plain_date, plain_day, plain_local
from bot.domain.when import format_offsets, parse_day, parse_offsets, parse_when
from bot.guards import actor_guild_id, require_member, require_organiser
from bot.networks import (
    Audience,
    audience,
    may_answer_from,
    per_server_lines,
    require_answerable_from,
)
from bot.strings import meetings as text
from bot.ui import DynamicView, SafeItem, SafeModal, embed
from db import meetings as repo
from db import members as members_db
from db import network_items
from db.jobs import Job
from db.settings import get_settings

log = logging.getLogger(__name__)

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}
REMINDER_JOB = "meeting_reminder"
ROLL_JOB = "meeting_roll"
MAX_NAMES = 30
LIST_LIMIT = 10
EVENT_LOCATION_DEFAULT = "See the meeting post in Discord"
KIND = "meeting"  # in item_copies


def _bot(interaction: discord.Interaction) -> SpeakBack:
    return interaction.client  # type: ignore[return-value]


def job_prefix(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:"


def reminder_key(meeting_id: int, occ_key: str, send_at: datetime) -> str:
    return f"{job_prefix(meeting_id)}remind:{occ_key}:{send_at:%Y%m%dT%H%M}"


def roll_key(meeting_id: int, occ_key: str) -> str:
    return f"{job_prefix(meeting_id)}roll:{occ_key}"


def message_link(guild_id: int, channel_id: int, message_id: int | None) -> str:
    if message_id is None:
        return f"<#{channel_id}>"
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _cut(words: str, limit: int) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _offsets_as_typed(offsets: tuple[timedelta, ...]) -> str:
    if not offsets:
        return "none"
    parts = []
    for offset in offsets:
        hours, mins = divmod(int(offset.total_seconds()) // 60, 60)
        parts.append(f"{hours}h{mins}m" if hours and mins else f"{hours}h" if hours else f"{mins}m")
    return ",".join(parts)


# -- drafts: what the organiser typed, before posting ------------------------------------


def draft_data(
    *,
    title: str,
    start_utc: datetime,
    zone: str,
    rule: str,
    duration: int,
    place: str | None,
    offsets: list[timedelta] | tuple[timedelta, ...],
    discord_event: bool,
    ping: bool,
    channel_id: int,
    network: bool = False,
) -> dict[str, Any]:
    series = Series.from_start_utc(start_utc, zone, rule, duration)
    return {
        "network": network,
        "title": title,
        "place": place,
        "start_local": series.start_local.isoformat(),
        "zone": zone,
        "rule": rule,
        "duration": duration,
        "offsets": offsets_to_text(offsets),
        "discord_event": discord_event,
        "ping": ping,
        "channel_id": channel_id,
    }


def draft_series(data: dict[str, Any]) -> Series:
    return Series(
        datetime.fromisoformat(data["start_local"]), data["zone"], data["rule"], data["duration"]
    )


def echo_embed(data: dict[str, Any]) -> discord.Embed:
    series = draft_series(data)
    start = first_occurrence(series).start_utc
    offsets = offsets_from_text(data["offsets"])
    lines = [
        text.ECHO_INTRO,
        "",
        text.ECHO_START.format(
            plain=plain_local(start, series.zone),
            when=discord_timestamp(start, "F"),
            relative=discord_timestamp(start, "R"),
        ),
        text.ECHO_REPEAT.format(rule=describe(series)),
        text.ECHO_LENGTH.format(length=text.length(series.duration_minutes)),
    ]
    if data.get("place"):
        lines.append(text.ECHO_PLACE.format(place=data["place"]))
    lines.append(text.ECHO_REMINDERS.format(offsets=format_offsets(list(offsets))))
    if data.get("discord_event"):
        lines.append(text.ECHO_EVENT)
    lines += ["", text.ECHO_WHERE.format(channel=data["channel_id"])]
    if data.get("network"):
        lines.append(text.ECHO_NETWORK)
    return embed(_cut(data["title"], 256), "\n".join(lines))


def draft_view(draft_id: int) -> discord.ui.View:
    view = DynamicView()
    view.add_item(DraftButton(draft_id, "post"))
    view.add_item(DraftButton(draft_id, "change"))
    return view


# -- the meeting post ------------------------------------------------------------------


def detail_lines(meeting: Meeting, occ: Occurrence) -> list[str]:
    """When, how often, how long, where."""
    series = meeting.series
    lines = [
        text.WHEN_LINE.format(
            when=discord_timestamp(occ.start_utc, "F"),
            relative=discord_timestamp(occ.start_utc, "R"),
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
    """The post. A network meeting also names its home server (`home`) and shows the
    suppressed per-server breakdown (`by_server`); every copy shows the same."""
    if not meeting.is_scheduled:
        shown = embed(
            _cut(text.CANCELLED_TITLE.format(title=meeting.title), 256), text.CANCELLED_BODY
        )
    elif occ is None:
        key = meeting.shown_occ_key
        last = (occurrence_for_key(meeting.series, key) if key else None) or first_occurrence(
            meeting.series
        )
        shown = embed(
            _cut(meeting.title, 256),
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
        shown = embed(_cut(meeting.title, 256), _cut("\n".join(lines), 4096))
    shown.set_footer(text=text.FOOTER.format(id=meeting.id))
    return shown


def meeting_payload(
    meeting: Meeting,
    occ: Occurrence | None,
    counts: Tally,
    by_server: list[str] | None = None,
    home: str | None = None,
) -> dict[str, Any]:
    view = DynamicView()
    if meeting.is_scheduled and occ is not None:
        for status in ("going", "maybe", "no"):
            view.add_item(AnswerButton(meeting.id, occ.key, status))
    shown = meeting_embed(meeting, occ, counts, by_server, home)
    return message_payload(embeds=[shown], view=view)


def server_name(bot: SpeakBack, guild_id: int) -> str:
    guild = bot.get_guild(guild_id)
    return guild.name if guild else "your server"


async def post_targets(bot: SpeakBack, meeting: Meeting) -> list[tuple[int, int, int | None]]:
    """(guild_id, channel_id, message_id) of every copy of the post, home first."""
    targets = [(meeting.guild_id, meeting.channel_id, await post_message_id(bot, meeting))]
    if meeting.network_id is not None:
        for copy in await network_items.copies(bot.db, KIND, meeting.id):
            if copy.guild_id != meeting.guild_id:
                targets.append((copy.guild_id, copy.channel_id, copy.message_id))
    return targets


async def reached_guilds(bot: SpeakBack, meeting: Meeting) -> tuple[int, ...]:
    """Servers whose members may answer now: home, plus linked servers it was posted to."""
    found = [meeting.guild_id]
    if meeting.network_id is not None:
        for copy in await network_items.copies(bot.db, KIND, meeting.id):
            if copy.guild_id not in found and await may_answer_from(
                bot.db, meeting.guild_id, meeting.network_id, copy.guild_id
            ):
                found.append(copy.guild_id)
    return tuple(found)


async def link_for(bot: SpeakBack, meeting: Meeting, guild_id: int) -> str:
    """A link to the copy of the post in this server (the home post if there is none)."""
    targets = await post_targets(bot, meeting)
    for target in targets:
        if target[0] == guild_id:
            return message_link(*target)
    return message_link(*targets[0])


async def post_message_id(bot: SpeakBack, meeting: Meeting) -> int | None:
    if meeting.message_id is not None:
        return meeting.message_id
    if meeting.post_outbox_id is None:
        return None
    message_id = await bot.delivery.sent_message_id(meeting.post_outbox_id)
    if message_id is not None:
        await repo.set_message_id(bot.db, meeting.id, message_id)
    return message_id


async def current_payload(bot: SpeakBack, meeting: Meeting) -> dict[str, Any]:
    """The post as it should look now (and note which occurrence it shows)."""
    occ = upcoming_occurrence(meeting.series, bot.clock.now()) if meeting.is_scheduled else None
    await repo.set_shown_occurrence(bot.db, meeting.id, occ.key if occ else None)
    answers = await repo.answers_for(bot.db, meeting.id, occ.key) if occ else {}
    by_server, home = None, None
    if meeting.network_id is not None:
        home = discord.utils.escape_markdown(server_name(bot, meeting.guild_id))
        if occ is not None:
            reached = await reached_guilds(bot, meeting)
            by_server = await per_server_lines(
                bot.db, attending_by_server(answers, reached), text.BY_SERVER_UNIT
            )
    return meeting_payload(meeting, occ, tally(answers), by_server, home)


async def refresh_post(bot: SpeakBack, meeting_id: int) -> None:
    """Show the current occurrence, counts and names on the post (edits coalesce)."""
    meeting = await repo.get_meeting(bot.db, meeting_id)
    if meeting is None:
        return
    payload = await current_payload(bot, meeting)
    # A network meeting has a copy in each server it was posted to; all show the same.
    for guild_id, channel_id, message_id in await post_targets(bot, meeting):
        if message_id is not None:
            await bot.delivery.edit(
                guild_id=guild_id, channel_id=channel_id, message_id=message_id, payload=payload
            )


# -- planning reminders --------------------------------------------------------------------


_plan_locks: dict[int, asyncio.Lock] = {}


async def replan(bot: SpeakBack, meeting_id: int) -> int:
    """Re-plan one meeting's jobs; one at a time per meeting, so two plans never cross."""
    lock = _plan_locks.setdefault(meeting_id, asyncio.Lock())
    async with lock:
        return await _replan(bot, meeting_id)


async def _replan(bot: SpeakBack, meeting_id: int) -> int:
    """Make the jobs match the meeting and its answers now; returns how many are pending.

    One reminder job per distinct minute at which someone's reminder is due, for the
    next occurrence (and others close enough for a long reminder), plus one job at
    the next start that moves everything on. Jobs no longer needed are cancelled.
    """
    db = bot.db
    meeting = await repo.get_meeting(db, meeting_id)
    now = bot.clock.now()
    wanted: dict[str, tuple[str, datetime, dict[str, Any]]] = {}
    if meeting is not None and meeting.is_scheduled:
        settings = await get_settings(db, meeting.guild_id)
        occurrences = occurrences_to_plan(meeting.series, now)
        for occ in occurrences:
            # Overdue but not yet handled (the bot was busy or down) is still wanted.
            handled = await repo.reminded_until(db, meeting.id, occ.key, now)
            people = await repo.reminder_audience(db, meeting, occ.key, settings.timezone)
            planned = plan_reminders(occ.start_utc, meeting.offsets, people)
            payload = {"meeting_id": meeting.id, "occ_key": occ.key}
            for send_at in send_times(planned, handled):
                if send_at < occ.start_utc:
                    key = reminder_key(meeting.id, occ.key, send_at)
                    wanted[key] = (REMINDER_JOB, send_at, payload)
        if occurrences:
            first = occurrences[0]
            payload = {"meeting_id": meeting.id, "occ_key": first.key}
            wanted[roll_key(meeting.id, first.key)] = (ROLL_JOB, first.start_utc, payload)
    existing = await repo.pending_job_keys(db, job_prefix(meeting_id))
    for key in existing - set(wanted):
        await bot.dispatcher.cancel(key)
    for key, (kind, due, payload) in wanted.items():
        await bot.dispatcher.schedule(
            kind, due, payload, key, meeting.guild_id if meeting else None
        )
    return len(wanted)


def reminder_payload(meeting: Meeting, occ: Occurrence, status: str, link: str) -> dict[str, Any]:
    lines = [
        text.REMINDER_BODY.format(
            status=text.STATUS_WORDS[status],
            when=discord_timestamp(occ.start_utc, "F"),
            relative=discord_timestamp(occ.start_utc, "R"),
        )
    ]
    if meeting.place:
        lines.append(text.PLACE_LINE.format(place=meeting.place))
    lines += ["", text.REMINDER_CHANGE.format(link=link)]
    shown = embed(_cut(text.REMINDER_TITLE.format(title=meeting.title), 256), "\n".join(lines))
    return message_payload(embeds=[shown])


def notice_payload(
    meeting: Meeting, occ: Occurrence | None, link: str, dropped: Occurrence | None = None
) -> dict:
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
        return message_payload(embeds=[embed(_cut(title, 256), body)])
    if meeting.is_scheduled and occ is not None:
        lines = [text.CHANGED_BODY.format(link=link), "", *detail_lines(meeting, occ)]
        title = text.CHANGED_TITLE.format(title=meeting.title)
    else:
        when = discord_timestamp(occ.start_utc, "F") if occ else ""
        lines = [text.CANCELLED_DM_BODY.format(title=meeting.title, when=when)]
        title = text.CANCELLED_DM_TITLE.format(title=meeting.title)
    return message_payload(embeds=[embed(_cut(title, 256), "\n".join(lines))])


async def tell_attending(
    bot: SpeakBack,
    meeting: Meeting,
    people: list[tuple[int, int]] | list[int],
    occ: Occurrence | None,
    dropped: Occurrence | None = None,
) -> None:
    """A change or cancellation notice to people who said Going/Maybe (dm_reminders only);
    with `dropped`, the notice that only that date is cancelled.

    `people` are (guild_id, user_id) from `repo.attending` (bare user ids mean the
    home server): each is told as a member of the server their answer counts in, so
    that server's consent, pause and quiet hours apply, with a link to its copy.
    """
    pairs = [p if isinstance(p, tuple) else (meeting.guild_id, p) for p in people]
    payloads: dict[int, dict[str, Any]] = {}
    for guild_id in {g for g, _u in pairs}:
        link = await link_for(bot, meeting, guild_id)
        payloads[guild_id] = notice_payload(meeting, occ, link, dropped)
    async with bot.db.transaction():
        for guild_id, user_id in pairs:
            await bot.delivery.dm(
                guild_id=guild_id,
                user_id=user_id,
                purpose="dm_reminders",
                payload=payloads[guild_id],
                dedupe_key=f"meeting-notice:{meeting.id}:{meeting.revision}:{user_id}",
                batch=f"meeting-notice:{meeting.id}:{meeting.revision}",
            )


# -- Discord scheduled events (best effort) ----------------------------------------------


def _event_fields(meeting: Meeting, occ: Occurrence) -> dict[str, Any]:
    return {
        "name": _cut(meeting.title, 100),
        "privacy_level": 2,  # guild only
        "entity_type": 3,  # external: a place or a link
        "entity_metadata": {"location": _cut(meeting.place or EVENT_LOCATION_DEFAULT, 100)},
        "scheduled_start_time": occ.start_utc.isoformat(),
        "scheduled_end_time": occ.end_utc.isoformat(),
    }


async def make_event(bot: SpeakBack, meeting: Meeting, occ: Occurrence) -> str | None:
    """Create the Discord event for this occurrence; returns why not, or None."""
    try:
        data = await bot.http.create_guild_scheduled_event(
            meeting.guild_id, **_event_fields(meeting, occ)
        )
    except discord.HTTPException as error:
        log.warning("Could not create a Discord event for meeting %s: %s", meeting.id, error)
        return f"Discord said: {error.text or error.status}"
    await repo.set_event_id(bot.db, meeting.id, int(data["id"]))
    return None


async def update_event(bot: SpeakBack, meeting: Meeting, occ: Occurrence | None) -> None:
    if meeting.event_id is None:
        return
    try:
        if occ is None or not meeting.is_scheduled:
            await bot.http.delete_scheduled_event(meeting.guild_id, meeting.event_id)
            await repo.set_event_id(bot.db, meeting.id, None)
        else:
            await bot.http.edit_scheduled_event(
                meeting.guild_id, meeting.event_id, **_event_fields(meeting, occ)
            )
    except discord.HTTPException as error:
        log.warning("Could not update the Discord event of meeting %s: %s", meeting.id, error)


# -- buttons ----------------------------------------------------------------------------


async def _scheduled_meeting(bot: SpeakBack, meeting_id: int, guild_id: int) -> Meeting:
    """A meeting members of `guild_id` may answer now: its own, or a network meeting
    shared with it while the server is still linked (rule 7: checked on every press)."""
    meeting = await repo.get_meeting(bot.db, meeting_id)
    if meeting is None or (meeting.guild_id != guild_id and meeting.network_id is None):
        raise Refusal(text.MEETING_GONE)
    await require_answerable_from(bot.db, meeting.guild_id, meeting.network_id, guild_id)
    if not meeting.is_scheduled:
        raise Refusal(text.MEETING_CANCELLED)
    return meeting


def _counted_elsewhere(bot: SpeakBack, counted: int, here: int) -> list[str]:
    if counted == here:
        return []
    name = discord.utils.escape_markdown(server_name(bot, counted))
    return [text.COUNTED_ELSEWHERE.format(server=name)]


async def _reminder_words(bot: SpeakBack, guild_id: int, user_id: int, meeting: Meeting) -> str:
    member = await members_db.get_member(bot.db, guild_id, user_id)
    settings = await get_settings(bot.db, guild_id)
    if not can_contact(member, "dm_reminders", bot.clock.now(), settings.notice_version):
        return text.SAVED_NO_REMINDERS
    assert member is not None
    own = member.profile.reminder_offsets
    offsets = meeting.offsets if own is None else own
    if not offsets:
        return text.SAVED_NO_REMINDER_TIMES
    return text.SAVED_REMINDERS.format(offsets=format_offsets(list(offsets)))


def answer_view(meeting: Meeting, status: str, show_name: bool) -> discord.ui.View:
    view = DynamicView()
    if meeting.recurring:
        view.add_item(SeriesButton(meeting.id, status))
    if status != "no":  # names show only among people going or maybe
        view.add_item(NameButton(meeting.id, not show_name))
    return view


class AnswerButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
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
            discord.ui.Button(
                label=self.LABELS[status],
                style=self.STYLES[status],
                custom_id=f"meet:{meeting_id}:{occ_key}:{status}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["occ"], match["status"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        member = await require_member(interaction)
        meeting = await _scheduled_meeting(bot, self.meeting_id, member.guild_id)
        now = bot.clock.now()
        occ = occurrence_for_key(meeting.series, self.occ_key)
        if occ is None:  # the meeting was moved since this post was drawn
            occ = upcoming_occurrence(meeting.series, now)
        if occ is None or not still_useful(occ.start_utc, now):
            raise Refusal(text.ALREADY_STARTED)
        counted = await repo.answer(
            bot.db, meeting.id, occ.key, member.guild_id, member.user_id, self.status, now
        )
        if (
            meeting.message_id is None
            and interaction.message is not None
            and member.guild_id == meeting.guild_id
        ):
            await repo.set_message_id(bot.db, meeting.id, interaction.message.id)
        mine = await repo.my_answer(bot.db, meeting.id, occ.key, member.guild_id, member.user_id)
        words = [
            text.SAVED.format(
                status=text.STATUS_WORDS[self.status], when=discord_timestamp(occ.start_utc, "F")
            )
        ]
        if self.status != "no":
            words.append(await _reminder_words(bot, counted, member.user_id, meeting))
        words += _counted_elsewhere(bot, counted, member.guild_id)
        if meeting.network_id is not None and self.status != "no" and not (mine and mine.show_name):
            words.append(text.NAME_NETWORK_HINT)  # before they choose, not after
        # Plan and queue the post's update before answering, so "saved" means all of it.
        await replan(bot, meeting.id)
        await refresh_post(bot, meeting.id)
        await interaction.response.send_message(
            "\n".join(words),
            view=answer_view(meeting, self.status, bool(mine and mine.show_name)),
            ephemeral=True,
        )


class SeriesButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"meetall:(?P<id>[0-9]+):(?P<status>going|maybe|no)",
):
    def __init__(self, meeting_id: int, status: str) -> None:
        self.meeting_id = meeting_id
        self.status = status
        super().__init__(
            discord.ui.Button(
                label=text.ALL_IN_SERIES,
                style=discord.ButtonStyle.primary,
                custom_id=f"meetall:{meeting_id}:{status}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["status"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        member = await require_member(interaction)
        meeting = await _scheduled_meeting(bot, self.meeting_id, member.guild_id)
        now = bot.clock.now()
        upcoming = [o.key for o in next_occurrences(meeting.series, now, 400)]
        counted = await repo.answer_series(
            bot.db, meeting.id, member.guild_id, member.user_id, self.status, upcoming, now
        )
        words = [text.SAVED_SERIES.format(status=text.STATUS_WORDS[self.status])]
        if self.status != "no":
            words.append(await _reminder_words(bot, counted, member.user_id, meeting))
        words += _counted_elsewhere(bot, counted, member.guild_id)
        mine = await repo.my_answer(bot.db, meeting.id, SERIES_KEY, member.guild_id, member.user_id)
        view = DynamicView()
        if self.status != "no":  # names show only among people going or maybe
            view.add_item(NameButton(meeting.id, not (mine and mine.show_name)))
        await replan(bot, meeting.id)
        await refresh_post(bot, meeting.id)
        await interaction.response.edit_message(content="\n".join(words), view=view)


class NameButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"meetname:(?P<id>[0-9]+):(?P<show>on|off)",
):
    def __init__(self, meeting_id: int, show: bool) -> None:
        self.meeting_id = meeting_id
        self.show = show
        super().__init__(
            discord.ui.Button(
                label=text.SHOW_MY_NAME if show else text.HIDE_MY_NAME,
                style=discord.ButtonStyle.secondary,
                custom_id=f"meetname:{meeting_id}:{'on' if show else 'off'}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["show"] == "on")

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        member = await require_member(interaction)
        meeting = await _scheduled_meeting(bot, self.meeting_id, member.guild_id)
        if not await repo.set_show_name(
            bot.db, meeting.id, member.guild_id, member.user_id, self.show
        ):
            raise Refusal(text.ANSWER_FIRST)
        view = DynamicView()
        view.add_item(NameButton(meeting.id, not self.show))
        await refresh_post(bot, meeting.id)
        words = text.NAME_SHOWN if self.show else text.NAME_HIDDEN
        if self.show and meeting.network_id is not None:
            servers = [
                discord.utils.escape_markdown(server_name(bot, g))
                for g, _c, _m in await post_targets(bot, meeting)
            ]
            words = text.NAME_SHOWN_NETWORK.format(servers=", ".join(servers))
        await interaction.response.send_message(words, view=view, ephemeral=True)


class DraftButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"meetdraft:(?P<id>[0-9]+):(?P<action>post|change)",
):
    def __init__(self, draft_id: int, action: str) -> None:
        self.draft_id = draft_id
        self.action = action
        super().__init__(
            discord.ui.Button(
                label=text.POST_IT if action == "post" else text.CHANGE,
                style=discord.ButtonStyle.success
                if action == "post"
                else discord.ButtonStyle.secondary,
                custom_id=f"meetdraft:{draft_id}:{action}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["action"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        _actor, settings = await require_organiser(interaction)
        guild_id, user_id = settings.guild_id, interaction.user.id
        data = await repo.get_draft(bot.db, self.draft_id, guild_id, user_id)
        if data is None:
            raise Refusal(text.DRAFT_GONE)
        if self.action == "change":
            await interaction.response.send_modal(ChangeDraftModal(self.draft_id, data))
            return
        now = bot.clock.now()
        if first_occurrence(draft_series(data)).start_utc <= now:
            raise Refusal(text.DRAFT_PAST)
        channel_id = int(data["channel_id"])
        # Worked out again now: the network may have changed since the echo.
        reach = await audience(bot.db, guild_id, True) if data.get("network") else None
        meeting_id = await repo.post_draft(
            bot.db, self.draft_id, guild_id, user_id, channel_id, now
        )
        if meeting_id is None:
            raise Refusal(text.DRAFT_GONE)
        if reach is not None:
            await _mark_shared(bot, meeting_id, reach, channel_id)
        meeting = await repo.get_meeting(bot.db, meeting_id)
        assert meeting is not None
        occ = upcoming_occurrence(meeting.series, now)
        payload = await current_payload(bot, meeting)
        role = settings.announce_role_id if data.get("ping") else None
        home_payload = payload
        if role is not None:  # the role ping is the home server's only
            home_payload = {**payload, "content": f"<@&{role}>", "ping_role_id": role}
        row_id = await bot.delivery.post(
            guild_id=guild_id,
            channel_id=channel_id,
            payload=home_payload,
            dedupe_key=f"meeting-post:{meeting.id}",
        )
        await repo.set_post_outbox(bot.db, meeting.id, row_id)
        words = text.POSTED.format(channel=channel_id)
        if reach is not None:
            words = await _post_copies(bot, meeting, reach, channel_id, row_id, payload)
        await replan(bot, meeting.id)
        await interaction.response.edit_message(content=words, embed=None, view=None)
        if meeting.discord_event and occ is not None:
            problem = await make_event(bot, meeting, occ)
            if problem is not None:
                await interaction.followup.send(
                    text.EVENT_FAILED.format(reason=problem), ephemeral=True
                )


async def _mark_shared(bot: SpeakBack, meeting_id: int, reach: Audience, channel_id: int) -> None:
    """Make the meeting a network meeting and note where its copies go (before posting,
    so the first post already shows every server in its breakdown)."""
    assert reach.network_id is not None
    await network_items.set_network(bot.db, KIND, meeting_id, reach.network_id)
    meeting = await repo.get_meeting(bot.db, meeting_id)
    assert meeting is not None
    home = meeting.guild_id
    await network_items.record_copy(bot.db, KIND, meeting_id, home, channel_id, None)
    for guild_id, other_channel in reach.targets:
        if guild_id != home:
            await network_items.record_copy(bot.db, KIND, meeting_id, guild_id, other_channel, None)


async def _post_copies(
    bot: SpeakBack,
    meeting: Meeting,
    reach: Audience,
    channel_id: int,
    home_row: int | None,
    payload: dict[str, Any],
) -> str:
    """Post one copy in each other linked server, record every copy; the organiser's words.

    The home copy may be in the channel the command was run in (no announcements
    channel set); other servers get theirs in their announcements channel, without
    a role ping. Each copy is an outbox row with its own dedupe key.
    """
    home = meeting.guild_id
    await network_items.record_copy(bot.db, KIND, meeting.id, home, channel_id, home_row)
    others = [(g, c) for g, c in reach.targets if g != home]
    for guild_id, other_channel in others:
        row_id = await bot.delivery.post(
            guild_id=guild_id,
            channel_id=other_channel,
            payload=payload,
            dedupe_key=f"meeting-post:{meeting.id}:{guild_id}",
        )
        await network_items.record_copy(bot.db, KIND, meeting.id, guild_id, other_channel, row_id)
    names = [discord.utils.escape_markdown(server_name(bot, g)) for g in (home, *dict(others))]
    words = text.POSTED_NETWORK.format(
        channel=channel_id, count=len(names), servers=", ".join(names)
    )
    home_name = server_name(bot, home)
    missing = [discord.utils.escape_markdown(m) for m in reach.missing if m != home_name]
    if missing:
        words += text.POSTED_MISSING.format(servers=", ".join(missing))
    return words


class ChangeDraftModal(SafeModal, title=text.CHANGE_MODAL_TITLE):
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
            default=_offsets_as_typed(offsets_from_text(data["offsets"])),
        )
        for item in (self.title_input, self.start, self.duration, self.place, self.reminders):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        _actor, settings = await require_organiser(interaction)
        data = await repo.get_draft(bot.db, self.draft_id, settings.guild_id, interaction.user.id)
        if data is None:
            raise Refusal(text.DRAFT_GONE)
        typed = self.duration.value.strip()
        if not typed.isdigit():
            raise Refusal(text.DURATION_UNREADABLE)
        zone = data["zone"]
        changed = draft_data(
            title=validate_title(self.title_input.value),
            start_utc=parse_when(self.start.value, zone, bot.clock.now()),
            zone=zone,
            rule=data["rule"],
            duration=validate_duration(int(typed)),
            place=validate_place(self.place.value),
            offsets=parse_offsets(self.reminders.value),
            discord_event=bool(data.get("discord_event")),
            ping=bool(data.get("ping")),
            channel_id=int(data["channel_id"]),
            network=bool(data.get("network")),
        )
        await repo.update_draft(bot.db, self.draft_id, changed)
        await interaction.response.edit_message(
            embed=echo_embed(changed), view=draft_view(self.draft_id)
        )


DYNAMIC_ITEMS = (AnswerButton, SeriesButton, NameButton, DraftButton)


# -- the commands ---------------------------------------------------------------------


async def meeting_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    bot = _bot(interaction)
    found = await repo.list_meetings(bot.db, interaction.guild_id, search=current)
    now = bot.clock.now()
    choices = []
    for meeting in found[:25]:
        occ = upcoming_occurrence(meeting.series, now)
        when = f" ({occ.rule_local:%a %d %b %H:%M})" if occ else ""
        choices.append(app_commands.Choice(name=_cut(meeting.title + when, 100), value=meeting.id))
    return choices


async def visible_meetings(bot: SpeakBack, guild_id: int, search: str = "") -> list[Meeting]:
    """This server's scheduled meetings, then network meetings shared here (while linked)."""
    found = await repo.list_meetings(bot.db, guild_id, search=search)
    for meeting in await repo.list_shared_with(bot.db, guild_id, search=search):
        if await may_answer_from(bot.db, meeting.guild_id, meeting.network_id, guild_id):
            found.append(meeting)
    return found


async def visible_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """For `/meeting ics`: this server's meetings and network meetings shared here."""
    if interaction.guild_id is None:
        return []
    bot = _bot(interaction)
    now = bot.clock.now()
    choices = []
    for meeting in (await visible_meetings(bot, interaction.guild_id, current))[:25]:
        occ = upcoming_occurrence(meeting.series, now)
        when = f" ({occ.rule_local:%a %d %b %H:%M})" if occ else ""
        choices.append(app_commands.Choice(name=_cut(meeting.title + when, 100), value=meeting.id))
    return choices


async def _meeting_option(bot: SpeakBack, interaction: discord.Interaction, meeting_id: int):
    meeting = await repo.get_meeting(bot.db, meeting_id, actor_guild_id(interaction))
    if meeting is None:
        raise Refusal(text.MEETING_GONE)
    return meeting


REPEAT_CHOICES = [app_commands.Choice(name=rule, value=rule) for rule in RULES]


@app_commands.guild_only()
class MeetingGroup(app_commands.Group, name="meeting", description=text.GROUP_DESCRIPTION):
    def __init__(self, bot: SpeakBack) -> None:
        super().__init__(extras=ORGANISER)
        self.bot = bot

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
        interaction: discord.Interaction,
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
        if network:
            await audience(self.bot.db, settings.guild_id, True)  # kindly refused if not linked
        if repeat not in RULES:
            raise Refusal(text.REPEAT_HELP)
        channel_id = settings.announcements_channel_id or interaction.channel_id
        if channel_id is None:
            raise Refusal(text.NO_CHANNEL)
        data = draft_data(
            title=validate_title(title),
            start_utc=parse_when(start, settings.timezone, self.bot.clock.now()),
            zone=settings.timezone,
            rule=repeat,
            duration=validate_duration(duration),
            place=validate_place(place),
            offsets=parse_offsets(reminders) if reminders is not None else DEFAULT_OFFSETS,
            discord_event=discord_event,
            ping=ping,
            channel_id=channel_id,
            network=network,
        )
        draft_id = await repo.create_draft(
            self.bot.db, settings.guild_id, interaction.user.id, data, self.bot.clock.now()
        )
        await interaction.response.send_message(
            embed=echo_embed(data), view=draft_view(draft_id), ephemeral=True
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
        interaction: discord.Interaction,
        meeting: int,
        title: str | None = None,
        start: str | None = None,
        duration: app_commands.Range[int, 5, 1440] | None = None,
        place: str | None = None,
        repeat: str | None = None,
        reminders: str | None = None,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        found = await _meeting_option(self.bot, interaction, meeting)
        if not found.is_scheduled:
            raise Refusal(text.CANCELLED_ALREADY)
        if all(v is None for v in (title, start, duration, place, repeat, reminders)):
            raise Refusal(text.NOTHING_TO_CHANGE)
        now = self.bot.clock.now()
        old = found.series
        rule = repeat or old.rule
        minutes = validate_duration(duration) if duration is not None else old.duration_minutes
        if start is not None:
            start_utc = parse_when(start, settings.timezone, now)
            new = Series.from_start_utc(start_utc, settings.timezone, rule, minutes)
        else:
            new = Series(old.start_local, old.zone, rule, minutes)
        new = replace(new, skipped_dates=old.skipped_dates)  # a cancelled date stays cancelled
        offsets = tuple(parse_offsets(reminders)) if reminders is not None else found.offsets
        new_title = validate_title(title) if title is not None else found.title
        new_place = validate_place(place) if place is not None else found.place
        upcoming = [o.key for o in next_occurrences(old, now, 60)]
        people = await repo.attending(self.bot.db, found.id, upcoming)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await repo.update_meeting(
            self.bot.db,
            found.id,
            title=new_title,
            place=new_place,
            series=new,
            offsets=offsets,
            remap=remap_keys(old, new, now),
        )
        edited = await repo.get_meeting(self.bot.db, found.id)
        assert edited is not None
        occ = upcoming_occurrence(edited.series, now)
        await tell_attending(self.bot, edited, people, occ)
        await refresh_post(self.bot, edited.id)
        await replan(self.bot, edited.id)
        await update_event(self.bot, edited, occ)
        told = text.told(len(people))
        words = text.EDITED.format(told=told)
        if start is not None and occ is not None:
            words += text.EDITED_START.format(
                plain=plain_local(occ.start_utc, edited.series.zone),
                when=discord_timestamp(occ.start_utc, "F"),
            )
        await interaction.followup.send(words, ephemeral=True)

    @app_commands.command(name="cancel", description=text.CANCEL_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(meeting=text.MEETING_HELP, date=text.CANCEL_DATE_HELP)
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def cancel(
        self, interaction: discord.Interaction, meeting: int, date: str | None = None
    ) -> None:
        await require_organiser(interaction)
        found = await _meeting_option(self.bot, interaction, meeting)
        if not found.is_scheduled:
            raise Refusal(text.CANCELLED_ALREADY)
        now = self.bot.clock.now()
        if date is not None:
            await self._cancel_one_date(interaction, found, date, now)
            return
        occ = upcoming_occurrence(found.series, now)
        upcoming = [o.key for o in next_occurrences(found.series, now, 60)]
        people = await repo.attending(self.bot.db, found.id, upcoming)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await repo.cancel_meeting(self.bot.db, found.id, now):
            raise Refusal(text.CANCELLED_ALREADY)
        cancelled = await repo.get_meeting(self.bot.db, found.id)
        assert cancelled is not None
        await replan(self.bot, found.id)  # cancels every pending job of this meeting
        await tell_attending(self.bot, cancelled, people, occ)
        await refresh_post(self.bot, found.id)
        await update_event(self.bot, cancelled, None)
        told = text.told(len(people))
        await interaction.followup.send(text.CANCELLED.format(told=told), ephemeral=True)

    async def _cancel_one_date(
        self,
        interaction: discord.Interaction,
        found: Meeting,
        typed: str,
        now: datetime,
    ) -> None:
        """`/meeting cancel date:`: that date only; the series goes on."""
        if not found.recurring:
            raise Refusal(text.DATE_ONE_OFF.format(title=found.title))
        day = parse_day(typed, found.series.zone, now)  # the meeting's own calendar
        dropped = occurrence_on(found.series, day, now)
        if dropped is None:
            coming = next_occurrences(found.series, now, 3)
            if not coming:
                raise Refusal(text.DATE_NONE_LEFT.format(title=found.title))
            raise Refusal(
                text.DATE_NOT_HELD.format(
                    title=found.title,
                    day=plain_day(day),
                    dates=", ".join(discord_timestamp(o.start_utc, "D") for o in coming),
                )
            )
        people = await repo.attending(self.bot.db, found.id, [dropped.key])
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await repo.skip_date(self.bot.db, found.id, day):
            raise Refusal(text.CANCELLED_ALREADY)
        changed = await repo.get_meeting(self.bot.db, found.id)
        assert changed is not None
        occ = upcoming_occurrence(changed.series, now)
        await replan(self.bot, changed.id)
        await tell_attending(self.bot, changed, people, occ, dropped=dropped)
        await refresh_post(self.bot, changed.id)
        await update_event(self.bot, changed, occ)
        told = text.told(len(people))
        after = (
            text.DATE_CANCELLED_NEXT.format(when=discord_timestamp(occ.start_utc, "F"))
            if occ is not None
            else ""
        )
        words = text.DATE_CANCELLED.format(
            day=plain_date(dropped.start_utc, changed.series.zone), next=after, told=told
        )
        await interaction.followup.send(words, ephemeral=True)

    @app_commands.command(name="ics", description=text.ICS_DESCRIPTION, extras=EVERYONE)
    @app_commands.describe(meeting=text.MEETING_HELP, series=text.SERIES_HELP)
    @app_commands.autocomplete(meeting=visible_autocomplete)
    async def ics(
        self, interaction: discord.Interaction, meeting: int, series: bool = False
    ) -> None:
        guild_id = actor_guild_id(interaction)
        found = await repo.get_meeting(self.bot.db, meeting)
        if found is None or not await may_answer_from(
            self.bot.db, found.guild_id, found.network_id, guild_id
        ):
            raise Refusal(text.MEETING_GONE)
        if found.guild_id != guild_id and not await repo.is_shared_with(
            self.bot.db, found.id, guild_id
        ):
            raise Refusal(text.MEETING_GONE)
        now = self.bot.clock.now()
        whole = series or not found.recurring
        occ = upcoming_occurrence(found.series, now)
        if not whole and occ is None:
            raise Refusal(text.ICS_NO_UPCOMING)
        shown = occ or first_occurrence(found.series)
        data = await asyncio.to_thread(
            build_ics,
            meeting_id=found.id,
            series=found.series,
            title=found.title,
            now=now,
            occurrence=None if whole else shown,
            location=found.place,
            cancelled=not found.is_scheduled,
            sequence=found.revision,
        )
        what = (
            text.ICS_SERIES.format(rule=describe(found.series))
            if whole and found.recurring
            else text.ICS_ONE.format(when=discord_timestamp(shown.start_utc, "F"))
        )
        await interaction.response.send_message(
            text.ICS_READY.format(title=found.title, what=what),
            file=discord.File(io.BytesIO(data), filename=f"meeting-{found.id}.ics"),
            ephemeral=True,
        )


class MeetingsCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(MeetingGroup(bot))
        # Both exist once setup_hook has opened the database (not in command-only loads).
        if bot.dispatcher is not None:
            bot.dispatcher.register(REMINDER_JOB, self._reminder_job)
            bot.dispatcher.register(ROLL_JOB, self._roll_job)
        if bot.retention is not None:
            bot.retention.add_sweeper(repo.sweep)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.tree.remove_command("meeting")

    # -- timed work -----------------------------------------------------------------

    async def _reminder_job(self, job: Job, now: datetime) -> None:
        """Send the reminders that came due; idempotent (dedupe keys + the reminded mark)."""
        bot, db = self.bot, self.bot.db
        meeting = await repo.get_meeting(db, int(job.payload["meeting_id"]))
        if meeting is None or not meeting.is_scheduled:
            return
        occ = occurrence_for_key(meeting.series, job.payload["occ_key"])
        if occ is None:
            return  # the meeting moved; its new reminders were planned then
        handled = await repo.reminded_until(db, meeting.id, occ.key, now)
        if not still_useful(occ.start_utc, now):
            await repo.mark_reminded(db, meeting.id, occ.key, now)
            raise JobMissed("the meeting had already started")
        settings = await get_settings(db, meeting.guild_id)
        people = await repo.reminder_audience(db, meeting, occ.key, settings.timezone)
        due = reminders_due(plan_reminders(occ.start_utc, meeting.offsets, people), handled, now)
        answers = await repo.answers_for(db, meeting.id, occ.key)
        # A network meeting reminds people as members of the server their answer
        # counts in: that server's consent, pause and notice apply, and the link
        # goes to the copy of the post there.
        notice_versions = {meeting.guild_id: settings.notice_version}
        links: dict[int, str] = {}
        for answer in answers.values():
            guild_id = answer.guild_id or meeting.guild_id
            if guild_id not in links:
                links[guild_id] = await link_for(bot, meeting, guild_id)
            if guild_id not in notice_versions:
                notice_versions[guild_id] = (await get_settings(db, guild_id)).notice_version
        queued = 0
        async with db.transaction():
            for reminder in due.send:
                answer = answers.get(reminder.user_id)
                if answer is None or answer.status not in ("going", "maybe"):
                    continue  # changed their answer a moment ago
                guild_id = answer.guild_id or meeting.guild_id
                member = await members_db.get_member(db, guild_id, reminder.user_id)
                if not can_contact(member, "dm_reminders", now, notice_versions[guild_id]):
                    continue
                await bot.delivery.dm(
                    guild_id=guild_id,
                    user_id=reminder.user_id,
                    purpose="dm_reminders",
                    payload=reminder_payload(meeting, occ, answer.status, links[guild_id]),
                    dedupe_key=(
                        f"remind:{meeting.id}:{occ.key}:{reminder.offset_minutes}:"
                        f"{guild_id}:{reminder.user_id}"
                    ),
                    batch=f"remind:{meeting.id}:{occ.key}",
                    urgent=True,  # timed before quiet hours already; never pushed past the start
                    not_before=reminder.send_at,
                    expires_at=occ.start_utc,  # queued before a crash, sent after it began: skip
                )
                queued += 1
            await repo.mark_reminded(db, meeting.id, occ.key, now)
        log.info(
            "Meeting %s (%s): %d reminder(s) queued, %d superseded by a nearer one",
            meeting.id,
            occ.key,
            queued,
            len(due.superseded),
        )
        await replan(bot, meeting.id)

    async def _roll_job(self, job: Job, now: datetime) -> None:
        """A meeting started: show the next one on the post and plan its reminders."""
        meeting = await repo.get_meeting(self.bot.db, int(job.payload["meeting_id"]))
        if meeting is None or not meeting.is_scheduled:
            return
        await replan(self.bot, meeting.id)
        await refresh_post(self.bot, meeting.id)
        occ = upcoming_occurrence(meeting.series, now)
        if meeting.event_id is not None and occ is not None:
            await make_event(self.bot, meeting, occ)  # the last one ends by itself

    # -- members changing their settings or leaving -----------------------------------

    @commands.Cog.listener()
    async def on_member_settings_changed(self, guild_id: int, user_id: int) -> None:
        """New reminder times, quiet hours or zone: re-plan the meetings they are going to."""
        for meeting_id in await repo.meetings_answered_by(self.bot.db, guild_id, user_id):
            await replan(self.bot, meeting_id)

    @commands.Cog.listener()
    async def on_member_left(self, guild_id: int, user_id: int) -> None:
        """Their answers are erased already; take their name and count off the posts now
        (this server's meetings, and network meetings shared with it)."""
        shared = await repo.list_shared_with(self.bot.db, guild_id)
        for meeting in [*await repo.list_meetings(self.bot.db, guild_id), *shared]:
            await refresh_post(self.bot, meeting.id)
            await replan(self.bot, meeting.id)

    # -- /meetings ----------------------------------------------------------------------

    @app_commands.command(name="meetings", description=text.LIST_DESCRIPTION, extras=EVERYONE)
    @app_commands.guild_only()
    async def meetings(self, interaction: discord.Interaction) -> None:
        guild_id = actor_guild_id(interaction)
        now = self.bot.clock.now()
        upcoming = []
        for meeting in await visible_meetings(self.bot, guild_id):
            occ = upcoming_occurrence(meeting.series, now)
            if occ is not None:
                upcoming.append((occ.start_utc, meeting, occ))
        if not upcoming:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        upcoming.sort(key=lambda item: (item[0], item[1].id))
        mine = await repo.my_upcoming_answers(self.bot.db, guild_id, interaction.user.id)
        lines = []
        for _start, meeting, occ in upcoming[:LIST_LIMIT]:
            status = mine.get((meeting.id, occ.key)) or mine.get((meeting.id, SERIES_KEY))
            answer = (
                text.LIST_YOUR_ANSWER.format(status=text.STATUS_WORDS[status])
                if status
                else text.LIST_NO_ANSWER
            )
            if meeting.guild_id != guild_id:
                answer += text.LIST_FROM.format(
                    server=discord.utils.escape_markdown(server_name(self.bot, meeting.guild_id))
                )
            lines.append(
                text.LIST_LINE.format(
                    title=_cut(meeting.title, 100),
                    when=discord_timestamp(occ.start_utc, "F"),
                    relative=discord_timestamp(occ.start_utc, "R"),
                    repeat=text.LIST_REPEAT.format(rule=describe(meeting.series))
                    if meeting.recurring
                    else "",
                    answer=answer,
                    link=await link_for(self.bot, meeting, guild_id),
                )
            )
        if len(upcoming) > LIST_LIMIT:
            lines.append(text.LIST_MORE.format(count=len(upcoming) - LIST_LIMIT))
        if not await members_db.is_member(self.bot.db, guild_id, interaction.user.id):
            lines += ["", text.LIST_JOIN]
        await interaction.response.send_message(
            embed=embed(text.LIST_TITLE, _cut("\n\n".join(lines), 4096)), ephemeral=True
        )


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(MeetingsCog(bot))
