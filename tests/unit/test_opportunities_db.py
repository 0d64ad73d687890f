"""The opportunities repository: answers committed whole, places never doubled, erasure."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import Refusal
from bot.domain.opportunities import DECLINED, INTERESTED
from db import members
from db import opportunities as repo
from db.database import Database
from db.personal_data import erase_all, export_all

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 1


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "o.db")
    await database.migrate()
    yield database
    await database.close()


async def member(db, user_id, *, name=None, needs=None):
    await members.agree(db, GUILD, user_id, notice_version=1, now=NOW, secret=SECRET)
    if name or needs:
        await members.update_profile(
            db, GUILD, user_id, NOW, preferred_name=name, access_needs=needs
        )


async def new(db, **kw):
    values = dict(
        guild_id=GUILD,
        channel_id=10,
        title="Interview panel",
        description="Sit on a panel",
        when_text=None,
        when_at=None,
        places=None,
        allocation="first_come",
        payment=None,
        content_note=None,
        closes_at=None,
        seed=7,
        posted_by=99,
        now=NOW,
    )
    return await repo.create(db, **{**values, **kw})


async def test_concurrent_yeses_never_overfill_the_places(db):
    for user in range(1, 21):
        await member(db, user)
    opp = await new(db, places=3)
    await asyncio.gather(
        *(repo.answer(db, opp.id, GUILD, u, INTERESTED, NOW) for u in range(1, 21))
    )
    places = [r.place for r in await repo.replies(db, opp.id)]
    assert places.count("confirmed") == 3 and places.count("waitlisted") == 17
    # First come, first served: the earliest three in queue order hold the places.
    ordered = await repo.replies(db, opp.id)
    assert [r.place for r in ordered[:3]] == ["confirmed"] * 3


async def test_repeats_change_nothing_and_changing_your_mind_goes_to_the_back(db):
    for user in (1, 2):
        await member(db, user)
    opp = await new(db, places=1)
    first, _ = await repo.answer(db, opp.id, GUILD, 1, INTERESTED, NOW)
    again, _ = await repo.answer(db, opp.id, GUILD, 1, INTERESTED, NOW + timedelta(minutes=1))
    assert first.changed and not again.changed and again.reply.seq == first.reply.seq
    await repo.answer(db, opp.id, GUILD, 2, INTERESTED, NOW)
    withdrawn, promoted = await repo.answer(db, opp.id, GUILD, 1, DECLINED, NOW)
    assert withdrawn.reply.state == "withdrawn" and [p.user_id for p in promoted] == [2]
    back, _ = await repo.answer(db, opp.id, GUILD, 1, INTERESTED, NOW)
    assert back.reply.place == "waitlisted" and back.position == 1


async def test_a_refused_answer_leaves_nothing_behind(db):
    await member(db, 1)
    opp = await new(db)
    await repo.close(db, opp.id, NOW)
    with pytest.raises(Refusal):
        await repo.answer(db, opp.id, GUILD, 1, INTERESTED, NOW)
    assert await repo.replies(db, opp.id) == []


async def test_close_draws_once_and_more_places_promote(db):
    for user in range(1, 6):
        await member(db, user)
    opp = await new(db, places=2, allocation="lottery", closes_at=NOW + timedelta(days=1))
    for user in range(1, 6):
        result, _ = await repo.answer(db, opp.id, GUILD, user, INTERESTED, NOW)
        assert result.reply.place == "none"
    closed, now_closed = await repo.close(db, opp.id, NOW)
    before = await repo.replies(db, opp.id)
    again, second = await repo.close(db, opp.id, NOW + timedelta(hours=1))
    assert now_closed and not second and again.drawn_at == closed.drawn_at
    assert await repo.replies(db, opp.id) == before
    assert [r.place for r in before].count("confirmed") == 2
    # A winner steps out after the draw: the first on the drawn waitlist moves up.
    winner = next(r for r in before if r.place == "confirmed")
    _, promoted = await repo.answer(db, opp.id, GUILD, winner.user_id, DECLINED, NOW)
    assert promoted[0].user_id == next(r for r in before if r.place == "waitlisted").user_id


async def test_editing_places_promotes_and_never_goes_below_those_placed(db):
    for user in range(1, 5):
        await member(db, user)
    opp = await new(db, places=1)
    for user in range(1, 5):
        await repo.answer(db, opp.id, GUILD, user, INTERESTED, NOW)
    updated, promoted = await repo.edit(db, opp.id, places=3)
    assert updated.places == 3 and [p.user_id for p in promoted] == [2, 3]


async def test_leaving_erases_replies_and_passes_the_place_on(db):
    await member(db, 1, name="Ali", needs="quiet room")
    await member(db, 2)
    opp = await new(db, places=1)
    await repo.answer(db, opp.id, GUILD, 1, INTERESTED, NOW)
    await repo.answer(db, opp.id, GUILD, 2, INTERESTED, NOW)
    exported = await export_all(db, GUILD, 1)
    assert exported["opportunity_replies"][0]["title"] == "Interview panel"
    await members.leave(db, GUILD, 1, NOW, SECRET)
    replies = await repo.replies(db, opp.id)
    assert [(r.user_id, r.place) for r in replies] == [(2, "confirmed")]


async def test_the_poster_leaving_keeps_the_opportunity_without_their_id(db):
    await member(db, 99)
    opp = await new(db)
    assert (await export_all(db, GUILD, 99))["opportunities"][0]["id"] == opp.id
    await erase_all(db, GUILD, 99, SECRET)
    assert (await repo.get_opportunity(db, opp.id)).posted_by is None


async def test_roster_reads_names_of_yes_only_and_retention_erases_replies(db):
    await member(db, 1, name="Ali", needs="quiet room")
    await member(db, 2, name="Bea", needs="secret")
    await member(db, 3)
    opp = await new(db)
    await repo.answer(db, opp.id, GUILD, 1, INTERESTED, NOW)
    await repo.answer(db, opp.id, GUILD, 2, DECLINED, NOW)
    roster = await repo.roster(db, opp)
    assert [(e.name, e.access_needs) for e in roster.confirmed] == [("Ali", "quiet room")]
    assert (roster.declined, roster.no_reply) == (1, 1)

    await repo.close(db, opp.id, NOW)
    assert await repo.sweep(db, GUILD, NOW - timedelta(days=1)) == 0  # closed after cutoff
    assert await repo.sweep(db, GUILD, NOW + timedelta(days=1)) == 2
    assert await repo.replies(db, opp.id) == []
    assert (await repo.get_opportunity(db, opp.id)).answers_erased_at is not None
