"""Polls end to end: the real bot against the emulator (rules 7, 8, 9, 10, 13).

An organiser creates a poll, members vote privately through the ballot screens,
the poll closes (by hand or on schedule, even across a kill -9), and the results
are posted with a chart and its text alternative. The database file is read
afterwards to prove what is (and is not) kept.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import hmac
import io
import json
import re
import sqlite3
from contextlib import closing
from datetime import timedelta

from bot import strings
from bot.delivery import EDIT_MIN_INTERVAL
from bot.domain.polls import ballot_key, voter_key
from bot.strings import membership as membership_text
from bot.strings import polls as text
from tests.database import rows, seed_members
from tests.e2e.steps import set_up
from tests.emulator import interactions as ix
from tests.emulator.interactions import Interaction
from tests.emulator.world import World

OPTIONS = "Waiting times\nPeer support groups\nOut-of-hours help"


async def join(person, purposes=("dm_outcomes",)):
    notice = await person.slash("join")
    welcome = await person.click(notice, strings.I_AGREE)
    if purposes:
        await person.select(welcome, "member:prefs", list(purposes))


async def create(
    world, organiser, *, question="What should we improve first?", options=OPTIONS, **named
):
    form = await organiser.slash("poll create", **named)
    assert form.modal is not None, form.text
    readback = await organiser.submit_modal(question=question, options=options)
    assert readback.ephemeral and text.READBACK_INTRO in readback.text, readback.text
    done = await organiser.click(readback, text.POST_IT)
    assert done.ephemeral and "being posted" in done.text, done.text
    poll = world.channel("announcements").last
    poll_id = int(re.search(r"Poll (\d+)", poll.text).group(1))
    return poll, poll_id


async def turnout_shows(world, poll_id, words: str, within: float = 10.0) -> None:
    """The poll message shows `words` once the turnout update (coalesced) has gone out."""
    for _ in range(int(within / 0.1)):
        if words in poll_message(world, poll_id).text:
            return
        await asyncio.sleep(0.1)
        await world.settle()
    raise AssertionError(f"{words!r} never shown: {poll_message(world, poll_id).text}")


def poll_message(world, poll_id):
    for message in world.channel("announcements").messages:
        title = message.embeds[0].get("title", "") if message.embeds else ""
        if f"Poll {poll_id}" in message.text and not title.startswith("Results:"):
            return message
    raise AssertionError("poll message not found")


async def vote_single(person, poll, option_number: int):
    ballot = await person.click(poll, strings.VOTE)
    assert ballot.ephemeral
    select = next(c["custom_id"] for c in _selects(ballot.message))
    return await person.select(ballot, select, [str(option_number - 1)])


def _selects(message):
    from tests.emulator.render import walk

    return [c for c in walk(message.components) if c.get("type") == 3]


def results_message(world, poll_id):
    found = [
        m
        for m in world.channel("announcements").messages
        if m.embeds
        and m.embeds[0].get("title", "").startswith("Results:")
        and f"Poll {poll_id}" in m.text
    ]
    assert len(found) == 1, f"expected one results message, found {len(found)}"
    return found[0]


# -- whole flows -------------------------------------------------------------------


async def test_single_anonymous_poll_from_creation_to_outcome(world):
    organiser = await set_up(world)
    alice, bob, carol = world.user("alice"), world.user("bob"), world.user("carol")
    dev, erin = world.user("dev"), world.user("erin")
    for person in (alice, bob, carol, dev, erin):
        await join(person)
    poll, poll_id = await create(world, organiser, kind="single", closes="in 2 days")
    assert strings.VOTE in poll.buttons
    assert text.ANONYMOUS_LINE in poll.text and "Closes <t:" in poll.text

    ballot = await alice.click(poll, strings.VOTE)
    assert "nobody can tell how you voted" in ballot.text
    saved = await vote_single(alice, poll, 2)
    assert "Your vote is saved" in saved.text and "Peer support groups" in saved.text
    assert "nobody can tell how you voted" in saved.text
    await vote_single(bob, poll, 2)
    await vote_single(carol, poll, 1)
    await vote_single(dev, poll, 3)
    await vote_single(erin, poll, 2)
    assert rows(world, "SELECT count(*) FROM ballots") == [(5,)]
    await turnout_shows(world, poll_id, "5 people have voted")

    closed = await organiser.slash("poll close", poll=poll_id)
    assert "closed" in closed.text
    results = results_message(world, poll_id)
    assert "Peer support groups came top with 3 votes" in results.text
    [chart] = results.attachments
    assert chart.filename.endswith(".png") and chart.data.startswith(b"\x89PNG")
    assert chart.description.startswith("Bar chart of results")
    assert "Peer support groups: 3 votes" in chart.description
    updated = poll_message(world, poll_id)
    assert strings.VOTE not in updated.buttons and "has closed" in updated.text
    assert rows(world, "SELECT count(*) FROM poll_secrets") == [(0,)]
    assert rows(world, "SELECT count(*) FROM ballots WHERE voter_key IS NOT NULL") == [(0,)]

    export = await organiser.slash("poll export", poll=poll_id)
    [csv_file] = export.attachments
    table = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert ["2", "Peer support groups", "3"] in table
    voters = (alice, bob, carol, dev, erin)
    assert not any(str(p.id) in csv_file.data.decode() for p in voters)
    names = ("alice", "bob", "carol", "dev", "erin")
    assert not any(n in csv_file.data.decode().lower() for n in names)

    form = await organiser.slash("poll outcome", poll=poll_id)
    assert form.modal is not None
    posted = await organiser.submit_modal(
        decided="We will start an evening peer support group.", by_when="by the end of March"
    )
    assert posted.ephemeral
    outcome = world.channel("announcements").last
    assert "You said, we did" in outcome.text and "evening peer support" in outcome.text
    for person in voters:
        assert any("evening peer support" in m.text for m in person.dms), person
    again = await organiser.slash("poll outcome", poll=poll_id)
    assert "already recorded" in again.text


async def test_changing_a_vote_counts_once_and_hidden_results_never_leak(world):
    organiser = await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    # named, so two ballots are enough to show results at close (anonymous needs 5)
    poll, poll_id = await create(world, organiser, kind="single", anonymous=False)
    await vote_single(alice, poll, 1)
    changed = await vote_single(alice, poll, 3)
    assert "Your vote is changed" in changed.text and "Out-of-hours help" in changed.text
    await vote_single(bob, poll, 3)
    ballot = await alice.click(poll, strings.VOTE)
    assert "Your vote now: **Out-of-hours help**" in ballot.text

    early = await bob.slash("poll results", poll=poll_id)
    assert "shown when an organiser closes it" in early.text
    # Before close, no message anyone can see - in any version - shows a choice count.
    for message in world.channel("announcements").messages:
        versions = [message.text] + [str(v) for v in message.history]
        for version in versions:
            assert not re.search(r"\d+ votes?\b", version), version
    await organiser.slash("poll close", poll=poll_id)
    results = results_message(world, poll_id)
    assert "Out-of-hours help came top with 2 votes, from 2 ballots" in results.text
    after = await bob.slash("poll results", poll=poll_id)
    assert "Out-of-hours help: 2 votes" in after.text and after.attachments


async def test_an_anonymous_voter_can_change_their_vote_after_a_restart(world):
    """Open ballots are keyed with the bot's secret too; a restart reads it again."""
    organiser = await set_up(world)
    alice = world.user("alice")
    await join(alice)
    poll, _ = await create(world, organiser, kind="single", anonymous=True)
    await vote_single(alice, poll, 1)
    await world.restart_bot(kill=True)
    ballot = await alice.click(poll, strings.VOTE)
    assert "Your vote now: **Waiting times**" in ballot.text
    changed = await vote_single(alice, poll, 3)
    assert "Your vote is changed" in changed.text and "Out-of-hours help" in changed.text
    assert rows(world, "SELECT choice FROM ballots") == [("2",)]


