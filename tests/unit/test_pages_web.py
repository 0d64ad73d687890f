"""Every page through aiohttp's test client, against a real migrated database (issue 25).

Privacy scans seed what must never be published (member ids, preferred names, access
needs, ballot reasons, an idea's own text without its author's agreement) and look for
it in every page; hostile text renders inert; a group of 3 never appears; an unpublished
server's pages answer 410.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from bot.clock import DrivenClock
from bot.domain.ballots import PollKind, SingleBallot, ballot_to_json
from bot.domain.polls import PollSettings
from bot.strings import pages as pages_text
from db import ideas as ideas_db
from db import members, outcomes, pages
from db import polls as polls_db
from db.database import Database
from web.app import CONTENT_SECURITY_POLICY, create_app
from web.site import Site

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD, OTHER, THIRD = 111111111111111111, 222222222222222222, 333333333333333333
HOSTILE = '<script>alert("x")</script> **bold** <img src=x onerror=alert(1)> @everyone'
PEOPLE = [400000000000000000 + n for n in range(12)]
SECRETS = ("Preferred Person", "needs a hearing loop", "because my ward was awful")


class Probe:
    def ready(self) -> bool:
        return True

    def heartbeat(self) -> dict:
        return {"shards": [{"shard": 0, "latency_ms": 42.0, "seconds_since_ack": 3.0}]}


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "pages.db")
    await database.migrate()
    await database.execute(
        "INSERT INTO guild_presence (guild_id, name, joined_at) VALUES (?, ?, ?), (?, ?, ?),"
        " (?, ?, ?)",
        (
            GUILD,
            "Riverside Champions",
            NOW.isoformat(),
            OTHER,
            "Hillside Voices",
            NOW.isoformat(),
            THIRD,
            "Quiet Server",
            NOW.isoformat(),
        ),
    )
    for guild in (GUILD, OTHER, THIRD):
        for person in PEOPLE:
            await members.agree(database, guild, person, notice_version=1, now=NOW)
    await members.update_profile(
        database, GUILD, PEOPLE[0], NOW, preferred_name=SECRETS[0], access_needs=SECRETS[1]
    )
    yield database
    await database.close()


@pytest.fixture
async def reader(db):
    """The pages' own read-only connection, as the running bot gives them (web.server)."""
    connection = await Database.open_reader(db.path)
    yield connection
    await connection.close()


@pytest.fixture
async def client(reader):
    app = create_app(Site(db=reader, clock=DrivenClock(NOW), base_url=None, probe=Probe()))
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def closed_poll(db, question, options, votes, *, guild=GUILD, reasons=False, anonymous=True):
    settings = PollSettings(
        kind=PollKind.SINGLE,
        max_choices=None,
        anonymous=anonymous,
        results="at_close",
        closes_at=None,
        content_note=None,
        reasons=reasons,
    )
    poll_id = await polls_db.create_poll(
        db,
        guild_id=guild,
        channel_id=5,
        question=question,
        options=options,
        settings=settings,
        max_choices=None,
        now=NOW,
    )
    for person, choice in zip(PEOPLE, votes, strict=False):
        await polls_db.cast_vote(
            db,
            poll_id,
            guild_id=guild,
            user_id=person,
            choice=ballot_to_json(SingleBallot(choice)),
            group=None,
            voter_name=None if anonymous else "Voter Name",
            now=NOW,
            secret=SECRET,
        )
        if reasons:
            await polls_db.set_reason(db, poll_id, person, SECRETS[2], NOW, SECRET)
    await polls_db.close_poll(db, poll_id, NOW + timedelta(hours=1))
    return poll_id


async def answered_idea(
    db, *, title="Member's own title", body="Member's own words", summary="Organisers' summary"
):
    idea = await ideas_db.create(
        db,
        guild_id=GUILD,
        author_id=PEOPLE[1],
        author_name=None,
        title=title,
        body=body,
        affects=None,
        content_note=None,
        state="open",
        now=NOW,
    )
    await ideas_db.answer(
        db,
        idea.id,
        answer="forward",
        reason="The board agreed " + HOSTILE,
        summary=summary,
        now=NOW + timedelta(hours=2),
    )
    return idea.id


