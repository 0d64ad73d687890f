"""Ideas end to end (issue 22, rule 17): members raise, moderators review, members
support (counted, never listed), organisers must answer, and leaving leaves no trace.
"""

from __future__ import annotations

import contextlib
import json
import re

from bot import strings
from bot.strings import ideas as text
from bot.strings import membership as member_text
from bot.strings import pages as pages_text
from tests.database import rows
from tests.e2e.steps import everything_seen_by, join
from tests.e2e.test_leaving_server import wait_until_dead
from tests.e2e.test_membership import where_id_appears
from tests.emulator.world import World

BODY = "Staff could learn from us how it feels\nto be restrained.\nLet us co-deliver it."


async def set_up(world: World):
    await world.mod.slash("setup roles", organiser=world.role("Organisers"))
    await world.mod.slash(
        "setup channel",
        announcements=world.channel("announcements"),
        moderators=world.channel("moderators"),
    )
    return world.user("olu", organiser=True)


async def raise_idea(person, title="Co-produced risk training", **fields):
    form = await person.slash("idea new")
    assert form.modal is not None, form.text
    return await person.submit_modal(form, title=title, body=BODY, **fields)


def idea_id_of(message) -> int:
    return int(re.search(r"Idea (\d+)", message.text).group(1))


def idea_post(world: World, idea_id: int):
    for message in world.channel("announcements").messages:
        if f"Idea {idea_id}" in message.text:
            return message
    raise AssertionError("idea post not found")


def notices(world: World, words: str) -> list:
    return [m for m in world.channel("moderators").messages if words in m.text]


