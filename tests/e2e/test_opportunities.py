"""Opportunities end to end: the real bot against the emulator (rules 2, 3, 7, 10, 11).

An organiser posts an opportunity; members who chose opportunity messages get an
invitation DM; members answer from the post or the DM; the organiser sees names
only of people who said yes. The database file is read afterwards to prove what
was kept.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot import strings
from bot.domain.opportunities import draw_lottery
from bot.strings import membership as member_text
from bot.strings import opportunities as text
from bot.strings.networks import NOT_IN_A_NETWORK
from tests.database import rows
from tests.e2e import steps
from tests.e2e.steps import DESCRIPTION, everything_seen_by, set_up
from tests.e2e.steps import news as dms
from tests.e2e.steps import post_opportunity as post
from tests.emulator.world import World


async def join(person, purposes=("dm_opportunities",)):
    return await steps.join(person, purposes)


async def eventually(world: World, check, within: float = 10.0):
    for _ in range(int(within / 0.1)):
        if check():
            return
        await asyncio.sleep(0.1)
        await world.settle()
    raise AssertionError("the expected state never came")


def post_message(world: World, opp_id: int):
    for message in world.channel("announcements").messages:
        if f"Opportunity {opp_id}" in message.text:
            return message
    raise AssertionError("post not found")


async def test_a_full_round_shows_the_organiser_only_who_said_yes(world):
    olu = await set_up(world)
    alice, bob, carol = world.user("alice"), world.user("bob"), world.user("carol")
    for person in (alice, bob, carol):
        await join(person)
    details = await alice.slash("me settings")
    await alice.click(details, member_text.EDIT_DETAILS)
    await alice.submit_modal(preferred_name="Ali", access_needs="A quiet room, please")

    done, message, opp_id = await post(
        world,
        olu,
        places=2,
        payment="£25 an hour plus travel",
        content_note="mentions restraint",
        closes="2026-12-10 17:00",
    )
    # Two equal buttons: same grey style, words as labels (rules 2 and 13).
    buttons = [c for row in message.components for c in row["components"]]
    # The content note holds the description back behind a third, equal button.
    assert [b["label"] for b in buttons] == [
        strings.INTERESTED,
        strings.NOT_THIS_TIME,
        strings.SHOW_DETAILS,
    ]
    assert {b["style"] for b in buttons} == {2}
    description = message.embeds[0]["description"]
    assert description.startswith("**Content note:** mentions restraint")
    assert "£25 an hour plus travel" in description
    assert DESCRIPTION not in description

    # Everyone who chose opportunity messages was invited; the note is shown once.
    for person in (alice, bob, carol):
        assert len(dms(person)) == 1
        assert dms(person)[0].embeds[0]["description"].startswith("**Content note:**")
        assert dms(person)[0].text.count("mentions restraint") == 1
    await eventually(world, lambda: done.followups)
    assert done.followups[-1].text.startswith("Invitations for **Co-deliver staff training**")
    # Delivery counts about people are never exact under 5 (rule 9).
    assert (
        "sent: fewer than 5; skipped by preference: fewer than 5; undeliverable: fewer than 5;"
        in done.followups[-1].text
    )

    said_yes = await alice.click(message, strings.INTERESTED)
    assert said_yes.ephemeral and "You have a place" in said_yes.text
    said_no = await bob.click(dms(bob)[0], strings.NOT_THIS_TIME)  # from the DM
    assert said_no.text == text.DECLINED
    assert rows(
        world, "SELECT user_id, state, place FROM opportunity_replies ORDER BY user_id"
    ) == [
        (alice.id, "interested", "confirmed"),
        (bob.id, "declined", "none"),
    ]

    roster = await olu.slash("opportunity roster", opportunity=opp_id)
    assert roster.ephemeral
    assert "Ali" in roster.text and f"<@{alice.id}>" in roster.text
    assert "A quiet room, please" in roster.text
    # bob and carol: totals only, and in a three-person server never exact (rule 9)
    assert "not this time: fewer than 5; no reply: fewer than 5." in roster.text
    assert strings.SMALL_FIGURES in roster.text

    await olu.slash("opportunity close", opportunity=opp_id)
    await world.advance(days=10)
    seen = everything_seen_by(world, olu)
    assert "Ali" in seen
    for hidden in (bob, carol):
        assert str(hidden.id) not in seen and hidden.name not in seen
    # Nothing is sent after a decline or a non-reply (rule 2).
    assert len(dms(bob)) == 1 and len(dms(carol)) == 1
    assert "Replies have closed" in post_message(world, opp_id).text
    # no answer buttons once closed; the held-back details can still be read
    assert post_message(world, opp_id).buttons == [strings.SHOW_DETAILS]


async def test_answers_are_idempotent_and_a_withdrawal_promotes_the_waitlist(world):
    olu = await set_up(world)
    alice, bob, carol = world.user("alice"), world.user("bob"), world.user("carol")
    await join(alice)
    await join(bob)
    await join(carol, purposes=())  # no opportunity messages
    _, message, opp_id = await post(world, olu, places=1)

    await alice.click(message, strings.INTERESTED)
    again = await alice.click(message, strings.INTERESTED)
    assert "You have a place" in again.text
    waiting = await bob.click(message, strings.INTERESTED)
    assert "number 1 on the waitlist" in waiting.text
    second = await carol.click(message, strings.INTERESTED)
    assert "number 2 on the waitlist" in second.text
    assert rows(world, "SELECT count(*) FROM opportunity_replies") == [(3,)]
    await eventually(world, lambda: "All places are taken" in post_message(world, opp_id).text)

    mine = await alice.slash("me opportunities")
    assert "you said yes and have a place" in mine.text
    bob_dms_before = len(dms(bob))
    stepped_out = await alice.click(mine, text.STEP_OUT.format(title="Co-deliver staff training"))
    assert "You've stepped out" in stepped_out.text

    # Bob was next: he has the place now and is told (he allows these messages).
    assert len(dms(bob)) == bob_dms_before + 1
    assert "A place came free" in dms(bob)[-1].text
    assert "you said yes and have a place" in (await bob.slash("me opportunities")).text
    assert "number 1 on the waitlist" in (await carol.slash("me opportunities")).text
    assert dms(carol) == []
    assert rows(
        world, "SELECT user_id, state, place FROM opportunity_replies ORDER BY user_id"
    ) == sorted(
        [
            (alice.id, "withdrawn", "none"),
            (bob.id, "interested", "confirmed"),
            (carol.id, "interested", "waitlisted"),
        ]
    )
    # Alice's withdrawal was silent: the organiser is told nothing about it.
    assert "alice" not in everything_seen_by(world, olu)


async def test_closed_dms_paused_and_not_chosen(world):
    olu = await set_up(world)
    dana, erin, finn, gina = (world.user(n) for n in ("dana", "erin", "finn", "gina"))
    for person in (dana, erin, gina):
        await join(person)
    await join(finn, purposes=("dm_reminders",))
    await erin.slash("me pause")
    world.set_dms_closed(dana)

    done, _, _ = await post(world, olu)
    await eventually(world, lambda: done.followups)
    # Who is stepping back or has closed DMs is not singled out (rules 9 and 15).
    assert (
        "sent: fewer than 5; skipped by preference: fewer than 5; undeliverable: fewer than 5;"
        in done.followups[-1].text
    )
    assert world.count_status(403) == 1
    # /status gives moderators delivery counts about people, never exact under 5.
    status = await world.mod.slash("status")
    assert "(closed DMs, this server): fewer than 5" in status.text
    assert len(dms(gina)) == 1
    assert dms(erin) == [] and dms(finn) == [] and dms(dana) == []

    # Closed DMs are recorded once: a second post makes no new attempt.
    done2, _, _ = await post(world, olu, title="Interview panel")
    await eventually(world, lambda: done2.followups)
    assert (
        "sent: fewer than 5; skipped by preference: fewer than 5; undeliverable: fewer than 5;"
        in done2.followups[-1].text
    )
    assert world.count_status(403) == 1


async def test_only_organisers_post_and_see_the_roster_and_only_members_answer(world):
    olu = await set_up(world)
    alice = world.user("alice")
    await join(alice)
    refused = await alice.slash("opportunity post", title="Panel", description=DESCRIPTION)
    assert "Only organisers can do this" in refused.text and refused.ephemeral
    assert world.channel("announcements").messages == []

    done, message, opp_id = await post(world, olu)
    refused = await alice.slash("opportunity roster", opportunity=opp_id)
    assert "Only organisers can do this" in refused.text

    # The roster button on the organiser's own confirmation re-checks the role.
    olu.take_role(world.role("Organisers"))
    pressed = await olu.click(done, text.SEE_ROSTER)
    assert "Only organisers can do this" in pressed.text
    olu.give_role(world.role("Organisers"))
    pressed = await olu.click(done, text.SEE_ROSTER)
    assert "Roster: Co-deliver staff training" in pressed.text

    stranger = world.user("sam")
    answer = await stranger.click(message, strings.INTERESTED)
    assert answer.content == strings.JOIN_FIRST
    assert rows(world, "SELECT count(*) FROM opportunity_replies") == [(0,)]


async def test_friendly_refusals_post_nothing(world):
    olu = await set_up(world)
    lottery = await olu.slash(
        "opportunity post", title="Panel", description=DESCRIPTION, places=3, allocation="lottery"
    )
    assert "please add `closes`" in lottery.text
    no_places = await olu.slash(
        "opportunity post", title="Panel", description=DESCRIPTION, places=0
    )
    assert "Places must be a whole number from 1" in no_places.text
    past = await olu.slash(
        "opportunity post", title="Panel", description=DESCRIPTION, closes="2026-11-01 10:00"
    )
    assert "already passed" in past.text
    assert world.channel("announcements").messages == []
    assert rows(world, "SELECT count(*) FROM opportunities") == [(0,)]


async def test_lottery_draws_at_the_closing_date_even_after_a_restart(world):
    olu = await set_up(world)
    people = [world.user(n) for n in ("alice", "bob", "carol")]
    for person in people:
        await join(person)
    _, message, opp_id = await post(
        world, olu, places=1, allocation="lottery", closes="2026-12-02 12:00"
    )
    for person in people:
        reply = await person.click(message, strings.INTERESTED)
        assert "You're in the draw" in reply.text
    choices = await olu.autocomplete("opportunity roster", "opportunity", "co-deliver")
    assert [c.value for c in choices] == [opp_id]

    await world.bot.kill()
    world.state.now = world.now + timedelta(days=2)  # the bot is down past the closing date
    await world.restart_bot()
    await world.settle()

    assert "Replies have closed" in post_message(world, opp_id).text
    placed = rows(
        world, "SELECT guild_id, user_id, place, seq FROM opportunity_replies ORDER BY seq"
    )
    assert [p[2] for p in placed] == ["confirmed", "waitlisted", "waitlisted"]
    # The draw is reproducible from the stored seed (and so checkable).
    (seed,) = rows(world, "SELECT seed FROM opportunities WHERE id = ?", (opp_id,))[0]
    draw = draw_lottery(1, [(g, u) for g, u, _, _ in placed], seed)
    assert [(g, u) for g, u, _, _ in placed] == draw.confirmed + draw.waitlisted
    by_id = {p.id: p for p in people}
    winner = by_id[placed[0][1]]
    assert "you have a place" in dms(winner)[-1].text
    assert "number 2 on the waitlist" in by_id[placed[2][1]].dms[-1].text
    assert rows(world, "SELECT state FROM jobs WHERE kind = 'opportunity_close'") == [("done",)]


async def test_cancel_tells_only_those_who_said_yes(world):
    olu = await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice, purposes=())  # the cancellation is still sent: she said yes
    await join(bob)
    _, message, opp_id = await post(world, olu)
    await alice.click(message, strings.INTERESTED)
    await bob.click(message, strings.NOT_THIS_TIME)
    bob_before = len(dms(bob))

    done = await olu.slash("opportunity cancel", opportunity=opp_id)
    assert "Sent to the person who said yes" in done.text
    assert len(dms(alice)) == 1 and "has been cancelled" in dms(alice)[0].text
    assert len(dms(bob)) == bob_before
    await eventually(world, lambda: "was cancelled" in post_message(world, opp_id).text)
    late = await alice.slash("opportunity list")
    assert late.text == text.LIST_EMPTY


async def test_edit_can_remove_the_payment_note_and_the_closing_date(world):
    olu = await set_up(world)
    _, message, opp_id = await post(world, olu, payment="£25 an hour", closes="2026-12-05 17:00")
    assert "£25 an hour" in message.text

    both = await olu.slash("opportunity edit", opportunity=opp_id, payment="£30", clear="payment")
    assert "same edit" in both.text and "Nothing was changed" in both.text
    removed = await olu.slash("opportunity edit", opportunity=opp_id, clear="payment")
    assert "Removed: payment note." in removed.text
    await eventually(world, lambda: text.NO_PAYMENT in post_message(world, opp_id).text)

    await olu.slash("opportunity edit", opportunity=opp_id, clear="closes")
    assert rows(world, "SELECT closes_at FROM opportunities WHERE id = ?", (opp_id,)) == [(None,)]
    await world.advance(days=6)  # past the old closing date: its job went with it
    assert "Replies have closed" not in post_message(world, opp_id).text


async def test_a_lottery_keeps_its_closing_date(world):
    olu = await set_up(world)
    _, _, opp_id = await post(world, olu, places=2, allocation="lottery", closes="2026-12-05 17:00")
    refused = await olu.slash("opportunity edit", opportunity=opp_id, clear="closes")
    assert "drawn at its closing date" in refused.text and "Nothing was changed" in refused.text
    assert rows(world, "SELECT closes_at FROM opportunities WHERE id = ?", (opp_id,)) != [(None,)]


async def test_edit_adds_places_from_the_waitlist_and_moves_the_closing_date(world):
    olu = await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    _, message, opp_id = await post(world, olu, places=1, closes="2026-12-05 17:00")
    await alice.click(message, strings.INTERESTED)
    await bob.click(message, strings.INTERESTED)
    bob_before = len(dms(bob))

    nothing = await olu.slash("opportunity edit", opportunity=opp_id)
    assert nothing.text == text.NOTHING_TO_EDIT
    fewer = await olu.slash("opportunity edit", opportunity=opp_id, places=0)
    assert "Places must be a whole number" in fewer.text
    edited = await olu.slash(
        "opportunity edit", opportunity=opp_id, places=2, closes="2026-12-03 17:00"
    )
    assert "1 person moved from the waitlist" in edited.text
    assert len(dms(bob)) == bob_before + 1 and "A place came free" in dms(bob)[-1].text
    await eventually(world, lambda: "**Places:** 2," in post_message(world, opp_id).text)

    await world.advance(days=2, hours=9)  # past the new closing date, before the old one
    assert "Replies have closed" in post_message(world, opp_id).text
    network = await olu.slash("opportunity post", title="x", description="y", network=True)
    assert network.text == NOT_IN_A_NETWORK  # this server is in no network
