"""Read-back before anything is published (issue 29): a poll's read-back, Change, the
morning-or-evening question, /poll edit moving a close, and a meeting typed as a range.

The world's clock starts on Tuesday 1 December 2026, 09:00 GMT (server zone London).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.strings import meetings as meeting_text
from bot.strings import polls as text
from tests.database import rows
from tests.e2e.test_polls import join, set_up


def unix(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


async def test_a_poll_is_read_back_with_post_it_and_change_before_anything_is_posted(world):
    organiser = await set_up(world)
    channel = world.channel("announcements")
    before = len(channel.messages)
    form = await organiser.slash("poll create", kind="single", closes="01/02 18:00")
    assert form.modal is not None, form.text
    readback = await organiser.submit_modal(question="Which first?", options="Tea\nCoffee")
    assert readback.ephemeral and text.READBACK_INTRO in readback.text
    # Issue 21 (4): the organiser is told, while creating it, about the minimum turnout.
    assert "If fewer than 5 people vote, no results are shown" in readback.text
    # day first: 1 February; it has passed this year, and the read-back says so
    assert "Monday 1 February 2027, 6:00pm (Europe/London)" in readback.text
    assert "1 Feb has passed this year, so this is 1 Feb 2027." in readback.text
    assert readback.buttons == [text.POST_IT, text.CHANGE]
    assert len(channel.messages) == before  # nothing published yet
    assert rows(world, "SELECT count(*) FROM polls") == [(0,)]
    assert rows(world, "SELECT count(*) FROM poll_drafts") == [(1,)]

    change = await organiser.click(readback, text.CHANGE)
    assert change.modal is not None and change.modal["title"] == text.CHANGE_MODAL_TITLE
    changed = await organiser.submit_modal(
        change, closes="12/13 18:00", content_note="mentions of waiting lists"
    )
    # 12/13 is valid only month first, so read that way; the question and options stay
    assert "Sunday 13 December 2026, 6:00pm (Europe/London)" in changed.text
    assert "**Content note:** mentions of waiting lists" in changed.text
    assert "Which first?" in changed.text and "2. Coffee" in changed.text
    assert len(channel.messages) == before

    done = await organiser.click(changed, text.POST_IT)
    assert "being posted" in done.text, done.text
    assert rows(world, "SELECT closes_at, content_note FROM polls") == [
        ("2026-12-13T18:00:00+00:00", "mentions of waiting lists")
    ]
    assert rows(world, "SELECT count(*) FROM poll_drafts") == [(0,)]
    assert f"<t:{unix(2026, 12, 13, 18)}:F>" in channel.last.text


async def test_a_bare_closing_hour_asks_morning_or_evening_and_posts_nothing_until_chosen(world):
    organiser = await set_up(world)
    await organiser.slash("poll create", kind="single", closes="friday 6.30")
    readback = await organiser.submit_modal(question="Which first?", options="Tea\nCoffee")
    assert readback.buttons == ["6:30am", "6:30pm", text.CHANGE]
    assert "could be morning or evening" in readback.text
    assert rows(world, "SELECT count(*) FROM polls") == [(0,)]
    evening = await organiser.click(readback, "6:30pm")
    assert evening.buttons == [text.POST_IT, text.CHANGE]
    assert "Friday 4 December 2026, 6:30pm" in evening.text
    await organiser.click(evening, text.POST_IT)
    assert rows(world, "SELECT closes_at FROM polls") == [("2026-12-04T18:30:00+00:00",)]


async def test_a_range_or_an_absurd_year_is_refused_kindly_and_no_form_opens(world):
    organiser = await set_up(world)
    ranged = await organiser.slash("poll create", kind="single", closes="friday 6-8pm")
    assert ranged.modal is None and "single time" in ranged.text
    absurd = await organiser.slash("poll create", kind="single", closes="9999-12-31 18:00")
    assert absurd.modal is None and "more than 5 years away" in absurd.text
    alice = world.user("alice")
    await join(alice)
    pause = await alice.slash("me pause", until="0001-01-01")
    assert "has passed" in pause.text and "went wrong" not in pause.text
    assert rows(world, "SELECT paused_at FROM members") == [(None,)]
    await world.mod.slash("setup timezone", zone="America/Los_Angeles")
    weekly = await organiser.slash(
        "meeting schedule", title="Catch-up", start="9999-12-31 23:00", repeat="weekly"
    )
    assert "more than 5 years away" in weekly.text and "went wrong" not in weekly.text


async def test_poll_edit_moves_the_close_shows_it_on_the_post_and_tells_nobody(world):
    organiser = await set_up(world)
    alice = world.user("alice")
    await join(alice)
    await organiser.slash("poll create", kind="single", closes="in 2 days")
    readback = await organiser.submit_modal(question="Which first?", options="Tea\nCoffee")
    await organiser.click(readback, text.POST_IT)
    post = world.channel("announcements").last
    poll_id = int(re.search(r"Poll (\d+)", post.text).group(1))
    dms_before = len(alice.dms)

    soon = await organiser.slash("poll edit", poll=poll_id, closes="in 5 minutes")
    assert "at least 10 minutes" in soon.text
    past = await organiser.slash("poll edit", poll=poll_id, closes="yesterday 5pm")
    assert "already passed" in past.text
    assert rows(world, "SELECT closes_at FROM polls") == [("2026-12-03T09:00:00+00:00",)]

    moved = await organiser.slash("poll edit", poll=poll_id, closes="friday 5pm")
    assert "nobody was sent a message" in moved.text
    assert rows(world, "SELECT closes_at FROM polls") == [("2026-12-04T17:00:00+00:00",)]
    assert rows(world, "SELECT due_at FROM jobs WHERE key = ?", (f"poll-close:{poll_id}",)) == [
        ("2026-12-04T17:00:00+00:00",)
    ]
    await world.settle()
    assert f"<t:{unix(2026, 12, 4, 17)}:F>" in post.text
    assert len(alice.dms) == dms_before

    await world.advance(days=3, hours=9)
    assert rows(world, "SELECT state FROM polls") == [("closed",)]
    late = await organiser.slash("poll edit", poll=poll_id, closes="next friday 5pm")
    assert "already closed" in late.text.lower() or "closed" in late.text


async def test_a_meeting_typed_as_a_range_is_a_start_and_a_length_and_asks_when_they_differ(
    world,
):
    await world.mod.slash("setup channel", announcements=world.channel("announcements"))
    echo = await world.mod.slash("meeting schedule", title="Catch-up", start="Thursday 6-8pm")
    assert "Thursday 3 December 2026, 6:00pm" in echo.text
    assert "**Length:** 2 hours" in echo.text
    both = await world.mod.slash(
        "meeting schedule", title="Catch-up", start="Thursday 6-8pm", duration=90
    )
    assert meeting_text.POST_IT not in both.buttons
    assert "2 hours long, but the duration you gave is 1 hour 30 minutes" in both.text
    chosen = await world.mod.click(both, "2 hours, as typed in the time")
    assert meeting_text.POST_IT in chosen.buttons and "**Length:** 2 hours" in chosen.text
    bare = await world.mod.slash("meeting schedule", title="Catch-up", start="Thursday 6.30")
    assert bare.buttons[:2] == ["6:30am", "6:30pm"]
    assert rows(world, "SELECT count(*) FROM meetings") == [(0,)]
    evening = await world.mod.click(bare, "6:30pm")
    posted = await world.mod.click(evening, meeting_text.POST_IT)
    assert "Posted" in posted.text
    assert rows(world, "SELECT start_local FROM meetings") == [("2026-12-03T18:30:00",)]


async def test_an_opportunity_is_read_back_and_change_opens_a_form_of_five(world):
    organiser = await set_up(world)
    channel = world.channel("announcements")
    before = len(channel.messages)
    readback = await organiser.slash(
        "opportunity post",
        title="Interview panel",
        description="Sit on a panel.",
        when="10/12 2pm",
        places=3,
        payment="GBP 25 voucher",
        content_note="talk of restraint",
        closes="friday 5pm",
    )
    assert "as I read it" in readback.text
    assert "Thursday 10 December 2026, 2:00pm (Europe/London)" in readback.text  # day first
    assert "**Places:** 3" in readback.text and "GBP 25 voucher" in readback.text
    assert "**Content note:** talk of restraint" in readback.text
    assert "**Replies close:** Friday 4 December 2026, 5:00pm" in readback.text
    assert readback.buttons == ["Post it", "Change"]
    assert len(channel.messages) == before
    assert rows(world, "SELECT count(*) FROM opportunity_drafts") == [(1,)]

    change = await organiser.click(readback, "Change")
    assert change.modal is not None
    inputs = [c for row in change.modal["components"] for c in row.get("components", [])]
    assert [c["custom_id"] for c in inputs] == [
        "title", "description", "when", "closes", "content_note"
    ]  # fmt: skip
    changed = await organiser.submit_modal(change, when="Tuesdays in January", closes="")
    assert "Tuesdays in January (shown as you wrote it)" in changed.text
    assert "no closing date" in changed.text
    assert len(channel.messages) == before

    done = await organiser.click(changed, "Post it")
    assert "being posted" in done.text
    assert rows(world, "SELECT title, when_text, places, closes_at FROM opportunities") == [
        ("Interview panel", "Tuesdays in January", 3, None)
    ]
    assert rows(world, "SELECT count(*) FROM opportunity_drafts") == [(0,)]


async def test_without_a_description_a_form_opens_and_keeps_line_breaks(world):
    organiser = await set_up(world)
    form = await organiser.slash("opportunity post", title="Reading group", when="thursday 6.30")
    assert form.modal is not None and form.modal["title"] == "Describe the opportunity"
    readback = await organiser.submit_modal(description="First line.\nSecond line.")
    assert readback.buttons == ["6:30am", "6:30pm", "Change"]  # a bare hour: which?
    evening = await organiser.click(readback, "6:30pm")
    assert "Thursday 3 December 2026, 6:30pm" in evening.text
    await organiser.click(evening, "Post it")
    assert rows(world, "SELECT description FROM opportunities") == [("First line.\nSecond line.",)]
    again = await organiser.slash("opportunity post", title="Reading group", places=2)
    assert again.modal is not None  # nothing kept: that draft was posted
