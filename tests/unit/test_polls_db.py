"""The polls repository: votes, closing, anonymity on disk (rule 8), retention, leaving."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.polls import (
    CountedBeforeLeaving,
    PollClosed,
    ballot_key,
    check_settings,
    voter_key,
)
from bot.domain.suppression import Shown, suppress_breakdown
from db import members, polls
from db.database import Database
from db.personal_data import erase_all, export_all
from db.settings import update_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 7
VOTERS = [100000000000000000 + 7919 * n for n in range(1, 13)]


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "polls.db")
    await database.migrate()
    yield database
    await database.close()


async def join(db, *user_ids, group=None):
    for user_id in user_ids:
        await members.agree(db, GUILD, user_id, notice_version=1, now=NOW, secret=SECRET)
        if group:
            await members.update_profile(db, GUILD, user_id, NOW, group=group)


async def new_poll(db, kind="single", anonymous=True, options=("A", "B", "C"), closes_at=None):
    settings = check_settings(
        kind=kind,
        max_choices=None,
        anonymous=anonymous,
        results="at_close",
        closes_at=closes_at,
        content_note=None,
        reasons=True,
    )
    return await polls.create_poll(
        db,
        guild_id=GUILD,
        channel_id=55,
        question="What first?",
        options=list(options),
        settings=settings,
        max_choices=None,
        now=NOW,
    )


async def vote(db, poll_id, user_id, choice, group=None):
    return await polls.cast_vote(
        db,
        poll_id,
        guild_id=GUILD,
        user_id=user_id,
        choice=choice,
        group=group,
        voter_name=f"name-{user_id}",
        now=NOW,
        secret=SECRET,
    )


async def test_a_member_votes_once_and_can_change_their_vote(db):
    await join(db, *VOTERS[:2])
    poll_id = await new_poll(db)
    assert await vote(db, poll_id, VOTERS[0], "0") is False
    assert await vote(db, poll_id, VOTERS[0], "2") is True  # changed, not added
    assert await vote(db, poll_id, VOTERS[1], "2") is False
    assert await polls.turnout(db, poll_id) == 2
    assert sorted(await polls.current_choices(db, poll_id)) == ["2", "2"]
    poll = await polls.get_poll(db, poll_id)
    assert (await polls.ballot_of(db, poll, VOTERS[0], SECRET))[0] == ("2", None)


async def test_options_come_back_in_the_order_typed_however_they_were_stored(db):
    # The options are read with the poll in one statement; a vote is the option's
    # index, so their order must not depend on how rows are returned or sort as text.
    typed = [f"Option {n}" for n in range(12)]  # 10 and 11 sort after 9, not after 1
    poll_id = await new_poll(db, options=typed)
    await db.execute("DELETE FROM poll_options WHERE poll_id = ?", (poll_id,))
    await db.executemany(
        "INSERT INTO poll_options (poll_id, position, label) VALUES (?, ?, ?)",
        [(poll_id, n, label) for n, label in reversed(list(enumerate(typed)))],
    )
    assert (await polls.get_poll(db, poll_id)).options == tuple(typed)
    await join(db, VOTERS[0])
    press = await polls.vote_press(db, poll_id, GUILD, VOTERS[0], SECRET)
    assert press.poll.options == tuple(typed) and press.member.user_id == VOTERS[0]


async def test_non_members_cannot_vote(db):
    poll_id = await new_poll(db)
    with pytest.raises(LookupError):
        await vote(db, poll_id, VOTERS[0], "0")
    assert await polls.turnout(db, poll_id) == 0


async def test_no_votes_after_the_closing_time_even_before_the_close_job_runs(db):
    await join(db, VOTERS[0])
    poll_id = await new_poll(db, closes_at=NOW + timedelta(hours=1))
    with pytest.raises(PollClosed):
        await polls.cast_vote(
            db, poll_id, guild_id=GUILD, user_id=VOTERS[0], choice="0", group=None,
            voter_name=None, now=NOW + timedelta(hours=1), secret=SECRET,
        )  # fmt: skip


async def test_closing_freezes_the_result_once_and_refuses_later_votes(db):
    await join(db, *VOTERS[:3])
    poll_id = await new_poll(db)
    for user_id, choice in zip(VOTERS[:3], ["0", "1", "1"], strict=True):
        await vote(db, poll_id, user_id, choice)
    poll, closed_now = await polls.close_poll(db, poll_id, NOW + timedelta(hours=2))
    assert closed_now and poll.state == "closed"
    assert poll.result.totals == (1, 2, 0) and poll.turnout == 3
    again, closed_again = await polls.close_poll(db, poll_id, NOW + timedelta(hours=3))
    assert not closed_again and again.closed_at == poll.closed_at
    with pytest.raises(PollClosed):
        await vote(db, poll_id, VOTERS[0], "2")
    assert (await polls.get_poll(db, poll_id)).result.totals == (1, 2, 0)


async def test_at_close_the_secret_and_every_link_are_gone(db):
    await join(db, *VOTERS[:4])
    poll_id = await new_poll(db)
    secret = await db.fetchval("SELECT secret FROM poll_secrets WHERE poll_id = ?", (poll_id,))
    for user_id in VOTERS[:4]:
        await vote(db, poll_id, user_id, "1", group="carer")
    await polls.close_poll(db, poll_id, NOW)
    assert await db.fetchval("SELECT count(*) FROM poll_secrets") == 0
    rows = await db.fetchall("SELECT * FROM ballots WHERE poll_id = ?", (poll_id,))
    assert len(rows) == 4
    for row in rows:
        assert row["voter_key"] is None and row["grp"] is None
        assert row["user_id"] is None and row["guild_id"] is None and row["voter_name"] is None
    columns = {c["name"] for c in await db.fetchall("PRAGMA table_info(ballots)")}
    assert not {c for c in columns if "time" in c or c.endswith("_at")}, "ballots carry no time"
    poll = await polls.get_poll(db, poll_id)
    assert (await polls.ballot_of(db, poll, VOTERS[0], SECRET))[0] is None
    assert len(secret) >= 16


def _database_bytes(path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def _run_election(tmp_path, name, order, monkeypatch, changes):
    """Members join in a fixed order, then vote in `order`; ballot ids come from the voter.

    Ids normally are random. Fixing them per voter here lets two runs that differ
    only in the order of voting be compared byte for byte.
    """
    path = tmp_path / name
    db = await Database.open(path)
    await db.migrate()
    await join(db, *VOTERS)
    poll_id = await new_poll(db, options=("A", "B", "C", "D"))
    choice_of = {user_id: str(n % 4) for n, user_id in enumerate(VOTERS)}
    current: dict[str, int] = {}

    def ballot_id() -> str:
        return hashlib.sha256(f"ballot:{current['voter']}".encode()).hexdigest()[:32]

    monkeypatch.setattr(polls, "new_ballot_id", ballot_id)
    secret = await db.fetchval("SELECT secret FROM poll_secrets WHERE poll_id = ?", (poll_id,))
    for user_id in order:
        current["voter"] = user_id
        first = "3" if user_id in changes else choice_of[user_id]
        await vote(db, poll_id, user_id, first)
    for user_id in changes:  # people who change their mind, at different moments
        current["voter"] = user_id
        await vote(db, poll_id, user_id, choice_of[user_id])
    keys = [voter_key(secret, GUILD, u) for u in VOTERS]
    keys += [ballot_key(secret, SECRET, True, GUILD, u) for u in VOTERS]
    await polls.close_poll(db, poll_id, NOW + timedelta(days=1))
    await polls.compact(db)
    ids = [r["id"] for r in await db.fetchall("SELECT id FROM ballots")]
    await db.close()
    return _database_bytes(path), secret, keys, ids


async def test_nothing_on_disk_links_a_ballot_to_a_voter_after_close(tmp_path, monkeypatch):
    """Rule 8: ids, row order, timestamps and leftover pages say nothing about who voted.

    Two elections with the same members and the same votes, cast in different
    orders (and with votes changed at different moments), leave byte-identical
    database files once closed. So the file, with its WAL, is a function of the
    votes alone: nothing in it depends on the order people voted in. The secret
    and every voter key are gone from every byte, free pages included.
    """
    forward = list(VOTERS)
    shuffled = list(VOTERS)
    random.Random(8).shuffle(shuffled)
    one, secret_one, keys_one, ids = await _run_election(
        tmp_path, "one.db", forward, monkeypatch, changes=[VOTERS[2], VOTERS[9]]
    )
    two, secret_two, keys_two, _ = await _run_election(
        tmp_path, "two.db", shuffled, monkeypatch, changes=[VOTERS[9], VOTERS[2]]
    )
    assert one == two
    assert ids == sorted(ids), "ballots are stored in id order, not in the order cast"
    for blob, secret, keys in ((one, secret_one, keys_one), (two, secret_two, keys_two)):
        assert secret not in blob
        for key in keys:
            assert key.encode() not in blob
            assert bytes.fromhex(key) not in blob
    assert not (tmp_path / "one.db-wal").exists() or (tmp_path / "one.db-wal").stat().st_size == 0


async def test_the_order_of_voting_is_not_in_the_file_with_real_random_ids(tmp_path):
    """With real random ids: ballots appear in the file in id order, whatever the vote order."""
    path = tmp_path / "random.db"
    db = await Database.open(path)
    await db.migrate()
    await join(db, *VOTERS)
    poll_id = await new_poll(db, options=[f"option {n}" for n in range(12)])
    for n, user_id in enumerate(VOTERS):  # voter n chooses option n: order is known
        await vote(db, poll_id, user_id, str(n))
    ids = {r["choice"]: r["id"] for r in await db.fetchall("SELECT id, choice FROM ballots")}
    await polls.close_poll(db, poll_id, NOW)
    await polls.compact(db)
    await db.close()
    blob = _database_bytes(path)
    # Where each ballot's id sits in the file: in one page, cells follow id order.
    offsets = {choice: blob.find(i.encode()) for choice, i in ids.items()}
    assert all(offset > 0 for offset in offsets.values())
    by_place = [choice for choice, _ in sorted(offsets.items(), key=lambda kv: kv[1])]
    by_id = [choice for choice, _ in sorted(ids.items(), key=lambda kv: kv[1])]
    assert by_place in (by_id, by_id[::-1])


async def test_group_breakdown_is_frozen_with_suppression_and_groups_then_dropped(db):
    await update_settings(db, GUILD, NOW, split_by_group=1)
    await join(db, *VOTERS)
    poll_id = await new_poll(db, anonymous=False)
    groups_of = ["lived_experience"] * 6 + ["staff"] * 5 + ["carer"]
    for user_id, group in zip(VOTERS, groups_of, strict=True):
        await vote(db, poll_id, user_id, "0" if group == "lived_experience" else "1", group=group)
    poll, _ = await polls.close_poll(db, poll_id, NOW)
    expected = suppress_breakdown(
        {"lived_experience": 6, "carer": 1, "staff": 5, "not_said": 0}
    ).figures
    got = poll.breakdown.groups
    # staff (5, every one chose option 2) is unanimous, so its row is hidden too
    assert [(g.group, g.shown, g.count) for g in got] == [
        (f.group, Shown.PROTECTIVE if f.group == "staff" else f.shown, None)
        if f.group == "staff"
        else (f.group, f.shown, f.count)
        for f in expected
    ]
    groups = {g.group: g for g in got}
    assert groups["carer"].count is None and groups["carer"].totals is None  # fewer than 5
    assert sum(g.shown is Shown.COUNT for g in got) == 0  # one more hidden, and staff unanimous
    for group in got:
        if group.shown is Shown.COUNT:
            own = (6, 0, 0) if group.group == "lived_experience" else (0, 5, 0)
            assert group.totals == own
        else:
            assert group.totals is None
    assert poll.breakdown.total == 12
    assert await db.fetchval("SELECT count(*) FROM ballots WHERE grp IS NOT NULL") == 0


async def test_retention_erases_answers_of_long_closed_polls_and_keeps_totals(db):
    await join(db, *VOTERS[:3])
    old = await new_poll(db)
    recent = await new_poll(db)
    for user_id in VOTERS[:3]:
        await vote(db, old, user_id, "0")
        await vote(db, recent, user_id, "1")
    await polls.close_poll(db, old, NOW)
    await polls.close_poll(db, recent, NOW + timedelta(days=300))
    erased = await polls.sweep(db, GUILD, NOW + timedelta(days=100))
    assert erased == 6  # 3 ballots and 3 "has voted" rows
    assert await db.fetchval("SELECT count(*) FROM ballots WHERE poll_id = ?", (old,)) == 0
    assert await db.fetchval("SELECT count(*) FROM ballots WHERE poll_id = ?", (recent,)) == 3
    kept = await polls.get_poll(db, old)
    assert kept.result.totals == (3, 0, 0) and kept.answers_erased_at is not None
    assert await polls.sweep(db, GUILD, NOW + timedelta(days=100)) == 0


async def test_leaving_erases_named_votes_and_unlinks_anonymous_ones(db):
    alice, bob = VOTERS[:2]
    await join(db, alice, bob)
    named = await new_poll(db, anonymous=False)
    anonymous = await new_poll(db, anonymous=True)
    for poll_id in (named, anonymous):
        await vote(db, poll_id, alice, "0")
        await vote(db, poll_id, bob, "1")
    exported = await export_all(db, GUILD, alice)
    assert {r["poll_id"] for r in exported["poll_voters"]} == {named, anonymous}
    assert {r["poll_id"] for r in exported["ballots"]} == {named}
    # An open anonymous ballot is found only with the bot's secret (not in the tables).
    mine = await polls.open_anonymous_ballots(db, GUILD, alice, SECRET)
    assert [(r["poll_id"], r["choice"]) for r in mine] == [(anonymous, "0")]
    assert await polls.open_anonymous_ballots(db, GUILD, alice, b"another bot's secret!") == []
    assert str(bob) not in json.dumps(exported)
    await erase_all(db, GUILD, alice, SECRET)
    assert await db.fetchval("SELECT count(*) FROM ballots WHERE poll_id = ?", (named,)) == 1
    assert await db.fetchval("SELECT count(*) FROM ballots WHERE poll_id = ?", (anonymous,)) == 2
    assert await db.fetchval("SELECT count(*) FROM poll_voters WHERE user_id = ?", (alice,)) == 0
    poll = await polls.get_poll(db, anonymous)
    assert (await polls.ballot_of(db, poll, alice, SECRET))[0] is None  # the link is gone now
    assert await polls.ballot_of(db, poll, bob, SECRET) == (("1", None), False)


async def test_leaving_and_joining_again_cannot_cast_a_second_anonymous_ballot(db):
    alice, bob, carol = VOTERS[:3]
    await join(db, alice, bob, carol)
    poll_id = await new_poll(db, anonymous=True)
    await vote(db, poll_id, alice, "0")
    await vote(db, poll_id, bob, "1")
    await erase_all(db, GUILD, alice, SECRET)
    await erase_all(db, GUILD, carol, SECRET)  # left without voting: nothing to remember
    await join(db, alice, carol)
    with pytest.raises(CountedBeforeLeaving):
        await vote(db, poll_id, alice, "2")
    pressed = await polls.vote_press(db, poll_id, GUILD, alice, SECRET)
    assert pressed.counted_before and pressed.ballot is None
    await vote(db, poll_id, carol, "2")  # carol had not voted: she can now
    assert not (await polls.vote_press(db, poll_id, GUILD, carol, SECRET)).counted_before
    assert not (await polls.vote_press(db, poll_id, GUILD, bob, SECRET)).counted_before
    exported = await export_all(db, GUILD, alice)  # what leaving erases: nothing of this
    assert exported["ballots"] == [] and exported["poll_voters"] == []
    assert await polls.counted_after_leaving(db, GUILD, alice, SECRET) == [
        {"poll_id": poll_id, "question": "What first?"}
    ]
    assert await polls.counted_after_leaving(db, GUILD + 1, alice, SECRET) == []  # another server's
    assert await polls.counted_after_leaving(db, GUILD, carol, SECRET) == []
    assert (await polls.open_anonymous_ballots(db, GUILD, carol, SECRET))[0]["choice"] == "2"
    closed, _ = await polls.close_poll(db, poll_id, NOW + timedelta(hours=1))
    assert closed.turnout == 3 and closed.result.totals == (1, 1, 1)
    assert await db.fetchval("SELECT count(*) FROM poll_left_voters") == 0  # gone with the key


async def voted_then_left(db, user_id, *, anonymous):
    await join(db, user_id)
    poll_id = await new_poll(db, anonymous=anonymous)
    await vote(db, poll_id, user_id, "0")
    await erase_all(db, GUILD, user_id, SECRET)
    return poll_id


async def test_the_mark_left_behind_names_nobody_and_matches_no_ballot(db):
    alice = VOTERS[0]
    poll_id = await voted_then_left(db, alice, anonymous=True)
    (mark,) = await db.fetchall("SELECT left_key FROM poll_left_voters")
    assert str(alice) not in mark["left_key"]
    poll = await polls.get_poll(db, poll_id)
    assert await polls.ballot_of(db, poll, alice, SECRET) == (None, True)
    # The ballot's key is now random and shaped like any other, so nothing marks it as
    # a leaver's (a NULL key would, and the note would then say whose).
    keys = [r[0] for r in await db.fetchall("SELECT voter_key FROM ballots")]
    assert len(keys) == 1 and re.fullmatch("[0-9a-f]{64}", keys[0])
    secret = await db.fetchval("SELECT secret FROM poll_secrets WHERE poll_id = ?", (poll_id,))
    assert keys[0] not in (mark["left_key"], voter_key(secret, GUILD, alice))
    # A copy of the database holds the poll's secret but not the bot's: with it alone
    # nobody can test whose note this is.
    poll_only = hmac.new(secret, f"left:{GUILD}:{alice}".encode(), hashlib.sha256)
    assert mark["left_key"] != poll_only.hexdigest()
    assert await polls.ballot_of(db, poll, alice, b"another bot's secret!") == (None, False)


async def test_after_leaving_no_copy_of_the_old_key_is_left_in_the_file_or_wal(db, tmp_path):
    alice = VOTERS[0]
    await join(db, alice)
    poll_id = await new_poll(db, anonymous=True)
    await vote(db, poll_id, alice, "0")
    secret = await db.fetchval("SELECT secret FROM poll_secrets WHERE poll_id = ?", (poll_id,))
    old_key = voter_key(secret, GUILD, alice).encode()
    await members.leave(db, GUILD, alice, NOW, SECRET)
    files = [tmp_path / "polls.db", tmp_path / "polls.db-wal"]
    blob = b"".join(f.read_bytes() for f in files if f.exists())
    assert blob and old_key not in blob


async def test_leaving_still_answers_when_another_reader_holds_up_the_checkpoint(
    db, tmp_path, caplog
):
    alice = VOTERS[0]
    await join(db, alice)
    poll_id = await new_poll(db, anonymous=True)
    await vote(db, poll_id, alice, "0")
    reader = sqlite3.connect(tmp_path / "polls.db", isolation_level=None)  # a backup, say
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM ballots").fetchall()
    try:
        with caplog.at_level(logging.WARNING):
            assert await members.leave(db, GUILD, alice, NOW, SECRET)  # erased, and said so
    finally:
        reader.close()
    assert not await members.is_member(db, GUILD, alice)
    assert "checkpoint could not finish" in caplog.text
    assert await db.checkpoint()  # the reader gone, the next one completes


async def test_two_leavers_of_one_poll_keep_two_counted_ballots_and_two_notes(db):
    alice, bob, carol = VOTERS[:3]
    await join(db, alice, bob, carol)
    poll_id = await new_poll(db, anonymous=True)
    for user_id, choice in ((alice, "0"), (bob, "1"), (carol, "1")):
        await vote(db, poll_id, user_id, choice)
    await erase_all(db, GUILD, alice, SECRET)
    await erase_all(db, GUILD, bob, SECRET)
    keys = {r[0] for r in await db.fetchall("SELECT voter_key FROM ballots")}
    assert len(keys) == 3  # each unlinked ballot got a key of its own
    assert await db.fetchval("SELECT count(*) FROM poll_left_voters") == 2
    await join(db, alice, bob)
    for user_id in (alice, bob):
        with pytest.raises(CountedBeforeLeaving):
            await vote(db, poll_id, user_id, "2")
    await vote(db, poll_id, carol, "0")  # the one still linked can change her vote
    closed, _ = await polls.close_poll(db, poll_id, NOW + timedelta(hours=1))
    assert closed.turnout == 3 and closed.result.totals == (2, 1, 0)


async def test_a_named_vote_is_erased_on_leaving_so_coming_back_votes_afresh(db):
    alice = VOTERS[0]
    poll_id = await voted_then_left(db, alice, anonymous=False)
    await join(db, alice)
    await vote(db, poll_id, alice, "1")
    assert await polls.current_choices(db, poll_id) == ["1"]
    assert await db.fetchval("SELECT count(*) FROM poll_left_voters") == 0


async def test_ballot_ids_are_random_and_carry_no_order(db):
    await join(db, *VOTERS)
    poll_id = await new_poll(db)
    for user_id in VOTERS:
        await vote(db, poll_id, user_id, "0")
    ids = [r[0] for r in await db.fetchall("SELECT id FROM ballots")]
    assert len(set(ids)) == len(VOTERS)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    with pytest.raises(sqlite3.OperationalError):
        await db.fetchval("SELECT rowid FROM ballots")


# -- open ballots keyed with the bot's own secret too -------------------------------


async def test_a_database_copy_without_the_bot_secret_links_no_open_ballot(db, tmp_path):
    """The poll's secret is in the database while it is open; the bot's is not. Trying
    every member id against every ballot key of a copy, with what the copy holds,
    matches nothing; with the bot's secret each voter's ballot is found."""
    await join(db, *VOTERS)
    poll_id = await new_poll(db, anonymous=True)
    for n, user_id in enumerate(VOTERS):
        await vote(db, poll_id, user_id, str(n % 3))
    await db.checkpoint()
    copy = sqlite3.connect(tmp_path / "polls.db")
    try:
        (poll_secret,) = copy.execute("SELECT secret FROM poll_secrets").fetchone()
        stored = {k for (k,) in copy.execute("SELECT voter_key FROM ballots")}
        guilds = {g for (g,) in copy.execute("SELECT DISTINCT guild_id FROM members")}
        ids = [u for (u,) in copy.execute("SELECT user_id FROM members")]
    finally:
        copy.close()
    assert len(stored) == len(VOTERS)
    for guild_id in guilds:
        for user_id in ids:
            for text in (f"{guild_id}:{user_id}", f"{user_id}", f"ballot:{guild_id}:{user_id}"):
                guess = hmac.new(poll_secret, text.encode(), hashlib.sha256).hexdigest()
                assert guess not in stored
                again = hmac.new(poll_secret, guess.encode(), hashlib.sha256).hexdigest()
                assert again not in stored
    found = {ballot_key(poll_secret, SECRET, True, GUILD, u) for u in VOTERS}
    assert found == stored
    # A named poll's ballot names its voter anyway: its key needs only the poll's secret.
    named = await new_poll(db, anonymous=False)
    await vote(db, named, VOTERS[0], "1")
    named_secret = await db.fetchval("SELECT secret FROM poll_secrets WHERE poll_id = ?", (named,))
    assert (
        await db.fetchval(
            "SELECT choice FROM ballots WHERE poll_id = ? AND voter_key = ?",
            (named, voter_key(named_secret, GUILD, VOTERS[0])),
        )
        == "1"
    )


async def test_a_voter_changes_their_anonymous_vote_after_a_restart(tmp_path):
    path = tmp_path / "restart.db"
    db = await Database.open(path)
    await db.migrate()
    assert await polls.adopt_bot_secret(db, SECRET) == "first"
    await join(db, VOTERS[0])
    poll_id = await new_poll(db, anonymous=True)
    assert await vote(db, poll_id, VOTERS[0], "0") is False
    await db.close()
    db = await Database.open(path)  # a restart: nothing but the file and the bot's secret
    try:
        assert await polls.adopt_bot_secret(db, SECRET) == "same"
        poll = await polls.get_poll(db, poll_id)
        assert (await polls.ballot_of(db, poll, VOTERS[0], SECRET))[0] == ("0", None)
        assert await vote(db, poll_id, VOTERS[0], "2") is True  # changed, not a second one
        assert await db.fetchval("SELECT count(*) FROM ballots") == 1
        assert await polls.set_reason(db, poll_id, VOTERS[0], "because", NOW, SECRET)
    finally:
        await db.close()


async def test_start_up_keys_older_open_ballots_again_then_refuses_a_changed_secret(db):
    """A database from before: open anonymous ballots under the poll's secret alone, no
    fingerprint. The first start keys them again (voters can still change their vote);
    a later start with another secret is refused while an anonymous poll is open."""
    alice, bob = VOTERS[:2]
    await join(db, alice, bob)
    poll_id = await new_poll(db, anonymous=True)
    await vote(db, poll_id, alice, "0")
    await vote(db, poll_id, bob, "1")
    poll_secret = await db.fetchval("SELECT secret FROM poll_secrets WHERE poll_id = ?", (poll_id,))
    for user_id in (alice, bob):  # as the older code stored them
        await db.execute(
            "UPDATE ballots SET voter_key = ? WHERE voter_key = ?",
            (
                voter_key(poll_secret, GUILD, user_id),
                ballot_key(poll_secret, SECRET, True, GUILD, user_id),
            ),
        )
    assert await polls.adopt_bot_secret(db, SECRET) == "first"
    poll = await polls.get_poll(db, poll_id)
    assert (await polls.ballot_of(db, poll, alice, SECRET))[0] == ("0", None)
    assert await vote(db, poll_id, bob, "2") is True
    assert await db.fetchval("SELECT count(*) FROM ballots") == 2
    assert await polls.adopt_bot_secret(db, SECRET) == "same"
    other = b"o" * 40
    with pytest.raises(polls.SecretChanged) as refused:
        await polls.adopt_bot_secret(db, other)
    assert refused.value.open_polls == 1
    assert await polls.adopt_bot_secret(db, SECRET) == "same"  # nothing was changed
    await polls.close_poll(db, poll_id, NOW + timedelta(hours=1))
    assert await polls.adopt_bot_secret(db, other) == "changed"  # no open poll: fine
    fingerprint = await db.fetchval("SELECT value FROM meta WHERE key = 'secret_fingerprint'")
    assert other.decode() not in fingerprint and fingerprint != other.hex()


async def test_presses_reuse_the_poll_read_until_the_poll_changes(db):
    # Every press of Vote reads the poll; an unchanged row gives back the Poll built
    # last time (no decoding per press), and any change to the row is seen at once.
    await join(db, VOTERS[0])
    poll_id = await new_poll(db)

    async def pressed():
        return (await polls.vote_press(db, poll_id, GUILD, VOTERS[0], SECRET)).poll

    first, again = await pressed(), await pressed()
    assert first is again
    assert first == await polls.get_poll(db, poll_id)
    await polls.set_message_id(db, poll_id, 4242)
    noted = await pressed()
    assert noted is not first and noted.message_id == 4242
    closed, _ = await polls.close_poll(db, poll_id, NOW)
    after_close = await pressed()
    assert after_close.state == "closed" and after_close == await polls.get_poll(db, poll_id)
    assert after_close.turnout == closed.turnout
