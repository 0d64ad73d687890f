"""The pages beyond Discord, served by the running bot (issue 25)."""

from __future__ import annotations

import json
import re

from bot import strings
from bot.strings import membership as member_text
from bot.strings import pages as pages_text
from bot.strings import polls as poll_text
from tests.database import rows
from tests.e2e import steps
from tests.emulator.render import walk


async def test_the_bot_serves_healthz_on_a_free_port_with_no_personal_data(world):
    status, headers, body = await steps.get_page(world, "/healthz")
    assert status == 200
    health = json.loads(body)
    assert health["ready"] is True
    assert health["outbox_backlog"] == 0
    assert health["dispatcher_lag_seconds"] == 0
    assert [s["shard"] for s in health["discord_heartbeat"]["shards"]] == [0]
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert str(world.mod.id) not in body and str(world.guild().id) not in body


async def test_an_unknown_page_is_a_plain_404_with_strict_headers(world):
    status, headers, body = await steps.get_page(world, "/no-such-page")
    assert status == 404
    assert "There is no page at this address" in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "Traceback" not in body


async def test_a_port_in_use_is_logged_and_the_bot_carries_on(make_world):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        world = await make_world(env={"WEB_PORT": str(port)})
        health = await world.bot.control("GET", "/health")
        assert health["ready"] is True and health["web_port"] is None
        assert "The pages could not start" in world.bot_log()
        reply = await world.user("alice").slash("support")
        assert reply.ephemeral


# -- publishing and the pages, end to end -----------------------------------------------------

BASE = "https://pages.example.org"
HOSTILE = "<script>alert(1)</script> **bold** [link](https://evil.example)"


async def publish(world, kinds) -> tuple[str, object]:
    """/setup publish, then choose `kinds`: (the page's path, the reply)."""
    shown = await world.mod.slash("setup publish")
    assert shown.ephemeral and pages_text.PUBLISHES_NOTHING in shown.text, shown.text
    saved = await world.mod.select(shown, "setup:publish:kinds", list(kinds))
    assert saved.ephemeral and pages_text.SAVED in saved.text, saved.text
    found = re.search(re.escape(BASE) + r"(/s/[a-z0-9]+)", saved.text)
    assert found, saved.text
    return found.group(1), saved


async def test_publish_says_pages_are_not_reachable_without_a_public_address(world):
    shown = await world.mod.slash("setup publish")
    saved = await world.mod.select(shown, "setup:publish:kinds", ["polls"])
    assert "WEB_BASE_URL" in saved.text and "README" in saved.text
    assert "/s/" not in saved.text  # no address that would not work
    alice = world.user("alice")
    refused = await alice.slash("setup publish")
    assert refused.ephemeral and "Manage Server" in refused.text
    assert rows(world, "SELECT kinds FROM published_pages") == [("polls",)]


