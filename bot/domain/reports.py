"""A period report for commissioners: rule 9 on every figure, the tidy CSV, signed links.

``build_report`` turns the raw totals (``db.reports.raw_figures``) into what may be
shown: every count about people in words under 5 ("fewer than 5"), members as a
band, and figures that add up to a shown total (outcomes by status, ideas by
answer) suppressed together (``suppress_counts``), so no hidden figure can be
worked out by subtraction. A middle value (days to answer, turnout per poll) is
shown only when it is over 5 or more items. What it returns is plain JSON: it is
stored as it is (a day's snapshot, a link's copy) and holds nothing about a person.

The CSV is tidy: one table per file, one row per figure, zipped; each row carries
the period so files from several reports can be put together.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import statistics
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.domain.periods import Period, member_band
from bot.domain.suppression import DEFAULT_THRESHOLD, count_text, suppress_counts

CSV_COLUMNS = ("period_first", "period_last", "measure", "value")
ABOUT_COLUMNS = ("field", "value")
SCOPES = ("server", "network")
SUPPRESSION_NOTE = (
    f'Counts under {DEFAULT_THRESHOLD} are shown as "fewer than {DEFAULT_THRESHOLD}", '
    'and where figures add up to a total, one more is "not shown", so nobody can be '
    "picked out or worked out. Members are shown in bands."
)

ANSWERS = (
    ("forward", "We'll take this forward"),
    ("happening", "Already happening"),
    ("not_now", "Not now"),
)
OUTCOME_STATUSES = (
    ("planned", "Planned"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("delayed", "Delayed"),
    ("not_going_ahead", "Not going ahead"),
)


def _row(measure: str, label: str, value: str) -> dict[str, str]:
    return {"measure": measure, "label": label, "value": value}


def _middle(values: Sequence[float], unit: str, of: str) -> str:
    """The median, only over 5 or more items (fewer could point at one of them)."""
    if len(values) < DEFAULT_THRESHOLD:
        return f"not shown (fewer than {DEFAULT_THRESHOLD} {of})"
    middle = round(statistics.median(values))
    return f"{middle} {unit}" if middle != 1 else f"1 {unit.rstrip('s')}"


def _turnout(turnouts: Sequence[int]) -> str:
    """Middle turnout per poll: a count of people, so under 5 is "fewer than 5" too."""
    if len(turnouts) < DEFAULT_THRESHOLD:
        return f"not shown (fewer than {DEFAULT_THRESHOLD} polls)"
    return count_text(round(statistics.median(turnouts)))


def _members(raw: Mapping[str, int]) -> dict[str, Any]:
    return {
        "name": "members",
        "title": "Members",
        "rows": [
            _row("members_at_end", "Members at the end of the period", member_band(raw["at_end"])),
            _row("joined", "Joined during the period", count_text(raw["joined"])),
            _row("left", "Left during the period", count_text(raw["left"])),
        ],
    }


def _polls(raw: Mapping[str, Any]) -> dict[str, Any]:
    turnouts = list(raw["turnouts"])
    return {
        "name": "polls",
        "title": "Polls",
        "rows": [
            _row("polls_opened", "Polls opened", count_text(raw["opened"])),
            _row("polls_closed", "Polls closed", count_text(raw["closed"])),
            _row("votes", "Votes cast in polls that closed", count_text(sum(turnouts))),
            _row("middle_turnout", "Typical turnout per poll (the median)", _turnout(turnouts)),
        ],
    }


def _ideas(raw: Mapping[str, Any]) -> dict[str, Any]:
    by_answer = suppress_counts({key: raw["by_answer"].get(key, 0) for key, _ in ANSWERS})
    return {
        "name": "ideas",
        "title": "Ideas raised by members",
        "rows": [
            _row("ideas_raised", "Ideas raised", count_text(raw["raised"])),
            _row("supports", "Supports given to those ideas", count_text(raw["supports"])),
            _row(
                "reached_threshold",
                "Ideas that reached the support needed for an answer",
                count_text(raw["reached_threshold"]),
            ),
            _row("ideas_answered", "Ideas answered", count_text(raw["answered"])),
            *(
                _row(f"answered_{key}", f"Answered: {label}", by_answer[key])
                for key, label in ANSWERS
            ),
            _row(
                "middle_days_to_answer",
                "Typical time from raising to answer (the median)",
                _middle(raw["days_to_answer"], "days", "ideas answered"),
            ),
        ],
    }


def _outcomes(raw: Mapping[str, Any]) -> dict[str, Any]:
    statuses = suppress_counts({key: raw["by_status"].get(key, 0) for key, _ in OUTCOME_STATUSES})
    return {
        "name": "outcomes",
        "title": "Outcomes (you said, we did)",
        "rows": [
            _row("outcomes", "Outcomes recorded", count_text(sum(raw["by_status"].values()))),
            *(
                _row(f"status_{key}", f"Status now: {label}", statuses[key])
                for key, label in OUTCOME_STATUSES
            ),
        ],
    }


def _opportunities(raw: Mapping[str, Any], payments: Mapping[str, int] | None) -> dict[str, Any]:
    rows = [
        _row("opportunities_offered", "Opportunities offered", count_text(raw["offered"])),
        _row(
            "places_offered", "Places offered (where there was a limit)", count_text(raw["places"])
        ),
        _row("places_filled", "Places filled", count_text(raw["filled"])),
    ]
    if payments is not None:
        rows.append(
            _row(
                "offering_payment",
                "Opportunities offering payment (a fee, a voucher or expenses)",
                count_text(payments["offered"]),
            )
        )
    return {"name": "opportunities", "title": "Opportunities to take part", "rows": rows}


def _meetings(raw: Mapping[str, int]) -> dict[str, Any]:
    return {
        "name": "meetings",
        "title": "Meetings",
        "rows": [
            _row("meetings_held", "Meetings held", count_text(raw["held"])),
            _row("going", "Going answers, added up over those meetings", count_text(raw["going"])),
        ],
    }


def build_report(
    raw: Mapping[str, Any],
    period: Period,
    *,
    scope: str,
    name: str,
    made_on: date,
    servers_counted: int = 1,
    servers_in_network: int = 1,
) -> dict[str, Any]:
    """The report as it may be shown (rule 9 on every figure). See the module."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    tables = [_members(raw["members"]), _polls(raw["polls"]), _ideas(raw["ideas"])]
    if "outcomes" in raw:
        tables.append(_outcomes(raw["outcomes"]))
    tables.append(_opportunities(raw["opportunities"], raw.get("payments")))
    tables.append(_meetings(raw["meetings"]))
    return {
        "scope": scope,
        "name": name,
        "period": {
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
            "label": period.label,
            "so_far": period.so_far,
        },
        "made_on": made_on.isoformat(),
        "servers_counted": servers_counted,
        "servers_in_network": servers_in_network,
        "tables": tables,
    }