async def test_leaving_and_joining_again_keeps_one_anonymous_vote_and_says_so(world):
    organiser = await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    poll, poll_id = await create(world, organiser, kind="single", reasons=True)
    saved = await vote_single(alice, poll, 1)
    await vote_single(bob, poll, 2)
    leave = await alice.slash("leave")
    assert "only a note that you voted (not how)" in leave.text
    await alice.click(leave, strings.LEAVE_AND_ERASE)
    await join(alice)
    again = await alice.click(poll, strings.VOTE)
    assert again.ephemeral and not _selects(again.message)
    assert "already voted in this poll, and your vote still counts" in again.text
    assert "nobody can tell how you voted" in again.text
    assert "can't change it or vote again here" in again.text
    reason = await alice.click(saved, text.ADD_REASON)  # the screen from before leaving
    assert reason.modal is None and "your vote still counts" in reason.text
    export = await alice.slash("me export")
    [document] = export.attachments
    counted = json.loads(document.data)["anonymous_votes_counted_after_leaving"]
    assert [c["poll_id"] for c in counted] == [poll_id]
    assert rows(world, "SELECT count(*) FROM ballots") == [(2,)]
    # Bob leaves too, then asks to leave again: there is nothing of his to erase, and
    # he is told what is kept rather than that nothing is.
    for _ in range(2):
        leave = await bob.slash("leave")
        if strings.LEAVE_AND_ERASE in leave.buttons:
            await bob.click(leave, strings.LEAVE_AND_ERASE)
    assert leave.text == membership_text.NOT_A_MEMBER_ONLY_A_NOTE
    await organiser.slash("poll close", poll=poll_id)
    shown = results_message(world, poll_id).text
    assert "2 people voted; too few to show results" in shown, shown
    assert rows(world, "SELECT count(*) FROM poll_left_voters") == [(0,)]