async def publish(
    db, guild=GUILD, kinds=("polls", "ideas", "outcomes", "opportunities", "meetings")
):
    found = await pages.set_kinds(db, guild, tuple(kinds), NOW)
    await pages.save_snapshot(
        db, guild, NOW.date(), NOW, await pages.collect_figures(db, guild, NOW)
    )
    return found.slug


async def get(client, path):
    response = await client.get(path)
    return response.status, response.headers, await response.text()


# -- the server -----------------------------------------------------------------------------


async def test_every_response_carries_the_strict_headers(client, db):
    slug = await publish(db)
    for path in ("/", f"/s/{slug}", "/nothing", "/healthz", "/static/style.css"):
        _, headers, _ = await get(client, path)
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Robots-Tag"] == "noindex, nofollow", path
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert (
        "default-src 'none'" in CONTENT_SECURITY_POLICY
        and "script-src" not in CONTENT_SECURITY_POLICY
    )


async def test_healthz_reports_the_machinery_and_nothing_about_anyone(client, db):
    status, headers, body = await get(client, "/healthz")
    health = json.loads(body)
    assert status == 200 and health["ready"] is True
    assert health["outbox_backlog"] == 0 and health["dispatcher_lag_seconds"] == 0
    assert health["discord_heartbeat"]["shards"][0]["seconds_since_ack"] == 3.0
    assert headers["Cache-Control"] == "no-store"
    await db.execute(
        "INSERT INTO jobs (kind, key, payload, due_at) VALUES ('x', 'k', '{}', ?)",
        ((NOW - timedelta(seconds=90)).isoformat(),),
    )
    health = json.loads((await get(client, "/healthz"))[2])
    assert health["dispatcher_lag_seconds"] == 90
    assert not any(str(p) in body for p in PEOPLE) and str(GUILD) not in body


async def test_no_page_has_a_script_or_anything_external(client, db):
    slug = await publish(db)
    await closed_poll(db, "Which first?", ["A", "B"], [0] * 6)
    await publish(db)
    for path in ("/", f"/s/{slug}", f"/s/{slug}/ideas", f"/s/{slug}/polls/1"):
        status, _, body = await get(client, path)
        assert status == 200, path
        assert "<script" not in body and "http://" not in body and "https://" not in body, path
        assert '<html lang="en-GB">' in body and 'name="viewport"' in body
        assert '<link rel="stylesheet" href="/static/style.css">' in body
    _, _, css = await get(client, "/static/style.css")
    assert "@media print" in css and "@import" not in css and "url(" not in css


# -- publishing and 410 ------------------------------------------------------------------------


async def test_unknown_is_404_and_unpublished_is_410_at_once(client, db):
    assert (await get(client, "/s/nosuchslug"))[0] == 404
    poll_id = await closed_poll(db, "Which first?", ["A", "B"], [0] * 6)
    slug = await publish(db)
    for path in (f"/s/{slug}", f"/s/{slug}/ideas", f"/s/{slug}/polls/{poll_id}"):
        assert (await get(client, path))[0] == 200, path
    assert (await get(client, f"/s/{slug}/polls/{poll_id}/chart.svg"))[0] == 200
    await pages.set_kinds(db, GUILD, ("meetings",), NOW)  # polls and ideas no longer
    assert (await get(client, f"/s/{slug}"))[0] == 200
    for path in (
        f"/s/{slug}/ideas",
        f"/s/{slug}/polls/{poll_id}",
        f"/s/{slug}/polls/{poll_id}/chart.svg",
    ):
        assert (await get(client, path))[0] == 410, path
    _, _, body = await get(client, f"/s/{slug}")
    assert "Which first?" not in body
    await pages.set_kinds(db, GUILD, (), NOW)
    status, _, body = await get(client, f"/s/{slug}")
    assert status == 410 and "no longer publishes" in body


