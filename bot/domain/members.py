"""Membership rules: who may be contacted, stepping back, profiles, counts (rules 1, 3, 14).

Pure: no Discord, no database. The repository (`db.members`) builds a
:class:`Member` from its rows; the cog and the delivery policy ask these
functions what may happen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.domain.consent import ALL_PURPOSES, OPTIONAL_PURPOSES, PURPOSE_MEMBERSHIP
from bot.domain.errors import Refusal
from bot.domain.quiet_hours import QuietHours, next_send_time
from bot.domain.suppression import SuppressedBreakdown, suppress_breakdown
from bot.domain.text import clean_typed

PURPOSE_SERVICE = "service"
"""Messages a person asked for themselves (e.g. the test DM); never needs a consent."""

# Self-described groups (optional). The words people see are in bot.strings.membership.
GROUP_LIVED_EXPERIENCE = "lived_experience"
GROUP_CARER = "carer"
GROUP_STAFF = "staff"
GROUP_PREFER_NOT_TO_SAY = "prefer_not_to_say"
GROUPS = (GROUP_LIVED_EXPERIENCE, GROUP_CARER, GROUP_STAFF, GROUP_PREFER_NOT_TO_SAY)
GROUP_NOT_GIVEN = "not_given"
"""Counting key for members who chose no group (never stored)."""

MAX_PREFERRED_NAME = 64
MAX_ACCESS_NEEDS = 1000
SMALL_GROUP_THRESHOLD = 5


@dataclass(frozen=True)
class Profile:
    """Everything optional a member tells us about themselves. None = not given."""

    preferred_name: str | None = None
    group: str | None = None
    access_needs: str | None = None
    timezone: str | None = None
    quiet_hours: QuietHours | None = None
    reminder_offsets: tuple[timedelta, ...] | None = None
    """None: use each meeting's own reminders; () : no reminders at all."""


@dataclass(frozen=True)
class Member:
    guild_id: int
    user_id: int
    joined_at: datetime
    notice_version: int
    """The notice version this member last agreed to."""
    notice_revision: int | None = None
    """The notice wording this member last saw (None: the first wording)."""
    consents: frozenset[str] = frozenset({PURPOSE_MEMBERSHIP})
    """Purposes currently granted (the latest ledger entry per purpose)."""
    paused_at: datetime | None = None
    paused_until: datetime | None = None
    """When a pause ends by itself; None with paused_at set = until they resume."""
    profile: Profile = field(default_factory=Profile)
    gone_since: datetime | None = None
    """When the bot first found them no longer in the Discord server (None: present)."""


# -- stepping back and being contacted ------------------------------------------


def is_paused(member: Member, now: datetime) -> bool:
    """Paused now? A pause with an end date ends by itself at that moment."""
    if member.paused_at is None:
        return False
    return member.paused_until is None or now < member.paused_until


def has_left_server(member: Member) -> bool:
    """Known to have left the Discord server (Discord's member endpoint said Unknown
    Member): no optional DMs nor service messages, and off every fan-out list, until
    they use the bot there again or are erased (issue 19)."""
    return member.gone_since is not None


def notice_is_current(member: Member, notice_version: int) -> bool:
    return member.notice_version >= notice_version


def can_contact(member: Member | None, purpose: str, now: datetime, notice_version: int) -> bool:
    """May the bot message this person for `purpose` now (rules 1, 3, notice changes)?

    A member, still in the server as far as we know, with the notice they agreed to
    still current, not stepping back, who chose this purpose. `service` messages
    (ones the person asked for themselves) only need the person to be a member.
    """
    if member is None:
        return False
    if purpose == PURPOSE_SERVICE:
        return True
    if purpose not in ALL_PURPOSES:
        raise ValueError(f"unknown contact purpose {purpose!r}")
    return (
        not has_left_server(member)
        and purpose in member.consents
        and notice_is_current(member, notice_version)
        and not is_paused(member, now)
    )


def waits_for_notice(
    member: Member | None, purpose: str, now: datetime, notice_version: int
) -> bool:
    """Would this DM go, but for a new notice the member has not agreed to yet?

    Such a message waits (it is not dropped): once they agree it goes, unless it is
    too late to be useful by then. Someone stepping back, or who did not choose the
    purpose, gets nothing, as before."""
    if member is None or purpose not in OPTIONAL_PURPOSES:
        return False
    return (
        not has_left_server(member)
        and purpose in member.consents
        and not notice_is_current(member, notice_version)
        and not is_paused(member, now)
    )


