"""Payment and expenses end to end (issue 24): the real bot against the emulator.

An opportunity offers a £25 fee and travel; three say yes for two places. The two
with places are asked privately how they'd like to be paid; the organiser confirms
one took part and unticks the other; the one who took part claims travel; the
organiser sees choices and the claim, marks paid, and the member is told once. The
CSV adds up. The unticked and the waitlisted people are told nothing and appear in
nothing another member can see. Rules 2, 4, 7, 10, 15.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.strings import membership as member_text
from bot.strings import payments as pay_text
from tests.database import rows
from tests.e2e import steps
from tests.e2e.steps import everything_seen_by, set_up
from tests.e2e.steps import news as dms
from tests.e2e.steps import post_opportunity as post


async def join(person, name=None):
    await steps.join(person, ("dm_opportunities",))
    if name:
        details = await person.slash("me settings")
        await person.click(details, member_text.EDIT_DETAILS)
        await person.submit_modal(preferred_name=name)


def when_text(world, days=2):
    return (world.state.now + timedelta(days=days)).strftime("%Y-%m-%d 10:00")


async def paid_opportunity(world):
    olu = await set_up(world)
    alice, bob, carol = world.user("alice"), world.user("bob"), world.user("carol")
    await join(alice, "Ali Ŵyn")
    await join(bob, "Bob")
    await join(carol, "Carol")
    _done, message, opp_id = await post(
        world,
        olu,
        title="Interview panel",
        places=2,
        fee="25",
        expenses="travel",
        when=when_text(world),
    )
    return olu, alice, bob, carol, message, opp_id


async def test_a_paid_opportunity_from_post_to_marked_paid(world):
    olu, alice, bob, carol, message, opp_id = await paid_opportunity(world)
    post_text = message.embeds[0]["description"]
    assert "a fee of £25 per session, and expenses for travel" in post_text
    assert "Payments can affect benefits" in post_text and "/support" in post_text
    invitation = dms(alice)[-1]
    assert "Payments can affect benefits" in invitation.text

    # The two with places are asked privately; the third is waitlisted and asked nothing.
    asked_alice = await alice.click(message, "I'm interested")
    asked_bob = await bob.click(message, "I'm interested")
    waiting = await carol.click(message, "I'm interested")
    for asked in (asked_alice, asked_bob):
        assert asked.ephemeral and "How would you like to be paid" in asked.text
        assert asked.buttons == ["Fee", "Expenses only", "No payment, thanks"]
    assert "How would you like to be paid" not in waiting.text
    assert waiting.buttons == []

    chose = await alice.click(asked_alice, "Fee")
    assert chose.ephemeral and "you chose **the fee**" in chose.text
    chose = await bob.click(asked_bob, "Expenses only")
    assert "expenses only" in chose.text

    # Before the date: the organiser sees both choices (people with a place).
    before = await olu.slash("opportunity payments", opportunity=opp_id)
    assert "Ali Ŵyn" in before.text and "the fee (£25)" in before.text
    assert "Bob" in before.text and "expenses only" in before.text
    assert "Carol" not in before.text  # waitlisted: in no payment view

    # Not yet: the date is still ahead.
    early = await olu.slash("opportunity happened", opportunity=opp_id)
    assert "hasn't happened yet" in early.text

    await world.advance(days=3)
    bob_dms_before = len(dms(bob))
    confirm = await olu.slash(
        "opportunity happened", opportunity=opp_id, role="panel member", hours=3
    )
    assert confirm.ephemeral and "Who took part" in confirm.text
    assert "Carol" not in confirm.text  # the waitlist is not asked about
    ticked = await olu.select(confirm, f"opp:{opp_id}:took:0", [str(alice.id)])
    done = await olu.click(ticked, pay_text.HAPPENED_CONFIRM)
    assert "1 confirmed as taking part" in done.text

    # Only "took part" is stored; never who didn't come.
    assert rows(world, "SELECT user_id, role, hours FROM took_part") == [
        (alice.id, "panel member", 3.0)
    ]
    assert rows(world, "SELECT user_id FROM member_records") == [(alice.id,)]

    # Bob (unticked) cannot claim; Alice claims travel.
    refused = await bob.slash("me claim", opportunity=opp_id)
    assert "once an organiser has confirmed you took part" in refused.text
    assert await alice.autocomplete("me claim", "opportunity") != []
    form = await alice.slash("me claim", opportunity=opp_id)
    assert form.modal is not None
    bad = await alice.submit_modal(form, amount="1,000", kind="travel")
    assert "comma for thousands" in bad.text and "Fix it" in bad.buttons
    assert rows(world, "SELECT count(*) FROM expense_claims") == [(0,)]
    again = await alice.click(bad, "Fix it")
    saved = await alice.submit_modal(
        again, amount="£6.40", kind="travel", note="bus there and back"
    )
    assert "£6.40" in saved.text and "arrange payment" in saved.text
    assert "bank details" in saved.text

    # The organiser sees the claim, and now only who took part.
    seen = await olu.slash("opportunity payments", opportunity=opp_id)
    assert "Ali Ŵyn" in seen.text and "£6.40 travel" in seen.text and "bus there" in seen.text
    assert "Bob" not in seen.text and "Carol" not in seen.text
    (attachment,) = seen.attachments
    table = list(csv.reader(io.StringIO(attachment.data.decode("utf-8"))))
    assert table[0] == list(pay_text.CSV_HEADER)
    assert table[1] == ["Ali Ŵyn", "the fee", "25.00", "", "", "", "no", "31.40"]
    assert table[2][3:7] == ["travel", table[2][4], "6.40", "no"]
    assert table[-1] == ["TOTAL", "", "25.00", "", "", "6.40", "", "31.40"]
    assert len(table) == 4

    alice_dms = len(dms(alice))
    marked = await olu.click(seen, "Mark paid: Ali Ŵyn")
    assert "Marked paid: Ali Ŵyn" in marked.text
    await world.settle()
    told = dms(alice)[alice_dms:]
    assert len(told) == 1
    assert "marked your fee and your expenses claim as paid" in told[0].text
    assert "Interview panel" in told[0].text
    # Pressing again marks nothing and tells nobody again.
    again = await olu.slash("opportunity payments", opportunity=opp_id)
    assert "Mark paid: Ali Ŵyn" not in again.buttons
    await world.settle()
    assert len(dms(alice)) == alice_dms + 1

    # The choice can no longer be changed once paid.
    mine = await alice.slash("me opportunities")
    assert "marked paid" in mine.text

    # Bob (unticked) got nothing since; neither he nor Carol can see anyone's payments.
    assert len(dms(bob)) == bob_dms_before
    for person in (bob, carol):
        seen_by = everything_seen_by(world, person)
        assert "£6.40" not in seen_by and "confirmed as taking part" not in seen_by
        assert "Payments: Interview panel" not in seen_by and "Marked paid" not in seen_by
        assert "Ali Ŵyn" not in seen_by
    refused = await alice.slash("opportunity payments", opportunity=opp_id)
    assert "Ali Ŵyn" not in refused.text  # members are not organisers

    # Export has them; retention erases paid ones 90 days later.
    assert rows(world, "SELECT count(*) FROM payment_choices WHERE paid_at IS NOT NULL") == [(1,)]
    await world.advance(days=89)
    assert rows(world, "SELECT count(*) FROM expense_claims") == [(1,)]
    await world.advance(days=2)
    assert rows(world, "SELECT count(*) FROM expense_claims") == [(0,)]
    assert rows(world, "SELECT count(*) FROM payment_choices WHERE paid_at IS NOT NULL") == [(0,)]


async def test_leaving_with_an_unpaid_claim_keeps_only_that_claim(world):
    olu, alice, _bob, _carol, message, opp_id = await paid_opportunity(world)
    asked = await alice.click(message, "I'm interested")
    await alice.click(asked, "Expenses only")
    await world.advance(days=3)
    confirm = await olu.slash("opportunity happened", opportunity=opp_id)
    await olu.click(confirm, pay_text.HAPPENED_CONFIRM)
    form = await alice.slash("me claim", opportunity=opp_id)
    await alice.submit_modal(form, amount="6,40", kind="travel", note="the 42 bus")

    exported = await alice.slash("me export")
    data = exported.attachments[0].data.decode("utf-8")
    assert '"expense_claims"' in data and "640" in data and '"payment_choices"' in data

    leave = await alice.slash("leave")
    assert pay_text.KEEP_CLAIM in leave.buttons and pay_text.ERASE_TOO in leave.buttons
    left = await alice.click(leave, pay_text.KEEP_CLAIM)
    assert "kept" in left.text
    # Only amount, date, item and name remain, without her id; everything else is gone.
    assert rows(
        world, "SELECT user_id, kind, amount_pence, note, kept_name FROM expense_claims"
    ) == [(None, "travel", 640, None, "Ali Ŵyn")]
    for table in ("members", "took_part", "payment_choices", "member_profiles"):
        assert rows(world, f"SELECT count(*) FROM {table} WHERE user_id = ?", (alice.id,)) == [
            (0,)
        ], table
    seen = await olu.slash("opportunity payments", opportunity=opp_id)
    assert "Ali Ŵyn" in seen.text and "£6.40" in seen.text
    await olu.click(seen, "Mark paid: Ali Ŵyn")
    await world.advance(days=91)
    assert rows(world, "SELECT count(*) FROM expense_claims") == [(0,)]


async def test_erase_it_too_erases_the_claim_and_a_network_place_needs_a_name(world):
    olu, alice, _bob, _carol, message, opp_id = await paid_opportunity(world)
    asked = await alice.click(message, "I'm interested")
    # No payment is as easy as any other choice, and changeable.
    await alice.click(asked, "No payment, thanks")
    await alice.click(asked, "Fee")
    assert rows(world, "SELECT choice FROM payment_choices") == [("fee",)]
    await world.advance(days=3)
    confirm = await olu.slash("opportunity happened", opportunity=opp_id)
    await olu.click(confirm, pay_text.HAPPENED_CONFIRM)
    form = await alice.slash("me claim", opportunity=opp_id)
    await alice.submit_modal(form, amount="£6", kind="travel")
    leave = await alice.slash("leave")
    await alice.click(leave, pay_text.ERASE_TOO)
    assert rows(world, "SELECT count(*) FROM expense_claims") == [(0,)]
    assert rows(world, "SELECT count(*) FROM payment_choices") == [(0,)]


async def test_a_promoted_member_is_asked_in_the_place_dm_and_in_me_opportunities(world):
    _olu, alice, bob, carol, message, _opp_id = await paid_opportunity(world)
    await alice.click(message, "I'm interested")
    asked_bob = await bob.click(message, "I'm interested")
    await carol.click(message, "I'm interested")  # waitlisted
    before = len(dms(carol))
    await bob.click(message, "Not this time")  # a place comes free: carol is promoted
    await world.settle()
    (place,) = dms(carol)[before:]
    assert "How would you like to be paid" in place.text
    assert place.buttons == ["Fee", "Expenses only", "No payment, thanks"]
    chose = await carol.click(place, "No payment, thanks")
    assert "no payment" in chose.text
    # /me opportunities asks too (for anyone whose DMs are closed), and shows the choice.
    mine = await carol.slash("me opportunities")
    assert "Payment: no payment" in mine.text
    asked = await carol.click(mine, "How to be paid: Interview panel")
    assert "Your choice now: **no payment**" in asked.text
    await carol.click(asked, "Expenses only")
    assert rows(world, "SELECT user_id, choice FROM payment_choices ORDER BY user_id") == [
        (carol.id, "expenses")
    ]
    # Bob gave up his place: nothing is asked of him, and pressing an old button refuses.
    refused = await bob.click(asked_bob, "Fee")
    assert "don't have one" in refused.text


async def test_unpaid_choices_are_erased_a_year_on_with_one_warning_a_month_before(world):
    olu, alice, _bob, _carol, message, _opp_id = await paid_opportunity(world)
    asked = await alice.click(message, "I'm interested")
    await alice.click(asked, "Fee")
    await world.advance(days=300)
    assert not [m for m in olu.dms if "will be erased soon" in m.text]
    await world.advance(days=40)  # 11 months and more after the opportunity
    warned = [m for m in olu.dms if "will be erased soon" in m.text]
    assert len(warned) == 1 and "/opportunity payments" in warned[0].text
    await world.advance(days=20)
    assert len([m for m in olu.dms if "will be erased soon" in m.text]) == 1  # once
    assert rows(world, "SELECT count(*) FROM payment_choices") == [(1,)]
    await world.advance(days=10)
    assert rows(world, "SELECT count(*) FROM payment_choices") == [(0,)]


async def test_an_hourly_fee_is_worked_out_from_the_hours_and_never_guessed(world):
    olu = await set_up(world)
    alice = world.user("alice")
    await join(alice, "Ali")
    _done, message, opp_id = await post(
        world, olu, title="Co-design workshop", places=2, fee="12.50", fee_per="hour",
        when=when_text(world),
    )  # fmt: skip
    assert "a fee of £12.50 per hour" in message.embeds[0]["description"]
    asked = await alice.click(message, "I'm interested")
    await alice.click(asked, "Fee")
    await world.advance(days=3)

    async def confirm(**hours):
        shown = await olu.slash("opportunity happened", opportunity=opp_id, **hours)
        ticked = await olu.select(shown, f"opp:{opp_id}:took:0", [str(alice.id)])
        await olu.click(ticked, pay_text.HAPPENED_CONFIRM)

    # No hours given: the fee is not guessed, and the organiser is told what to do.
    await confirm()
    seen = await olu.slash("opportunity payments", opportunity=opp_id)
    assert "£12.50 an hour: hours not recorded yet" in seen.text
    assert "/opportunity happened" in seen.text and "`hours`" in seen.text
    table = list(csv.reader(io.StringIO(seen.attachments[0].data.decode("utf-8"))))
    assert table[1][2] == pay_text.CSV_NEEDS_HOURS
    assert table[-1][:3] == ["TOTAL", "without 1 hourly fee(s): hours not recorded", "0.00"]

    # Two and a half hours: £31.25, in the view, the CSV and the totals.
    await confirm(hours=2.5)
    seen = await olu.slash("opportunity payments", opportunity=opp_id)
    assert "the fee (£31.25)" in seen.text and "hours not recorded" not in seen.text
    table = list(csv.reader(io.StringIO(seen.attachments[0].data.decode("utf-8"))))
    assert table[1] == ["Ali", "the fee", "31.25", "", "", "", "no", "31.25"]
    assert table[-1] == ["TOTAL", "", "31.25", "", "", "0.00", "", "31.25"]