async def test_ranked_poll_with_25_long_options(world):
    organiser = await set_up(world)
    people = [world.user(name) for name in ("ann", "ben", "cat")]
    for person in people:
        await join(person)
    options = [f"{n:02d} " + "x" * 97 for n in range(25)]
    assert all(len(o) == 100 for o in options)
    poll, poll_id = await create(
        world, organiser, kind="ranked", options="\n".join(options), anonymous=False
    )

    async def rank(person, picks):
        screen = await person.click(poll, strings.VOTE)
        for place, option in enumerate(picks, start=1):
            select = next(c for c in _selects(screen.message))
            assert select["placeholder"] == f"Your {text.ordinal(place)} choice"
            assert len(select["options"]) == 25 - (place - 1)
            screen = await person.select(screen, select["custom_id"], [str(option)])
        return await person.click(screen, text.SAVE_RANKING)

    saved = await rank(people[0], [3, 1, 2])
    assert "Your vote is saved" in saved.text and "1. **03 " in saved.text
    await rank(people[1], [1])
    await rank(people[2], [2, 1])
    await organiser.slash("poll close", poll=poll_id)
    results = results_message(world, poll_id)
    assert "Round 1:" in results.text and "wins" in results.text
    assert options[1] in results.text  # the runoff winner, named in full in the totals
    assert results.attachments[0].description


