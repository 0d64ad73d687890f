"""What a server may publish beyond Discord (rule 16), and its figures made safe (rule 9).

Pure rules: no Discord, no database. `KINDS` is the one list of things a server can
choose to publish with `/setup publish`; a feature that adds a kind (reports,
a meetings calendar) appends a `PublishKind` here and nothing else needs to know.
Nothing is published until a moderator chooses it; choosing nothing is unpublishing.

Every figure about people on a page goes through `bot.domain.suppression`: a count
under 5 is "fewer than 5", and a second figure is hidden too where the first could
be worked out by subtraction. Poll results per option are shown only when at least
5 people took part.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.errors import Refusal
from bot.domain.suppression import DEFAULT_THRESHOLD, count_text, suppress_counts
from bot.strings import pages as text


@dataclass(frozen=True)
class PublishKind:
    key: str  # stored; never renamed
    label: str  # the select's option (at most 100 characters)
    description: str  # under the option (at most 100 characters)


POLLS = "polls"
IDEAS = "ideas"
OUTCOMES = "outcomes"
OPPORTUNITIES = "opportunities"
MEETINGS = "meetings"
CALENDAR = "calendar"  # issue 26: a public feed of the server's meetings
CALENDAR_PATH = "/meetings.ics"  # after the server's page address: /s/<slug>/meetings.ics
REPORTS = "reports"
# The kinds a server's public page shows; the calendar feed and reports have their own
# addresses, so choosing only those publishes no page.
PAGE_KINDS = (POLLS, IDEAS, OUTCOMES, OPPORTUNITIES, MEETINGS)

KINDS: list[PublishKind] = [
    PublishKind(POLLS, "Closed poll results", "What was asked, how many took part, the result"),
    PublishKind(IDEAS, "Ideas and their answers", "The organisers' summary and answer, not names"),
    PublishKind(OUTCOMES, "Outcomes", "What was decided, its status, progress and updates"),
    PublishKind(OPPORTUNITIES, "Opportunities (counts only)", "How many were offered and filled"),
    PublishKind(MEETINGS, "Meetings held (counts only)", "How many meetings took place"),
    PublishKind(
        CALENDAR,
        "Meetings calendar (titles, times, places)",
        "A calendar feed of this server's meetings that anyone can subscribe to",
    ),
    PublishKind(
        REPORTS,
        "Reports for commissioners (/report)",
        "Organisers may make private report links: a period's totals only",
    ),
]


def kind_keys() -> tuple[str, ...]:
    return tuple(kind.key for kind in KINDS)


def label_of(key: str) -> str:
    return next((kind.label for kind in KINDS if kind.key == key), key)


def check_kinds(chosen: Iterable[str]) -> tuple[str, ...]:
    """The chosen kinds in `KINDS` order; an unknown one is refused (a stale menu)."""
    chosen = set(chosen)
    unknown = chosen - set(kind_keys())
    if unknown:
        raise Refusal(text.STALE_MENU)
    return tuple(key for key in kind_keys() if key in chosen)


def parse_kinds(stored: str) -> tuple[str, ...]:
    """Kinds as stored (comma-separated); ones no longer known are left out."""
    known = kind_keys()
    wanted = {part for part in stored.split(",") if part}
    return tuple(key for key in known if key in wanted)


def store_kinds(kinds: Iterable[str]) -> str:
    return ",".join(kinds)


def new_slug() -> str:
    """A page's address part: random, so nobody can guess another community's page."""
    return secrets.token_urlsafe(9).replace("_", "x").replace("-", "y").lower()


# -- figures made safe (rule 9) --------------------------------------------------------


@dataclass(frozen=True)
class OptionFigure:
    label: str
    value: int | None  # None when not shown
    words: str  # "12", "fewer than 5", "not shown"


@dataclass(frozen=True)
class PollFigures:
    """A closed poll's figures as a page may show them."""

    took_part: str  # "23" or "fewer than 5"
    shown: bool  # are per-option results shown at all?
    options: tuple[OptionFigure, ...]  # empty when not shown
    value_label: str
    top: tuple[str, ...]  # option(s) that came top (ranked: the runoff winner); () if not shown


# Kinds whose per-option figures add up to the number who took part, so a hidden
# one could be worked out by subtraction: complementary suppression applies.
_ADDS_UP = ("single", "ranked")


def poll_figures(
    kind: str,
    options: Sequence[str],
    totals: Sequence[int],
    took_part: int,
    winners: Sequence[int],
    value_label: str,
    threshold: int = DEFAULT_THRESHOLD,
) -> PollFigures:
    """Per-option figures of a closed poll, suppressed (rule 9).

    Fewer than `threshold` took part: no per-option results at all (each vote could be
    told from the others). Single choice and ranked first choices add up to the
    number who took part, so `suppress_counts` hides a second figure beside any
    "fewer than 5"; multiple choice and points do not add up to anything shown, so
    each figure under 5 is "fewer than 5" on its own.
    """
    if len(options) != len(totals):
        raise ValueError("options and totals must be the same length")
    if took_part < threshold:
        return PollFigures(count_text(took_part, threshold), False, (), value_label, ())
    keys = [str(n) for n in range(len(options))]
    if kind in _ADDS_UP and len(options) > 1:
        words = suppress_counts(dict(zip(keys, totals, strict=True)), threshold)
    else:
        words = {k: count_text(t, threshold) for k, t in zip(keys, totals, strict=True)}
    figures = tuple(
        OptionFigure(label, total if words[k] == str(total) else None, words[k])
        for k, label, total in zip(keys, options, totals, strict=True)
    )
    top = tuple(options[i] for i in winners if 0 <= i < len(options))
    return PollFigures(count_text(took_part, threshold), True, figures, value_label, top)


def sources_text(publishing: int, linked: int) -> str:
    """A network page's reach: "Results from 2 of 3 servers in the network"."""
    servers = "server" if linked == 1 else "servers"
    return f"Results from {publishing} of {linked} {servers} in the network."


SNAPSHOT_HOUR = 3  # UTC: the daily snapshot is taken in the quiet of the night


def next_snapshot_at(now: datetime) -> datetime:
    """The next daily snapshot time strictly after `now` (03:00 UTC)."""
    today = now.astimezone(UTC).replace(hour=SNAPSHOT_HOUR, minute=0, second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)