def shown_values(report: Mapping[str, Any]) -> list[str]:
    """Every figure's words, for checks."""
    return [row["value"] for table in report["tables"] for row in table["rows"]]


# -- the tidy CSV, zipped ------------------------------------------------------------------


def _csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def about_rows(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    period = report["period"]
    rows = [
        ("report", "Speak Back period report"),
        ("scope", "this server" if report["scope"] == "server" else "the network"),
        ("name", report["name"]),
        ("period", period["label"]),
        ("period_first", period["first"]),
        ("period_last", period["last"]),
        ("so_far", "yes" if period["so_far"] else "no"),
        ("made_on", report["made_on"]),
    ]
    if report["scope"] == "network":
        rows.append(
            (
                "servers",
                f"figures from {report['servers_counted']} of "
                f"{report['servers_in_network']} servers (those that allow reports)",
            )
        )
    rows.append(("suppression", SUPPRESSION_NOTE))
    return rows


def report_zip(report: Mapping[str, Any]) -> bytes:
    """about.csv, then one CSV per table (members.csv, polls.csv, ...), zipped."""
    first, last = report["period"]["first"], report["period"]["last"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("about.csv", _csv(ABOUT_COLUMNS, about_rows(report)))
        for table in report["tables"]:
            rows = [(first, last, row["measure"], row["value"]) for row in table["rows"]]
            archive.writestr(f"{table['name']}.csv", _csv(CSV_COLUMNS, rows))
    return buffer.getvalue()


def zip_name(report: Mapping[str, Any]) -> str:
    period = report["period"]
    return f"speak-back-report-{period['first']}-to-{period['last']}.zip"


# -- signed link addresses -------------------------------------------------------------------


def _signature(secret: bytes, link_id: str) -> str:
    digest = hmac.new(secret, f"report-link:{link_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def signed_token(secret: bytes, link_id: str) -> str:
    """The last part of a report's address: the link's id and its signature."""
    return f"{link_id}.{_signature(secret, link_id)}"


def read_token(secret: bytes, token: str) -> str | None:
    """The link id in a signed token, or None if it was not signed by us."""
    link_id, dot, signature = token.rpartition(".")
    if not dot or not link_id or len(token) > 200:
        return None
    if not hmac.compare_digest(signature.encode(), _signature(secret, link_id).encode()):
        return None
    return link_id