async def test_the_whole_story_of_an_idea(world):
    olu = await set_up(world)
    alice = world.user("alice")
    await join(alice)
    await join(olu)

    sent = await raise_idea(alice, affects="Ward staff", content_note="mentions restraint")
    assert sent.ephemeral and "gone to the moderators" in sent.text
    review = world.channel("moderators").last
    assert "a member" in review.text and "alice" not in review.text
    assert str(alice.id) not in review.text
    idea_id = idea_id_of(review)
    assert rows(world, "SELECT state FROM ideas") == [("review",)]

    # Who wrote this? answers a moderator only, ephemerally.
    who = await world.mod.click(review, text.WHO_WROTE)
    assert who.ephemeral and f"<@{alice.id}>" in who.text
    bob = world.user("bob")
    refused = await bob.click(review, text.WHO_WROTE)
    assert str(alice.id) not in refused.text and "Manage Server" in refused.text

    published = await world.mod.click(review, text.PUBLISH)
    assert published.ephemeral and "Published" in published.text
    await world.settle()
    post = idea_post(world, idea_id)
    assert post.text.index("Content note") < post.text.index("to be restrained")
    assert "||" in post.text  # the text is behind its content note
    assert "Supporters:** 0" in post.text
    assert [b for b in post.buttons] == [text.SUPPORT, text.WITHDRAW_SUPPORT]
    assert "Published" in world.channel("moderators").last.text

    # Someone who has not joined gets the join hint and changes nothing.
    zed = world.user("zed")
    hint = await zed.click(post, text.SUPPORT)
    assert hint.content == strings.JOIN_FIRST and hint.buttons == [strings.READ_ABOUT_JOINING]
    assert rows(world, "SELECT count(*) FROM idea_supports") == [(0,)]

    carol, dan, erin, fay = (world.user(n) for n in ("carol", "dan", "erin", "fay"))
    await join(bob, ("dm_outcomes",))
    await join(carol, ("dm_outcomes",))
    await join(dan)
    await join(erin, ("dm_outcomes",))
    await join(fay)

    first = await bob.click(post, text.SUPPORT)
    assert "You support" in first.text
    again = await bob.click(post, text.SUPPORT)  # twice counts once
    assert "already support" in again.text
    await carol.click(post, text.SUPPORT)
    out = await carol.click(post, text.WITHDRAW_SUPPORT)
    assert "no longer support" in out.text
    await carol.click(post, text.SUPPORT)
    await dan.click(post, text.SUPPORT)
    await erin.click(post, text.SUPPORT)
    assert notices(world, "waiting for your answer") == []
    await fay.click(post, text.SUPPORT)
    await world.settle()
    assert rows(world, "SELECT supporters FROM ideas") == [(5,)]
    post = idea_post(world, idea_id)
    assert "Supporters:** 5" in post.text and text.STATUS_WAITING in post.text
    [notice] = notices(world, "waiting for your answer")
    assert "<@" not in notice.text  # it mentions nobody
    # Dipping under and back over the threshold does not notify twice.
    await fay.click(post, text.WITHDRAW_SUPPORT)
    await fay.click(post, text.SUPPORT)
    await world.settle()
    assert len(notices(world, "waiting for your answer")) == 1

    # The reminder: once, after answer_within_days (28), across a restart.
    await world.advance(days=10)
    await world.restart_bot(kill=True)
    await world.advance(days=17)
    assert notices(world, "Still waiting") == []
    await world.advance(days=1, hours=1)
    await world.settle()
    assert len(notices(world, "Still waiting")) == 1
    await world.restart_bot(kill=True)
    await world.advance(days=30)
    assert len(notices(world, "Still waiting")) == 1

    # Erin steps back; her outcome news is not sent while she is away.
    await erin.slash("me pause")
    dms_before = {p.name: len(p.dms) for p in (alice, bob, carol, dan, erin, fay)}

    # The answer: Not now needs a reason.
    form = await olu.slash("idea respond", idea=idea_id, answer="not_now")
    no_reason = await olu.submit_modal(form, summary="Not this year")
    assert "give a reason" in no_reason.text
    assert rows(world, "SELECT state FROM ideas") == [("open",)]
    form = await olu.slash("idea respond", idea=idea_id, answer="forward")
    done = await olu.submit_modal(
        form, reason="The trust agreed it", summary="We will co-design the training with you"
    )
    assert done.ephemeral and "Your answer is on the idea" in done.text
    assert "`/opportunity post title:Co-produced risk training`" in done.text
    await world.settle()
    post = idea_post(world, idea_id)
    assert "We'll take this forward" in post.text and "co-design" in post.text
    assert post.buttons == []
    told = {p.name: len(p.dms) - dms_before[p.name] for p in (alice, bob, carol, dan, erin, fay)}
    assert told == {"alice": 1, "bob": 1, "carol": 1, "dan": 0, "erin": 0, "fay": 0}
    assert "your idea" in alice.dms[-1].text and "co-design" in alice.dms[-1].text
    assert "you supported" in bob.dms[-1].text

    # Nothing an organiser or a moderator can see names or identifies a supporter.
    supporters = (bob, carol, dan, erin, fay)
    export = await olu.slash("me export")
    exported = export.attachments[0].data.decode()
    for viewer in (olu, world.mod):
        seen = everything_seen_by(world, viewer) + exported
        for person in supporters:
            assert str(person.id) not in seen, (viewer.name, person.name)
            assert person.name not in seen, (viewer.name, person.name)

    # A supporter's export holds their support; nobody else's.
    bob_export = json.loads((await bob.slash("me export")).attachments[0].data)
    assert [s["idea_id"] for s in bob_export["tables"]["idea_supports"]] == [idea_id]
    assert str(carol.id) not in json.dumps(bob_export)

    # Start a poll: the poll form, with the question written already.
    form = await olu.click(done, text.START_A_POLL)
    assert "Co-produced risk training" in json.dumps(form.modal)
    refused = await olu.submit_modal(form, options="Half a day\nA film", kind="sometimes")
    assert refused.buttons == [strings.FIX_IT]  # a kind it can't read keeps the form
    form = await olu.click(refused, strings.FIX_IT)
    assert "Half a day\\nA film" in json.dumps(form.modal)  # the options as typed
    readback = await olu.submit_modal(form, kind="single", anonymous="no")
    assert "as I read it" in readback.text and "Co-produced risk training" in readback.text

    # /ideas: alice sees her own idea first, answered.
    listing = await alice.slash("ideas")
    assert listing.ephemeral and "Your ideas" in listing.text and "Answered" in listing.text


