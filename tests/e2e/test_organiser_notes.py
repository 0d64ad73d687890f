"""Organisers' notes (issue 20, problem 5): /opportunity message and /meeting message.

A note goes by DM, through the outbox, to exactly the people with a place (or Going
or Maybe for the date), whatever messages they chose; it says which server and item
it is about and how to reply. An empty note, one over 1,500 characters, or a fourth
in a day for one item is refused kindly, and **Fix it** opens the form with what was
typed.
"""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime, timedelta

from bot import strings
from bot.strings import meetings as meeting_text
from bot.strings import notes as text
from tests.database import connect, db_path, rows
from tests.e2e.test_opportunities import join, post, set_up
from tests.emulator.render import walk

CONTACT = "olu@example.org, 0113 496 0000"


def notes_to(person):
    return [m for m in person.dms if "A note about" in m.text]


async def test_a_note_reaches_exactly_the_people_with_places(world):
    organiser = await set_up(world)
    alice, bob, carol, dave, erin = (
        world.user(n) for n in ("alice", "bob", "carol", "dave", "erin")
    )
    for person in (alice, bob, carol, dave, erin):
        await join(person, purposes=())  # no message kinds: a note is a service message
    _done, message, opp_id = await post(world, organiser, places=2)
    for person in (alice, bob, carol):  # carol is on the waitlist
        await person.click(message, strings.INTERESTED)
    await dave.click(message, strings.NOT_THIS_TIME)

    form = await organiser.slash("opportunity message", opportunity=opp_id)
    assert form.modal is not None
    sent = await organiser.submit_modal(
        form, note="We meet at the main entrance at 9:30.", contact=CONTACT
    )
    assert sent.ephemeral and "Sent to the 2 people with a place" in sent.text
    assert "by DM where their DMs are open now" in sent.text  # a count naming nobody
    await world.settle()
    for person in (alice, bob):
        [note] = notes_to(person)
        assert "We meet at the main entrance at 9:30." in note.text
        assert "Co-deliver staff training" in note.text
        assert world.guild().name in note.text and CONTACT in note.text
    for person in (carol, dave, erin):
        assert notes_to(person) == []
    assert rows(world, "SELECT count(*) FROM outbox WHERE batch LIKE 'note:%'") == [(2,)]

    # Not an organiser: refused, nothing shown.
    refused = await alice.slash("opportunity message", opportunity=opp_id)
    assert refused.modal is None and "organiser" in refused.text.lower()


async def test_a_refused_note_is_explained_and_the_form_kept(world):
    organiser = await set_up(world)
    alice = world.user("alice")
    await join(alice, purposes=())
    _done, message, opp_id = await post(world, organiser, places=2)
    await alice.click(message, strings.INTERESTED)

    form = await organiser.slash("opportunity message", opportunity=opp_id)
    empty = await organiser.submit_modal(form, note="   ", contact=CONTACT)
    assert "empty" in empty.text and text.FIX_IT in empty.buttons

    long_note = "Please bring a packed lunch. " * 60  # over 1,500 characters
    again = await organiser.click(empty, text.FIX_IT)
    assert again.modal is not None
    too_long = await organiser.submit_modal(again, note=long_note)
    assert "1,500" in too_long.text and "kept" in too_long.text
    kept = await organiser.click(too_long, text.FIX_IT)
    fields = {
        c["custom_id"]: c.get("value")
        for row in kept.modal["components"]
        for c in row.get("components", [row.get("component", {})])
    }
    assert fields["note"] == long_note and fields["contact"] == CONTACT
    assert notes_to(alice) == []

    for n in range(3):
        form = await organiser.slash("opportunity message", opportunity=opp_id)
        ok = await organiser.submit_modal(form, note=f"Update {n}", contact=CONTACT)
        assert "Sent to the person with a place" in ok.text
    form = await organiser.slash("opportunity message", opportunity=opp_id)
    fourth = await organiser.submit_modal(form, note="Update 4", contact=CONTACT)
    assert "3 notes in the last 24 hours" in fourth.text and text.FIX_IT in fourth.buttons
    await world.settle()
    assert len(notes_to(alice)) == 3
    await world.advance(hours=25)
    later = await organiser.click(fourth, text.FIX_IT)
    sent = await organiser.submit_modal(later)
    assert "Sent to the person with a place" in sent.text
    await world.settle()
    assert len(notes_to(alice)) == 4
    # the sent note is kept no more (a note is kept like every refused form)
    assert rows(world, "SELECT count(*) FROM form_drafts WHERE fields LIKE '%Update 4%'") == [(0,)]


