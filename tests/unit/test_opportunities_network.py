"""Network-wide opportunities: one answer per person, names only where allowed (issue 10)."""

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.opportunities import (
    CONFIRMED,
    DECLINED,
    INTERESTED,
    WAITLISTED,
    Opportunity,
    Reply,
    build_roster,
    may_name,
    yes_by_server,
)
from db import members
from db import opportunities as repo
from db.database import Database
from db.personal_data import erase_all

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
HOME, OTHER, THIRD = 1, 2, 3


def network_opp(**kw) -> Opportunity:
    base = dict(id=1, guild_id=HOME, channel_id=10, title="Panel", description="d", network_id=5)
    return Opportunity(**{**base, **kw})


# -- pure rules ---------------------------------------------------------------------


def test_names_cross_only_to_the_home_organisers_and_only_with_agreement():
    o = network_opp()
    own = Reply(HOME, 1, INTERESTED)
    agreed = Reply(OTHER, 2, INTERESTED, show_name_to_host=True)
    kept = Reply(OTHER, 3, INTERESTED, show_name_to_host=False)
    assert may_name(o, own, HOME) and may_name(o, agreed, HOME)
    assert not may_name(o, kept, HOME)
    # Organisers of a linked server see their own members, never anyone else's,
    # even a home member or someone who agreed to share with the home server.
    assert may_name(o, kept, OTHER) and may_name(o, agreed, OTHER)
    assert not may_name(o, own, OTHER)
    assert not may_name(o, agreed, THIRD)


def test_a_network_roster_counts_the_unnamed_and_breaks_yeses_down_by_server():
    o = network_opp(places=2)
    replies = [
        Reply(HOME, 1, INTERESTED, CONFIRMED, 1),
        Reply(OTHER, 2, INTERESTED, CONFIRMED, 2, show_name_to_host=False),
        Reply(OTHER, 3, INTERESTED, WAITLISTED, 3, show_name_to_host=True),
        Reply(THIRD, 4, DECLINED, show_name_to_host=False),
    ]
    profiles = {(HOME, 1): ("Ada", None), (OTHER, 3): ("Cy", "BSL")}
    home = build_roster(o, replies, profiles, 10, reached_guilds=(HOME, OTHER, THIRD))
    assert [e.user_id for e in home.confirmed] == [1]
    assert [e.user_id for e in home.waitlisted] == [3]
    assert home.unnamed_yes == 1
    assert home.declined == 1 and home.no_reply == 6  # 10 reached, 4 answered
    assert home.yes_by_server == {HOME: 1, OTHER: 2, THIRD: 0}
    theirs = build_roster(o, replies, profiles, 10, viewer_guild_id=OTHER)
    named = [e.user_id for e in theirs.confirmed + theirs.waitlisted]
    assert named == [2, 3] and theirs.unnamed_yes == 1


def test_yes_by_server_lists_every_server_reached():
    replies = [Reply(HOME, 1, INTERESTED), Reply(OTHER, 2, DECLINED)]
    assert yes_by_server(replies, (HOME, OTHER, THIRD)) == {HOME: 1, OTHER: 0, THIRD: 0}


def test_a_home_server_item_has_no_breakdown():
    o = network_opp(network_id=None)
    assert build_roster(o, [Reply(HOME, 1, INTERESTED)], {}, 3).yes_by_server == {}


# -- the repository -------------------------------------------------------------------


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "n.db")
    await database.migrate()
    yield database
    await database.close()


async def member(db, guild_id, user_id, name=None):
    await members.agree(db, guild_id, user_id, notice_version=1, now=NOW, secret=SECRET)
    if name:
        await members.update_profile(db, guild_id, user_id, NOW, preferred_name=name)