async def test_points_and_multi_ballots(world):
    organiser = await set_up(world)
    alice = world.user("alice")
    await join(alice)
    poll, poll_id = await create(world, organiser, kind="points", anonymous=False)
    screen = await alice.click(poll, strings.VOTE)
    screen = await alice.select(screen, text.SELECT_POINTS_OPTION, ["0"])
    values = next(c for c in _selects(screen.message))
    assert [o["value"] for o in values["options"]] == [str(n) for n in range(11)]
    screen = await alice.select(screen, values["custom_id"], ["7"])
    assert "Points given: 7 of 10" in screen.text
    screen = await alice.select(screen, text.SELECT_POINTS_OPTION, ["2"])
    values = next(c for c in _selects(screen.message))
    assert [o["value"] for o in values["options"]] == [str(n) for n in range(4)]  # 3 left
    screen = await alice.select(screen, values["custom_id"], ["3"])
    saved = await alice.click(screen, text.SAVE_POINTS)
    assert "Waiting times**: 7 points" in saved.text
    await organiser.slash("poll close", poll=poll_id)
    points_results = results_message(world, poll_id)
    assert "Waiting times came top with 7 points" in points_results.text
    assert points_results.attachments[0].data.startswith(b"\x89PNG")
    assert "Out-of-hours help: 3 points" in points_results.attachments[0].description

    multi, multi_id = await create(
        world, organiser, kind="multi", max_choices=2, anonymous=False, results="live",
        question="Which topics for training?",
    )  # fmt: skip
    assert text.NAMED_LINE in multi.text
    ballot = await alice.click(multi, strings.VOTE)
    assert "organisers will see your name" in ballot.text
    select = next(c for c in _selects(ballot.message))
    assert select["max_values"] == 2
    await alice.select(ballot, select["custom_id"], ["0", "2"])
    await turnout_shows(world, multi_id, "1. Waiting times - 1 vote")  # live counts show
    shown = await alice.slash("poll results", poll=multi_id)
    assert "Counts so far" in shown.text
    await organiser.slash("poll close", poll=multi_id)
    multi_results = results_message(world, multi_id)
    assert "Joint top, with 1 vote each" in multi_results.text
    assert multi_results.attachments[0].data.startswith(b"\x89PNG")
    export = await organiser.slash("poll export", poll=multi_id)
    table = export.attachments[0].data.decode("utf-8-sig")
    assert "Alice" in table and str(alice.id) in table  # a named poll lists who voted


async def test_a_reason_can_follow_a_vote_and_reaches_the_export_without_a_name(world):
    organiser = await set_up(world)
    alice = world.user("alice")
    others = [world.user(name) for name in ("bob", "carol", "dev", "erin")]
    for person in (alice, *others):
        await join(person)
    poll, poll_id = await create(world, organiser, kind="single", reasons=True)
    assert text.REASONS_LINE in poll.text
    for person in others:  # five in all: enough for an anonymous poll's results
        await vote_single(person, poll, 2)
    saved = await vote_single(alice, poll, 1)
    assert text.ADD_REASON in saved.buttons
    form = await alice.click(saved, text.ADD_REASON)
    assert form.modal is not None
    done = await alice.submit_modal(form, reason="Waiting was the hardest part for me.")
    assert done.text == text.REASON_SAVED
    await organiser.slash("poll close", poll=poll_id)
    export = await organiser.slash("poll export", poll=poll_id)
    table = export.attachments[0].data.decode("utf-8-sig")
    assert "Waiting was the hardest part for me." in table
    assert "alice" not in table.lower() and str(alice.id) not in table
    # reasons are a list of their own, apart from the choices
    rows_ = list(csv.reader(io.StringIO(table)))
    assert ["Waiting was the hardest part for me."] in rows_ and ["reason"] in rows_


# -- refusals ------------------------------------------------------------------------


