"""Network-wide polls in the repository: one vote per person, counted where first cast."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.polls import CountedBeforeLeaving, check_settings
from db import members, network_items, networks, polls
from db.database import Database
from db.personal_data import erase_all

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
LEEDS, BRADFORD, WAKEFIELD = 7, 8, 9
SAM, ADA, BEN = 1001, 1002, 1003


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "polls.db")
    await database.migrate()
    yield database
    await database.close()


async def join(db, guild_id, *user_ids):
    for user_id in user_ids:
        await members.agree(db, guild_id, user_id, notice_version=1, now=NOW, secret=SECRET)


async def network_poll(db, anonymous=True):
    network_id = await networks.create_network(db, "Yorkshire", LEEDS, NOW)
    for guild_id in (BRADFORD, WAKEFIELD):
        await db.execute(
            "INSERT INTO network_members (network_id, guild_id, joined_at) VALUES (?, ?, ?)",
            (network_id, guild_id, NOW.isoformat()),
        )
    settings = check_settings(
        kind="single",
        max_choices=None,
        anonymous=anonymous,
        results="at_close",
        closes_at=None,
        content_note=None,
        reasons=False,
    )
    poll_id = await polls.create_poll(
        db,
        guild_id=LEEDS,
        channel_id=55,
        question="What first?",
        options=["A", "B", "C"],
        settings=settings,
        max_choices=None,
        now=NOW,
    )
    await network_items.set_network(db, "poll", poll_id, network_id)
    return poll_id


async def vote(db, poll_id, guild_id, user_id, choice):
    return await polls.cast_vote(
        db,
        poll_id,
        guild_id=guild_id,
        user_id=user_id,
        choice=choice,
        group=None,
        voter_name=f"name-{user_id}",
        now=NOW,
        secret=SECRET,
    )


@pytest.mark.parametrize("anonymous", [True, False])
async def test_a_member_of_two_servers_votes_once_counted_where_they_first_voted(db, anonymous):
    poll_id = await network_poll(db, anonymous)
    await join(db, BRADFORD, SAM)
    await join(db, LEEDS, SAM)
    assert await vote(db, poll_id, BRADFORD, SAM, "0") is False
    assert await vote(db, poll_id, LEEDS, SAM, "2") is True  # a change, not a second vote
    assert await db.fetchval("SELECT count(*) FROM ballots WHERE poll_id = ?", (poll_id,)) == 1
    assert await polls.counted_in(db, poll_id, SAM) == BRADFORD
    assert await polls.turnout(db, poll_id) == 1
    poll = await polls.get_poll(db, poll_id)
    assert (await polls.ballot_of(db, poll, SAM, SECRET))[0] == ("2", None)
    named = await db.fetchone("SELECT guild_id, user_id FROM ballots WHERE poll_id = ?", (poll_id,))
    assert tuple(named) == ((None, None) if anonymous else (BRADFORD, SAM))


async def test_close_freezes_voters_per_server(db):
    poll_id = await network_poll(db)
    await join(db, LEEDS, ADA, SAM)
    await join(db, BRADFORD, BEN, SAM)
    await vote(db, poll_id, LEEDS, ADA, "0")
    await vote(db, poll_id, BRADFORD, BEN, "1")
    await vote(db, poll_id, BRADFORD, SAM, "1")
    await vote(db, poll_id, LEEDS, SAM, "0")
    closed, _ = await polls.close_poll(db, poll_id, NOW + timedelta(hours=1))
    assert closed.server_turnout == {LEEDS: 1, BRADFORD: 2}
    assert closed.turnout == 3 and closed.result.totals == (2, 1, 0)


async def test_a_single_server_poll_keeps_no_server_turnout(db):
    poll_id = await network_poll(db)
    await db.execute("UPDATE polls SET network_id = NULL WHERE id = ?", (poll_id,))
    await join(db, LEEDS, ADA)
    await vote(db, poll_id, LEEDS, ADA, "0")
    closed, _ = await polls.close_poll(db, poll_id, NOW + timedelta(hours=1))
    assert closed.server_turnout is None and closed.network_id is None


async def test_leaving_the_other_server_keeps_the_vote_leaving_its_server_unlinks_it(db):
    poll_id = await network_poll(db)
    await join(db, BRADFORD, SAM)
    await join(db, LEEDS, SAM)
    await vote(db, poll_id, BRADFORD, SAM, "1")
    await erase_all(db, LEEDS, SAM, SECRET)  # not where the vote counts: it stays, still theirs
    await db.execute("DELETE FROM members WHERE guild_id = ? AND user_id = ?", (LEEDS, SAM))
    poll = await polls.get_poll(db, poll_id)
    assert (await polls.ballot_of(db, poll, SAM, SECRET))[0] == ("1", None)
    assert await polls.counted_in(db, poll_id, SAM) == BRADFORD
    await erase_all(db, BRADFORD, SAM, SECRET)  # where it counts: the link goes, the count stays
    await db.execute("DELETE FROM members WHERE guild_id = ? AND user_id = ?", (BRADFORD, SAM))
    assert await polls.ballot_of(db, poll, SAM, SECRET) == (None, True)
    assert await polls.counted_in(db, poll_id, SAM) is None
    assert await db.fetchval("SELECT count(*) FROM ballots") == 1  # still counted
    # The note shows in the export of every server in the network, not elsewhere.
    for guild_id in (LEEDS, BRADFORD, WAKEFIELD):
        counted = await polls.counted_after_leaving(db, guild_id, SAM, SECRET)
        assert [c["poll_id"] for c in counted] == [poll_id]
    assert await polls.counted_after_leaving(db, 12345, SAM, SECRET) == []
    # Joining Leeds again and voting from there would be a second ballot for one person.
    await join(db, LEEDS, SAM)
    with pytest.raises(CountedBeforeLeaving):
        await vote(db, poll_id, LEEDS, SAM, "0")
    assert await db.fetchval("SELECT count(*) FROM ballots") == 1


async def test_shared_polls_are_listed_in_the_servers_they_were_posted_to(db):
    poll_id = await network_poll(db)
    await network_items.record_copy(db, "poll", poll_id, LEEDS, 55, None)
    await network_items.record_copy(db, "poll", poll_id, BRADFORD, 66, None)
    shared = await polls.list_shared_with(db, BRADFORD, open_only=True)
    assert [(p["id"], p["guild_id"], p["channel_id"]) for p in shared] == [(poll_id, LEEDS, 66)]
    assert await polls.list_shared_with(db, WAKEFIELD, open_only=True) == []  # not posted there
    assert await polls.list_shared_with(db, LEEDS, open_only=True) == []  # its own, listed apart
