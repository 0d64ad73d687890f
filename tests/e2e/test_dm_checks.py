"""DMs checked when it matters (issue 20, problem 3).

Closed DMs are found when someone first chooses messages, not weeks later; and
"I've opened my DMs" says plainly whether it worked, asking Discord at most once
per person per 10 minutes (each refused DM is an invalid request, and Discord bans
a bot's address after 10,000 of them in 10 minutes).
"""

from __future__ import annotations

from bot import strings
from bot.strings import membership as text
from tests.database import rows
from tests.e2e.steps import agree, join


async def closed_dms_found(world, person):
    """A member who chose no messages, whose DMs are closed, is sent a DM they asked for:
    it cannot be delivered, so /me show (returned) offers "I've opened my DMs"."""
    await join(person)
    world.set_dms_closed(person)
    await world.bot.control(
        "POST",
        "/test/dm",
        {"guild_id": world.guild().id, "user_id": person.id, "content": "x", "purpose": "service"},
    )
    await world.settle()
    return await person.slash("me show")


def dm_requests(world):
    return len(world.requests_to("POST", "/messages")) + len(
        world.requests_to("POST", "/users/@me/channels")
    )


async def test_closed_dms_at_choose_time_are_reported_within_the_reply(world):
    alice = world.user("alice")
    welcome = await agree(alice)
    world.set_dms_closed(alice)
    reply = await alice.select(welcome, "member:prefs", ["dm_reminders"])
    assert "You'll get messages about: meeting reminders" in reply.text
    assert "didn't get through" in reply.text
    assert "On a computer" in reply.text and "On a phone" in reply.text
    assert alice.dms == []
    assert "couldn't reach you" in (await alice.slash("me show")).text


async def test_open_dms_at_choose_time_say_so_and_a_second_choice_sends_no_test(world):
    alice = world.user("alice")
    welcome = await agree(alice)
    reply = await alice.select(welcome, "member:prefs", ["dm_reminders"])
    assert text.DM_CHECK_OPEN in reply.text
    assert [m.content for m in alice.dms] == [text.TEST_DM]
    settings = await alice.slash("me settings")
    again = await alice.select(settings, "member:prefs", ["dm_reminders", "dm_outcomes"])
    assert "didn't get through" not in again.text and text.DM_CHECK_OPEN not in again.text
    assert len(alice.dms) == 1  # only a first choice is checked


async def test_eight_presses_in_a_minute_make_at_most_one_request(world):
    alice = world.user("alice")
    show = await closed_dms_found(world, alice)
    assert strings.OPENED_MY_DMS in show.buttons

    before = dm_requests(world)
    answers = []
    for _ in range(8):
        answers.append((await alice.click(show, strings.OPENED_MY_DMS)).text)
        await world.advance(seconds=7)
    assert dm_requests(world) - before <= 1
    assert "didn't get through" in answers[0] and "On a phone" in answers[0]
    for later in answers[1:]:
        assert "a few minutes ago" in later and "try again from" in later
    assert rows(world, "SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'dm-test:%'") == [(1,)]


async def test_opened_dms_says_it_worked_and_clears_the_record(world):
    alice = world.user("alice")
    show = await closed_dms_found(world, alice)
    world.set_dms_closed(alice, False)
    answer = await alice.click(show, strings.OPENED_MY_DMS)
    assert text.DM_CHECK_OPEN in answer.text
    assert [m.content for m in alice.dms] == [text.TEST_DM]
    assert "No problems found" in (await alice.slash("me show")).text

    # Ten minutes on, a test may go again.
    world.set_dms_closed(alice)
    await world.advance(minutes=11)
    again = await alice.click(show, strings.OPENED_MY_DMS)
    assert "didn't get through" in again.text and "a few minutes ago" not in again.text


async def test_a_slow_answer_says_still_checking_and_me_show_reports_the_outcome(make_world):
    # The check waits 0.2 s here instead of 10 s; Discord answers Alice's DMs after 2 s.
    world = await make_world(env={"SPEAKBACK_TEST_DM_CHECK_WAIT": "0.2"})
    alice = world.user("alice")
    welcome = await agree(alice)
    world.set_dms_closed(alice)
    world.set_dm_delay(alice, 2.0)
    reply = await alice.select(welcome, "member:prefs", ["dm_reminders"])
    assert "You'll get messages about: meeting reminders" in reply.text
    assert text.DM_CHECK_WAITING in reply.text
    assert "didn't get through" not in reply.text and text.DM_CHECK_OPEN not in reply.text
    await world.settle()  # Discord's late answer: a refusal
    world.set_dm_delay(alice, 0)
    assert rows(world, "SELECT state FROM outbox WHERE dedupe_key LIKE 'dm-test:%'") == [
        ("undeliverable",)
    ]
    assert "couldn't reach you" in (await alice.slash("me show")).text


async def test_a_slow_answer_that_arrives_leaves_me_show_clear(make_world):
    world = await make_world(env={"SPEAKBACK_TEST_DM_CHECK_WAIT": "0.2"})
    alice = world.user("alice")
    welcome = await agree(alice)
    world.set_dm_delay(alice, 2.0)
    reply = await alice.select(welcome, "member:prefs", ["dm_reminders"])
    assert text.DM_CHECK_WAITING in reply.text
    await world.settle()
    world.set_dm_delay(alice, 0)
    assert [m.content for m in alice.dms] == [text.TEST_DM]
    assert "No problems found" in (await alice.slash("me show")).text


async def test_opened_dms_with_a_slow_answer_says_still_checking_then_the_answer(make_world):
    world = await make_world(env={"SPEAKBACK_TEST_DM_CHECK_WAIT": "0.2"})
    alice = world.user("alice")
    show = await closed_dms_found(world, alice)
    world.set_dms_closed(alice, False)
    world.set_dm_delay(alice, 2.0)
    first = await alice.click(show, strings.OPENED_MY_DMS)
    assert first.text == text.DM_CHECK_WAITING
    await world.settle()
    world.set_dm_delay(alice, 0)
    assert [m.content for m in alice.dms] == [text.TEST_DM]
    # A press soon after reads that test's answer, without asking Discord again.
    before = dm_requests(world)
    again = await alice.click(show, strings.OPENED_MY_DMS)
    assert text.DM_CHECK_OPEN in again.text
    assert dm_requests(world) == before
    assert "No problems found" in (await alice.slash("me show")).text