async def test_non_members_and_non_organisers_are_refused_on_every_path(world):
    organiser = await set_up(world)
    alice, dan = world.user("alice"), world.user("dan")
    await join(alice)
    poll, poll_id = await create(world, organiser, kind="single")
    ballot = await alice.click(poll, strings.VOTE)

    # Someone who is not a member: the Vote button and a ballot screen say "join first".
    pressed = await dan.click(poll, strings.VOTE)
    assert pressed.content == strings.JOIN_FIRST and pressed.ephemeral
    for command, extra in (
        ("poll create", {"kind": "single"}),
        ("poll close", {"poll": poll_id}),
        ("poll export", {"poll": poll_id}),
        ("poll outcome", {"poll": poll_id}),
    ):
        refused = await alice.slash(command, **extra)
        assert "Only organisers can do this" in refused.text, command
        assert refused.modal is None
    # Leaving makes an open ballot screen refuse too (re-checked on the server side).
    leave = await alice.slash("leave")
    await alice.click(leave, strings.LEAVE_AND_ERASE)
    select = next(c["custom_id"] for c in _selects(ballot.message))
    late = await alice.select(ballot, select, ["0"])
    assert strings.JOIN_FIRST in late.text
    assert rows(world, "SELECT count(*) FROM ballots") == [(0,)]
    # An organiser who lost the role before submitting the form is refused there too.
    form = await organiser.slash("poll create", kind="single")
    organiser.take_role(world.role("Organisers"))
    refused = await organiser.submit_modal(form, question="Q?", options="A\nB")
    assert "Only organisers can do this" in refused.text
    assert rows(world, "SELECT count(*) FROM polls") == [(1,)]


async def test_bad_input_is_refused_kindly_and_nothing_is_posted(world):
    organiser = await set_up(world)
    before = len(world.channel("announcements").messages)
    past = await organiser.slash("poll create", kind="single", closes="yesterday 5pm")
    assert "already passed" in past.text and past.modal is None
    live = await organiser.slash("poll create", kind="single", results="live")
    assert "at_close" in live.text
    network = await organiser.slash("poll create", kind="single", network=True)
    assert "isn't in a network" in network.text and network.modal is None
    limit = await organiser.slash("poll create", kind="ranked", max_choices=2)
    assert "max_choices only applies to multi polls" in limit.text
    await organiser.slash("poll create", kind="single")
    dup = await organiser.submit_modal(question="Which?", options="Tea\n\n tea \nCoffee")
    assert "same as line 1" in dup.text
    # Look-alikes read as one: "Café" typed with a combining accent, in capitals, full width
    await organiser.slash("poll create", kind="single")
    look_alike = await organiser.submit_modal(
        question="Which?", options="Caf\u00e9\nTea\nCafe\u0301\nCAF\u00c9\n\uff23\uff41\uff46\u00e9"
    )
    assert "Line 3" in look_alike.text and "reads the same as line 1 (“Café”)" in look_alike.text
    one = await organiser.slash("poll create", kind="single")
    one = await organiser.submit_modal(one, question="Which?", options="Only one")
    assert "at least 2 options" in one.text
    assert len(world.channel("announcements").messages) == before
    assert rows(world, "SELECT count(*) FROM polls") == [(0,)]


# -- closing on schedule -------------------------------------------------------------------


async def test_scheduled_close_runs_after_kill_and_downtime_exactly_once(world):
    organiser = await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    poll, poll_id = await create(
        world, organiser, kind="ranked", closes="in 2 hours", anonymous=False
    )
    screen = await alice.click(poll, strings.VOTE)
    screen = await alice.select(screen, text.SELECT_RANK.format(ordinal="1st"), ["1"])
    await world.restart_bot(kill=True)  # nothing of the open ballot is held in memory
    screen = await alice.select(screen, text.SELECT_RANK.format(ordinal="2nd"), ["0"])
    saved = await alice.click(screen, text.SAVE_RANKING)
    assert "1. **Peer support groups**, 2. **Waiting times**" in saved.text
    screen = await bob.click(poll, strings.VOTE)  # the month-old button still works
    await bob.click(await bob.select(screen, text.SELECT_RANK.format(ordinal="1st"), ["1"]),
                    text.SAVE_RANKING)  # fmt: skip
    await world.bot.kill()
    world.state.now = world.now + timedelta(hours=5)  # the bot is down when it was due
    await world.restart_bot(kill=False)
    await world.settle()
    assert "Peer support groups won in round 1" in results_message(world, poll_id).text
    assert rows(world, "SELECT state FROM polls") == [("closed",)]
    assert rows(world, "SELECT state FROM jobs WHERE key = ?", (f"poll-close:{poll_id}",)) == [
        ("done",)
    ]
    await world.restart_bot(kill=True)
    await world.advance(hours=1)
    results_message(world, poll_id)  # still exactly one