@dataclass(frozen=True)
class ContactDecision:
    action: Literal["send", "defer", "skip", "wait"]
    reason: str
    not_before: datetime | None = None


def contact_decision(
    member: Member | None,
    purpose: str,
    now: datetime,
    *,
    notice_version: int,
    server_timezone: str,
    urgent: bool = False,
) -> ContactDecision:
    """What the outbox does with a DM at send time: send, wait for quiet hours, skip,
    or keep it waiting until the person can receive it (a new notice to agree to)."""
    if member is None:
        if purpose == PURPOSE_SERVICE:
            return ContactDecision("send", "asked for")
        return ContactDecision("skip", "not a member")
    if waits_for_notice(member, purpose, now, notice_version):
        return ContactDecision("wait", "notice not confirmed")
    if not can_contact(member, purpose, now, notice_version):
        return ContactDecision("skip", _why_not(member, purpose, now, notice_version))
    if purpose == PURPOSE_SERVICE or urgent:
        return ContactDecision("send", "allowed")
    send_at = quiet_hours_end(member, now, server_timezone)
    if send_at > now:
        return ContactDecision("defer", "quiet hours", send_at)
    return ContactDecision("send", "allowed")


def quiet_hours_end(member: Member, now: datetime, server_timezone: str) -> datetime:
    """When this member's quiet hours let a DM go: `now` unless they are in them. Read
    in their own time zone, or the server's if they have not set one."""
    zone = member.profile.timezone or server_timezone
    return next_send_time(now, member.profile.quiet_hours, zone)


def _why_not(member: Member, purpose: str, now: datetime, notice_version: int) -> str:
    if has_left_server(member):
        return "left the server"
    if purpose not in member.consents:
        return "not chosen"
    if not notice_is_current(member, notice_version):
        return "notice not confirmed"
    return "paused"


# -- profile fields -------------------------------------------------------------


def clean_optional_text(text: str | None, *, what: str, limit: int) -> str | None:
    """Trimmed text with nothing hidden in it (`clean_typed`), or None when that leaves
    nothing. Too long is refused kindly."""
    if text is None:
        return None
    cleaned = clean_typed(text).strip()
    if not cleaned:
        return None
    if len(cleaned) > limit:
        raise Refusal(
            f"Your {what} is {len(cleaned)} characters; please keep it to {limit}. "
            "Nothing was changed."
        )
    return cleaned


def validate_group(value: str | None) -> str | None:
    if value in (None, "", GROUP_NOT_GIVEN):
        return None
    if value not in GROUPS:
        raise Refusal("Please pick one of the groups in the list. Nothing was changed.")
    return value


def validate_purposes(chosen: list[str] | tuple[str, ...] | set[str]) -> frozenset[str]:
    unknown = set(chosen) - set(OPTIONAL_PURPOSES)
    if unknown:
        raise Refusal("Please pick from the choices in the list. Nothing was changed.")
    return frozenset(chosen)


def offsets_to_text(offsets: tuple[timedelta, ...] | None) -> str | None:
    """Stored form of reminder offsets: minutes, comma separated ("1440,60"); "" = none."""
    if offsets is None:
        return None
    return ",".join(str(int(o.total_seconds()) // 60) for o in offsets)


def offsets_from_text(stored: str | None) -> tuple[timedelta, ...] | None:
    if stored is None:
        return None
    return tuple(timedelta(minutes=int(part)) for part in stored.split(",") if part)


# -- organiser totals -------------------------------------------------------------


@dataclass(frozen=True)
class MemberCounts:
    members: int
    paused: int
    groups: SuppressedBreakdown
    """By self-described group, with small groups (and one more) hidden."""
    awaiting_notice: int = 0

    @property
    def by_group(self) -> dict[str, int | None]:
        """Group key -> count, or None where it is hidden."""
        return self.groups.as_dict()


def summarise_counts(
    members: int, paused: int, group_counts: dict[str, int], awaiting_notice: int = 0
) -> MemberCounts:
    """Totals for organisers; group counts pass through small-group suppression (rule 9)."""
    counts = {key: group_counts.get(key, 0) for key in (*GROUPS, GROUP_NOT_GIVEN)}
    return MemberCounts(
        members=members,
        paused=paused,
        groups=suppress_breakdown(counts, threshold=SMALL_GROUP_THRESHOLD),
        awaiting_notice=awaiting_notice,
    )
