"""Meetings: what happens when one is drafted, posted, answered, changed or cancelled,
and when its reminders come due. No Discord here.

A draft lives in the database, so **Post it** / **Change** work after a restart.
Posting goes through the posting service (`services.posts`): the home post and,
for a network meeting, a copy in each linked server, all refreshed alike.

Reminders are dispatcher jobs, one per distinct minute at which someone's
reminder is due (`meeting:{id}:remind:{occ}:{minute}`), re-planned whenever
answers or the meeting change. A job enqueues DMs with one dedupe key per
meeting, occurrence, offset and person, and moves the occurrence's
`reminded_until` mark in the same transaction, so a re-run after a crash or
restart doubles nothing. A `meeting:{id}:roll:{occ}` job at each start moves
the post and the plan on to the next meeting of a series.

Payloads come from the feature's `ui.py` through `Render`; Discord's scheduled
events from `events.py` through `Calendar`. The cog passes both in.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.delivery import Letter
from bot.dispatcher import JobMissed
from bot.domain import timefmt
from bot.domain.consent import OPTIONAL_PURPOSES
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
from bot.domain.members import can_contact, waits_for_notice
from bot.domain.recurrence import (
    RULES,
    Occurrence,
    Series,
    first_occurrence,
    next_occurrences,
    occurrence_for_key,
    occurrence_on,
)
from bot.domain.service_messages import Told
from bot.domain.settings import GuildSettings
from bot.domain.timefmt import utc_to_wall
from bot.domain.when import Reading, WhenError, definite, parse_day, parse_offsets, read_time
from bot.networks import audience, may_answer_from, per_server_lines, require_answerable_from
from bot.notes import Audience
from bot.posts import Posted, Published
from bot.services import Services
from bot.strings import meetings as text
from db import meetings as repo
from db import members as members_db
from db.jobs import Job
from db.settings import get_settings

log = logging.getLogger("cogs.meetings")

Payload = dict[str, Any]
REMINDER_JOB = "meeting_reminder"
ROLL_JOB = "meeting_roll"
KIND = "meeting"  # in item_copies and the posting service
PURPOSE = "dm_reminders"
LIST_LIMIT = 10


class Render(Protocol):
    """The messages flows need; `ui.py` draws them."""

    def post(
        self,
        meeting: Meeting,
        occ: Occurrence | None,
        counts: Tally,
        by_server: list[str] | None,
        home: str | None,
    ) -> Payload:
        """The meeting post; `home` is the home server's name (as Discord shows it)."""
        ...

    def reminder(self, meeting: Meeting, occ: Occurrence, status: str, link: str) -> Payload: ...

    def notice(
        self, meeting: Meeting, occ: Occurrence | None, link: str, dropped: Occurrence | None
    ) -> Payload: ...


class Calendar(Protocol):
    """Discord's scheduled events for meetings (best effort; `events.py`)."""

    async def make_event(self, meeting: Meeting, occ: Occurrence) -> str | None:
        """Create the event for this occurrence; returns why not, or None."""
        ...

    async def update_event(self, meeting: Meeting, occ: Occurrence | None) -> None: ...