def component(world: World, person, message, data: dict) -> Interaction:
    """A button press or select as Discord would send it, not yet dispatched."""
    channel = world.state.channels[message.channel_id]
    payload, iid, token = ix.base_payload(
        world.state, ix.MESSAGE_COMPONENT, person.model, channel, data
    )
    payload["message"] = message.payload()
    return Interaction(
        iid, token, ix.MESSAGE_COMPONENT, person.model, channel, channel.guild_id, payload,
        data["custom_id"], message,
    )  # fmt: skip


async def fire_at_once(world: World, made: list[Interaction]) -> None:
    await asyncio.gather(*(world.emulator.dispatch_interaction(i) for i in made))
    await asyncio.gather(*(i.acked.wait() for i in made))


async def test_200_members_voting_at_once_are_all_counted_once_and_acknowledged(make_world):
    # Edits of the poll message coalesce at the production interval (tests default to 0 s).
    world = await make_world(env={"SPEAKBACK_TEST_EDIT_INTERVAL": str(EDIT_MIN_INTERVAL)})
    organiser = await set_up(world)
    people = seed_members(world, 200)
    poll, poll_id = await create(world, organiser, kind="single")
    await world.settle()
    tasks_before = (await world.bot.control("GET", "/test/tasks"))["tasks"]
    # Everyone presses Vote at once (each ballot opens), then everyone chooses at once.
    presses = [
        component(world, p, poll, {"custom_id": f"poll:{poll_id}:vote", "component_type": 2})
        for p in people
    ]
    await fire_at_once(world, presses)
    assert not [p for p in presses if p.failed]
    choices = [
        component(
            world,
            p,
            press.original,
            {"custom_id": f"poll:{poll_id}:single", "component_type": 3, "values": [str(n % 3)]},
        )
        for n, (p, press) in enumerate(zip(people, presses, strict=True))
    ]
    await fire_at_once(world, choices)
    assert not [c for c in choices if c.failed], "every vote was acknowledged in time"
    assert all(c.response_type == 7 for c in choices)
    await world.settle()
    # 400 answered interactions leave nothing running behind them (discord.py would
    # keep each ephemeral ballot's view alive for 15 minutes on a timer task).
    tasks_after = (await world.bot.control("GET", "/test/tasks"))["tasks"]
    assert tasks_after - tasks_before < 10, (tasks_before, tasks_after)
    assert rows(world, "SELECT count(*) FROM ballots") == [(200,)]
    assert rows(world, "SELECT count(*) FROM poll_voters") == [(200,)]
    await turnout_shows(world, poll_id, "200 people have voted")
    assert world.global_429s == 0
    edits = [r for r in world.requests if r.method == "PATCH" and str(poll.id) in r.path]
    assert 1 <= len(edits) < 50, f"{len(edits)} edits of the poll message for 200 votes"
    await organiser.slash("poll close", poll=poll_id)
    assert "from 200 ballots" in results_message(world, poll_id).text


