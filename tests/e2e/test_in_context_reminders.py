"""In-context reminders (issue 20, problem 4): the Going/Maybe reply offers
**Remind me before meetings**; one press records `dm_reminders` in the consent ledger
(time and notice version) and the reminder arrives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import strings
from bot.strings import meetings as text
from bot.strings import membership as member_text
from tests.database import rows
from tests.e2e import steps
from tests.e2e.steps import schedule

MEETING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


async def join_without_messages(person):
    await steps.join(person)


async def test_remind_me_records_the_consent_and_the_reminder_arrives(world):
    post = await schedule(world)
    alice = world.user("alice")
    await join_without_messages(alice)
    saved = await alice.click(post, strings.GOING)
    assert text.REMIND_ME in saved.buttons
    assert "every meeting you say Going or Maybe to" in saved.text
    assert "Reminders are off for you" not in saved.text
    assert rows(world, "SELECT count(*) FROM member_consents WHERE purpose = 'dm_reminders'") == [
        (0,)
    ]

    turned_on = await alice.click(saved, text.REMIND_ME)
    assert "Reminders are on" in turned_on.text and "24 hours and 1 hour" in turned_on.text
    assert "change it in `/me settings`" in turned_on.text
    assert member_text.DM_CHECK_OPEN in turned_on.text  # her first messages: DMs checked
    [(granted, version, at)] = rows(
        world,
        "SELECT granted, notice_version, at FROM member_consents "
        "WHERE purpose = 'dm_reminders' AND user_id = ?",
        (alice.id,),
    )
    assert granted == 1 and version == 1 and at
    assert "meeting reminders" in (await alice.slash("me show")).text

    assert [m.content for m in alice.dms] == [member_text.TEST_DM]
    await world.set_time(MEETING - timedelta(hours=24))
    [reminder] = [m for m in alice.dms if "Reminder:" in m.text]
    assert "You said **Going**" in reminder.text

    # Once chosen, the next answer says when reminders come, with nothing to press.
    again = await alice.click(post, strings.MAYBE)
    assert text.REMIND_ME not in again.buttons


async def test_no_offer_while_stepping_back_or_after_cant_make_it(world):
    post = await schedule(world)
    bob = world.user("bob")
    await join_without_messages(bob)
    no = await bob.click(post, strings.CANT_MAKE_IT)
    assert text.REMIND_ME not in no.buttons
    await bob.slash("me pause")
    going = await bob.click(post, strings.GOING)
    assert text.REMIND_ME not in going.buttons