def job_prefix(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:"


def reminder_key(meeting_id: int, occ_key: str, send_at: datetime) -> str:
    return f"{job_prefix(meeting_id)}remind:{occ_key}:{send_at:%Y%m%dT%H%M}"


def roll_key(meeting_id: int, occ_key: str) -> str:
    return f"{job_prefix(meeting_id)}roll:{occ_key}"


def posted(meeting: Meeting) -> Posted:
    """The meeting's home post, as the posting service knows it."""
    return Posted.of(KIND, meeting)


# -- finding meetings ---------------------------------------------------------------


async def get_own_meeting(services: Services, meeting_id: int, guild_id: int) -> Meeting:
    """One of this server's meetings (for its organisers)."""
    meeting = await repo.get_meeting(services.db, meeting_id, guild_id)
    if meeting is None:
        raise Refusal(text.MEETING_GONE)
    return meeting


async def get_answerable_meeting(services: Services, meeting_id: int, guild_id: int) -> Meeting:
    """A meeting members of `guild_id` may answer now: its own, or a network meeting
    shared with it while the server is still linked (rule 7: checked on every press)."""
    db = services.db
    meeting = await repo.get_meeting(db, meeting_id)
    if meeting is None or (meeting.guild_id != guild_id and meeting.network_id is None):
        raise Refusal(text.MEETING_GONE)
    await require_answerable_from(db, meeting.guild_id, meeting.network_id, guild_id)
    if not meeting.is_scheduled:
        raise Refusal(text.MEETING_CANCELLED)
    return meeting


async def own_meetings(services: Services, guild_id: int, search: str = "") -> list[Meeting]:
    return await repo.list_meetings(services.db, guild_id, search=search)


async def visible_meetings(services: Services, guild_id: int, search: str = "") -> list[Meeting]:
    """This server's scheduled meetings, then network meetings shared here (while linked)."""
    db = services.db
    found = await repo.list_meetings(db, guild_id, search=search)
    for meeting in await repo.list_shared_with(db, guild_id, search=search):
        if await may_answer_from(db, meeting.guild_id, meeting.network_id, guild_id):
            found.append(meeting)
    return found


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
    asks: dict[str, Any] | None = None,
) -> dict[str, Any]:
    series = Series.from_start_utc(start_utc, zone, rule, duration)
    return (asks or {}) | {
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


def draft_offsets(data: dict[str, Any]) -> tuple[timedelta, ...]:
    return tuple(offsets_from_text(data["offsets"]))


async def get_draft(
    services: Services, draft_id: int, guild_id: int, user_id: int
) -> dict[str, Any]:
    """A draft, only for the organiser who typed it."""
    data = await repo.get_draft(services.db, draft_id, guild_id, user_id)
    if data is None:
        raise Refusal(text.DRAFT_GONE)
    return data


@dataclass(frozen=True)
class Draft:
    id: int
    data: dict[str, Any]


async def start_draft(
    services: Services,
    settings: GuildSettings,
    user_id: int,
    here_channel_id: int | None,
    *,
    title: str,
    start: str,
    duration: int | None,
    place: str | None,
    repeat: str,
    reminders: str | None,
    discord_event: bool,
    network: bool,
    ping: bool,
) -> Draft:
    """`/meeting schedule`: read what was typed and keep it as a draft to echo back."""
    if network:
        await audience(services.db, settings.guild_id, True)  # kindly refused if not linked
    if repeat not in RULES:
        raise Refusal(text.REPEAT_HELP)
    channel_id = settings.announcements_channel_id or here_channel_id
    if channel_id is None:
        raise Refusal(text.NO_CHANNEL)
    reading = read_start(start, settings.timezone, services.clock.now(), settings.date_order)
    minutes, asks = length_and_asks(reading, duration, settings.timezone)
    data = draft_data(
        title=validate_title(title),
        start_utc=reading.at,
        zone=settings.timezone,
        rule=repeat,
        duration=minutes,
        place=validate_place(place),
        offsets=parse_offsets(reminders) if reminders is not None else DEFAULT_OFFSETS,
        discord_event=discord_event,
        ping=ping,
        channel_id=channel_id,
        network=network,
        asks=asks,
    )
    draft_id = await repo.create_draft(
        services.db, settings.guild_id, user_id, data, services.clock.now()
    )
    return Draft(draft_id, data)


async def change_draft(
    services: Services,
    draft_id: int,
    guild_id: int,
    user_id: int,
    *,
    title: str,
    start: str,
    duration: str,
    place: str,
    reminders: str,
) -> Draft:
    """**Change** on the echo: the modal's fields replace the draft's."""
    data = await get_draft(services, draft_id, guild_id, user_id)
    typed = duration.strip()
    if not typed.isdigit():
        raise Refusal(text.DURATION_UNREADABLE)
    zone = data["zone"]
    order = (await get_settings(services.db, guild_id)).date_order
    reading = read_start(start, zone, services.clock.now(), order)
    given: int | None = int(typed)
    if reading.length is not None and given == data["duration"]:
        given = None  # the length field left as it was: the range typed says how long
    minutes, asks = length_and_asks(reading, given, zone)
    changed = draft_data(
        title=validate_title(title),
        start_utc=reading.at,
        zone=zone,
        rule=data["rule"],
        duration=minutes,
        place=validate_place(place),
        offsets=parse_offsets(reminders),
        discord_event=bool(data.get("discord_event")),
        ping=bool(data.get("ping")),
        channel_id=int(data["channel_id"]),
        network=bool(data.get("network")),
        asks=asks,
    )
    await repo.update_draft(services.db, draft_id, changed)
    return Draft(draft_id, changed)


def read_start(start: str, zone: str, now: datetime, date_order: str) -> Reading:
    """A meeting's start as typed: one reader for every typed time; a range is a start
    and a length (`6-8pm`, `18:00-20:00`)."""
    return read_time(start, zone, now, date_order=date_order, ranges=True)


def length_and_asks(
    reading: Reading, duration: int | None, zone: str
) -> tuple[int, dict[str, Any]]:
    """The meeting's length, and what the read-back must ask before **Post it**: morning
    or evening for a bare 1 to 7 o'clock, and which length when a typed range and
    `duration:` differ. Also the note the read-back shows (a date rolled on a year)."""
    asks: dict[str, Any] = {}
    if reading.note:
        asks["note"] = reading.note
    if reading.other is not None:
        asks["ask_am_pm"] = [
            utc_to_wall(reading.at, zone).isoformat(),
            utc_to_wall(reading.other, zone).isoformat(),
        ]
    minutes = validate_duration(duration)
    if reading.length is not None:
        typed = validate_duration(int(reading.length.total_seconds()) // 60)
        if duration is None or duration == typed:
            minutes = typed
        else:
            asks["ask_length"] = [typed, minutes]
    return minutes, asks


DRAFT_ASKS = ("ask_am_pm", "ask_length")


async def pick_in_draft(
    services: Services, draft_id: int, guild_id: int, user_id: int, choice: str
) -> Draft:
    """A press on the read-back's question: `am` / `pm` (which start), or `range` /
    `given` (the typed range's length, or the `duration:` given)."""
    data = await get_draft(services, draft_id, guild_id, user_id)
    if choice in ("am", "pm") and "ask_am_pm" in data:
        data["start_local"] = data.pop("ask_am_pm")[0 if choice == "am" else 1]
    elif choice in ("range", "given") and "ask_length" in data:
        data["duration"] = data.pop("ask_length")[0 if choice == "range" else 1]
    await repo.update_draft(services.db, draft_id, data)
    return Draft(draft_id, data)


@dataclass(frozen=True)
class Shared:
    """A draft, posted: the meeting, where, and what the posting service did."""

    meeting: Meeting
    occ: Occurrence | None
    channel_id: int
    published: Published


async def publish_draft(
    services: Services, render: Render, draft_id: int, settings: GuildSettings, user_id: int
) -> Shared:
    """**Post it**: the meeting is made, posted (and shared), and its reminders planned."""
    db = services.db
    guild_id = settings.guild_id
    data = await get_draft(services, draft_id, guild_id, user_id)
    now = services.clock.now()
    if any(ask in data for ask in DRAFT_ASKS):
        raise Refusal(text.DRAFT_ASKING)
    if first_occurrence(draft_series(data)).start_utc <= now:
        raise Refusal(text.DRAFT_PAST)
    channel_id = int(data["channel_id"])
    # Worked out again now: the network may have changed since the echo.
    reach = await audience(db, guild_id, True) if data.get("network") else None
    meeting_id = await repo.post_draft(db, draft_id, guild_id, user_id, channel_id, now)
    if meeting_id is None:
        raise Refusal(text.DRAFT_GONE)

    async def render_post() -> Payload:
        # Read after the posting service has recorded the copies (the breakdown shows them).
        meeting = await repo.get_meeting(db, meeting_id)
        assert meeting is not None
        return await current_payload(services, render, meeting)

    published = await services.posts.publish(
        KIND,
        meeting_id,
        guild_id=guild_id,
        channel_id=channel_id,
        reach=reach,
        render=render_post,
        dedupe_key=f"meeting-post:{meeting_id}",
        ping_role_id=settings.announce_role_id if data.get("ping") else None,
    )
    await replan_reminders(services, meeting_id)
    meeting = await repo.get_meeting(db, meeting_id)
    assert meeting is not None
    return Shared(meeting, upcoming_occurrence(meeting.series, now), channel_id, published)


async def add_event(calendar: Calendar, shared: Shared) -> str | None:
    """The Discord event, if the organiser asked for one; returns why not, or None.
    (After the organiser has their answer: it is a request to Discord, and best effort.)"""
    if shared.meeting.discord_event and shared.occ is not None:
        return await calendar.make_event(shared.meeting, shared.occ)
    return None


# -- the meeting post ------------------------------------------------------------------


async def current_payload(services: Services, render: Render, meeting: Meeting) -> Payload:
    """The post as it should look now (and note which occurrence it shows)."""
    db = services.db
    occ = (
        upcoming_occurrence(meeting.series, services.clock.now()) if meeting.is_scheduled else None
    )
    await repo.set_shown_occurrence(db, meeting.id, occ.key if occ else None)
    answers = await repo.answers_for(db, meeting.id, occ.key) if occ else {}
    by_server, home = None, None
    if meeting.network_id is not None:
        home = services.posts.server_name(meeting.guild_id)
        if occ is not None:
            reached = await services.posts.reached_guilds(posted(meeting))
            by_server = await per_server_lines(
                db, attending_by_server(answers, reached), text.BY_SERVER_UNIT
            )
    return render.post(meeting, occ, tally(answers), by_server, home)


async def refresh_meeting_posts(services: Services, render: Render, meeting_id: int) -> None:
    """Show the current occurrence, counts and names on the post and every copy of it."""
    meeting = await repo.get_meeting(services.db, meeting_id)
    if meeting is None:
        return
    payload = await current_payload(services, render, meeting)
    await services.posts.refresh(posted(meeting), payload)


# -- planning reminders --------------------------------------------------------------------


_plan_locks: dict[int, asyncio.Lock] = {}


async def replan_reminders(services: Services, meeting_id: int) -> int:
    """Re-plan one meeting's jobs; one at a time per meeting, so two plans never cross."""
    lock = _plan_locks.setdefault(meeting_id, asyncio.Lock())
    async with lock:
        return await _replan(services, meeting_id)


async def _replan(services: Services, meeting_id: int) -> int:
    """Make the jobs match the meeting and its answers now; returns how many are pending.

    One reminder job per distinct minute at which someone's reminder is due, for the
    next occurrence (and others close enough for a long reminder), plus one job at
    the next start that moves everything on. Jobs no longer needed are cancelled.
    """
    db = services.db
    meeting = await repo.get_meeting(db, meeting_id)
    now = services.clock.now()
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
        await services.dispatcher.cancel(key)
    for key, (kind, due, payload) in wanted.items():
        await services.dispatcher.schedule(
            kind, due, payload, key, meeting.guild_id if meeting else None
        )
    return len(wanted)


# -- timed work -------------------------------------------------------------------------


async def send_due_reminders(services: Services, render: Render, job: Job, now: datetime) -> None:
    """The reminder job: send the reminders that came due; idempotent (dedupe keys and
    the reminded mark move in one transaction)."""
    db = services.db
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
    for given in answers.values():
        guild_id = given.guild_id or meeting.guild_id
        if guild_id not in links:
            links[guild_id] = await services.posts.link_for(posted(meeting), guild_id)
        if guild_id not in notice_versions:
            notice_versions[guild_id] = (await get_settings(db, guild_id)).notice_version
    async with db.transaction():
        letters = []
        for reminder in due.send:
            given = answers.get(reminder.user_id)
            if given is None or given.status not in ("going", "maybe"):
                continue  # changed their answer a moment ago
            guild_id = given.guild_id or meeting.guild_id
            member = await members_db.get_member(db, guild_id, reminder.user_id)
            version = notice_versions[guild_id]
            # A member yet to agree to a new notice still gets the reminder queued: it
            # waits in the outbox and goes once they agree (if still in time).
            if not (
                can_contact(member, PURPOSE, now, version)
                or waits_for_notice(member, PURPOSE, now, version)
            ):
                continue
            letters.append(
                Letter(
                    guild_id=guild_id,
                    user_id=reminder.user_id,
                    payload=render.reminder(meeting, occ, given.status, links[guild_id]),
                    dedupe_key=(
                        f"remind:{meeting.id}:{occ.key}:{reminder.offset_minutes}:"
                        f"{guild_id}:{reminder.user_id}"
                    ),
                    not_before=reminder.send_at,
                    expires_at=occ.start_utc,  # queued before a crash, sent after it began: skip
                )
            )
        queued = await services.delivery.dm_many(
            letters,
            purpose=PURPOSE,
            batch=f"remind:{meeting.id}:{occ.key}",
            urgent=True,  # timed before quiet hours already; never pushed past the start
        )
        await repo.mark_reminded(db, meeting.id, occ.key, now)
    log.info(
        "Meeting %s (%s): %d reminder(s) queued, %d superseded by a nearer one",
        meeting.id,
        occ.key,
        queued,
        len(due.superseded),
    )
    await replan_reminders(services, meeting.id)


async def roll_on(
    services: Services, render: Render, calendar: Calendar, job: Job, now: datetime
) -> None:
    """The roll job: a meeting started, so show the next one and plan its reminders."""
    meeting = await repo.get_meeting(services.db, int(job.payload["meeting_id"]))
    if meeting is None or not meeting.is_scheduled:
        return
    await replan_reminders(services, meeting.id)
    await refresh_meeting_posts(services, render, meeting.id)
    occ = upcoming_occurrence(meeting.series, now)
    if meeting.event_id is not None and occ is not None:
        await calendar.make_event(meeting, occ)  # the last one ends by itself


# -- telling people going of a change ------------------------------------------------------


async def tell_attending(
    services: Services,
    render: Render,
    meeting: Meeting,
    people: list[tuple[int, int]],
    occ: Occurrence | None,
    dropped: Occurrence | None = None,
) -> Told:
    """A change or cancellation notice to people who said Going/Maybe: a service message
    (rule 15), whatever DM kinds they chose; with `dropped`, the notice that only that
    date is cancelled. Returns who it was for (what the organiser may be told).

    `people` are (guild_id, user_id) from `repo.attending`: each is told as a member
    of the server their answer counts in (its pause and quiet hours apply), with a
    link to its copy.
    """
    payloads: dict[int, Payload] = {}
    for guild_id in {g for g, _u in people}:
        link = await services.posts.link_for(posted(meeting), guild_id)
        payloads[guild_id] = render.notice(meeting, occ, link, dropped)
    about = dropped or occ
    return await services.delivery.tell_yes_sayers(
        (
            Letter(
                guild_id=guild_id,
                user_id=user_id,
                payload=payloads[guild_id],
                dedupe_key=f"meeting-notice:{meeting.id}:{meeting.revision}:{user_id}",
                expires_at=about.start_utc if about is not None else None,
            )
            for guild_id, user_id in people
        ),
        batch=f"meeting-notice:{meeting.id}:{meeting.revision}",
    )


# -- organisers' notes (bot/notes.py sends them) --------------------------------------------

NOTE_KIND = "meeting"


async def note_key(
    services: Services, meeting_id: int, guild_id: int, typed_date: str | None
) -> str:
    """/meeting message: which date's people ("<id>:<occurrence>"); the next by default."""
    found = await get_own_meeting(services, meeting_id, guild_id)
    if not found.is_scheduled:
        raise Refusal(text.NOTE_NOT_SCHEDULED.format(title=found.title))
    now = services.clock.now()
    if typed_date is None:
        occ = upcoming_occurrence(found.series, now)
        if occ is None:
            raise Refusal(text.DATE_NONE_LEFT.format(title=found.title))
        return f"{found.id}:{occ.key}"
    _day, occ = await occurrence_typed(services, found, guild_id, typed_date, now)
    return f"{found.id}:{occ.key}"


async def occurrence_typed(
    services: Services, found: Meeting, guild_id: int, typed_date: str, now: datetime
) -> tuple[date, Occurrence]:
    """The day typed (read in the meeting's own calendar) and its date of `found`; if it
    is not held that day, a kind refusal naming the next dates it is."""
    order = (await get_settings(services.db, guild_id)).date_order
    day = parse_day(typed_date, found.series.zone, now, date_order=order)
    occ = occurrence_on(found.series, day, now)
    if occ is None:
        coming = next_occurrences(found.series, now, 3)
        if not coming:
            raise Refusal(text.DATE_NONE_LEFT.format(title=found.title))
        raise Refusal(
            text.DATE_NOT_HELD.format(
                title=found.title,
                day=timefmt.plain_day(day),
                dates=", ".join(timefmt.discord_timestamp(o.start_utc, "D") for o in coming),
            )
        )
    return day, occ


async def note_audience(services: Services, item_key: str, guild_id: int) -> Audience:
    """The people who said Going or Maybe to that date (or to the whole series)."""
    meeting_part, occ_key = item_key.split(":", 1)
    found = await get_own_meeting(services, int(meeting_part), guild_id)
    occ = occurrence_for_key(found.series, occ_key)
    if not found.is_scheduled or occ is None:
        raise Refusal(text.NOTE_NOT_SCHEDULED.format(title=found.title))
    people = await repo.attending(services.db, found.id, [occ_key])
    when = timefmt.discord_timestamp(occ.start_utc, "F")
    return Audience(found.title, when, people, item=str(found.id), starts_at=occ.start_utc)


# -- answering --------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """An answer, saved: what the person is told."""

    meeting: Meeting
    occ: Occurrence | None  # None for the whole series
    status: str
    reminders: tuple[timedelta, ...] | None  # None: reminders are off for them
    counted_in: str | None  # the other server their answer counts in, if not this one
    show_name: bool
    offer_reminders: bool = False  # off only because not chosen: offer to turn them on

    @property
    def networked(self) -> bool:
        return self.meeting.network_id is not None


async def _reminder_offsets(
    services: Services, guild_id: int, user_id: int, meeting: Meeting
) -> tuple[timedelta, ...] | None:
    """When this person's reminders come, or None if they get none from this server."""
    offsets, _offer = await _reminders_for(services, guild_id, user_id, meeting)
    return offsets


async def _reminders_for(
    services: Services, guild_id: int, user_id: int, meeting: Meeting
) -> tuple[tuple[timedelta, ...] | None, bool]:
    """Their reminder times here (None: none), and whether they are off only because
    never chosen (not stepping back, notice current): the answer's reply may then
    offer **Remind me before meetings**. One read of the member and the settings."""
    member = await members_db.get_member(services.db, guild_id, user_id)
    settings = await get_settings(services.db, guild_id)
    now = services.clock.now()
    if not can_contact(member, PURPOSE, now, settings.notice_version):
        if member is None or PURPOSE in member.consents:
            return None, False
        chosen = replace(member, consents=member.consents | {PURPOSE})
        return None, can_contact(chosen, PURPOSE, now, settings.notice_version)
    assert member is not None
    own = member.profile.reminder_offsets
    return tuple(meeting.offsets if own is None else own), False


@dataclass(frozen=True)
class RemindersOn:
    offsets: tuple[timedelta, ...] | None  # this meeting's times for them (None: not a member)
    first_choice: bool  # the first messages they chose: worth checking their DMs are open


async def turn_on_reminders(
    services: Services, meeting_id: int, guild_id: int, user_id: int
) -> RemindersOn:
    """**Remind me before meetings**: record `dm_reminders` (time and notice version, in
    the consent ledger) and plan reminders for every meeting they said Going or Maybe to."""
    db = services.db
    before = await members_db.get_member(db, guild_id, user_id)
    if before is None or not await members_db.grant_purpose(
        db, guild_id, user_id, PURPOSE, services.clock.now()
    ):
        return RemindersOn(None, False)
    first = not (before.consents & set(OPTIONAL_PURPOSES))
    for answered in await repo.meetings_answered_by(db, guild_id, user_id):
        await replan_reminders(services, answered)
    meeting = await repo.get_meeting(db, meeting_id)
    if meeting is None:
        return RemindersOn((), first)
    return RemindersOn(await _reminder_offsets(services, guild_id, user_id, meeting), first)


def _counted_in(services: Services, counted: int, here: int) -> str | None:
    return None if counted == here else services.posts.server_name(counted)


async def answer(
    services: Services,
    render: Render,
    meeting_id: int,
    occ_key: str,
    guild_id: int,
    user_id: int,
    status: str,
    message_id: int | None,
) -> Saved:
    """Going / Maybe / Can't make it on a post (`message_id`: the post pressed)."""
    db = services.db
    meeting = await get_answerable_meeting(services, meeting_id, guild_id)
    now = services.clock.now()
    occ = occurrence_for_key(meeting.series, occ_key)
    if occ is None:  # the meeting was moved since this post was drawn
        occ = upcoming_occurrence(meeting.series, now)
    if occ is None or not still_useful(occ.start_utc, now):
        raise Refusal(text.ALREADY_STARTED)
    counted = await repo.answer(db, meeting.id, occ.key, guild_id, user_id, status, now)
    if message_id is not None and guild_id == meeting.guild_id:
        await services.posts.note_home_message(posted(meeting), message_id)
    mine = await repo.my_answer(db, meeting.id, occ.key, guild_id, user_id)
    reminders, offer = (
        await _reminders_for(services, counted, user_id, meeting)
        if status != "no"
        else (None, False)
    )
    saved = Saved(
        meeting,
        occ,
        status,
        reminders,
        _counted_in(services, counted, guild_id),
        bool(mine and mine.show_name),
        offer_reminders=offer and counted == guild_id,
    )
    # Plan and queue the post's update before answering, so "saved" means all of it.
    await replan_reminders(services, meeting.id)
    await refresh_meeting_posts(services, render, meeting.id)
    return saved


async def answer_series(
    services: Services, render: Render, meeting_id: int, guild_id: int, user_id: int, status: str
) -> Saved:
    """ "Use this answer for the whole series"."""
    db = services.db
    meeting = await get_answerable_meeting(services, meeting_id, guild_id)
    now = services.clock.now()
    upcoming = [o.key for o in next_occurrences(meeting.series, now, 400)]
    counted = await repo.answer_series(db, meeting.id, guild_id, user_id, status, upcoming, now)
    reminders, offer = (
        await _reminders_for(services, counted, user_id, meeting)
        if status != "no"
        else (None, False)
    )
    counted_in = _counted_in(services, counted, guild_id)
    mine = await repo.my_answer(db, meeting.id, SERIES_KEY, guild_id, user_id)
    await replan_reminders(services, meeting.id)
    await refresh_meeting_posts(services, render, meeting.id)
    return Saved(
        meeting,
        None,
        status,
        reminders,
        counted_in,
        bool(mine and mine.show_name),
        offer_reminders=offer and counted == guild_id,
    )


async def show_name(
    services: Services, render: Render, meeting_id: int, guild_id: int, user_id: int, show: bool
) -> tuple[str, ...] | None:
    """Show or hide someone's name on the post; returns the servers it now shows in
    (a network meeting's, when shown), else None."""
    meeting = await get_answerable_meeting(services, meeting_id, guild_id)
    if not await repo.set_show_name(services.db, meeting.id, guild_id, user_id, show):
        raise Refusal(text.ANSWER_FIRST)
    await refresh_meeting_posts(services, render, meeting.id)
    if not (show and meeting.network_id is not None):
        return None
    targets = await services.posts.targets(posted(meeting))
    return tuple(services.posts.server_name(t.guild_id) for t in targets)


# -- organisers: edit and cancel --------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A checked change, not yet made (the organiser's interaction is deferred between)."""

    meeting: Meeting
    title: str
    place: str | None
    series: Series
    offsets: tuple[timedelta, ...]
    remap: dict[str, str]
    people: list[tuple[int, int]]
    moved: bool  # a new start was given


@dataclass(frozen=True)
class Changed:
    meeting: Meeting
    occ: Occurrence | None  # the next one now
    told: Told
    dropped: Occurrence | None = None


async def plan_edit(
    services: Services,
    meeting_id: int,
    guild_id: int,
    zone: str,
    *,
    title: str | None,
    start: str | None,
    duration: int | None,
    place: str | None,
    repeat: str | None,
    reminders: str | None,
) -> Edit:
    """`/meeting edit`: read and check what was typed (nothing is changed yet)."""
    found = await get_own_meeting(services, meeting_id, guild_id)
    if not found.is_scheduled:
        raise Refusal(text.CANCELLED_ALREADY)
    if all(v is None for v in (title, start, duration, place, repeat, reminders)):
        raise Refusal(text.NOTHING_TO_CHANGE)
    now = services.clock.now()
    old = found.series
    rule = repeat or old.rule
    minutes = validate_duration(duration) if duration is not None else old.duration_minutes
    if start is not None:
        order = (await get_settings(services.db, guild_id)).date_order
        reading = read_start(start, zone, now, order)
        start_utc = definite(reading, start)  # no read-back here to ask morning or evening
        if reading.length is not None:
            typed = validate_duration(int(reading.length.total_seconds()) // 60)
            if duration is not None and duration != typed:
                raise WhenError(
                    "length",
                    text.EDIT_TWO_LENGTHS.format(
                        typed=text.length(typed), given=text.length(duration)
                    ),
                )
            minutes = typed
        new = Series.from_start_utc(start_utc, zone, rule, minutes)
    else:
        new = Series(old.start_local, old.zone, rule, minutes)
    new = replace(new, skipped_dates=old.skipped_dates)  # a cancelled date stays cancelled
    offsets = tuple(parse_offsets(reminders)) if reminders is not None else found.offsets
    new_title = validate_title(title) if title is not None else found.title
    new_place = validate_place(place) if place is not None else found.place
    upcoming = [o.key for o in next_occurrences(old, now, 60)]
    people = await repo.attending(services.db, found.id, upcoming)
    return Edit(
        found,
        new_title,
        new_place,
        new,
        offsets,
        remap_keys(old, new, now),
        people,
        start is not None,
    )


async def apply_edit(services: Services, render: Render, calendar: Calendar, edit: Edit) -> Changed:
    """Make the change; tell people going, refresh the posts, re-plan, update the event."""
    db = services.db
    await repo.update_meeting(
        db,
        edit.meeting.id,
        title=edit.title,
        place=edit.place,
        series=edit.series,
        offsets=edit.offsets,
        remap=edit.remap,
    )
    edited = await repo.get_meeting(db, edit.meeting.id)
    assert edited is not None
    occ = upcoming_occurrence(edited.series, services.clock.now())
    told = await tell_attending(services, render, edited, edit.people, occ)
    await refresh_meeting_posts(services, render, edited.id)
    await replan_reminders(services, edited.id)
    await calendar.update_event(edited, occ)
    return Changed(edited, occ, told)


@dataclass(frozen=True)
class Cancel:
    """A checked cancellation, not yet made: the whole meeting, or one date (`dropped`)."""

    meeting: Meeting
    occ: Occurrence | None  # the whole meeting's next one, as people knew it
    people: list[tuple[int, int]]
    dropped: Occurrence | None = None
    day: date | None = None


async def plan_cancel(
    services: Services, meeting_id: int, guild_id: int, typed_date: str | None
) -> Cancel:
    """`/meeting cancel`: check it can be cancelled (nothing is changed yet)."""
    found = await get_own_meeting(services, meeting_id, guild_id)
    if not found.is_scheduled:
        raise Refusal(text.CANCELLED_ALREADY)
    now = services.clock.now()
    if typed_date is None:
        occ = upcoming_occurrence(found.series, now)
        upcoming = [o.key for o in next_occurrences(found.series, now, 60)]
        return Cancel(found, occ, await repo.attending(services.db, found.id, upcoming))
    # `date:`: that date only; the series goes on.
    if not found.recurring:
        raise Refusal(text.DATE_ONE_OFF.format(title=found.title))
    day, dropped = await occurrence_typed(services, found, guild_id, typed_date, now)
    people = await repo.attending(services.db, found.id, [dropped.key])
    return Cancel(found, None, people, dropped, day)


async def apply_cancel(
    services: Services, render: Render, calendar: Calendar, cancel: Cancel
) -> Changed:
    """Cancel the meeting (or its one date): jobs off, people going told, posts and event."""
    db = services.db
    meeting_id = cancel.meeting.id
    if cancel.dropped is None or cancel.day is None:
        if not await repo.cancel_meeting(db, meeting_id, services.clock.now()):
            raise Refusal(text.CANCELLED_ALREADY)
        cancelled = await repo.get_meeting(db, meeting_id)
        assert cancelled is not None
        await replan_reminders(services, meeting_id)  # cancels every pending job of this meeting
        told = await tell_attending(services, render, cancelled, cancel.people, cancel.occ)
        await refresh_meeting_posts(services, render, meeting_id)
        await calendar.update_event(cancelled, None)
        return Changed(cancelled, cancel.occ, told)
    if not await repo.skip_date(db, meeting_id, cancel.day):
        raise Refusal(text.CANCELLED_ALREADY)
    changed = await repo.get_meeting(db, meeting_id)
    assert changed is not None
    occ = upcoming_occurrence(changed.series, services.clock.now())
    await replan_reminders(services, meeting_id)
    told = await tell_attending(services, render, changed, cancel.people, occ, cancel.dropped)
    await refresh_meeting_posts(services, render, meeting_id)
    await calendar.update_event(changed, occ)
    return Changed(changed, occ, told, cancel.dropped)


# -- calendar files and the list -----------------------------------------------------------


@dataclass(frozen=True)
class CalendarFile:
    meeting: Meeting
    data: bytes
    whole: bool  # the whole series (or a one-off meeting)
    shown: Occurrence  # the meeting in the file, when it is one of a series


async def calendar_file(
    services: Services, meeting_id: int, guild_id: int, series: bool
) -> CalendarFile:
    """`/meeting ics`: a calendar file of a meeting visible here, or of its whole series."""
    db = services.db
    found = await repo.get_meeting(db, meeting_id)
    if found is None or not await may_answer_from(db, found.guild_id, found.network_id, guild_id):
        raise Refusal(text.MEETING_GONE)
    if found.guild_id != guild_id and not await repo.is_shared_with(db, found.id, guild_id):
        raise Refusal(text.MEETING_GONE)
    now = services.clock.now()
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
    return CalendarFile(found, data, whole, shown)


@dataclass(frozen=True)
class Listed:
    meeting: Meeting
    occ: Occurrence
    status: str | None  # the person's answer, if any
    shared_by: str | None  # the home server's name, for a network meeting from elsewhere
    link: str


@dataclass(frozen=True)
class Upcoming:
    shown: list[Listed]
    more: int  # how many more are coming up than are shown
    is_member: bool


async def upcoming_meetings(services: Services, guild_id: int, user_id: int) -> Upcoming:
    """`/meetings`: what is coming up here, soonest first, with the person's answers."""
    db = services.db
    now = services.clock.now()
    upcoming = []
    for meeting in await visible_meetings(services, guild_id):
        occ = upcoming_occurrence(meeting.series, now)
        if occ is not None:
            upcoming.append((occ.start_utc, meeting, occ))
    if not upcoming:
        return Upcoming([], 0, True)
    upcoming.sort(key=lambda item: (item[0], item[1].id))
    mine = await repo.my_upcoming_answers(db, guild_id, user_id)
    shown = []
    for _start, meeting, occ in upcoming[:LIST_LIMIT]:
        status = mine.get((meeting.id, occ.key)) or mine.get((meeting.id, SERIES_KEY))
        shared_by = (
            services.posts.server_name(meeting.guild_id) if meeting.guild_id != guild_id else None
        )
        link = await services.posts.link_for(posted(meeting), guild_id)
        shown.append(Listed(meeting, occ, status, shared_by, link))
    more = max(0, len(upcoming) - LIST_LIMIT)
    return Upcoming(shown, more, await members_db.is_member(db, guild_id, user_id))


# -- members changing their settings or leaving -----------------------------------------------


async def member_settings_changed(services: Services, guild_id: int, user_id: int) -> None:
    """New reminder times, quiet hours or zone: re-plan the meetings they are going to."""
    for meeting_id in await repo.meetings_answered_by(services.db, guild_id, user_id):
        await replan_reminders(services, meeting_id)


async def meetings_seen_in(services: Services, guild_id: int) -> list[Meeting]:
    """This server's meetings, and network meetings shared with it."""
    db = services.db
    return [*await repo.list_meetings(db, guild_id), *await repo.list_shared_with(db, guild_id)]


async def names_leave_posts(services: Services, render: Render, guild_id: int) -> None:
    """Someone here is being erased: queue the edits that take their name and count off
    the posts. Runs inside the erasure's transaction (`Services.on_leaving`), so the
    edits commit with it; edits that change nothing are not queued."""
    for meeting in await meetings_seen_in(services, guild_id):
        await refresh_meeting_posts(services, render, meeting.id)


async def member_left(services: Services, render: Render, guild_id: int, user_id: int) -> None:
    """Their answers are erased and the post edits queued already; re-plan reminders
    (outside the erasure's transaction: planning takes a lock per meeting)."""
    for meeting in await meetings_seen_in(services, guild_id):
        await replan_reminders(services, meeting.id)