def file_bytes(world: World) -> bytes:
    path = world.root / "speakback.db"
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_after_close_the_database_file_links_no_ballot_to_a_voter(world):
    """Rule 8 on the real bot's file: vote in a known order, close, read every byte."""
    organiser = await set_up(world)
    people = seed_members(world, 6)
    options = "\n".join(f"Priority {n}" for n in range(1, 7))
    poll, poll_id = await create(world, organiser, kind="single", options=options)
    for n, person in enumerate(people, start=1):  # person n chooses option n, in this order
        await vote_single(person, poll, n)
    [(secret,)] = rows(world, "SELECT secret FROM poll_secrets")
    # A copy of the database alone (the poll's secret included) links no open ballot:
    # every member id tried against every ballot key matches none.
    member_ids = [u for (u,) in rows(world, "SELECT user_id FROM members")]
    stored = {k for (k,) in rows(world, "SELECT voter_key FROM ballots")}
    guesses = {voter_key(secret, world.guild().id, u) for u in member_ids}
    assert len(stored) == 6 and not stored & guesses
    # With the bot's secret (outside the database) each ballot is found again.
    bot_secret = world.bot.env["SPEAKBACK_SECRET"].encode()
    keys = [ballot_key(secret, bot_secret, True, world.guild().id, p.id) for p in people]
    assert stored == set(keys)
    # The last voter leaves while it is open: their ballot gets a random key, and a note
    # (a different keyed hash) says their vote is counted. Neither may outlive the close.
    leaver = people[-1]
    leave = await leaver.slash("leave")
    await leaver.click(leave, strings.LEAVE_AND_ERASE)
    [random_key] = {k for (k,) in rows(world, "SELECT voter_key FROM ballots")} - set(keys)
    assert keys[-1] not in {k for (k,) in rows(world, "SELECT voter_key FROM ballots")}
    [(left_key,)] = rows(world, "SELECT left_key FROM poll_left_voters")
    poll_only = hmac.new(secret, f"left:{world.guild().id}:{leaver.id}".encode(), hashlib.sha256)
    assert left_key != poll_only.hexdigest()  # the database alone cannot test whose it is

    await organiser.slash("poll close", poll=poll_id)
    blob = file_bytes(world)
    assert secret not in blob, "the poll secret is gone from the file, its free pages and the WAL"
    for key in [*keys, *guesses, random_key, left_key]:
        assert key.encode() not in blob and bytes.fromhex(key) not in blob
    ballots = rows(
        world, "SELECT id, voter_key, guild_id, user_id, voter_name, grp, choice FROM ballots"
    )
    assert len(ballots) == 6
    assert all(row[1:6] == (None,) * 5 for row in ballots), "nothing about the voter is left"
    columns = [c[1] for c in rows(world, "PRAGMA table_info(ballots)")]
    assert columns == [
        "id",
        "poll_id",
        "voter_key",
        "guild_id",
        "user_id",
        "voter_name",
        "choice",
        "reason",
        "grp",
    ]  # fmt: skip  (no time, no sequence)
    # Where ballots sit in the file follows their random ids, not the order of voting.
    ids = {choice: ballot_id for ballot_id, *_, choice in ballots}
    by_place = sorted(ids, key=lambda choice: blob.find(ids[choice].encode()))
    by_id = sorted(ids, key=lambda choice: ids[choice])
    assert by_place in (by_id, by_id[::-1])
    assert rows(world, "SELECT count(*) FROM poll_voters") == [(5,)]  # who voted is no secret
    assert rows(world, "SELECT count(*) FROM poll_left_voters") == [(0,)]


async def test_results_by_group_hide_small_groups(world):
    organiser = await set_up(world)
    await world.mod.slash("setup results", split_by_group=True)
    people = seed_members(world, 12)
    groups = ["lived_experience"] * 7 + ["staff"] * 3 + ["carer"] * 2
    with closing(sqlite3.connect(world.root / "speakback.db", timeout=30)) as conn, conn:
        conn.executemany(
            "INSERT INTO member_profiles (guild_id, user_id, self_described_group, updated_at) "
            "VALUES (?, ?, ?, ?)",
            [
                (world.guild().id, p.id, g, world.now.isoformat())
                for p, g in zip(people, groups, strict=True)
            ],
        )
    poll, poll_id = await create(world, organiser, kind="single")
    await asyncio.gather(
        *(
            vote_single(person, poll, 1 if group == "lived_experience" else 2)
            for person, group in zip(people, groups, strict=True)
        )
    )
    await organiser.slash("poll close", poll=poll_id)
    shown = results_message(world, poll_id).text
    assert "By self-described group" in shown
    assert "Carer: fewer than 5" in shown and "Staff: fewer than 5" in shown
    assert "Didn't say: fewer than 5" in shown
    assert "Lived experience: hidden" in shown  # else staff + carer = 12 - 7
    assert "Total: 12" in shown
    assert rows(world, "SELECT count(*) FROM ballots WHERE grp IS NOT NULL") == [(0,)]