async def test_a_poll_of_another_server_or_still_open_is_not_found(client, db):
    slug = await publish(db)
    theirs = await closed_poll(db, "Theirs", ["A", "B"], [0] * 6, guild=OTHER)
    assert (await get(client, f"/s/{slug}/polls/{theirs}"))[0] == 404
    assert (await get(client, f"/s/{slug}/polls/999"))[0] == 404


# -- figures (rule 9) --------------------------------------------------------------------------


async def test_a_group_of_three_never_appears(client, db):
    poll_id = await closed_poll(db, "Small poll", ["Yes", "No"], [0, 0, 1])
    slug = await publish(db)
    _, _, body = await get(client, f"/s/{slug}")
    assert "fewer than 5 people" in body and "Small poll" in body
    status, _, page = await get(client, f"/s/{slug}/polls/{poll_id}")
    assert status == 200 and "results are not shown" in page
    for text in (body, page):
        assert not re.search(r">\s*[1-4]\s*<", text) and " 3 " not in text and " 2 " not in text
    assert "<table" not in page and "chart.svg" not in page
    assert (await get(client, f"/s/{slug}/polls/{poll_id}/chart.svg"))[0] == 404


async def test_small_figures_are_hidden_with_a_second_one_beside_them(client, db):
    poll_id = await closed_poll(
        db, "Which first?", ["Waiting", "Peer", "Night"], [0] * 7 + [1, 1, 2]
    )
    slug = await publish(db)
    _, _, page = await get(client, f"/s/{slug}/polls/{poll_id}")
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)
    assert cells == ["not shown", "fewer than 5", "fewer than 5"]
    assert "10 people" in page and "Came top: Waiting" in page
    _, headers, svg = await get(client, f"/s/{slug}/polls/{poll_id}/chart.svg")
    assert headers["Content-Type"].startswith("image/svg+xml")
    assert "<text" in svg and "Waiting" in svg and "fewer than 5" in svg  # text stays text
    assert ">7<" not in svg and ">2<" not in svg


async def test_the_charts_caption_says_when_it_can_show_no_bar(client, db):
    hidden = await closed_poll(
        db, "Which first?", ["Waiting", "Peer", "Night"], [0] * 7 + [1, 1, 2]
    )
    shown = await closed_poll(db, "Which next?", ["Rooms", "Times"], [0] * 6 + [1] * 5)
    slug = await publish(db)
    _, _, page = await get(client, f"/s/{slug}/polls/{hidden}")
    assert "The chart has no bars: no figure here can be shown exactly" in page
    _, _, page = await get(client, f"/s/{slug}/polls/{shown}")
    assert re.findall(r'<td class="num">([^<]*)</td>', page) == ["6", "5"]
    assert "The chart shows the figures in the table below." in page and "no bars" not in page


async def test_the_snapshot_is_what_pages_show_until_the_next_one(client, db):
    slug = await publish(db)
    await closed_poll(db, "Closed after the snapshot", ["A", "B"], [0] * 6)
    _, _, body = await get(client, f"/s/{slug}")
    assert "Closed after the snapshot" not in body and "Figures as of 1 December 2026" in body
    await publish(db)
    _, _, body = await get(client, f"/s/{slug}")
    assert "Closed after the snapshot" in body and "6 people" in body


async def test_counts_are_suppressed_and_cover_the_last_year(client, db):
    slug = await publish(db, kinds=("opportunities", "meetings"))
    _, _, body = await get(client, f"/s/{slug}")
    assert (
        "Opportunities offered</dt><dd>0" in body and "Places filled</dt><dd>fewer than 5" in body
    )
    assert "Meetings held</dt><dd>0" in body and "What was asked" in body


