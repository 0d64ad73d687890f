"""Stepping back with context (issue 20, problem 6, the pause half): /me pause lists
what the person is still down for (places, meetings they said Going or Maybe to),
each with a button to step out: an offer, with no pressure to use it."""

from __future__ import annotations

from bot import strings
from bot.strings import meetings as meeting_text
from bot.strings import membership as text
from tests.database import rows
from tests.e2e.test_opportunities import join, post, set_up


async def test_pause_lists_places_and_meetings_each_with_a_step_out(world):
    organiser = await set_up(world)
    alice = world.user("alice")
    await join(alice, purposes=())
    _done, message, _opp_id = await post(world, organiser, places=3)
    await alice.click(message, strings.INTERESTED)
    echo = await organiser.slash(
        "meeting schedule", title="Champions catch-up", start="2026-12-03 18:00"
    )
    await organiser.click(echo, meeting_text.POST_IT)
    meeting_post = world.channel("announcements").last
    await alice.click(meeting_post, strings.GOING)

    paused = await alice.slash("me pause")
    assert "stepping back" in paused.text
    assert text.PAUSE_STILL_DOWN_FOR in paused.text
    assert "Co-deliver staff training" in paused.text and "have a place" in paused.text
    assert "Champions catch-up" in paused.text and "you said Going" in paused.text
    assert paused.buttons == [
        "Can't make it: Champions catch-up",
        "Step out: Co-deliver staff training",
    ]
    for pressure in ("should", "must", "please step out"):
        assert pressure not in paused.text.lower()

    await alice.click(paused, "Step out: Co-deliver staff training")
    assert rows(world, "SELECT state FROM opportunity_replies WHERE user_id = ?", (alice.id,)) == [
        ("withdrawn",)
    ]
    await alice.click(paused, "Can't make it: Champions catch-up")
    assert rows(world, "SELECT status FROM meeting_rsvps WHERE user_id = ?", (alice.id,)) == [
        ("no",)
    ]

    # Nothing held: the plain pause reply, no buttons.
    await alice.slash("me resume")
    again = await alice.slash("me pause")
    assert text.PAUSE_STILL_DOWN_FOR not in again.text and again.buttons == []