async def test_leaving_takes_the_author_and_supporters_off_everything(world):
    await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    details = await alice.click(await alice.slash("me settings"), member_text.EDIT_DETAILS)
    await alice.submit_modal(details, preferred_name="Ali")
    await raise_idea(alice, show_name="name")
    review = world.channel("moderators").last
    assert "Raised by a member" in review.text and "Ali" not in review.text
    await world.mod.click(review, text.PUBLISH)
    await world.settle()
    idea_id = idea_id_of(review)
    post = idea_post(world, idea_id)
    assert "Raised by Ali" in post.text
    await bob.click(post, text.SUPPORT)

    for person in (alice, bob):
        confirm = await person.slash("leave")
        await person.click(confirm, strings.LEAVE_AND_ERASE)
    await world.settle()
    post = idea_post(world, idea_id)
    assert "Raised by a member" in post.text and "Ali" not in post.text
    assert "Supporters:** 1" in post.text  # the count stays
    assert "Ali" not in world.channel("moderators").messages[0].text
    for person in (alice, bob):
        assert where_id_appears(world, person.id) == [], person.name
    assert rows(world, "SELECT count(*) FROM ideas WHERE author_name IS NOT NULL") == [(0,)]


async def test_a_refused_idea_tells_only_its_author(world):
    await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob, ("dm_outcomes",))
    bob_before = len(bob.dms)  # joining with DM kinds may send a check DM
    await raise_idea(alice, title="Sack the ward manager")
    review = world.channel("moderators").last
    form = await world.mod.click(review, text.NOT_PUBLISHED)
    done = await world.mod.submit_modal(
        form, reason="It names someone; please use the complaints process"
    )
    assert done.ephemeral and "author has been told" in done.text
    await world.settle()
    assert len(alice.dms) == 1 and "complaints process" in alice.dms[0].text
    assert "/support" in alice.dms[0].text
    assert len(bob.dms) == bob_before
    assert not any(
        "Sack the ward manager" in m.text for m in world.channel("announcements").messages
    )
    listing = await alice.slash("ideas")
    assert "Not published" in listing.text and "complaints process" in listing.text


async def test_same_title_points_to_support_and_limits_are_kind(world):
    await set_up(world)
    await world.mod.slash("setup ideas", review=False)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    posted = await raise_idea(alice, title="Café in the day unit")
    assert "being posted" in posted.text
    await world.settle()
    same = await raise_idea(bob, title="  CAFE\u0301 in the DAY unit ")
    assert "already an idea" in same.text and "support it instead" in same.text
    assert "https://discord.com/channels/" in same.text
    assert rows(world, "SELECT count(*) FROM ideas") == [(1,)]

    await raise_idea(alice, title="Second idea")
    await raise_idea(alice, title="Third idea")
    fourth = await alice.slash("idea new")
    assert fourth.modal is None and "3 ideas today" in fourth.text
    await world.advance(days=1)
    assert (await alice.slash("idea new")).modal is not None

    low = await world.mod.slash("setup ideas", threshold=3)
    assert "at least 5" in low.text and "Nothing was changed" in low.text
    assert rows(world, "SELECT ideas_threshold FROM guild_settings") == [(5,)]

    listing = await bob.slash("ideas", order="supported")
    assert "fewer than 5" in listing.text and "Open ideas" in listing.text


async def test_ideas_wait_for_a_moderators_channel_when_reviewed(world):
    await world.mod.slash("setup channel", announcements=world.channel("announcements"))
    alice = world.user("alice")
    await join(alice)
    reply = await alice.slash("idea new")
    assert reply.modal is None and "aren't open here yet" in reply.text
    shown = await world.mod.slash("setup show")
    assert "Needs attention" in shown.text


async def test_a_network_idea_counts_each_person_once_across_the_network(network):
    from tests.e2e.linked import BRADFORD, LEEDS, WAKEFIELD, cast, post_in
    from tests.e2e.linked import join as join_in

    world, mods = network
    c = cast(world)
    await mods[LEEDS].slash("setup ideas", in_guild=c.leeds, review=False)
    for person, guild in ((c.ada, c.leeds), (c.ben, c.bradford), (c.wyn, c.wakefield)):
        await join_in(person, guild)
    await join_in(c.sam, c.leeds)
    await join_in(c.sam, c.bradford)

    form = await c.ada.slash("idea new", in_guild=c.leeds, network=True)
    await c.ada.submit_modal(form, title="A network peer line", body=BODY)
    await world.settle()
    copies = {name: post_in(world, name, "Idea", 1) for name in (LEEDS, BRADFORD, WAKEFIELD)}
    assert all(copies.values())

    await c.sam.click(copies[LEEDS], text.SUPPORT)
    again = await c.sam.click(copies[BRADFORD], text.SUPPORT)  # the same person, elsewhere
    assert "already support" in again.text
    await c.ben.click(copies[BRADFORD], text.SUPPORT)
    await c.wyn.click(copies[WAKEFIELD], text.SUPPORT)
    await world.settle()
    assert rows(world, "SELECT supporters FROM ideas") == [(3,)]
    assert rows(world, "SELECT count(*) FROM idea_supports") == [(3,)]
    for name in (LEEDS, BRADFORD, WAKEFIELD):
        assert "Supporters:** 3" in post_in(world, name, "Idea", 1).text
    listed = await c.wyn.slash("ideas", in_guild=c.wakefield)  # listed where it was posted
    assert "A network peer line" in listed.text
    assert f"/{c.wakefield.id}/" in listed.text  # the link is to this server's copy

    # A server that is not linked cannot raise a network idea.
    alone = await world.add_guild("Elsewhere")
    mo = world.user("mo", moderator=True, guilds=[alone])
    await mo.slash("setup channel", in_guild=alone, announcements=alone.channel("announcements"))
    await mo.slash("setup ideas", in_guild=alone, review=False)
    zoe = world.user("zoe", guilds=[alone])
    await join_in(zoe, alone)
    refused = await zoe.slash("idea new", in_guild=alone, network=True)
    assert refused.modal is None and "network" in refused.text


