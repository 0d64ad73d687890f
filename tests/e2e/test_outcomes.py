"""Outcomes end to end (issue 23): "you said, we did", followed through.

A poll's outcome recorded, updated twice and corrected; each update a reply under the
results, DMed once to exactly the voters who chose outcome messages (one stepping back
gets it in their resume summary instead); the review reminder once across a restart
and a two-day outage; the register and the CSV files.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from bot import strings
from bot.strings import outcomes as text
from tests.database import rows
from tests.e2e.steps import join, news
from tests.e2e.test_polls import create, poll_message, results_message, vote_single

OUTCOMES = ("dm_outcomes",)


async def set_up(world, *, moderators: bool = True):
    await world.mod.slash("setup roles", organiser=world.role("Organisers"))
    channels = {"announcements": world.channel("announcements")}
    if moderators:
        channels["moderators"] = world.channel("moderators")
    await world.mod.slash("setup channel", **channels)
    return world.user("olu", organiser=True)


async def closed_poll(world, organiser, voters):
    poll, poll_id = await create(world, organiser, kind="single")
    for number, person in enumerate(voters):
        await vote_single(person, poll, 1 + number % 3)
    await organiser.slash("poll close", poll=poll_id)
    await world.settle()
    return poll_id


def outcome_posts(world) -> list:
    return [
        m
        for m in world.channel("announcements").messages
        if m.embeds and m.embeds[0].get("title", "").startswith("You said, we did")
    ]


def outcome_news(person) -> list:
    return [m for m in news(person) if "You said, we did" in m.text]


async def update(organiser, item, **fields):
    form = await organiser.slash("outcome update", item=item)
    assert form.modal is not None, form.text
    return form, await organiser.submit_modal(form, **fields)


async def test_an_outcome_recorded_updated_corrected_and_listed(world):
    olu = await set_up(world)
    alice, bob, carol, dev = (world.user(n) for n in ("alice", "bob", "carol", "dev"))
    erin, fay = world.user("erin"), world.user("fay")
    for person in (alice, bob, carol, dev, fay):
        await join(person, OUTCOMES)
    await join(erin)  # no outcome messages
    voters = (alice, bob, carol, dev, erin, fay)
    poll_id = await closed_poll(world, olu, voters)
    item = f"poll:{poll_id}"

    # /poll outcome opens the outcomes form: what was decided, status, progress...
    form = await olu.slash("poll outcome", poll=poll_id)
    assert form.modal is not None and "Status" in form.text and "Next review date" in form.text
    done = await olu.submit_modal(
        form, decided="We will start an evening peer support group.", by_when="by March"
    )
    assert "5 people who asked for outcome messages will be told" in done.text, done.text
    assert "Next review: 1 March 2027" in done.text
    await world.settle()
    results = results_message(world, poll_id)
    [first] = outcome_posts(world)
    assert first.reply_to == results.id and "evening peer support" in first.text
    assert "Planned" in first.text
    for person in (alice, bob, carol, dev, fay):
        assert len(outcome_news(person)) == 1, person.name
    assert outcome_news(erin) == []
    again = await olu.slash("poll outcome", poll=poll_id)
    assert "already recorded" in again.text and "/outcome update" in again.text

    # Fay steps back: the next update waits for her summary.
    await fay.slash("me pause")
    form, posted = await update(
        olu, item, happened="We have found a room on Thursdays.", status="in progress",
        progress="40%",
    )  # fmt: skip
    assert "5 will be told" in form.modal["title"]  # stepping back or not: nobody singled out
    assert posted.ephemeral and "Update posted" in posted.text
    await world.settle()
    second = outcome_posts(world)[-1]
    assert second.reply_to == results.id
    assert "In progress (40%)" in second.text and "found a room" in second.text
    # Where people look: the results and the poll's post show the status and its date.
    shown = results_message(world, poll_id)
    assert "In progress (40%), last update <t:" in shown.text
    assert len(shown.attachments) == len(results.attachments)  # the chart stays
    assert "In progress (40%), last update <t:" in poll_message(world, poll_id).text
    for person in (alice, bob, carol, dev):
        assert len(outcome_news(person)) == 2, person.name
    assert len(outcome_news(fay)) == 1 and outcome_news(erin) == []

    # A correction changes the wording only and tells nobody.
    dms_before = sum(len(p.dms) for p in voters)
    posts_before = len(world.channel("announcements").messages)
    fix = await olu.slash("outcome correct", item=item)
    assert fix.modal is not None
    fixed = await olu.submit_modal(
        fix,
        decided="We will start an evening peer support group, run by members.",
        latest="We have found a room on Thursday evenings.",
        by_when="by March",
    )
    assert "Nobody was told" in fixed.text
    await world.settle()
    assert sum(len(p.dms) for p in voters) == dms_before
    assert len(world.channel("announcements").messages) == posts_before
    assert rows(world, "SELECT field, earlier FROM outcome_corrections ORDER BY id") == [
        ("statement", "We will start an evening peer support group."),
        ("body", "We have found a room on Thursdays."),
    ]
    # What was posted shows the corrected words, each post keeping its own status.
    first, second = outcome_posts(world)
    assert "run by members" in first.text and "Planned" in first.text
    assert "run by members" in second.text and "Thursday evenings" in second.text
    assert "In progress (40%)" in second.text and "Thursdays." not in second.text

    # Done: no review date; nothing more without reopening.
    await world.advance(days=20)
    _, finished = await update(
        olu, item, happened="The group met for the first time.", status="done"
    )
    assert "No review date" in finished.text
    await world.settle()
    assert "Done" in outcome_posts(world)[-1].text
    for person in (alice, bob, carol, dev):
        assert len(outcome_news(person)) == 3
    assert rows(world, "SELECT status, review_on FROM outcomes") == [("done", None)]
    form, refused = await update(olu, item, happened="More news", status="in progress")
    assert "reopen it first" in refused.text and strings.FIX_IT in refused.buttons
    assert len(rows(world, "SELECT id FROM outcome_updates")) == 3

    # Fay comes back: the two updates are in her summary, never sent as DMs.
    back = await fay.slash("me resume")
    assert "found a room" in back.text and "first time" in back.text
    await world.settle()
    assert len(outcome_news(fay)) == 1

    # /me show says how to follow outcomes.
    assert "Outcome messages are on" in (await alice.slash("me show")).text
    assert "Outcome messages are off" in (await erin.slash("me show")).text

    # The register, everyone's.
    listing = await erin.slash("decisions")
    assert listing.ephemeral and "Poll: What should we improve first?" in listing.text
    assert "run by members" in listing.text and "Done" in listing.text
    only_planned = await erin.select(listing, "decisions:filter", ["planned"])
    assert "What should we improve first?" not in only_planned.text
    assert "No outcomes are planned" in only_planned.text

    # The export: one table per file, ISO dates in the server's zone.
    export = await olu.slash("outcome export")
    [archive] = export.attachments
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zipped:
        assert sorted(zipped.namelist()) == ["outcomes.csv", "updates.csv"]
        outcomes = list(csv.reader(io.StringIO(zipped.read("outcomes.csv").decode("utf-8-sig"))))
        updates = list(csv.reader(io.StringIO(zipped.read("updates.csv").decode("utf-8-sig"))))
    assert outcomes[0][:6] == [
        "outcome_id",
        "item_kind",
        "item_id",
        "item_title",
        "statement",
        "status",
    ]
    assert outcomes[1][1:3] == ["poll", str(poll_id)] and outcomes[1][5] == "done"
    assert updates[0][:5] == ["outcome_id", "update_id", "kind", "posted_at", "what_happened"]
    assert [u[2] for u in updates[1:]] == ["recorded", "update", "update"]
    assert updates[1][3].startswith("2026-12-") and updates[1][3].endswith("+00:00")
    assert updates[2][-2].startswith("2026-12-")  # corrected on
    everything = archive.data.decode("latin-1")
    assert not any(str(p.id) in everything for p in voters)


async def test_the_review_reminder_comes_once_across_a_restart_and_an_outage(world):
    olu = await set_up(world)
    alice = world.user("alice")
    await join(alice, OUTCOMES)
    poll_id = await closed_poll(world, olu, (alice,))
    _, done = await update(
        olu, f"poll:{poll_id}", decided="We will publish waiting times monthly.",
        review="in 2 weeks",
    )  # fmt: skip
    assert "Next review: 15 December 2026" in done.text, done.text
    await world.restart_bot(kill=True)
    await world.advance(days=13)
    assert not [m for m in world.channel("moderators").messages if text.REMINDER_TITLE in m.text]
    await world.bot.kill()
    world.state.now = world.now + timedelta(days=3)  # down on the review date, and after
    await world.restart_bot(kill=False)
    await world.settle()
    reminders = [m for m in world.channel("moderators").messages if text.REMINDER_TITLE in m.text]
    assert len(reminders) == 1
    [reminder] = reminders
    assert "It's time to update members on What should we improve first?" in reminder.text
    assert "last update 2 weeks ago, status planned" in reminder.text
    assert text.UPDATE_NOW in reminder.buttons and reminder.pings.anyone is False
    status = await world.mod.slash("status")
    assert "What should we improve first?" in status.text
    await world.restart_bot(kill=True)
    await world.advance(days=1)
    assert (
        len([m for m in world.channel("moderators").messages if text.REMINDER_TITLE in m.text]) == 1
    )
    form = await olu.click(reminder, text.UPDATE_NOW)
    assert form.modal is not None and "What has happened" in form.text


async def test_a_network_polls_update_reaches_every_copy_and_each_voter_once(network):
    from tests.e2e.linked import BRADFORD, LEEDS, SERVERS, WAKEFIELD, cast
    from tests.e2e.linked import join as join_in
    from tests.e2e.test_network_polls import copy_in, results_in
    from tests.e2e.test_network_polls import create as create_network_poll
    from tests.e2e.test_network_polls import vote as vote_in
    from tests.e2e.test_opportunities import eventually

    world, _mods = network
    c = cast(world)
    leeds = c.leeds
    await join_in(c.ada, leeds, OUTCOMES)
    await join_in(c.ben, c.bradford)  # no messages
    await join_in(c.wyn, c.wakefield, OUTCOMES)
    await join_in(c.sam, c.bradford, OUTCOMES)
    await join_in(c.sam, leeds, OUTCOMES)
    _done, poll_id = await create_network_poll(world, c.olu)
    await eventually(world, lambda: all(copy_in(world, n, poll_id) for n in SERVERS))
    await vote_in(c.ada, copy_in(world, LEEDS, poll_id), 1)
    await vote_in(c.ben, copy_in(world, BRADFORD, poll_id), 2)
    await vote_in(c.wyn, copy_in(world, WAKEFIELD, poll_id), 2)
    await vote_in(c.sam, copy_in(world, BRADFORD, poll_id), 3)
    await c.olu.slash("poll close", in_guild=leeds, poll=poll_id)
    await eventually(world, lambda: all(len(results_in(world, n, poll_id)) == 1 for n in SERVERS))

    # Bradford's organisers see the outcome here, but it belongs to Leeds.
    bea = world.user("bea", organiser=True, guilds=[c.bradford])
    refused = await bea.slash("outcome update", in_guild=c.bradford, item=f"poll:{poll_id}")
    assert refused.modal is None and LEEDS in refused.text

    for said in ("Evening groups will start.", "The first group has met."):
        form = await c.olu.slash("outcome update", in_guild=leeds, item=f"poll:{poll_id}")
        fields = {"decided": said} if "start" in said else {"happened": said, "status": "done"}
        await c.olu.submit_modal(form, **fields)
        await world.settle()
        for name in SERVERS:
            results = results_in(world, name, poll_id)[0]
            replies = [
                m
                for m in world.guild(name).channel("announcements").messages
                if m.reply_to == results.id and said in m.text
            ]
            assert len(replies) == 1, name
    for person in (c.ada, c.wyn, c.sam):  # in the server each counts in, once per update
        assert len([m for m in person.dms if "You said, we did" in m.text]) == 2, person.name
    assert not [m for m in c.ben.dms if "You said, we did" in m.text]
    listed = await c.wyn.slash("decisions", in_guild=c.wakefield)
    assert "Poll: What should we improve first?" in listed.text and "Done" in listed.text
    assert f"/{c.wakefield.id}/" in listed.text  # the link is to Wakefield's own copy


async def test_opportunities_have_outcomes_and_the_item_list_names_each_kind(world):
    from tests.e2e.steps import post_opportunity

    olu = await set_up(world, moderators=False)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice, OUTCOMES)
    await join(bob)
    await closed_poll(world, olu, (alice,))
    _done, post, opp_id = await post_opportunity(world, olu)
    await alice.click(post, strings.INTERESTED)
    await bob.click(post, strings.INTERESTED)
    choices = await olu.autocomplete("outcome update", "item")
    assert sorted(c.name for c in choices) == [
        "Opportunity: Co-deliver staff training",
        "Poll: What should we improve first?",
    ]
    [opportunity] = [c for c in choices if c.name.startswith("Opportunity")]
    assert opportunity.value == f"opportunity:{opp_id}"

    form = await olu.slash("outcome update", item=opportunity.value)
    assert form.modal["title"] == text.RECORD_TITLE
    done = await olu.submit_modal(
        form, decided="Ward staff asked for two more sessions.", review="in 1 week"
    )
    assert "Fewer than 5 people who asked for outcome messages" in done.text, done.text
    await world.settle()
    [reply] = [m for m in world.channel("announcements").messages if m.reply_to == post.id]
    assert "two more sessions" in reply.text
    assert len(outcome_news(alice)) == 1 and outcome_news(bob) == []

    # Neither an organisers nor a moderators channel: the reminder has nowhere to go.
    shown = await world.mod.slash("setup show")
    assert text.ATTENTION_NO_REVIEW_CHANNEL in shown.text
    await world.advance(days=8)
    status = await world.mod.slash("status")
    assert "Co-deliver staff training" in status.text and "undeliverable" in status.text
    # Set one, and the reminder comes, late rather than missed, once.
    await world.mod.slash(
        "setup channel",
        announcements=world.channel("announcements"),
        moderators=world.channel("moderators"),
    )
    await world.settle()
    reminders = [m for m in world.channel("moderators").messages if text.REMINDER_TITLE in m.text]
    assert len(reminders) == 1 and "Co-deliver staff training" in reminders[0].text
    status = await world.mod.slash("status")
    assert "undeliverable" not in status.text


async def test_an_ideas_outcome_reaches_its_supporters_who_asked(world):
    from bot.strings import ideas as idea_text
    from tests.e2e.test_ideas import idea_post, raise_idea

    olu = await set_up(world)
    await world.mod.slash("setup ideas", review=False)
    alice, bob, carol = world.user("alice"), world.user("bob"), world.user("carol")
    await join(alice)
    await join(bob, OUTCOMES)
    await join(carol)
    await raise_idea(alice, title="Peer mentors on the ward")
    await world.settle()
    post = idea_post(world, 1)
    await bob.click(post, idea_text.SUPPORT)
    await carol.click(post, idea_text.SUPPORT)
    [choice] = await olu.autocomplete("outcome update", "item", "mentors")
    assert choice.name == "Idea: Peer mentors on the ward" and choice.value == "idea:1"

    # A refused form is kept: Fix it opens it again as typed.
    form = await olu.slash("outcome update", item="idea:1")
    refused = await olu.submit_modal(
        form, decided="Two peer mentors will start in spring.", progress="half"
    )
    assert "0 to 100" in refused.text and strings.FIX_IT in refused.buttons
    assert rows(world, "SELECT count(*) FROM outcomes") == [(0,)]
    again = await olu.click(refused, strings.FIX_IT)
    assert "Two peer mentors will start in spring." in str(again.modal)
    await olu.submit_modal(again, progress="10")
    await world.settle()
    [reply] = [m for m in world.channel("announcements").messages if m.reply_to == post.id]
    assert "Two peer mentors" in reply.text and "Planned (10%)" in reply.text
    assert len(outcome_news(bob)) == 1
    assert outcome_news(carol) == [] and outcome_news(alice) == []
    assert "Planned (10%), last update" in idea_post(world, 1).text
    # Supporting again refreshes the post; the outcome stays on it.
    await alice.click(idea_post(world, 1), idea_text.SUPPORT)
    await world.settle()
    assert "Planned (10%), last update" in idea_post(world, 1).text


async def test_after_retention_erased_the_voters_updates_are_posted_only(world):
    olu = await set_up(world)
    await world.mod.slash("setup retention", months=1)
    alice = world.user("alice")
    await join(alice, OUTCOMES)
    poll_id = await closed_poll(world, olu, (alice,))
    await update(olu, f"poll:{poll_id}", decided="We will publish waiting times.")
    await world.settle()
    assert len(outcome_news(alice)) == 1
    await world.advance(days=40)
    assert rows(world, "SELECT count(*) FROM poll_voters") == [(0,)]
    form, done = await update(olu, f"poll:{poll_id}", happened="The first figures are out.")
    assert "posted only" in form.modal["title"]
    assert "erased after the retention period" in done.text
    await world.settle()
    assert "first figures" in outcome_posts(world)[-1].text
    assert len(outcome_news(alice)) == 1
    assert rows(world, "SELECT count(*) FROM outcomes") == [(1,)]  # retention keeps outcomes
