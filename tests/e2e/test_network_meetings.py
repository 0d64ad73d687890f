"""Network-wide meetings end to end: three linked servers, one meeting (issue 10).

An organiser of one server schedules with `network:true`; the post appears in
every linked server; members answer in their own server, once per person per
occurrence, counted where they first answered; reminders reach Going/Maybe
members of every server under that server's own consent and pause; names show
only for people who chose to show theirs; the per-server breakdown hides small
groups; an unlinked server gets no new posts and can no longer answer. Commands
are synced globally (no DEV_GUILD_ID). The clock starts Tuesday 1 December 2026,
09:00 UTC; the servers' zone is Europe/London (GMT now).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot import strings
from bot.strings import meetings as text
from bot.strings.networks import LEAVE_NETWORK, LEFT_THE_NETWORK
from tests.database import rows
from tests.e2e.linked import BRADFORD, LEEDS, SERVERS, WAKEFIELD, cast, join, post_in
from tests.e2e.test_opportunities import eventually

REMINDERS = ("dm_reminders",)
MEETING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # Thursday 18:00 London


def copy_in(world, server: str, meeting_id: int):
    return post_in(world, server, "Meeting", meeting_id)


def reminders(person) -> list:
    return [m for m in person.dms if "Reminder:" in m.text]


async def schedule(world, organiser, title: str, start: str = "2026-12-03 18:00"):
    echo = await organiser.slash(
        "meeting schedule", in_guild=world.guild(LEEDS), title=title, start=start, network=True
    )
    assert echo.ephemeral and "shared with your network" in echo.text, echo.text
    announced = world.guild(LEEDS).channel("announcements").messages
    assert all(title not in m.text for m in announced)  # nothing is posted before Post it
    done = await organiser.click(echo, text.POST_IT)
    last = world.guild(LEEDS).channel("announcements").last
    return done, int(re.search(r"Meeting (\d+)", last.text).group(1))


async def test_one_meeting_reaches_three_servers_and_each_person_answers_once(network):
    world, _mods = network
    c = cast(world)
    leeds, bradford, wakefield = c.leeds, c.bradford, c.wakefield
    olu, ada, ben, wyn, sam = c.olu, c.ada, c.ben, c.wyn, c.sam  # sam: Leeds and Bradford
    await join(ada, leeds, REMINDERS)
    await join(ben, bradford, REMINDERS)
    await join(wyn, wakefield)  # Wakefield: no messages, by choice
    await join(sam, bradford, REMINDERS)
    await join(sam, leeds, REMINDERS)

    done, meeting_id = await schedule(world, olu, "Network catch-up")
    # One post, three announcements channels; the organiser is told where it went.
    assert "in 3 servers" in done.text and all(name in done.text for name in SERVERS)
    await eventually(world, lambda: all(copy_in(world, n, meeting_id) for n in SERVERS))
    assert rows(
        world,
        "SELECT count(*) FROM item_copies WHERE kind = 'meeting' AND item_id = ?",
        (meeting_id,),
    ) == [(3,)]
    for name in SERVERS:
        copy = copy_in(world, name, meeting_id)
        assert copy.buttons == [strings.GOING, strings.MAYBE, strings.CANT_MAKE_IT]
        assert f"Shared with the network by **{LEEDS}**" in copy.text
        assert f"<t:{int(MEETING.timestamp())}:F>" in copy.text

    # Members answer in their own server's copy.
    await ada.click(copy_in(world, LEEDS, meeting_id), strings.GOING)
    said = await ben.click(copy_in(world, BRADFORD, meeting_id), strings.GOING)
    assert "Saved: **Going**" in said.text and "24 hours and 1 hour before" in said.text
    said = await wyn.click(copy_in(world, WAKEFIELD, meeting_id), strings.MAYBE)
    # Wakefield's own choice applies: reminders are off there, and offered in context.
    assert text.REMIND_ME in said.buttons and "Reminders are off for you" not in said.text
    await sam.click(copy_in(world, BRADFORD, meeting_id), strings.GOING)
    again = await sam.click(copy_in(world, LEEDS, meeting_id), strings.MAYBE)
    assert "counted there, once" in again.text and BRADFORD in again.text
    assert sorted(
        rows(
            world,
            "SELECT user_id, guild_id, status FROM meeting_rsvps WHERE meeting_id = ?",
            (meeting_id,),
        )
    ) == sorted(
        [
            (ada.id, leeds.id, "going"),
            (ben.id, bradford.id, "going"),
            (wyn.id, wakefield.id, "maybe"),
            (sam.id, bradford.id, "maybe"),  # counted where sam first answered
        ]
    )
    # Every copy shows the network totals: four people, each once.
    await world.settle()
    for name in SERVERS:
        await eventually(
            world,
            lambda n=name: "**Going:** 2 - **Maybe:** 2" in copy_in(world, n, meeting_id).text,
        )
        assert "Total: 4 answers" in copy_in(world, name, meeting_id).text

    # Names: nobody's shows unless they choose; ben's choice is explained first.
    for name in SERVERS:
        shown = copy_in(world, name, meeting_id).text
        assert all(str(p.id) not in shown for p in (ada, ben, wyn, sam))
    said = await ben.click(copy_in(world, BRADFORD, meeting_id), strings.GOING)
    assert text.NAME_NETWORK_HINT in said.text  # told before choosing, not after
    named = await ben.click(said, text.SHOW_MY_NAME)
    assert "every server it was shared with" in named.text and WAKEFIELD in named.text
    for name in SERVERS:
        await eventually(world, lambda n=name: str(ben.id) in copy_in(world, n, meeting_id).text)
        assert str(ada.id) not in copy_in(world, name, meeting_id).text

    # /meetings in Bradford lists it, with ben's answer and a link to Bradford's copy.
    listed = await ben.slash("meetings", in_guild=bradford)
    assert "Network catch-up" in listed.text and "Your answer: **Going**" in listed.text
    assert f"shared by {LEEDS}" in listed.text and f"/{bradford.id}/" in listed.text
    cal = await wyn.slash("meeting ics", in_guild=wakefield, meeting=meeting_id)
    [calendar] = cal.attachments
    assert calendar.filename == f"meeting-{meeting_id}.ics" and "Network catch-up" in cal.text

    # Reminders: each server's members who chose them, once each, linking to their copy.
    await ben.slash("me pause", in_guild=bradford)  # ben steps back in Bradford
    await world.set_time(MEETING - timedelta(hours=24))
    await eventually(world, lambda: len(reminders(ada)) == 1 and len(reminders(sam)) == 1)
    await world.settle()
    assert [len(reminders(p)) for p in (ada, ben, wyn, sam)] == [1, 0, 0, 1]
    assert f"/{bradford.id}/" in reminders(sam)[0].text  # sam counts in Bradford
    assert "You said **Maybe**" in reminders(sam)[0].text
    await ben.slash("me resume", in_guild=bradford)
    await world.set_time(MEETING - timedelta(hours=1))
    await eventually(world, lambda: len(reminders(ben)) == 1)
    await world.settle()
    assert [len(reminders(p)) for p in (ada, ben, wyn, sam)] == [2, 1, 0, 2]
    assert f"/{bradford.id}/" in reminders(ben)[0].text

    # Leaving Bradford erases sam's answer there (it was counted there).
    bye = await sam.slash("leave", in_guild=bradford)
    await sam.click(bye, strings.LEAVE_AND_ERASE)
    assert rows(
        world,
        "SELECT count(*) FROM meeting_rsvps WHERE meeting_id = ? AND user_id = ?",
        (meeting_id, sam.id),
    ) == [(0,)]
    await eventually(
        world,
        lambda: "**Going:** 2 - **Maybe:** 1" in copy_in(world, WAKEFIELD, meeting_id).text,
    )

    # Cancelling tells Going/Maybe people of every server (a service message: wyn
    # chose no messages, but said Going, so is told too).
    before = {p.name: len(p.dms) for p in (ada, ben, wyn)}
    cancelled = await olu.slash("meeting cancel", in_guild=leeds, meeting=meeting_id)
    assert "Sent to the 3 people" in cancelled.text
    await eventually(world, lambda: all(len(p.dms) > before[p.name] for p in (ada, ben, wyn)))
    await world.settle()
    assert "Cancelled: Network catch-up" in ben.dms[-1].text
    assert "Cancelled: Network catch-up" in wyn.dms[-1].text
    for name in SERVERS:
        await eventually(world, lambda n=name: "Cancelled" in copy_in(world, n, meeting_id).text)
        assert copy_in(world, name, meeting_id).buttons == []


async def test_another_servers_organiser_cannot_change_it_and_non_members_cannot_answer(network):
    world, _mods = network
    leeds, bradford = world.guild(LEEDS), world.guild(BRADFORD)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    bea = world.user("bea", organiser=True, guilds=[bradford])
    eve = world.user("eve", guilds=[bradford])  # in the server, never joined Speak Back
    _done, meeting_id = await schedule(world, olu, "Planning day")
    await eventually(world, lambda: copy_in(world, BRADFORD, meeting_id) is not None)
    refused = await bea.slash("meeting cancel", in_guild=bradford, meeting=meeting_id)
    assert refused.text == text.MEETING_GONE
    refused = await bea.slash("meeting edit", in_guild=bradford, meeting=meeting_id, title="Mine")
    assert refused.text == text.MEETING_GONE
    not_member = await eve.click(copy_in(world, BRADFORD, meeting_id), strings.GOING)
    assert not_member.text == strings.JOIN_FIRST
    assert rows(world, "SELECT count(*) FROM meeting_rsvps") == [(0,)]
    assert rows(world, "SELECT title, state FROM meetings") == [("Planning day", "scheduled")]


async def test_per_server_breakdown_hides_small_groups(network):
    world, _mods = network
    leeds = world.guild(LEEDS)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    _done, meeting_id = await schedule(world, olu, "Big gathering")
    await eventually(world, lambda: all(copy_in(world, n, meeting_id) for n in SERVERS))
    for server, count in {LEEDS: 5, BRADFORD: 5, WAKEFIELD: 2}.items():
        guild = world.guild(server)
        for index in range(count):
            person = world.user(f"{server[:3].lower()}{index}", guilds=[guild])
            await join(person, guild)  # no reminders
            await person.click(copy_in(world, server, meeting_id), strings.GOING)
    await world.settle()
    for server in SERVERS:
        await eventually(
            world, lambda s=server: "**Going:** 12" in copy_in(world, s, meeting_id).text
        )
        shown = copy_in(world, server, meeting_id).text
        lines = {line.split(":")[0].strip("- *"): line for line in shown.splitlines()}
        assert "Total: 12 answers" in shown
        assert "5 answers" in lines[BRADFORD]
        assert "fewer than 5" in lines[WAKEFIELD]
        # Leeds is hidden too, so Wakefield's 2 can't be worked out from the total.
        assert "5" not in lines[LEEDS].split(":", 1)[1]


async def test_an_unlinked_server_gets_no_new_meetings_and_can_no_longer_answer(network):
    world, mods = network
    leeds, wakefield = world.guild(LEEDS), world.guild(WAKEFIELD)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    wyn = world.user("wyn", guilds=[wakefield])
    await join(wyn, wakefield, REMINDERS)
    _done, first = await schedule(world, olu, "Co-production forum")
    await eventually(world, lambda: copy_in(world, WAKEFIELD, first) is not None)

    confirm = await mods[WAKEFIELD].slash("network leave", in_guild=wakefield)
    left = await mods[WAKEFIELD].click(confirm, LEAVE_NETWORK)
    assert "has left" in left.text
    refused = await wyn.click(copy_in(world, WAKEFIELD, first), strings.GOING)
    assert refused.text == LEFT_THE_NETWORK
    assert rows(world, "SELECT count(*) FROM meeting_rsvps") == [(0,)]
    assert (await wyn.slash("meetings", in_guild=wakefield)).text == text.LIST_EMPTY
    hidden = await wyn.slash("meeting ics", in_guild=wakefield, meeting=first)
    assert hidden.text == text.MEETING_GONE

    done, second = await schedule(world, olu, "Second forum", start="2026-12-10 18:00")
    assert "in 2 servers" in done.text and WAKEFIELD not in done.text
    await eventually(world, lambda: copy_in(world, BRADFORD, second) is not None)
    await world.settle()
    assert copy_in(world, WAKEFIELD, second) is None
    # Wakefield's own organiser may no longer post to the network.
    wes = world.user("wes", organiser=True, guilds=[wakefield])
    alone = await wes.slash(
        "meeting schedule", in_guild=wakefield, title="x", start="tomorrow 6pm", network=True
    )
    assert "isn't in a network" in alone.text
    assert rows(world, "SELECT count(*) FROM meeting_drafts") == [(0,)]