async def test_the_author_can_edit_before_review_and_withdraw_until_answered(world):
    await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    await raise_idea(alice, title="Evening drop-in")
    listing = await alice.slash("ideas")
    assert listing.buttons == [text.EDIT, text.WITHDRAW]
    assert (await bob.slash("ideas")).buttons == []  # nobody else's to change

    form = await alice.click(listing, text.EDIT)
    edited = await alice.submit_modal(form, title="Evening drop-in on Thursdays")
    assert "is changed" in edited.text
    await world.settle()
    assert "Evening drop-in on Thursdays" in world.channel("moderators").last.text

    await world.mod.click(world.channel("moderators").last, text.PUBLISH)
    await world.settle()
    listing = await alice.slash("ideas")
    assert listing.buttons[0] == text.WITHDRAW  # no Edit once it is posted
    assert listing.buttons[1:] == [
        f"{pages_text.WORDS_PUBLIC} ({idea_id_of(world.channel('moderators').last)})"
    ]
    gone = await alice.click(listing, text.WITHDRAW)
    assert "withdrawn" in gone.text
    await world.settle()
    post = world.channel("announcements").last
    assert text.STATUS_WITHDRAWN in post.text and post.buttons == []
    assert (await alice.slash("ideas")).buttons == []


async def test_a_kill_after_the_erasure_commits_still_takes_the_name_off_the_posts(world):
    await set_up(world)
    await world.mod.slash("setup ideas", review=False)
    alice = world.user("alice")
    await join(alice)
    details = await alice.click(await alice.slash("me settings"), member_text.EDIT_DETAILS)
    await alice.submit_modal(details, preferred_name="Ali")
    await raise_idea(alice, show_name="name")
    await world.settle()
    assert "Raised by Ali" in world.channel("announcements").last.text

    await world.bot.control("POST", "/test/fault", {"at": "after_erasure"})
    confirm = await alice.slash("leave")
    with contextlib.suppress(Exception):  # the bot dies before it can answer
        await alice.click(confirm, strings.LEAVE_AND_ERASE)
    await wait_until_dead(world)
    world.clear_problems()
    assert rows(world, "SELECT count(*) FROM members") == [(0,)]  # the erasure committed
    await world.restart_bot(kill=True)
    await world.settle()
    post = world.channel("announcements").last
    assert "Raised by a member" in post.text and "Ali" not in post.text


async def test_a_refused_idea_form_keeps_what_was_typed(world):
    await set_up(world)
    alice = world.user("alice")
    await join(alice)
    refused = await raise_idea(alice, title="   ", affects="Ward staff")
    assert text.TITLE_EMPTY in refused.text and refused.buttons == [strings.FIX_IT]
    assert rows(world, "SELECT count(*) FROM ideas") == [(0,)]  # nothing saved

    again = await alice.click(refused, strings.FIX_IT)
    inputs = [c for row in again.modal["components"] for c in row.get("components", [])]
    typed = {c["custom_id"]: c.get("value") or "" for c in inputs}
    assert typed["body"] == BODY and typed["affects"] == "Ward staff"
    sent = await alice.submit_modal(again, title="Co-produced risk training")
    assert "moderators" in sent.text
    assert rows(world, "SELECT count(*) FROM ideas") == [(1,)]