async def test_a_community_publishes_and_a_commissioner_reads_then_it_is_unpublished(make_world):
    world = await make_world(env={"WEB_BASE_URL": BASE + "/"})
    organiser = await steps.set_up(world)
    await steps.join(organiser)
    people = [world.user(name) for name in ("alice", "bob", "carol", "dev", "erin", "fay")]
    for person in people:
        await steps.join(person, ["dm_outcomes"])
    details = await people[0].click(await people[0].slash("me settings"), member_text.EDIT_DETAILS)
    await people[0].submit_modal(details, preferred_name="Ali Preferred")

    status, _, _ = await steps.get_page(world, "/s/nosuchpage")
    assert status == 404
    path, saved = await publish(world, ["polls", "ideas", "outcomes", "opportunities", "meetings"])
    assert pages_text.UNPUBLISH in saved.buttons
    status, headers, body = await steps.get_page(world, path)
    assert status == 200 and "Nothing to show yet" in body
    assert headers["X-Robots-Tag"].startswith("noindex")

    # A poll with a hostile question: 4, 1, 1 votes of 6.
    form = await organiser.slash("poll create", kind="single")
    readback = await organiser.submit_modal(
        form, question=f"Which first? {HOSTILE}", options="Waiting times\nPeer support\nNight help"
    )
    await organiser.click(readback, poll_text.POST_IT)
    poll = world.channel("announcements").last
    poll_id = int(re.search(r"Poll (\d+)", poll.text).group(1))
    for person, choice in zip(people, (1, 1, 1, 1, 2, 3), strict=True):
        ballot = await person.click(poll, strings.VOTE)
        select = next(c["custom_id"] for c in walk(ballot.message.components) if c["type"] == 3)
        await person.select(ballot, select, [str(choice - 1)])
    await organiser.slash("poll close", poll=poll_id)
    form = await organiser.slash("poll outcome", poll=poll_id)
    await organiser.submit_modal(form, decided="An evening peer group starts.", by_when="March")

    # An idea, answered; its own words stay off the page until its author agrees.
    await world.mod.slash("setup ideas", review=False)
    form = await people[1].slash("idea new")
    await people[1].submit_modal(form, title="A private title", body="My own words here")
    await world.settle()
    idea_id = rows(world, "SELECT id FROM ideas")[0][0]
    form = await organiser.slash("idea respond", idea=idea_id, answer="forward")
    await organiser.submit_modal(form, reason="The board agreed", summary="Co-design the training")
    await world.settle()

    # Figures come from the daily snapshot: nothing new until it is taken.
    _, _, body = await steps.get_page(world, path)
    assert "6 people" not in body and f"/polls/{poll_id}" not in body
    assert "An evening peer group starts." in body  # an outcome holds no figure: shown live
    await world.advance(days=1)
    status, _, body = await steps.get_page(world, path)
    assert status == 200
    assert "Which first?" in body and "6 people" in body
    assert "Co-design the training" in body and "We&#39;ll take this forward" in body
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert "Opportunities offered" in body and "Meetings held" in body
    assert "An evening peer group starts." in body and "Planned" in body  # the outcome, live

    status, _, poll_page = await steps.get_page(world, f"{path}/polls/{poll_id}")
    assert status == 200
    assert "fewer than 5" in poll_page and "not shown" in poll_page  # 1 and 1, and 4 with them
    assert ">4<" not in poll_page and ">1<" not in poll_page
    assert f'src="{path}/polls/{poll_id}/chart.svg"' in poll_page and 'alt="Bar chart' in poll_page
    status, headers, svg = await steps.get_page(world, f"{path}/polls/{poll_id}/chart.svg")
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
    assert "<script>alert" not in svg and "Waiting times" in svg  # text kept as text

    status, _, ideas_page = await steps.get_page(world, f"{path}/ideas")
    assert status == 200 and "Co-design the training" in ideas_page
    assert "My own words here" not in ideas_page and "private title" not in ideas_page
    # The author agrees, from the DM telling them of the answer: their words show at once.
    told = people[1].dms[-1]
    agreed = await people[1].click(told, f"{pages_text.WORDS_PUBLIC} ({idea_id})")
    assert agreed.ephemeral and "never your name" in agreed.text
    _, _, ideas_page = await steps.get_page(world, f"{path}/ideas")
    assert "My own words here" in ideas_page and "private title" in ideas_page

    # Nothing on any page names or identifies a person.
    everything = "".join(
        [(await steps.get_page(world, p))[2] for p in (path, f"{path}/ideas")] + [poll_page, svg]
    )
    for person in (*people, organiser, world.mod):
        assert str(person.id) not in everything
    assert "Ali Preferred" not in everything
    for name in ("alice", "bob", "carol", "erin"):
        assert not re.search(rf"\b{name}\b", everything, re.IGNORECASE), name

    # Unpublish: 410 at once, for every page of the server.
    again = await world.mod.slash("setup publish")
    gone = await world.mod.click(again, pages_text.UNPUBLISH)
    assert gone.ephemeral and "no longer published" in gone.text
    for page in (
        path,
        f"{path}/ideas",
        f"{path}/polls/{poll_id}",
        f"{path}/polls/{poll_id}/chart.svg",
    ):
        status, _, body = await steps.get_page(world, page)
        assert status == 410, page
        assert "no longer publishes" in body or page.endswith(".svg")
    assert rows(world, "SELECT count(*) FROM page_snapshots") == [(0,)]


async def test_the_daily_snapshot_survives_a_restart_and_runs_once_late(world):
    await world.mod.select(
        await world.mod.slash("setup publish"), "setup:publish:kinds", ["meetings"]
    )
    before = rows(world, "SELECT taken_at FROM page_snapshots")
    await world.restart_bot(kill=True)
    await world.advance(days=3)
    after = rows(world, "SELECT taken_at FROM page_snapshots")
    assert after != before
    pending = rows(
        world, "SELECT count(*) FROM jobs WHERE kind = 'pages_snapshot' AND state = 'pending'"
    )
    assert pending == [(1,)]
    done = rows(world, "SELECT count(*) FROM jobs WHERE kind = 'pages_snapshot' AND state = 'done'")
    assert done == [(1,)]  # three days away: one late run, not three
