"""Knowing it was down: outages from heartbeats, and the one line moderators are given.

The bot writes a heartbeat (the time) into `meta` every minute while it runs. At
start-up, a last heartbeat more than OUTAGE_GAP ago means it was offline from then
until now. Counts here are of meeting reminders (a meeting's reminder time, whoever
it was for), not of people, so they are exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.timefmt import discord_timestamp
from bot.strings import status as text

HEARTBEAT_EVERY = timedelta(minutes=1)
OUTAGE_GAP = timedelta(minutes=5)
SAME_DAY_STYLE_UNDER = timedelta(hours=12)  # a shorter outage shows its end as a time only


@dataclass(frozen=True)
class Outage:
    start: datetime  # the last heartbeat
    end: datetime  # start-up after it

    def to_json(self) -> str:
        return json.dumps({"start": self.start.isoformat(), "end": self.end.isoformat()})

    @classmethod
    def from_json(cls, value: str) -> Outage:
        data = json.loads(value)
        return cls(datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]))


def outage_since(last_heartbeat: datetime | None, now: datetime) -> Outage | None:
    """The outage that ends now, if the last heartbeat is more than OUTAGE_GAP ago.

    No heartbeat at all is a first start, not an outage; a heartbeat "in the future"
    (the machine's clock was put back) is none either."""
    if last_heartbeat is None or now - last_heartbeat <= OUTAGE_GAP:
        return None
    return Outage(last_heartbeat, now)


@dataclass(frozen=True)
class ReminderOutcomes:
    late: int = 0  # due while offline, sent once back
    skipped: int = 0  # due while offline, their meeting had started by then


def outage_line(outage: Outage, outcomes: ReminderOutcomes) -> str:
    """ "I was offline from 02:10 to 03:40; 14 meeting reminders went out late, 2 were
    skipped because their meeting had started." (times as Discord timestamps: each
    reader sees their own zone)."""
    end_style = "t" if outage.end - outage.start < SAME_DAY_STYLE_UNDER else "f"
    said = text.OUTAGE.format(
        start=discord_timestamp(outage.start, "f"), end=discord_timestamp(outage.end, end_style)
    )
    parts = []
    if outcomes.late:
        parts.append(text.OUTAGE_LATE.format(late=_reminders(outcomes.late)))
    if outcomes.skipped:
        skipped = (
            text.OUTAGE_SKIPPED_ONE
            if outcomes.skipped == 1
            else text.OUTAGE_SKIPPED_MANY.format(n=outcomes.skipped)
        )
        if not outcomes.late:
            skipped = _reminders(outcomes.skipped) + (" was" if outcomes.skipped == 1 else " were")
        parts.append(text.OUTAGE_SKIPPED.format(skipped=skipped))
    if not parts:
        return f"{said} {text.OUTAGE_NOTHING_DUE}"
    return f"{said[:-1]}; {', '.join(parts)}."


def _reminders(n: int) -> str:
    return text.OUTAGE_REMINDERS_ONE if n == 1 else text.OUTAGE_REMINDERS_MANY.format(n=n)
