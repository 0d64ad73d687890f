"""Ideas: the threshold, the support ledger (pure and in the database), answers, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import ideas as rules
from bot.domain.errors import Refusal
from db import ideas as repo
from db import members
from db.database import Database
from db.personal_data import erase_all, export_all

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 1


# -- the threshold --------------------------------------------------------------------


@pytest.mark.parametrize("asked", [-1, 0, 1, 4])
def test_a_threshold_under_five_is_refused_kindly(asked):
    with pytest.raises(Refusal, match="at least 5") as refused:
        rules.validate_threshold(asked)
    assert "Nothing was changed" in str(refused.value)


@pytest.mark.parametrize("asked", [5, 6, 1000])
def test_thresholds_from_five_to_a_thousand_are_kept(asked):
    assert rules.validate_threshold(asked) == asked


def test_a_threshold_over_a_thousand_is_refused():
    with pytest.raises(Refusal):
        rules.validate_threshold(1001)


def test_crossing_is_only_the_step_onto_the_threshold():
    assert rules.crosses_threshold(4, 5, 5)
    assert not rules.crosses_threshold(5, 6, 5)
    assert not rules.crosses_threshold(5, 4, 5)
    assert not rules.crosses_threshold(3, 4, 5)


# -- the ledger ------------------------------------------------------------------------


def test_support_is_idempotent_both_ways():
    assert rules.support_delta(False, True) == 1
    assert rules.support_delta(True, True) == 0
    assert rules.support_delta(True, False) == -1
    assert rules.support_delta(False, False) == 0


presses = st.lists(st.tuples(st.integers(0, 8), st.booleans()), max_size=60)


@given(presses, st.integers(5, 7))
def test_the_count_is_always_the_number_of_distinct_supporters(sequence, threshold):
    supporters, count, notices = rules.replay(sequence, threshold)
    assert count == len(supporters)
    assert notices == (1 if any_reached(sequence, threshold) else 0)


def any_reached(sequence, threshold):
    held: set[int] = set()
    for person, wants in sequence:
        (held.add if wants else held.discard)(person)
        if len(held) >= threshold:
            return True
    return False


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "i.db")
    await database.migrate()
    yield database
    await database.close()


async def open_idea(db, author=100):
    await members.agree(db, GUILD, author, notice_version=1, now=NOW, secret=SECRET)
    idea = await repo.create(
        db,
        guild_id=GUILD,
        author_id=author,
        author_name=None,
        title="A quiet room",
        body="Somewhere to wait\nthat is calm.",
        affects=None,
        content_note=None,
        state=rules.REVIEW,
        now=NOW,
    )
    assert await repo.publish(db, idea.id, 55)
    return idea.id


@settings(max_examples=15, deadline=None)
@given(sequence=presses)
async def test_the_database_ledger_agrees_with_the_rules(tmp_path_factory, sequence):
    path = tmp_path_factory.mktemp("ledger") / "l.db"
    db = await Database.open(path)
    try:
        await db.migrate()
        idea_id = await open_idea(db)
        for person in range(9):
            await members.agree(db, GUILD, person, notice_version=1, now=NOW, secret=SECRET)
        reached = 0
        for person, wants in sequence:
            result = await repo.set_support(db, idea_id, GUILD, person, wants, 5, NOW)
            assert result is not None
            reached += result.reached_threshold
        supporters, count, notices = rules.replay(sequence, 5)
        idea = await repo.get(db, idea_id)
        assert idea is not None and idea.supporters == count
        held = await db.fetchall("SELECT user_id FROM idea_supports WHERE idea_id = ?", (idea_id,))
        assert {r[0] for r in held} == supporters
        assert reached == notices
    finally:
        await db.close()


async def test_no_support_for_an_idea_that_is_not_open(db):
    await members.agree(db, GUILD, 100, notice_version=1, now=NOW, secret=SECRET)
    idea = await repo.create(
        db, guild_id=GUILD, author_id=100, author_name=None, title="T", body="B",
        affects=None, content_note=None, state=rules.REVIEW, now=NOW,
    )  # fmt: skip
    assert await repo.set_support(db, idea.id, GUILD, 100, True, 5, NOW) is None


async def test_supporters_known_to_have_left_the_server_are_not_told(db):
    idea_id = await open_idea(db, author=100)
    for person in (200, 300):
        await members.agree(db, GUILD, person, notice_version=1, now=NOW, secret=SECRET)
        await repo.set_support(db, idea_id, GUILD, person, True, 5, NOW)
    assert await repo.supporters_to_tell(db, idea_id) == [(GUILD, 200), (GUILD, 300)]
    await members.record_presence(db, GUILD, 200, present=False, now=NOW)
    assert await repo.supporters_to_tell(db, idea_id) == [(GUILD, 300)]
    await members.record_presence(db, GUILD, 200, present=True, now=NOW)
    assert await repo.supporters_to_tell(db, idea_id) == [(GUILD, 200), (GUILD, 300)]


# -- answers and text ------------------------------------------------------------------------


def test_not_now_needs_a_reason_and_every_answer_a_summary():
    with pytest.raises(Refusal, match="reason"):
        rules.check_answer(rules.NOT_NOW, "  ", "Not this year")
    with pytest.raises(Refusal, match="summary"):
        rules.check_answer(rules.FORWARD, None, " ")
    answered = rules.check_answer(rules.NOT_NOW, " No money this year ", "Later")
    assert answered.reason == "No money this year"


def test_line_breaks_in_an_idea_are_kept():
    raised = rules.check_raised("  A   quiet room ", "One\nTwo\n", "", None)
    assert raised.title == "A quiet room" and raised.body == "One\nTwo"
    assert raised.affects is None


def test_the_fourth_idea_of_a_day_is_refused():
    rules.check_daily_limit(2)
    with pytest.raises(Refusal, match="tomorrow"):
        rules.check_daily_limit(3)


async def test_same_title_is_found_whatever_form_it_takes(db):
    await open_idea(db)
    found = await repo.live_with_title(db, GUILD, "A QUIET\u200b ROOM")
    assert found is not None and found.title == "A quiet room"


# -- personal data ----------------------------------------------------------------------------


async def test_export_and_erase_keep_the_count_and_nothing_about_the_person(db):
    idea_id = await open_idea(db, author=100)
    await members.agree(db, GUILD, 200, notice_version=1, now=NOW, secret=SECRET)
    await repo.set_support(db, idea_id, GUILD, 200, True, 5, NOW)
    mine = await export_all(db, GUILD, 200)
    assert [s["idea_id"] for s in mine["idea_supports"]] == [idea_id]
    theirs = await export_all(db, GUILD, 100)
    assert theirs["idea_supports"] == [] and [i["id"] for i in theirs["ideas"]] == [idea_id]

    await erase_all(db, GUILD, 200, SECRET)
    await erase_all(db, GUILD, 100, SECRET)
    idea = await repo.get(db, idea_id)
    assert idea is not None and idea.supporters == 1 and idea.author_id is None
    assert await db.fetchval("SELECT count(*) FROM idea_supports") == 0
    refresh = await db.fetchall("SELECT kind FROM jobs WHERE kind = ?", (repo.REFRESH_JOB,))
    assert len(refresh) == 1  # the posts are shown again without them


async def test_retention_keeps_the_title_and_answer_only(db):
    idea_id = await open_idea(db, author=100)
    await members.agree(db, GUILD, 200, notice_version=1, now=NOW, secret=SECRET)
    await repo.set_support(db, idea_id, GUILD, 200, True, 5, NOW)
    await repo.answer(db, idea_id, answer=rules.FORWARD, reason=None, summary="Yes", now=NOW)
    assert await repo.sweep(db, GUILD, NOW - timedelta(days=1)) == 0  # not old enough
    assert await repo.sweep(db, GUILD, NOW + timedelta(days=1)) == 1
    idea = await repo.get(db, idea_id)
    assert idea is not None
    assert (idea.title, idea.answer_summary, idea.supporters) == ("A quiet room", "Yes", 1)
    assert (idea.body, idea.author_id) == (None, None)
