"""Outcome flows without Discord: the export's tables, what organisers are told (rule 9)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.errors import Refusal
from cogs.outcomes import flows
from db.outcomes import Correction, Outcome, Update

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def _outcome(**changes) -> Outcome:
    base = {
        "id": 1,
        "guild_id": 7,
        "item_kind": "poll",
        "item_id": 3,
        "title": "=cmd|' /C calc'!A0",
        "statement": "We will start a group.",
        "status": "in_progress",
        "progress": 40,
        "by_when": "by March",
        "review_on": date(2027, 3, 3),
        "created_at": NOW,
        "last_update_at": NOW + timedelta(days=2),
    }
    return Outcome(**{**base, **changes})


def _update(**changes) -> Update:
    base = {
        "id": 9,
        "outcome_id": 1,
        "kind": "update",
        "body": "A room is found.",
        "status": "in_progress",
        "progress": 40,
        "by_when": "by March",
        "review_on": date(2027, 3, 3),
        "posted_at": NOW + timedelta(days=2),
        "told": 3,
        "told_at": NOW,
    }
    return Update(**{**base, **changes})


def _tables(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }


def test_the_export_is_two_tidy_tables_in_the_servers_zone():
    fixed = _update(corrections=(Correction("body", "A room is found!", NOW + timedelta(days=3)),))
    tables = _tables(
        flows.export_zip(
            [_outcome()], {1: [_update(id=8, kind="recorded", told=12), fixed]}, "Europe/London"
        )
    )
    outcomes, updates = tables["outcomes.csv"], tables["updates.csv"]
    assert outcomes[0] == flows.OUTCOME_COLUMNS and updates[0] == flows.UPDATE_COLUMNS
    assert len(outcomes) == 2 and len(updates) == 3
    row = dict(zip(outcomes[0], outcomes[1], strict=True))
    assert row["item_title"].startswith("'=")  # no spreadsheet formula
    assert row["next_review"] == "2027-03-03" and row["recorded_at"] == "2026-12-03T10:00:00+00:00"
    first, second = (dict(zip(updates[0], u, strict=True)) for u in updates[1:])
    assert first["outcome_messages_queued"] == "12"
    assert second["outcome_messages_queued"] == "fewer than 5"  # rule 9
    assert second["corrected_on"] == "2026-12-06T10:00:00+00:00"
    assert second["earlier_wording"] == "A room is found!"


def test_dates_are_in_the_servers_zone_in_summer_too():
    summer = datetime(2027, 7, 1, 12, 0, tzinfo=UTC)
    tables = _tables(
        flows.export_zip(
            [_outcome(created_at=summer, last_update_at=summer)], {1: []}, "Europe/London"
        )
    )
    assert tables["outcomes.csv"][1][9] == "2027-07-01T13:00:00+01:00"


def test_organisers_are_told_how_many_without_a_small_exact_count():
    assert flows.told_words(3).startswith("Fewer than 5 people")
    assert flows.told_words(12).startswith("12 people")
    assert "posted only" in flows.told_words(0)
    assert "retention period" in flows.told_words(None)
    assert flows.form_title_count(2) == "fewer than 5 will be told"


def test_how_long_ago_reads_plainly():
    assert flows.ago(NOW, NOW) == "today"
    assert flows.ago(NOW - timedelta(days=1), NOW) == "1 day ago"
    assert flows.ago(NOW - timedelta(days=16), NOW) == "2 weeks ago"
    assert flows.ago(NOW - timedelta(days=91), NOW) == "3 months ago"


def test_items_are_named_by_kind_and_number():
    assert flows.parse_item("opportunity:12") == ("opportunity", 12)
    for bad in ("meeting:1", "poll:", "poll:x", "12"):
        with pytest.raises(Refusal, match="couldn't find"):
            flows.parse_item(bad)


def test_the_review_reminder_is_due_at_ten_in_the_servers_zone():
    assert flows.review_due(date(2027, 7, 1), "Europe/London") == datetime(
        2027, 7, 1, 9, 0, tzinfo=UTC
    )


def test_a_page_of_the_register_fits_one_embed():
    from cogs.outcomes import ui

    long = _outcome(title="T" * 300, statement="S" * 1500, by_when="B" * 100)
    links = {1: "https://discord.com/channels/" + "1" * 19 + "/" + "2" * 19 + "/" + "3" * 19}
    found = flows.Register([long] * 10, links, page=0, pages=3, status="in_progress")
    shown, view = ui.register_message(found)
    assert len(shown.fields) == 10 and len(shown) <= 6000
    labels = [c.item.label for c in view.children if isinstance(c, ui.PageButton)]
    assert labels == ["Next"]  # the first page: no Previous