async def new(db, **kw):
    values = dict(
        guild_id=HOME,
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
    opp = await repo.create(db, **{**values, **kw})
    await db.execute(
        "INSERT INTO networks (id, name, founding_guild_id, created_at) VALUES (5, 'N', ?, ?)",
        (HOME, NOW.isoformat()),
    )
    await db.execute("UPDATE opportunities SET network_id = 5 WHERE id = ?", (opp.id,))
    found = await repo.get_opportunity(db, opp.id)
    assert found is not None and found.network_id == 5
    return found


async def test_a_member_of_two_servers_answers_once_counted_where_they_first_did(db):
    await member(db, OTHER, 7)
    await member(db, HOME, 7)
    opp = await new(db, places=1)
    first, _ = await repo.answer(db, opp.id, OTHER, 7, INTERESTED, NOW, show_name_to_host=False)
    assert first.reply.guild_id == OTHER and first.reply.place == CONFIRMED
    # From the home server now: the same answer changes, still counted in OTHER.
    changed, _ = await repo.answer(db, opp.id, HOME, 7, DECLINED, NOW + timedelta(minutes=1))
    assert changed.changed and changed.reply.guild_id == OTHER
    assert changed.reply.state == "withdrawn"
    again, _ = await repo.answer(db, opp.id, HOME, 7, INTERESTED, NOW + timedelta(minutes=2))
    assert again.reply.guild_id == OTHER
    assert not again.reply.show_name_to_host  # a later answer keeps their choice
    assert len(await repo.replies(db, opp.id)) == 1


async def test_two_rows_for_one_person_are_impossible(db):
    await member(db, HOME, 7)
    await member(db, OTHER, 7)
    opp = await new(db)
    await repo.answer(db, opp.id, HOME, 7, INTERESTED, NOW)
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO opportunity_replies (opportunity_id, guild_id, user_id, state, "
            "answered_at) VALUES (?, ?, ?, 'interested', ?)",
            (opp.id, OTHER, 7, NOW.isoformat()),
        )


async def test_pressing_in_both_servers_at_once_leaves_one_answer(db):
    await member(db, HOME, 7)
    await member(db, OTHER, 7)
    opp = await new(db, places=5)
    await asyncio.gather(
        repo.answer(db, opp.id, HOME, 7, INTERESTED, NOW),
        repo.answer(db, opp.id, OTHER, 7, INTERESTED, NOW),
    )
    assert len(await repo.replies(db, opp.id)) == 1


async def test_sharing_a_name_is_the_members_choice_and_reaches_the_roster(db):
    await member(db, HOME, 1, "Ada")
    await member(db, OTHER, 2, "Bo")
    await member(db, OTHER, 3, "Cy")
    opp = await new(db)
    await repo.answer(db, opp.id, HOME, 1, INTERESTED, NOW)
    for user in (2, 3):
        await repo.answer(db, opp.id, OTHER, user, INTERESTED, NOW, show_name_to_host=False)
    await repo.set_show_name(db, opp.id, 2, True)
    home = await repo.roster(db, opp, reached_guilds=(HOME, OTHER))
    assert sorted(e.name for e in home.confirmed) == ["Ada", "Bo"]
    assert home.unnamed_yes == 1 and home.no_reply == 0
    theirs = await repo.roster(db, opp, viewer_guild_id=OTHER, reached_guilds=(HOME, OTHER))
    assert sorted(e.name for e in theirs.confirmed) == ["Bo", "Cy"]
    assert theirs.unnamed_yes == 1


async def test_no_reply_counts_each_reached_person_once(db):
    await member(db, HOME, 7)
    await member(db, OTHER, 7)  # in both servers: one person
    await member(db, OTHER, 8)
    opp = await new(db)
    found = await repo.roster(db, opp, reached_guilds=(HOME, OTHER))
    assert found.no_reply == 2


async def test_leaving_one_server_erases_the_answer_counted_there(db):
    await member(db, HOME, 7)
    await member(db, OTHER, 7)
    opp = await new(db)
    await repo.answer(db, opp.id, OTHER, 7, INTERESTED, NOW)
    await erase_all(db, HOME, 7, SECRET)  # not where it was counted: it stays
    assert len(await repo.replies(db, opp.id)) == 1
    await erase_all(db, OTHER, 7, SECRET)
    assert await repo.replies(db, opp.id) == []
