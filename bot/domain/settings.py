"""Per-server settings and their rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import available_timezones

from bot.domain.errors import Refusal

DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_RETENTION_MONTHS = 12
MIN_RETENTION_MONTHS = 1
MAX_RETENTION_MONTHS = 120
MAX_SUPPORT_LENGTH = 4000
MAX_NOTICE_LENGTH = 4000


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    organiser_role_id: int | None = None
    announce_role_id: int | None = None
    announcements_channel_id: int | None = None
    moderators_channel_id: int | None = None
    timezone: str = DEFAULT_TIMEZONE
    support_text: str | None = None
    notice_text: str | None = None
    notice_version: int = 1
    notice_revision: int | None = None  # the wording in force (None: the first one)
    split_by_group: bool = False
    retention_months: int = DEFAULT_RETENTION_MONTHS
    date_order: str = "day_first"  # how numeric dates are read (bot.domain.when)
    organisers_channel_id: int | None = None  # ideas waiting for an answer are told here
    ideas_review: bool = True  # moderators see a new idea before it is posted
    ideas_threshold: int = 5  # supporters that oblige organisers to answer (rule 17)
    ideas_answer_days: int = 28  # organisers are reminded once after this many days
    extra: dict[str, object] = field(default_factory=dict, compare=False)


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


# Names people use for UK time. Each reads as Europe/London, which moves to BST in
# summer: "GMT" typed in December is almost never a wish to be an hour out all summer.
UK_TIME_NAMES = frozenset(
    {
        "uk",
        "united kingdom",
        "great britain",
        "britain",
        "gb",
        "gb eire",
        "england",
        "scotland",
        "wales",
        "northern ireland",
        "bst",
        "british summer time",
        "london",
        "gmt",
        "greenwich mean time",
        "europe/belfast",
    }
)
# Zones that never move for summer time, wherever they are used: saved when chosen,
# with a warning (a named place such as Europe/London follows its clocks).
FIXED_OFFSET_NAMES = frozenset(
    {"UTC", "UCT", "Universal", "Zulu", "Greenwich", "GMT0", "GMT+0", "GMT-0", "EST", "MST", "HST"}
)
UK_TIME, FIXED_OFFSET = "uk_time", "fixed_offset"  # the notes a reading can carry


@dataclass(frozen=True)
class ZoneReading:
    """The zone a typed name is saved as, and what to tell the person about it."""

    zone: str
    note: str | None = None  # UK_TIME, FIXED_OFFSET or None


def _plain(name: str) -> str:
    return " ".join(
        name.strip().lower().replace(".", "").replace("_", " ").replace("-", " ").split()
    )


def is_fixed_offset(zone: str) -> bool:
    return zone.startswith("Etc/") or zone in FIXED_OFFSET_NAMES


def read_timezone(name: str) -> ZoneReading:
    """What a server or member means by a typed zone name (a Refusal if nothing fits).

    UK names (UK, England, Scotland, Wales, Northern Ireland, BST, London, GMT, ...)
    read as Europe/London with a note; fixed-offset zones (UTC, Etc/*) are kept,
    with a warning that they never move for summer time.
    """
    cleaned = name.strip()
    if _plain(cleaned) in UK_TIME_NAMES:
        return ZoneReading(DEFAULT_TIMEZONE, UK_TIME)
    zone = cleaned if cleaned in _zones() else {z.lower(): z for z in _zones()}.get(cleaned.lower())
    if zone is None:
        raise Refusal(
            f"I don't know the time zone `{cleaned[:60]}`. Please use a place name such as "
            "`Europe/London`, `Europe/Dublin` or `America/Toronto`. Nothing was changed."
        )
    return ZoneReading(zone, FIXED_OFFSET if is_fixed_offset(zone) else None)


def validate_timezone(name: str) -> str:
    return read_timezone(name).zone


def names_uk_time(needle: str) -> bool:
    """Whether what is typed so far (at least 3 letters, or a whole name) means UK time."""
    typed = _plain(needle)
    return any(
        typed == alias or (len(typed) >= 3 and alias.startswith(typed)) for alias in UK_TIME_NAMES
    )


def suggest_timezones(typed: str, limit: int = 25) -> list[str]:
    """Zones matching what someone has typed so far, best matches first.

    A name for UK time ("uk", "bst", "scot") puts Europe/London first; zones whose
    names are only other spellings of it (GMT, GB) are left out, as they would be
    read as Europe/London anyway; Etc/GMT stays, for a fixed GMT.
    """
    needle = typed.strip().lower().replace(" ", "_")
    zones = sorted(_zones() - {"GMT", "GB", "GB-Eire", "Europe/Belfast"})
    if not needle:
        preferred = [DEFAULT_TIMEZONE, "Europe/Dublin", "UTC"]
        return (
            preferred
            + [z for z in zones if z.startswith("Europe/") and z not in preferred][
                : limit - len(preferred)
            ]
        )
    # The whole name starts so, then one of its words ("tok": Asia/Tokyo), then
    # anywhere ("Antarctica/Vostok" last).
    starts = [z for z in zones if z.lower().startswith(needle)]
    words = [
        z
        for z in zones
        if z not in starts and any(w.startswith(needle) for w in re.split(r"[/_]", z.lower()))
    ]
    contains = [z for z in zones if needle in z.lower() and z not in starts and z not in words]
    found = starts + words + contains
    if names_uk_time(needle):
        found = [DEFAULT_TIMEZONE] + [z for z in found if z != DEFAULT_TIMEZONE]
    return found[:limit]


def validate_retention(months: int) -> int:
    if not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        raise Refusal(
            f"Please choose between {MIN_RETENTION_MONTHS} and {MAX_RETENTION_MONTHS} months "
            f"(you entered {months}). Nothing was changed."
        )
    return months


def validate_long_text(text: str, *, what: str, limit: int) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Refusal(f"The {what} can't be empty. Nothing was changed.")
    if len(cleaned) > limit:
        raise Refusal(
            f"The {what} is {len(cleaned)} characters; please keep it under {limit}. "
            "Nothing was changed."
        )
    return cleaned
