"""Notice edits say what they change (issue 19, problem 2), end to end.

A moderator saving `/setup notice` says what the edit changes. A wording fix keeps
everyone's agreement, so a reminder already promised still arrives. A real change
is shown as a diff with its effect and saved only on confirm; each member with
reminders planned then gets one service message with **Read the notice**, and a
reminder that comes due before they agree waits until they do.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot import strings
from bot.domain.consent import DEFAULT_NOTICE_EDITION as EDITION
from bot.strings import meetings as meeting_text
from bot.strings import membership as member_text
from bot.strings import setup as setup_text
from tests.database import connect, db_path, rows
from tests.e2e import steps
from tests.emulator.world import World

MEETING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # Thursday 18:00 London
NOTICE_FIELD = setup_text.NOTICE_FIELD_LABEL
KIND_FIELD = setup_text.NOTICE_KIND_LABEL
BUILT_IN_START = "**What joining Speak Back means**"


async def join(person, purposes=("dm_reminders",)):
    return await steps.join(person, purposes)


async def going_to_a_meeting(world: World, *people) -> None:
    echo = await world.mod.slash(
        "meeting schedule", title="Champions catch-up", start="2026-12-03 18:00"
    )
    await world.mod.click(echo, meeting_text.POST_IT)
    post = world.channel("general").last
    for person in people:
        await person.click(post, strings.GOING)


async def edit_notice(world: World, kind: str, change=lambda text: text + " Typo fixed."):
    form = await world.mod.slash("setup notice")
    assert form.modal is not None
    current = next(
        c["value"]
        for row in form.modal["components"]
        for c in row.get("components") or [row.get("component") or {}]
        if c.get("custom_id") and c.get("type") == 4
    )
    return await world.mod.submit_modal(form, **{NOTICE_FIELD: change(current), KIND_FIELD: kind})


def reminders(person) -> list[str]:
    return [m.text for m in person.dms if "Reminder:" in m.text]


def told_of_change(person) -> list:
    return [m for m in person.dms if member_text.NOTICE_CHANGED_DM in m.text]


async def test_the_form_asks_what_the_edit_changes_within_discords_limits(world):
    form = await world.mod.slash("setup notice")
    labels = [row.get("label") for row in form.modal["components"] if row.get("type") == 18]
    assert labels == [KIND_FIELD] and len(KIND_FIELD) <= 45
    select = form.modal["components"][-1]["component"]
    assert select["placeholder"] == setup_text.NOTICE_KIND_PLACEHOLDER  # the explanation
    assert [o["value"] for o in select["options"]] == ["wording", "change"]


async def test_a_wording_fix_keeps_a_planned_reminder_arriving(world):
    alice = world.user("alice")
    await join(alice)
    await going_to_a_meeting(world, alice)

    saved = await edit_notice(world, "wording")
    assert "wording fix of version 1" in saved.text
    assert rows(world, "SELECT notice_version FROM guild_settings") == [(1,)]
    await world.settle()
    assert told_of_change(alice) == []  # nothing to agree to, so nothing to tell

    await world.set_time(MEETING - timedelta(hours=24))
    assert len(reminders(alice)) == 1  # the promise made when she said Going is kept

    # /me show says the wording was corrected, and Read the notice shows it.
    show = await alice.slash("me show")
    assert "wording was corrected" in show.text and "did not change" in show.text
    assert member_text.READ_THE_NOTICE in show.buttons
    read = await alice.click(show, member_text.READ_THE_NOTICE)
    assert read.ephemeral and "Typo fixed." in read.text
    again = await alice.slash("me show")
    assert "wording was corrected" not in again.text and "wording is the one of" in again.text

    exported = await alice.slash("me export")
    [attachment] = exported.attachments
    document = json.loads(attachment.data)
    (revision,) = rows(world, "SELECT notice_revision FROM guild_settings")[0]
    assert document["notice_wording_last_seen"]["revision"] == revision
    assert document["notice_wording_last_seen"]["notice_version"] == 1
    assert document["notice_wording_last_seen"]["saved_at"]


async def test_the_same_words_are_not_saved(world):
    same = await edit_notice(world, "change", change=lambda text: text)
    assert "nothing to save" in same.text
    assert rows(world, "SELECT count(*) FROM notice_revisions") == [(0,)]


async def test_a_real_change_asks_to_confirm_then_tells_members_with_reminders_once(world):
    alice, bob, carol = world.user("alice"), world.user("bob"), world.user("carol")
    await join(alice)  # reminders chosen, Going: she is told
    await join(bob)  # reminders chosen, nothing planned: not told
    await join(carol, purposes=("dm_outcomes",))  # Going, no reminders: not told
    dave = world.user("dave")
    await join(dave)  # reminders chosen, Going, stepping back: kept for his return (rule 15)
    await going_to_a_meeting(world, alice, carol, dave)
    await dave.slash("me pause")

    check = await edit_notice(
        world, "change", change=lambda text: text + " We now also keep payment details."
    )
    assert check.ephemeral
    assert (
        setup_text.NOTICE_ADDED in check.text and "We now also keep payment details." in check.text
    )
    assert setup_text.NOTICE_REMOVED in check.text
    assert "fewer than 5 members will get no optional messages until they agree again" in check.text
    assert check.buttons == [setup_text.NOTICE_SAVE, setup_text.NOTICE_KEEP]
    # Nothing is saved, and nobody told, before the moderator confirms.
    assert rows(world, "SELECT notice_version, notice_text FROM guild_settings") == [(1, None)]
    await world.settle()
    assert all(told_of_change(p) == [] for p in (alice, bob, carol, dave))

    saved = await world.mod.click(check, setup_text.NOTICE_SAVE)
    assert "Saved as version 2" in saved.text and saved.buttons == []
    await world.settle()
    (told,) = told_of_change(alice)
    assert told.buttons == [member_text.READ_THE_NOTICE]
    assert told_of_change(bob) == [] and told_of_change(carol) == []
    assert told_of_change(dave) == []
    held = rows(world, f"SELECT summary FROM held_messages WHERE user_id = {dave.id}")
    assert [member_text.NOTICE_CHANGED_DM in line for (line,) in held] == [True]

    # Her 24-hour reminder comes due before she agrees: it waits, and /status counts
    # it only as a suppressed server-wide total.
    await world.set_time(MEETING - timedelta(hours=24))
    assert reminders(alice) == []
    status = await world.mod.slash("status")
    assert "waiting until the person can receive them:** fewer than 5" in status.text

    # Read the notice opens it in the DM, with I agree; agreeing lets the reminder go.
    notice = await alice.click(told, member_text.READ_THE_NOTICE)
    assert "We now also keep payment details." in notice.text
    assert notice.buttons == [strings.I_AGREE, strings.NOT_NOW]
    later = await alice.click(notice, strings.NOT_NOW)  # fine in a DM too
    assert member_text.NOT_NOW_MEMBER in later.text
    assert later.buttons == [member_text.READ_THE_NOTICE]
    notice = await alice.click(later, member_text.READ_THE_NOTICE)
    agreed = await alice.click(notice, strings.I_AGREE)
    assert "Thank you" in agreed.text
    await world.settle()
    assert rows(world, f"SELECT notice_version FROM members WHERE user_id = {alice.id}") == [(2,)]
    assert len(reminders(alice)) == 1
    # One message per member and version, never repeated (the DM itself became the
    # notice, then the thank-you, as she pressed).
    told_rows = "SELECT user_id FROM outbox WHERE dedupe_key LIKE 'notice-changed:%' ORDER BY id"
    assert sorted(rows(world, told_rows)) == sorted([(alice.id,), (dave.id,)])  # dave's: held
    # that one message and the reminder (and the test DM of her first choice of messages)
    assert len(steps.news(alice)) == 2


async def test_keeping_the_current_notice_changes_nothing(world):
    alice = world.user("alice")
    await join(alice)
    await going_to_a_meeting(world, alice)
    check = await edit_notice(world, "change", change=lambda text: "Something else entirely.")
    kept = await world.mod.click(check, setup_text.NOTICE_KEEP)
    assert kept.text == setup_text.NOTICE_KEPT
    assert rows(world, "SELECT notice_version, notice_text FROM guild_settings") == [(1, None)]
    await world.settle()
    assert told_of_change(alice) == []
    await world.set_time(MEETING - timedelta(hours=24))
    assert len(reminders(alice)) == 1


async def test_save_checks_again_that_the_presser_is_still_a_moderator(world):
    check = await edit_notice(world, "change", change=lambda text: "Something else entirely.")
    world.mod.take_role(world.guild().moderator_role)
    refused = await world.mod.click(check, setup_text.NOTICE_SAVE)
    assert refused.ephemeral and "Manage Server" in refused.text
    assert rows(world, "SELECT count(*) FROM notice_revisions WHERE saved_at IS NOT NULL") == [(0,)]
    assert rows(world, "SELECT count(*) FROM guild_settings WHERE notice_version > 1") == [(0,)]
    world.mod.give_role(world.guild().moderator_role)
    saved = await world.mod.click(check, setup_text.NOTICE_SAVE)
    assert "Saved as version 2" in saved.text


async def test_a_release_with_a_new_built_in_notice_asks_members_again_once(world):
    # A server on the built-in notice, its members agreed to the edition before this
    # release. Starting this release moves it to a new notice version: nobody is
    # recorded as agreeing to words they never saw, and whoever has a reminder planned
    # is told once, whatever restarts follow.
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    await going_to_a_meeting(world, alice)
    await world.bot.stop()
    with connect(db_path(world)) as conn:
        conn.execute("UPDATE guild_settings SET default_notice_edition = ?", (EDITION - 1,))
    await world.restart_bot()  # and once more: told once, not once per start
    await world.restart_bot()

    assert rows(world, "SELECT notice_version, default_notice_edition FROM guild_settings") == [
        (2, EDITION)
    ]
    (told,) = told_of_change(alice)
    assert told_of_change(bob) == []  # nothing planned: asked when he next uses the bot
    notice = await alice.click(told, member_text.READ_THE_NOTICE)
    assert BUILT_IN_START in notice.text and "Your calendar address" in notice.text
    await alice.click(notice, strings.I_AGREE)
    shown = await bob.slash("me settings")
    assert member_text.NOTICE_UPDATED_TITLE in shown.text
    assert rows(world, "SELECT user_id, notice_version FROM members ORDER BY user_id") == sorted(
        [(alice.id, 2), (bob.id, 1)]
    )
