"""Forms keep your work (issue 29): one bad field saves nothing, says which field and
what would work, and **Fix it** reopens the form with everything as it was typed."""

from __future__ import annotations

from bot import strings
from bot.strings import membership as text
from tests.database import rows
from tests.e2e.test_membership import join

TYPED = {
    "preferred_name": "Sam",
    "access_needs": "Captions, please\nand a quiet room",
    "timezone": "Londno",
    "quiet_hours": "22:00-08:00",
    "reminders": "24h",
}


def fields_of(reply) -> dict[str, str]:
    inputs = [c for row in reply.modal["components"] for c in row.get("components", [])]
    return {c["custom_id"]: c.get("value") or "" for c in inputs}


async def test_one_bad_field_keeps_the_others_and_fix_it_reopens_them(world):
    alice = world.user("alice")
    await join(alice)
    form = await alice.click(await alice.slash("me settings"), text.EDIT_DETAILS)
    refused = await alice.submit_modal(form, **TYPED)
    assert refused.ephemeral
    assert "**Time zone**" in refused.text and "`Londno`" in refused.text
    assert "Europe/London" in refused.text and "the list" not in refused.text
    assert strings.FORM_KEPT in refused.text and refused.buttons == [strings.FIX_IT]
    # bad input changes nothing: no other field was saved either
    assert rows(world, "SELECT preferred_name, access_needs FROM member_profiles") in (
        [],
        [(None, None)],
    )
    assert rows(world, "SELECT count(*) FROM form_drafts WHERE user_id = ?", (alice.id,)) == [(1,)]

    again = await alice.click(refused, strings.FIX_IT)
    assert again.modal is not None and again.modal["title"] == text.DETAILS_MODAL_TITLE
    assert fields_of(again) == TYPED  # every field as typed, line breaks too
    saved = await alice.submit_modal(again, timezone="Europe/London")
    assert "Europe/London" in saved.text and "22:00-08:00" in saved.text
    assert rows(world, "SELECT preferred_name, access_needs, timezone FROM member_profiles") == [
        ("Sam", "Captions, please\nand a quiet room", "Europe/London")
    ]
    assert rows(world, "SELECT count(*) FROM form_drafts") == [(0,)]


async def test_a_kept_form_lasts_15_minutes(world):
    alice = world.user("alice")
    await join(alice)
    form = await alice.click(await alice.slash("me settings"), text.EDIT_DETAILS)
    refused = await alice.submit_modal(form, quiet_hours="sometimes")
    assert "**Quiet hours**" in refused.text and refused.buttons == [strings.FIX_IT]
    await world.advance(minutes=16)
    late = await alice.click(refused, strings.FIX_IT)
    assert late.modal is None and late.text == strings.FORM_GONE
    assert rows(world, "SELECT count(*) FROM form_drafts") == [(0,)]


async def test_leaving_erases_a_kept_form(world):
    alice = world.user("alice")
    await join(alice)
    form = await alice.click(await alice.slash("me settings"), text.EDIT_DETAILS)
    await alice.submit_modal(form, preferred_name="Sam", reminders="whenever")
    assert rows(world, "SELECT count(*) FROM form_drafts") == [(1,)]
    leave = await alice.slash("leave")
    await alice.click(leave, strings.LEAVE_AND_ERASE)
    assert rows(world, "SELECT count(*) FROM form_drafts") == [(0,)]


async def test_every_form_keeps_its_work_a_poll_with_one_option_is_fixed_in_place(world):
    from bot.strings import polls as poll_text
    from tests.e2e.test_polls import set_up

    organiser = await set_up(world)
    form = await organiser.slash("poll create", kind="single", closes="friday 5pm")
    refused = await organiser.submit_modal(form, question="Which first?", options="Tea")
    assert refused.buttons == [strings.FIX_IT] and strings.FORM_KEPT in refused.text
    assert rows(world, "SELECT count(*) FROM poll_drafts") == [(0,)]
    again = await organiser.click(refused, strings.FIX_IT)
    assert fields_of(again) == {"question": "Which first?", "options": "Tea"}
    readback = await organiser.submit_modal(again, options="Tea\nCoffee")
    assert poll_text.READBACK_INTRO in readback.text
    assert "Friday 4 December 2026, 5:00pm" in readback.text  # the command's closing time kept
