"""Per-server settings and their rules."""

from __future__ import annotations

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


def validate_timezone(name: str) -> str:
    cleaned = name.strip()
    if cleaned in _zones():
        return cleaned
    lowered = {z.lower(): z for z in _zones()}
    if cleaned.lower() in lowered:
        return lowered[cleaned.lower()]
    raise Refusal(
        f"I don't know the time zone `{cleaned[:60]}`. Please pick one from the list as you type, "
        "for example `Europe/London`. Nothing was changed."
    )


def suggest_timezones(typed: str, limit: int = 25) -> list[str]:
    """Zones matching what someone has typed so far, best matches first."""
    needle = typed.strip().lower().replace(" ", "_")
    zones = sorted(_zones())
    if not needle:
        preferred = [DEFAULT_TIMEZONE, "Europe/Dublin", "UTC"]
        return (
            preferred
            + [z for z in zones if z.startswith("Europe/") and z not in preferred][
                : limit - len(preferred)
            ]
        )
    starts = [z for z in zones if z.lower().startswith(needle)]
    contains = [z for z in zones if needle in z.lower() and z not in starts]
    return (starts + contains)[:limit]


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
