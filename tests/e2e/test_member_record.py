"""The member's own record end to end (issue 24): /me record, Get a certificate, and
that nobody else ever sees it (rule 2).

Record rows are written as /opportunity happened writes them, through
`db.records.add_took_part` on the bot's own database.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pypdf

from bot import strings
from bot.strings import meetings as meeting_text
from bot.strings import membership as member_text
from bot.strings import records as text
from db import records
from db.database import Database
from tests.database import db_path, rows
from tests.e2e.steps import everything_seen_by, join, set_up
from tests.emulator.world import Person, World

MEETING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # Thursday 18:00 London
WELSH_IRISH = "Siân Ŵyn ap Dafydd Ó Dónaill-ŷá"
CJK = "王小明"


async def took_part(
    world: World, person: Person, opp_id: int, day: date, title: str, role=None, hours=None
) -> None:
    """What confirming "took part" writes (i24's /opportunity happened calls this)."""
    db = await Database.open(db_path(world))
    try:
        await records.add_took_part(
            db, world.guild().id, person.id, opp_id, day, title, role, hours, now=world.now
        )
    finally:
        await db.close()


async def weekly_meeting(world: World, organiser: Person):
    """The organiser's weekly meeting from 3 December 2026, 18:00: its post."""
    echo = await organiser.slash(
        "meeting schedule", title="Champions catch-up", start="2026-12-03 18:00", repeat="weekly"
    )
    await organiser.click(echo, meeting_text.POST_IT)
    return world.channel("announcements").last


def pdf_text(reply) -> str:
    [attachment] = reply.attachments
    assert attachment.filename == text.CERTIFICATE_FILENAME
    document = pypdf.PdfReader(io.BytesIO(attachment.data))
    assert len(document.pages) == 1
    return document.pages[0].extract_text()


async def certificate(person: Person, name: str):
    shown = await person.slash("me record")
    form = await person.click(shown, text.GET_CERTIFICATE)
    assert form.modal is not None, form.text
    return await person.submit_modal(form, name=name)


async def test_my_record_and_certificate_show_only_mine(world):
    olu = await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    for person in (alice, bob, olu):
        await join(person)
    await took_part(world, alice, 1, date(2026, 11, 20), "Interview panel", "panel member", 3)
    await took_part(world, alice, 2, date(2026, 11, 24), "Co-deliver staff training", None, 2.5)
    await took_part(world, bob, 1, date(2026, 11, 20), "Interview panel", "chair", 3)
    await took_part(world, bob, 3, date(2026, 11, 25), "Bob's reading group")

    post = await weekly_meeting(world, olu)
    await alice.click(post, strings.GOING)  # this week only
    before = await alice.slash("me record")
    assert "Champions catch-up" not in before.text  # it has not taken place yet
    await world.set_time(MEETING + timedelta(hours=2))

    mine = await alice.slash("me record")
    assert mine.ephemeral
    assert "20 November 2026: Interview panel (panel member, 3 hours)" in mine.text
    assert "24 November 2026: Co-deliver staff training (2.5 hours)" in mine.text
    assert "3 December 2026: Champions catch-up (said going)" in mine.text
    assert "5.5 hours" in mine.text  # her own total, nobody else's
    assert "12 months" in mine.text  # how long "said going" lasts, as it says
    assert "Bob's reading group" not in mine.text and "chair" not in mine.text
    assert mine.buttons == [text.GET_CERTIFICATE]

    made = await certificate(alice, WELSH_IRISH)
    assert made.ephemeral and text.CERTIFICATE_READY in made.text
    printed = pdf_text(made)
    assert WELSH_IRISH in printed.splitlines()  # read back exactly, on its own line
    assert "took part in the work of Speak Back Test" in printed
    assert "20 November 2026: Interview panel (panel member, 3 hours)" in printed
    assert "24 November 2026: Co-deliver staff training (2.5 hours)" in printed
    assert "3 December 2026: Champions catch-up (said going)" in printed
    assert "5.5 hours" in printed
    assert "Bob" not in printed and "bob" not in printed and "chair" not in printed

    bobs = await certificate(bob, CJK)
    printed = pdf_text(bobs)
    assert CJK in printed.splitlines()
    assert "Bob's reading group" in printed and "(chair, 3 hours)" in printed
    assert "Co-deliver staff training" not in printed and "Champions catch-up" not in printed
    assert "Siân" not in printed

    # The name is printed, never stored: no form kept, not in the database file at all.
    assert rows(world, "SELECT count(*) FROM form_drafts") == [(0,)]
    stored = b"".join(
        path.read_bytes() for path in db_path(world).parent.glob("speakback.db*") if path.is_file()
    )
    assert WELSH_IRISH.encode() not in stored and CJK.encode() not in stored
    assert WELSH_IRISH not in world.bot_log() and CJK not in world.bot_log()

    # Nobody else sees it: not the organiser, not another member, anywhere they look.
    theirs = await olu.slash("me record")
    assert text.RECORD_EMPTY in theirs.text and theirs.buttons == []
    for other in (olu, bob):
        seen = everything_seen_by(world, other)
        assert "Co-deliver staff training" not in seen and "panel member" not in seen
    assert "Bob's reading group" not in everything_seen_by(world, alice)
    assert "chair" not in everything_seen_by(world, alice)

    # /me export has it.
    exported = await alice.slash("me export")
    [attachment] = exported.attachments
    tables = json.loads(attachment.data)["tables"]
    assert [r["title"] for r in tables["member_records"]] == [
        "Interview panel",
        "Co-deliver staff training",
    ]
    assert str(bob.id) not in attachment.data.decode()


async def test_said_going_lasts_the_retention_period_and_the_record_until_leaving(world):
    olu = await set_up(world)
    await world.mod.slash("setup retention", months=1)
    alice = world.user("alice")
    await join(alice)
    await took_part(world, alice, 1, date(2026, 11, 20), "Interview panel", "panel member", 3)
    post = await weekly_meeting(world, olu)
    saved = await alice.click(post, strings.GOING)
    await alice.click(saved, meeting_text.ALL_IN_SERIES)  # all of them from now
    await world.set_time(MEETING + timedelta(days=7, hours=2))
    mine = await alice.slash("me record")
    assert "3 December 2026: Champions catch-up (said going)" in mine.text
    assert "10 December 2026: Champions catch-up (said going)" in mine.text
    assert "17 December" not in mine.text  # not yet
    assert "1 month" in mine.text

    # Two months on, and the daily retention sweeps have run: the meetings she said
    # going to that ended over a month ago have dropped off; her record has not.
    await world.advance(days=60)
    await world.settle()
    later = await alice.slash("me record")
    assert "20 November 2026: Interview panel (panel member, 3 hours)" in later.text
    assert "3 December 2026" not in later.text and "10 December 2026" not in later.text
    assert "Champions catch-up (said going)" in later.text  # the recent weeks, still there
    assert rows(world, "SELECT count(*) FROM member_records") == [(1,)]

    confirm = await alice.slash("leave")
    await alice.click(confirm, strings.LEAVE_AND_ERASE)
    assert rows(world, "SELECT count(*) FROM member_records") == [(0,)]


async def test_a_name_that_cannot_be_printed_is_refused_kindly_and_not_kept(world):
    await set_up(world)
    alice, zed = world.user("alice"), world.user("zed")
    await join(alice)

    empty = await alice.slash("me record")
    assert text.RECORD_EMPTY in empty.text and empty.buttons == []

    await took_part(world, alice, 1, date(2026, 11, 20), "Interview panel")
    shown = await alice.slash("me record")
    form = await alice.click(shown, text.GET_CERTIFICATE)
    refused = await alice.submit_modal(form, name="\u202e\u2066 ")
    assert refused.ephemeral and text.NAME_EMPTY in refused.text
    assert text.NAME_NOT_KEPT in refused.text and refused.buttons == [text.GET_CERTIFICATE]
    assert refused.attachments == []
    assert rows(world, "SELECT count(*) FROM form_drafts") == [(0,)]
    again = await alice.click(refused, text.GET_CERTIFICATE)
    assert again.modal is not None
    made = await alice.submit_modal(again, name="Sam 🌻 Jones")
    assert "Sam  Jones" in pdf_text(made) or "Sam Jones" in pdf_text(made)
    assert "🌻" in made.text and made.buttons == [text.GET_CERTIFICATE]  # told what was left out
    assert "🌻" not in world.bot_log()  # the PDF library's warning quoting it is not logged

    in_a_dm = await alice.slash("me record", in_dm=True)  # kindly: it works in a server
    assert in_a_dm.ephemeral and strings.NEEDS_SERVER in in_a_dm.text

    hint = await zed.slash("me record")  # not a member: the join hint, nothing else
    assert hint.content == strings.JOIN_FIRST
    assert member_text.NO_MESSAGES not in hint.text
