"""The demo's meeting scene: scheduled (echoed before posting), answered, and reminded.

Plugged into `tests.demo.SCENES` after the poll scene (Alice is a member who chose
meeting reminders; Olu is an organiser). The clock is driven, so the reminder a
week ahead arrives at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot import strings
from bot.strings import meetings as text

if TYPE_CHECKING:
    from tests.demo import Transcript
    from tests.emulator.world import World


async def scene_meeting(t: Transcript, world: World) -> None:
    t.scene("A weekly meeting: scheduled, answered, and a reminder arrives")
    olu, alice = world.user("olu", organiser=True), world.user("alice")
    echo = await t.slash(
        olu, "meeting schedule", title="Champions catch-up", start="next thursday 6pm",
        place="Room 2, Wellbeing Centre", repeat="weekly",
    )  # fmt: skip
    await t.click(olu, echo, text.POST_IT)
    post = world.channel("announcements").last
    saved = await t.click(alice, post, strings.GOING)
    await t.click(alice, saved, text.ALL_IN_SERIES)
    await t.slash(alice, "meetings")
    [meeting] = await alice.autocomplete("meeting ics", "meeting", "catch-up")
    await t.slash(alice, "meeting ics", meeting=meeting.value)
    today = world.now.date()  # "next thursday": the first Thursday after today
    thursday = today + timedelta(days=(3 - today.weekday()) % 7 or 7)
    start = datetime.combine(thursday, time(18, 0), tzinfo=UTC)  # London is on UTC in winter
    day_before = start - timedelta(hours=24) - world.now
    await t.advance("the day before the meeting, at 6pm", seconds=day_before.total_seconds())
