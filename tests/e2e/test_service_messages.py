"""Service messages (rule 15) end to end: news about something a person said yes to.

It reaches them whatever optional DM kinds they chose, never while they are
stepping back (held, then shown when they come back), and organisers are told
counts that single nobody out. The world starts Tuesday 1 December 2026, 09:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import strings
from bot.strings import membership as member_text
from tests.database import rows
from tests.e2e.steps import join, post_opportunity, schedule, set_up
from tests.emulator.world import World

MEETING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


async def post(world: World, organiser, title="Co-deliver staff training", **options):
    _done, message, opp_id = await post_opportunity(world, organiser, title, **options)
    await world.settle()
    return message, opp_id


def firsts(person) -> list[str]:
    """The first line of each DM this person has had."""
    return [m.text.splitlines()[0] for m in person.dms]


async def test_a_going_member_with_no_dm_kinds_is_told_of_a_move_and_a_cancellation(world):
    post_message = await schedule(world)
    alice = world.user("alice")
    await join(alice)  # chose no DM kinds at all
    await alice.click(post_message, strings.GOING)
    [choice] = await world.mod.autocomplete("meeting edit", "meeting", "catch")

    edited = await world.mod.slash("meeting edit", meeting=choice.value, start="2026-12-04 18:00")
    assert "Sent to the person who said Going or Maybe" in edited.text
    await world.settle()
    assert firsts(alice) == ["## Changed: Champions catch-up"]

    cancelled = await world.mod.slash("meeting cancel", meeting=choice.value)
    assert "Sent to the person who said Going or Maybe" in cancelled.text
    await world.settle()
    assert firsts(alice)[-1] == "## Cancelled: Champions catch-up"
    assert len(alice.dms) == 2
    assert rows(world, "SELECT DISTINCT purpose FROM outbox WHERE kind = 'dm'") == [("about_yes",)]


async def test_a_lottery_winner_and_a_promoted_member_are_told(world):
    olu = await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)  # neither chose opportunity messages
    message, _ = await post(world, olu, places=1, allocation="lottery", closes="2026-12-02 12:00")
    for person in (alice, bob):
        await person.click(message, strings.INTERESTED)
    await world.set_time(datetime(2026, 12, 2, 12, 1, tzinfo=UTC))
    await world.settle()
    (winner_id,) = rows(world, "SELECT user_id FROM opportunity_replies WHERE place = 'confirmed'")[
        0
    ]
    winner, other = (alice, bob) if winner_id == alice.id else (bob, alice)
    assert len(winner.dms) == 1 and "you have a place" in winner.dms[0].text
    assert len(other.dms) == 1 and "number 1 on the waitlist" in other.dms[0].text

    mine = await winner.slash("me opportunities")
    await winner.click(mine, "Step out: Co-deliver staff training")
    await world.settle()
    assert len(other.dms) == 2 and "A place came free" in other.dms[-1].text


async def test_changing_an_opportunitys_time_tells_those_with_places(world):
    olu = await set_up(world)
    alice, bob, carol = world.user("alice"), world.user("bob"), world.user("carol")
    await join(alice)
    await join(bob, purposes=("dm_opportunities",))
    await join(carol, purposes=("dm_opportunities",))
    message, opp_id = await post(world, olu, places=3, when="2026-12-10 10:00")
    await alice.click(message, strings.INTERESTED)
    await bob.click(message, strings.INTERESTED)
    await carol.click(message, strings.NOT_THIS_TIME)
    carol_before, bob_before = len(carol.dms), len(bob.dms)

    edited = await olu.slash("opportunity edit", opportunity=opp_id, when="2026-12-11 14:00")
    assert "Sent to the 2 people who said yes" in edited.text
    await world.settle()
    new_time = int(datetime(2026, 12, 11, 14, 0, tzinfo=UTC).timestamp())
    for person, before in ((alice, 0), (bob, bob_before)):
        assert len(person.dms) == before + 1
        assert "New time: Co-deliver staff training" in person.dms[-1].text
        assert f"<t:{new_time}:F>" in person.dms[-1].text
    assert len(carol.dms) == carol_before  # she said no: nothing is sent about it

    same = await olu.slash("opportunity edit", opportunity=opp_id, title="Co-deliver training")
    assert "Sent to" not in same.text  # the time did not change: nobody is told


async def test_a_paused_member_gets_nothing_until_resume_then_one_summary(world):
    olu = await set_up(world)
    alice = world.user("alice")
    await join(alice, purposes=("dm_opportunities",))
    message, opp_id = await post(world, olu, when="2026-12-20 10:00")
    await alice.click(message, strings.INTERESTED)
    invitations = len(alice.dms)
    await alice.slash("me pause")

    done = await olu.slash("opportunity cancel", opportunity=opp_id)
    # The organiser's count does not single out who is stepping back.
    assert "Sent to the person who said yes" in done.text
    await post(world, olu, title="Interview panel")
    await world.settle()
    assert len(alice.dms) == invitations  # nothing while stepping back, not even this
    assert world.count_status(403) == 0

    back = await alice.slash("me resume")
    assert back.ephemeral
    assert "News about things you said yes to" in back.text
    assert "Cancelled: Co-deliver staff training" in back.text
    assert "Posted while you were away" in back.text
    assert "Opportunity: [Interview panel]" in back.text
    await world.settle()
    assert len(alice.dms) == invitations  # shown once, in the reply; never sent later
    await world.set_time(world.now + timedelta(hours=1))
    again = await alice.slash("me pause")
    assert again.ephemeral
    later = await alice.slash("me resume")
    assert "Cancelled:" not in later.text and member_text.CATCH_UP_NOTHING in later.text


async def test_a_pause_ending_by_its_date_sends_one_summary_dm(world):
    olu = await set_up(world)
    alice = world.user("alice")
    await join(alice)
    message, opp_id = await post(world, olu, when="2026-12-20 10:00")
    await alice.click(message, strings.INTERESTED)
    await alice.slash("me pause", until="2026-12-05")
    await olu.slash("opportunity cancel", opportunity=opp_id)
    await world.settle()
    assert alice.dms == []

    await world.set_time(datetime(2026, 12, 5, 0, 1, tzinfo=UTC))
    await world.settle()
    [summary] = alice.dms
    assert "Your break from Speak Back ended today" in summary.text
    assert "Cancelled: Co-deliver staff training" in summary.text
    await world.set_time(datetime(2026, 12, 6, 0, 1, tzinfo=UTC))
    await world.settle()
    assert len(alice.dms) == 1  # once


async def test_the_organisers_count_equals_the_dms_sent(world):
    post_message = await schedule(world)
    people = [world.user(f"person{n}") for n in range(10)]
    for person in people:
        await join(person)
        await person.click(post_message, strings.GOING)
    open_now, paused, closed = people[:5], people[5:8], people[8:]
    for person in paused:
        await person.slash("me pause")
    for person in closed:
        world.set_dms_closed(person)
    [choice] = await world.mod.autocomplete("meeting edit", "meeting", "catch")

    # First change: the closed DMs are not known yet (found now, and recorded once).
    first = await world.mod.slash("meeting edit", meeting=choice.value, start="2026-12-04 18:00")
    assert "Sent to the 10 people who said Going or Maybe: by DM where" in first.text
    await world.settle()
    assert world.count_status(403) == 2
    # Second: 5 reach by DM now and 5 cannot (stepping back or DMs closed): a split
    # is shown only now that both parts are 5 or more, and it is the truth.
    before = [len(p.dms) for p in people]
    second = await world.mod.slash("meeting edit", meeting=choice.value, start="2026-12-05 18:00")
    assert "Sent to the 10 people who said Going or Maybe: 5 by DM now" in second.text
    assert "the other 5 when they can" in second.text
    await world.settle()
    sent = sum(len(p.dms) - b for p, b in zip(people, before, strict=True))
    assert sent == 5
    assert all(len(p.dms) == 2 for p in open_now)
    assert all(p.dms == [] for p in paused + closed)
    assert world.count_status(403) == 2  # recorded once: no second attempt


async def test_quiet_hours_hold_a_service_message_unless_the_thing_starts_first(world):
    post_message = await schedule(world, start="2026-12-03 18:00")
    alice, bob = world.user("alice"), world.user("bob")
    for person in (alice, bob):
        await join(person)
        await person.click(post_message, strings.GOING)
    await alice.submit_modal(
        await alice.click(await alice.slash("me settings"), member_text.EDIT_DETAILS),
        quiet_hours="08:00-20:00",  # it is 09:00: quiet until 20:00
    )
    [choice] = await world.mod.autocomplete("meeting edit", "meeting", "catch")
    # Moved to 19:00 today: it starts before her quiet hours end, so she is told now.
    await world.mod.slash("meeting edit", meeting=choice.value, start="2026-12-01 19:00")
    await world.settle()
    assert len(alice.dms) == 1 and len(bob.dms) == 1
    # Moved to next week: that can wait until her quiet hours end.
    await world.mod.slash("meeting edit", meeting=choice.value, start="2026-12-08 18:00")
    await world.settle()
    assert len(alice.dms) == 1 and len(bob.dms) == 2
    await world.set_time(datetime(2026, 12, 1, 20, 0, tzinfo=UTC))
    await world.settle()
    assert len(alice.dms) == 2 and "Changed: Champions catch-up" in alice.dms[-1].text
