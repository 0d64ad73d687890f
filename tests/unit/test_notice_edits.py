"""The rules of notice edits (issue 19): a wording fix keeps the consent version as a
dated revision; a real change raises it, only when confirmed, and only over the
notice it was written against."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.consent import DEFAULT_NOTICE_EDITION
from bot.domain.errors import Refusal
from bot.domain.members import Member, contact_decision, waits_for_notice
from bot.domain.notice_edits import (
    EDIT_CHANGE,
    EDIT_WORDING,
    NOTHING_CHANGED,
    NOTICE_CHANGED_JOB,
    notice_diff,
    plan_notice_edit,
    still_current,
    wording_changed_since,
)
from db import members, outbox
from db.database import Database
from db.settings import (
    confirm_notice_change,
    drop_proposal,
    follow_default_notice,
    get_proposal,
    get_settings,
    propose_notice_change,
    revision_saved_at,
    save_wording_fix,
)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
GUILD = 10
OLD = "We store your ID. We keep it safe."


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "n.db")
    await database.migrate()
    yield database
    await database.close()


# -- the pure rules ---------------------------------------------------------------


@given(version=st.integers(min_value=1, max_value=10_000))
def test_a_wording_fix_keeps_the_version_and_a_real_change_raises_it_by_one(version):
    fix = plan_notice_edit(OLD, OLD + " Typo fixed.", EDIT_WORDING, version)
    assert (fix.version, fix.asks_again) == (version, False)
    change = plan_notice_edit(OLD, OLD + " We now also keep X.", EDIT_CHANGE, version)
    assert (change.version, change.asks_again) == (version + 1, True)


@given(kind=st.sampled_from([EDIT_WORDING, EDIT_CHANGE]), spaces=st.sampled_from([" ", "  ", "\n"]))
def test_the_same_words_are_refused_whatever_the_kind(kind, spaces):
    with pytest.raises(Refusal) as refused:
        plan_notice_edit(OLD, OLD.replace(" ", spaces) + "\n", kind, 3)
    assert str(refused.value) == NOTHING_CHANGED


@pytest.mark.parametrize("kind", ["", "both", "WORDING"])
def test_an_edit_must_say_what_it_changes(kind):
    with pytest.raises(Refusal, match="Nothing was saved"):
        plan_notice_edit(OLD, "Something else entirely.", kind, 1)


def test_a_change_is_saved_only_over_the_notice_it_was_written_against():
    assert still_current(2, 2, None, None)
    assert still_current(2, 2, 7, 7)
    assert not still_current(2, 3, 7, 7)  # a real change was saved meanwhile
    assert not still_current(2, 2, 7, 8)  # a wording fix was saved meanwhile
    assert not still_current(2, 2, None, 8)


def test_wording_changed_since_compares_revisions_in_save_order():
    assert not wording_changed_since(None, None)  # nothing was ever revised
    assert wording_changed_since(None, 3)
    assert wording_changed_since(2, 3)
    assert not wording_changed_since(3, 3)
    assert not wording_changed_since(4, 3)


def test_the_diff_lists_sentences_taken_out_and_added():
    diff = notice_diff(
        "We store your ID. Organisers see your name. Leave any time.",
        "We store your ID. Organisers and staff see your name. Leave any time. We keep payments.",
    )
    assert diff.removed == ("Organisers see your name.",)
    assert diff.added == ("Organisers and staff see your name.", "We keep payments.")


@given(st.text(min_size=1, max_size=200))
def test_a_text_compared_with_itself_has_no_diff(text):
    assert notice_diff(text, text).removed == () and notice_diff(text, text).added == ()


def test_a_chosen_message_waits_for_the_notice_instead_of_being_dropped():
    member = Member(
        GUILD, 1, NOW, notice_version=1, consents=frozenset({"membership", "dm_reminders"})
    )
    assert waits_for_notice(member, "dm_reminders", NOW, notice_version=2)
    decision = contact_decision(
        member, "dm_reminders", NOW, notice_version=2, server_timezone="Europe/London"
    )
    assert decision.action == "wait"
    # Not chosen, stepping back, or on the current notice: nothing waits.
    assert not waits_for_notice(member, "dm_outcomes", NOW, notice_version=2)
    assert not waits_for_notice(member, "dm_reminders", NOW, notice_version=1)
    paused = Member(
        GUILD, 1, NOW, notice_version=1, consents=member.consents, paused_at=NOW - timedelta(days=1)
    )
    assert not waits_for_notice(paused, "dm_reminders", NOW, notice_version=2)
    assert (
        contact_decision(
            paused, "dm_reminders", NOW, notice_version=2, server_timezone="Europe/London"
        ).action
        == "skip"
    )


# -- the repository: revisions, proposals, last seen -------------------------------------


async def test_a_wording_fix_is_a_dated_revision_of_the_same_version(db):
    current = await get_settings(db, GUILD)
    saved = await save_wording_fix(db, current, "Fixed wording.", NOW)
    assert saved.notice_version == current.notice_version == 1
    assert saved.notice_text == "Fixed wording."
    assert saved.notice_revision is not None
    assert await revision_saved_at(db, GUILD, saved.notice_revision) == NOW


async def test_a_real_change_takes_effect_only_when_confirmed_and_only_once(db):
    current = await get_settings(db, GUILD)
    proposal = await propose_notice_change(db, current, "A real change.", NOW)
    unchanged = await get_settings(db, GUILD)
    assert (unchanged.notice_version, unchanged.notice_text) == (1, None)
    assert await revision_saved_at(db, GUILD, proposal) is None  # not saved yet

    saved = await confirm_notice_change(db, GUILD, proposal, NOW)
    assert saved is not None
    assert (saved.notice_version, saved.notice_text, saved.notice_revision) == (
        2,
        "A real change.",
        proposal,
    )
    assert await confirm_notice_change(db, GUILD, proposal, NOW) is None  # not twice
    assert (await get_settings(db, GUILD)).notice_version == 2


async def test_a_change_written_before_another_save_is_not_saved_over_it(db):
    current = await get_settings(db, GUILD)
    proposal = await propose_notice_change(db, current, "A real change.", NOW)
    await save_wording_fix(db, current, "Someone fixed a typo meanwhile.", NOW)
    assert await confirm_notice_change(db, GUILD, proposal, NOW) is None
    assert (await get_settings(db, GUILD)).notice_text == "Someone fixed a typo meanwhile."


async def test_kept_or_day_old_proposals_are_dropped_and_never_another_servers(db):
    current = await get_settings(db, GUILD)
    kept = await propose_notice_change(db, current, "Not this.", NOW)
    assert await get_proposal(db, GUILD + 1, kept) is None
    assert not await drop_proposal(db, GUILD + 1, kept)
    assert await drop_proposal(db, GUILD, kept)
    assert await confirm_notice_change(db, GUILD, kept, NOW) is None
    old = await propose_notice_change(db, current, "Left alone.", NOW)
    await propose_notice_change(db, current, "Next day.", NOW + timedelta(days=1, minutes=1))
    assert await get_proposal(db, GUILD, old) is None


async def test_agreeing_records_the_wording_seen_and_a_fix_does_not_undo_agreement(db):
    await members.agree(db, GUILD, 1, notice_version=1, now=NOW)
    member = await members.get_member(db, GUILD, 1)
    assert member is not None and member.notice_revision is None
    fixed = await save_wording_fix(db, await get_settings(db, GUILD), "Clearer words.", NOW)
    member = await members.get_member(db, GUILD, 1)
    assert member.notice_version == fixed.notice_version  # still agreed: nothing stops
    assert wording_changed_since(member.notice_revision, fixed.notice_revision)

    await members.notice_seen(db, GUILD, 1, fixed.notice_revision)
    member = await members.get_member(db, GUILD, 1)
    assert member.notice_revision == fixed.notice_revision
    await members.notice_seen(db, GUILD, 1, None)  # never moved back
    assert (await members.get_member(db, GUILD, 1)).notice_revision == fixed.notice_revision


async def test_a_new_version_and_the_work_telling_members_commit_together(db):
    """Confirming a change, or a release moving a server to a new built-in edition,
    queues the telling in the same transaction (a crash cannot lose it)."""
    current = await get_settings(db, GUILD)
    proposal = await propose_notice_change(db, current, "A real change.", NOW)
    await confirm_notice_change(db, GUILD, proposal, NOW)
    await members.agree(db, GUILD + 1, 1, notice_version=1, now=NOW)  # on the built-in notice
    assert await follow_default_notice(db, NOW, edition=DEFAULT_NOTICE_EDITION + 1) == 1
    queued = await db.fetchall("SELECT kind, key, payload FROM jobs ORDER BY id")
    assert [(row["kind"], row["key"]) for row in queued] == [
        (NOTICE_CHANGED_JOB, f"notice-changed:{GUILD}:2"),
        (NOTICE_CHANGED_JOB, f"notice-changed:{GUILD + 1}:2"),
    ]
    # A wording fix asks nobody again, so it tells nobody.
    await save_wording_fix(db, await get_settings(db, GUILD), "Clearer.", NOW)
    assert await db.fetchval("SELECT count(*) FROM jobs") == 2


async def test_status_counts_every_message_waiting_for_its_person_as_one_total(db):
    """DMs waiting for the notice and service messages held while stepping back are one
    figure, with no reason (which could single someone out)."""
    await outbox.enqueue(
        db, kind="dm", payload={}, now=NOW, dedupe_key="a", guild_id=GUILD, user_id=1
    )
    (row,) = await outbox.claim_due(db, NOW, 5)
    await outbox.keep_waiting(db, row.id, NOW + timedelta(days=1), "notice not confirmed")
    await outbox.enqueue(
        db,
        kind="dm",
        payload={"content": "Moved"},
        now=NOW,
        dedupe_key="b",
        guild_id=GUILD,
        user_id=2,
    )
    (other,) = await outbox.claim_due(db, NOW, 5)
    await outbox.hold(db, other, NOW, "stepping back")
    assert await outbox.waiting_count(db, GUILD) == 2
    assert await outbox.waiting_count(db, GUILD + 1) == 0
    assert await outbox.release_waiting(db, GUILD, 1, NOW) == 1
    assert await outbox.waiting_count(db, GUILD) == 1
