"""What a calendar feed holds (issue 26). Pure: the flows read meetings and answers.

A member's feed ("mine") holds the meetings they said Going or Maybe to:

* "All in this series" is one event with the series' RRULE; a date they said
  Can't make it to, and a cancelled date, are EXDATEs.
* An answer for a single date is its own event, with the same UID as
  `/meeting ics` gives that date (``meeting-{id}-{key}@speakback``), so a file
  someone imported earlier and the feed describe one entry, not two.
* A one-off meeting is one event (``meeting-{id}@speakback``).

A server's feed ("all", or the public feed) holds each meeting as a series.

SEQUENCE is the meeting's revision, which every edit and cancellation raises,
so calendar apps take the newer version of the same UID. A cancelled meeting is
kept for 14 days as STATUS:CANCELLED, titled "Cancelled: ...", so apps that
refresh slowly still hear of it, then dropped. A single date that was cancelled
is kept the same way until 14 days after that date.

Nothing about any person is in a feed: the member's own choices decide which
events are in theirs, and the feed address is private to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from bot.domain.ics import Entry
from bot.domain.meetings import ATTENDING, NO, SERIES_KEY, Meeting
from bot.domain.recurrence import Occurrence, occurrence_for_key, skipped_occurrences

KEEP_CANCELLED = timedelta(days=14)
CANCELLED_PREFIX = "Cancelled: "
REFRESH = timedelta(hours=1)

Answers = Mapping[str, str]
"""One person's answers to one meeting: {occ_key or '*': status}."""


def still_shown(meeting: Meeting, now: datetime) -> bool:
    """A scheduled meeting, or one cancelled less than 14 days ago."""
    if meeting.is_scheduled:
        return True
    return meeting.cancelled_at is not None and now - meeting.cancelled_at < KEEP_CANCELLED


def _entry(
    meeting: Meeting,
    occurrence: Occurrence | None = None,
    *,
    cancelled: bool = False,
    excluded: tuple[Occurrence, ...] = (),
    description: str | None = None,
) -> Entry:
    cancelled = cancelled or not meeting.is_scheduled
    return Entry(
        meeting_id=meeting.id,
        series=meeting.series,
        title=f"{CANCELLED_PREFIX}{meeting.title}" if cancelled else meeting.title,
        occurrence=occurrence,
        location=meeting.place,
        description=description,
        cancelled=cancelled,
        sequence=meeting.revision,
        excluded=excluded,
    )


def _skipped(meeting: Meeting, key: str) -> Occurrence | None:
    return next((o for o in skipped_occurrences(meeting.series) if o.key == key), None)


def member_entries(
    meetings: Iterable[Meeting],
    answers: Mapping[int, Answers],
    now: datetime,
    descriptions: Mapping[int, str] | None = None,
) -> list[Entry]:
    """The events of a member's own feed: what they said Going or Maybe to."""
    descriptions = descriptions or {}
    entries: list[Entry] = []
    for meeting in sorted(meetings, key=lambda m: m.id):
        mine = answers.get(meeting.id, {})
        if not mine or not still_shown(meeting, now):
            continue
        about = descriptions.get(meeting.id)
        if not meeting.recurring:
            if any(status in ATTENDING for status in mine.values()):
                entries.append(_entry(meeting, description=about))
            continue
        if mine.get(SERIES_KEY) in ATTENDING:
            declined = tuple(
                occ
                for key, status in sorted(mine.items())
                if key != SERIES_KEY and status == NO
                if (occ := occurrence_for_key(meeting.series, key)) is not None
            )
            entries.append(_entry(meeting, excluded=declined, description=about))
            continue
        for key, status in sorted(mine.items()):
            if key == SERIES_KEY or status not in ATTENDING:
                continue
            occ = occurrence_for_key(meeting.series, key)
            if occ is not None:
                entries.append(_entry(meeting, occ, description=about))
            elif (dropped := _skipped(meeting, key)) is not None:
                if now - dropped.end_utc < KEEP_CANCELLED:
                    entries.append(_entry(meeting, dropped, cancelled=True, description=about))
    return entries


def server_entries(
    meetings: Iterable[Meeting], now: datetime, descriptions: Mapping[int, str] | None = None
) -> list[Entry]:
    """The events of a server's feed: each meeting as a whole series."""
    descriptions = descriptions or {}
    return [
        _entry(meeting, description=descriptions.get(meeting.id))
        for meeting in sorted(meetings, key=lambda m: m.id)
        if still_shown(meeting, now)
    ]