async def test_a_meeting_note_goes_to_going_and_maybe_for_the_next_date(world):
    organiser = await set_up(world)
    alice, bob, carol = (world.user(n) for n in ("alice", "bob", "carol"))
    for person in (alice, bob, carol):
        await join(person, purposes=())
    echo = await organiser.slash(
        "meeting schedule", title="Champions catch-up", start="2026-12-03 18:00", repeat="weekly"
    )
    await organiser.click(echo, meeting_text.POST_IT)
    post_message = world.channel("announcements").last
    meeting_id = int(rows(world, "SELECT id FROM meetings")[0][0])
    await alice.click(post_message, strings.GOING)
    await bob.click(post_message, strings.MAYBE)
    await carol.click(post_message, strings.CANT_MAKE_IT)

    form = await organiser.slash("meeting message", meeting=meeting_id)
    sent = await organiser.submit_modal(form, note="We're in Room 4 this week.", contact=CONTACT)
    assert "Sent to the 2 people who said Going or Maybe for that date" in sent.text
    await world.settle()
    for person in (alice, bob):
        [note] = notes_to(person)
        assert "Room 4" in note.text and "Champions catch-up" in note.text
        start = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
        assert f"<t:{int(start.timestamp())}" in note.text
    assert notes_to(carol) == []

    # A date nobody has answered for yet: said plainly, nothing sent.
    form = await organiser.slash("meeting message", meeting=meeting_id, date="2026-12-10")
    assert form.modal is None and "Nobody has said Going or Maybe" in form.text


async def test_a_kept_note_lasts_two_days_then_says_so(world):
    organiser = await set_up(world)
    alice = world.user("alice")
    await join(alice, purposes=())
    _done, message, opp_id = await post(world, organiser, places=2)
    await alice.click(message, strings.INTERESTED)
    form = await organiser.slash("opportunity message", opportunity=opp_id)
    refused = await organiser.submit_modal(form, note="Bring a pen.", contact=" ")
    assert "how people can reply" in refused.text and refused.buttons == [text.FIX_IT]
    assert strings.FORM_KEPT not in refused.text  # the note's own words say it is kept
    assert rows(world, "SELECT form, user_id FROM form_drafts") == [("note", organiser.id)]

    await world.advance(days=2, minutes=1)
    late = await organiser.click(refused, text.FIX_IT)
    assert late.modal is None and late.text == text.DRAFT_GONE
    assert rows(world, "SELECT count(*) FROM form_drafts") == [(0,)]
    assert notes_to(alice) == []


async def test_an_old_note_fix_it_button_reopens_the_note_moved_across(world):
    """`note:fix:<n>` (before notes were kept like every form) still routes: the note
    moved to form_drafts with its old number (migration 0028) and opens as typed."""
    organiser = await set_up(world)
    alice = world.user("alice")
    await join(alice, purposes=())
    _done, message, opp_id = await post(world, organiser, places=2)
    await alice.click(message, strings.INTERESTED)
    # As migration 0028 leaves a note kept before it (note_drafts row 7), kept two days.
    with closing(connect(db_path(world))) as conn, conn:
        conn.execute(
            "INSERT INTO form_drafts (guild_id, user_id, form, context, fields, created_at, "
            "expires_at) VALUES (?, ?, 'note', ?, ?, ?, ?)",
            (
                world.guild().id,
                organiser.id,
                json.dumps({"kind": "opportunity", "item_key": str(opp_id), "note_draft": 7}),
                json.dumps({"note": "Meet at the front desk.", "contact": CONTACT}),
                world.now.isoformat(),
                (world.now + timedelta(days=2)).isoformat(),
            ),
        )
    # An ephemeral reply from before: its Fix it button carries the old id.
    form = await organiser.slash("opportunity message", opportunity=opp_id)
    old = await organiser.submit_modal(form, note=" ", contact=CONTACT)
    [button] = [b for b in walk(old.components) if b.get("label") == text.FIX_IT]
    button["custom_id"] = "note:fix:7"

    reopened = await organiser.click(old, "note:fix:7")
    assert reopened.modal is not None
    fields = {
        c["custom_id"]: c.get("value")
        for row in reopened.modal["components"]
        for c in row.get("components", [row.get("component", {})])
    }
    assert fields == {"note": "Meet at the front desk.", "contact": CONTACT}
    sent = await organiser.submit_modal(reopened)
    assert "Sent to the person with a place" in sent.text
    await world.settle()
    [note] = notes_to(alice)
    assert "Meet at the front desk." in note.text

    again = await organiser.click(old, "note:fix:7")  # once only
    assert again.modal is None and again.text == text.DRAFT_GONE