async def test_an_anonymous_poll_with_fewer_than_5_voters_publishes_no_results(world):
    """Issue 21 (4): a one-voter anonymous poll published that person's vote."""
    organiser = await set_up(world)
    people = [world.user(name) for name in ("alice", "bob", "carol", "dev")]
    for person in people:
        await join(person)
    one, one_id = await create(world, organiser, kind="single", reasons=True)
    four, four_id = await create(world, organiser, question="Which day suits?", kind="single")
    ballot = await people[0].click(one, strings.VOTE)
    assert "fewer than 5 people vote, no results are shown" in ballot.text
    await vote_single(people[0], one, 2)
    for n, person in enumerate(people):
        await vote_single(person, four, 1 + n % 2)
    for poll_id, count in ((one_id, 1), (four_id, 4)):
        await organiser.slash("poll close", poll=poll_id)
        people_word = strings.people(count)
        too_few = text.TOO_FEW_TO_SHOW.format(count=count, people=people_word)
        results = results_message(world, poll_id)
        asked = await people[0].slash("poll results", poll=poll_id)
        export = await organiser.slash("poll export", poll=poll_id)
        table = export.attachments[0].data.decode("utf-8-sig")
        for shown in (results, asked):
            assert too_few in shown.text, shown.text
            assert not shown.attachments  # no chart
            assert "Peer support groups" not in shown.text and "came top" not in shown.text
            assert not re.search(r": \d+ votes?", shown.text), shown.text
        assert too_few in table
        rows_ = list(csv.reader(io.StringIO(table)))
        assert ["option_number", "option", "votes"] not in rows_
        assert not any(r[:1] == ["ballot"] for r in rows_), table
        assert "Peer support groups" not in table and "Out-of-hours help" not in table


async def test_a_unanimous_group_of_5_is_hidden_in_the_results_and_the_export(world):
    """Issue 21 (4): 'Carer,5,5,0' in the export told everyone how every carer voted."""
    organiser = await set_up(world)
    await world.mod.slash("setup results", split_by_group=True)
    people = seed_members(world, 37)
    groups = ["carer"] * 5 + ["lived_experience"] * 10 + ["staff"] * 12 + [None] * 10
    with closing(sqlite3.connect(world.root / "speakback.db", timeout=30)) as conn, conn:
        conn.executemany(
            "INSERT INTO member_profiles (guild_id, user_id, self_described_group, updated_at) "
            "VALUES (?, ?, ?, ?)",
            [
                (world.guild().id, p.id, g, world.now.isoformat())
                for p, g in zip(people, groups, strict=True)
                if g is not None
            ],
        )
    poll, poll_id = await create(world, organiser, kind="single")
    await asyncio.gather(  # members vote at the same time, as they would
        *(
            vote_single(person, poll, 1 if group == "carer" else 1 + n % 2)
            for n, (person, group) in enumerate(zip(people, groups, strict=True))
        )
    )
    await organiser.slash("poll close", poll=poll_id)
    export = await organiser.slash("poll export", poll=poll_id)
    table = list(csv.reader(io.StringIO(export.attachments[0].data.decode("utf-8-sig"))))
    carer = [r for r in table if r[:1] == [text.GROUP_LABELS["carer"]]]
    assert carer and all(len(r) <= 2 for r in carer), table  # no cells: not 'Carer,5,5,0'
    assert ["Carer", "5", "5", "0"] not in table
    # every group has 5 or more, so only the unanimous row and the smallest other go
    assert ["Staff", "12", "6", "6", "0"] in table, table
    shown = results_message(world, poll_id).text
    carer_line = next(line for line in shown.splitlines() if line.startswith("Carer"))
    assert "most" not in carer_line, shown
