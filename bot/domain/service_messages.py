"""Service messages (rule 15): about something a person said yes to.

A place won or lost, a waitlist promotion, the thing moved, changed or cancelled,
a note from its organiser. Saying yes includes being told about it, so these go
whatever optional DM kinds the person chose; never while they are stepping back
(held, and shown when they come back); and after their quiet hours, unless the
thing starts before those end. Nobody known to have left the Discord server gets
one (they are left off the list, and skipped if one was queued before). Pure: no
Discord, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.domain.members import Member, has_left_server, is_paused, quiet_hours_end

PURPOSE_ABOUT_YES = "about_yes"
"""A service message about something this person said yes to (not PURPOSE_SERVICE,
which is a message they asked for themselves, such as the test DM)."""

SPLIT_THRESHOLD = 5
"""The organiser's count is split (DM now / later) only when both parts reach this."""


@dataclass(frozen=True)
class ServiceDecision:
    action: Literal["send", "defer", "hold", "skip"]
    reason: str
    not_before: datetime | None = None


def service_decision(
    member: Member | None,
    now: datetime,
    *,
    server_timezone: str,
    starts_at: datetime | None = None,
    dms_closed: bool = False,
) -> ServiceDecision:
    """What the outbox does with a service message at send time.

    Optional DM kinds (consents) play no part: the yes was the consent. A person
    stepping back has it held (shown to them when they resume), never sent. Quiet
    hours delay it unless the thing starts before they end (`starts_at`).
    """
    if member is None:
        return ServiceDecision("skip", "not a member")
    if has_left_server(member):
        return ServiceDecision("skip", "left the server")
    if is_paused(member, now):
        return ServiceDecision("hold", "stepping back")
    if dms_closed:
        return ServiceDecision("skip", "DMs closed")
    send_at = quiet_hours_end(member, now, server_timezone)
    if send_at > now and (starts_at is None or starts_at >= send_at):
        return ServiceDecision("defer", "quiet hours", send_at)
    return ServiceDecision("send", "about something they said yes to")


def reaches_now(member: Member | None, now: datetime, *, dms_closed: bool) -> bool:
    """Will a service message reach this person by DM (now, or once quiet hours end)?"""
    return (
        member is not None
        and not has_left_server(member)
        and not dms_closed
        and not is_paused(member, now)
    )


@dataclass(frozen=True)
class Told:
    """How many people a service message was for, and what the organiser may see."""

    total: int
    by_dm_now: int

    @property
    def split(self) -> tuple[int, int] | None:
        """(by DM now, the others) when both are large enough to name nobody, else None."""
        later = self.total - self.by_dm_now
        if self.by_dm_now >= SPLIT_THRESHOLD and later >= SPLIT_THRESHOLD:
            return (self.by_dm_now, later)
        return None