async def test_an_outcome_update_and_an_erasure_show_at_once_through_the_reader(client, db):
    """Pages read through their own connection and share reads (web.shared): what was
    committed before a request is in its answer, every time."""
    poll_id = await closed_poll(db, "Which evening?", ["Monday", "Thursday"], [0] * 5 + [1])
    made = await outcomes.create(
        db,
        guild_id=GUILD,
        item_kind="poll",
        item_id=poll_id,
        title="Which evening?",
        statement="Monday evenings start in March.",
        status="planned",
        progress=None,
        by_when="March",
        review_on=None,
        now=NOW,
    )
    assert made is not None
    oid, _ = made
    idea_id = await answered_idea(db)
    assert await ideas_db.set_words_public(db, idea_id, PEOPLE[1], True, NOW)
    slug = await publish(db)
    _, _, before = await get(client, f"/s/{slug}")
    _, _, ideas_before = await get(client, f"/s/{slug}/ideas")
    assert "Planned" in before and "Member&#39;s own title" in ideas_before
    assert await outcomes.add_update(
        db,
        oid,
        kind="update",
        body="The first evening is booked.",
        status="in_progress",
        progress=30,
        by_when="March",
        review_on=None,
        now=NOW,
        expected_status="planned",
    )
    from db.personal_data import erase_all

    await erase_all(db, GUILD, PEOPLE[1], SECRET)
    many = [get(client, f"/s/{slug}{page}") for page in ("", "/ideas") * 6]  # all at once
    bodies = [body for _, _, body in await asyncio.gather(*many)]
    for after in bodies[::2]:
        assert "In progress" in after and "30% done" in after and "Planned" not in after
    for ideas_after in bodies[1::2]:
        assert "Member&#39;s own title" not in ideas_after
        assert "Organisers&#39; summary" in ideas_after
    _, _, poll_page = await get(client, f"/s/{slug}/polls/{poll_id}")
    assert "The first evening is booked." in poll_page


# -- privacy and hostile text ---------------------------------------------------------------------


async def test_hostile_text_renders_inert_everywhere(client, db):
    poll_id = await closed_poll(db, HOSTILE, [HOSTILE, "Plain"], [0] * 5 + [1])
    await answered_idea(db, summary=HOSTILE)
    oid = await outcomes.create(
        db,
        guild_id=GUILD,
        item_kind="poll",
        item_id=poll_id,
        title=HOSTILE,
        statement=HOSTILE,
        status="in_progress",
        progress=40,
        by_when=HOSTILE,
        review_on=date(2027, 3, 1),
        now=NOW,
    )
    assert oid is not None
    slug = await publish(db)
    bodies = [
        (await get(client, p))[2]
        for p in (f"/s/{slug}", f"/s/{slug}/ideas", f"/s/{slug}/polls/{poll_id}")
    ]
    _, _, svg = await get(client, f"/s/{slug}/polls/{poll_id}/chart.svg")
    for body in [*bodies, svg]:
        assert (
            "<script" not in body
            and "<img src=x" not in body
            and "onerror=alert" not in body.replace("onerror=alert(1)&gt;", "")
        )
        assert "&lt;script&gt;" in body or "&lt;script" in body
    assert "**bold**" in bodies[0]  # markdown is shown as typed, never rendered
    assert "In progress" in bodies[2] and "40% done" in bodies[2]


async def test_nothing_about_a_person_appears_on_any_page(client, db):
    await members.update_profile(db, GUILD, PEOPLE[2], NOW, preferred_name="Another Name")
    named = await closed_poll(
        db, "Named with reasons", ["A", "B"], [0] * 6, reasons=True, anonymous=False
    )
    await answered_idea(db)
    slug = await publish(db)
    everything = ""
    for path in (
        f"/s/{slug}",
        f"/s/{slug}/ideas",
        f"/s/{slug}/polls/{named}",
        f"/s/{slug}/polls/{named}/chart.svg",
        "/healthz",
    ):
        status, _, body = await get(client, path)
        assert status == 200, path
        everything += body
    for person in PEOPLE:
        assert str(person) not in everything
    for secret in (
        *SECRETS,
        "Another Name",
        "Voter Name",
        "Member's own title",
        "Member's own words",
        "Member&#39;s own",
    ):
        assert secret not in everything, secret
    assert "Organisers&#39; summary" in everything


async def test_the_authors_own_words_show_only_while_they_agree(client, db):
    idea_id = await answered_idea(db)
    slug = await publish(db)
    _, _, before = await get(client, f"/s/{slug}/ideas")
    assert "own words" not in before and "Organisers&#39; summary" in before
    assert not await ideas_db.set_words_public(db, idea_id, PEOPLE[5], True, NOW)  # not theirs
    assert await ideas_db.set_words_public(db, idea_id, PEOPLE[1], True, NOW)
    _, _, agreed = await get(client, f"/s/{slug}/ideas")
    assert "Member&#39;s own words" in agreed and "Member&#39;s own title" in agreed
    assert str(PEOPLE[1]) not in agreed
    from db.personal_data import erase_all

    await erase_all(db, GUILD, PEOPLE[1], SECRET)  # leaving takes the agreement with it
    _, _, after = await get(client, f"/s/{slug}/ideas")
    assert "own words" not in after and "Organisers&#39; summary" in after


# -- the network page ------------------------------------------------------------------------------


async def test_the_network_page_counts_only_servers_that_publish(client, db):
    network_id = await db.execute(
        "INSERT INTO networks (name, founding_guild_id, created_at) VALUES (?, ?, ?)",
        ("North Network", GUILD, NOW.isoformat()),
    )
    for guild in (GUILD, OTHER, THIRD):
        await db.execute(
            "INSERT INTO network_members (network_id, guild_id, joined_at) VALUES (?, ?, ?)",
            (network_id, guild, NOW.isoformat()),
        )
    await closed_poll(db, "Riverside asks", ["A", "B"], [0] * 6)
    await closed_poll(db, "Hillside asks", ["A", "B"], [1] * 6, guild=OTHER)
    await closed_poll(db, "Quiet asks", ["A", "B"], [1] * 6, guild=THIRD)
    await publish(db, GUILD, ("polls", "meetings"))
    await publish(db, OTHER, ("polls",))
    slug = await pages.ensure_network_slug(db, network_id)
    status, _, body = await get(client, f"/n/{slug}")
    assert status == 200 and "North Network" in body
    assert "Results from 2 of 3 servers in the network." in body
    assert "Results from 1 of 3 servers in the network." in body  # meetings
    assert "Riverside asks" in body and "Hillside asks" in body and "Quiet asks" not in body
    assert "Riverside Champions" in body and "Quiet Server" not in body
    # A server that only allows reports or only a calendar feed publishes no page.
    await publish(db, THIRD, ("reports", "calendar"))
    _, _, body = await get(client, f"/n/{slug}")
    assert "Quiet asks" not in body and "of 3 servers" in body
    assert "3 of 3" not in body
    await pages.set_kinds(db, GUILD, (), NOW)
    await pages.set_kinds(db, OTHER, (), NOW)
    assert (await get(client, f"/n/{slug}"))[0] == 410
    assert (await get(client, "/n/unknown"))[0] == 404


async def test_choosing_only_reports_or_the_calendar_publishes_no_page(client, db):
    await closed_poll(db, "Which first?", ["A", "B"], [0] * 6)
    slug = await publish(db, GUILD, ("reports", "calendar"))
    status, _, body = await get(client, f"/s/{slug}")
    assert status == 410 and "Which first?" not in body
    assert (await get(client, f"/s/{slug}/meetings.ics"))[0] == 200


async def test_an_answers_reason_reads_as_its_own_line_on_the_servers_page(client, db):
    # It was glued to the answer ("We'll take this forward: The board agreed"), which
    # read as if the answer were the board's words.
    await answered_idea(db)
    slug = await publish(db)
    _, _, page = await get(client, f"/s/{slug}")
    answer = pages_text.ANSWER_WORDS["forward"]
    assert f"<dt>Answer</dt><dd>{escape(answer)}</dd>" in page
    assert "<dt>Why</dt><dd>The board agreed " in page
