"""Text that cannot hide anything (issue 29): typed text is cleaned before it is kept or shown.

Control characters (NUL, BEL, terminal escapes) and bidirectional overrides and
isolates are removed from slash options and form fields as they arrive, so no
command can store or echo them.
"""

from __future__ import annotations

import sqlite3

from bot.domain.text import BIDI_CONTROLS
from tests.e2e.test_polls import create, join, set_up

RLO = "\u202e"  # right-to-left override
ANSI_RED, ANSI_RESET = "\x1b[31m", "\x1b[0m"


def db_rows(world, sql, params=()):
    with sqlite3.connect(world.root / "speakback.db") as conn:
        return conn.execute(sql, params).fetchall()


def hides_something(text: str) -> bool:
    return any(c in BIDI_CONTROLS or (ord(c) < 32 and c not in "\n\t") for c in text)


async def test_support_no_longer_echoes_a_right_to_left_override(world):
    form = await world.mod.slash("setup support")
    typed = f"Call {RLO}321 611 the crisis line\x00\x07 any time"
    saved = await world.mod.submit_modal(form, what_should_people_see_with_support=typed)
    assert not hides_something(saved.text)
    [(stored,)] = db_rows(world, "SELECT support_text FROM guild_settings")
    assert stored == "Call 321 611 the crisis line any time"
    shown = await world.user("alice").slash("support")
    assert "Call 321 611 the crisis line any time" in shown.text
    assert RLO not in shown.text and not hides_something(shown.text)


async def test_a_poll_title_with_terminal_escapes_is_stored_and_posted_clean(world):
    organiser = await set_up(world)
    await join(world.user("alice"))
    poll, poll_id = await create(
        world,
        organiser,
        kind="single",
        question=f"{ANSI_RED}What should we improve{ANSI_RESET} first?{RLO}",
        options=f"Waiting\x1b]8;;https://example.com\x07 times\nPeer{RLO} support",
    )
    [(question,)] = db_rows(world, "SELECT question FROM polls WHERE id = ?", (poll_id,))
    assert question == "What should we improve first?"
    options = [o for (o,) in db_rows(world, "SELECT label FROM poll_options ORDER BY position")]
    assert options == ["Waiting times", "Peer support"]
    assert "[31m" not in poll.text and not hides_something(poll.text)


async def test_a_slash_option_is_cleaned_before_the_command_reads_it(world):
    organiser = await set_up(world)
    form = await organiser.slash(
        "poll create", kind="single", content_note=f"{RLO}self-harm\x1b[5m"
    )
    readback = await organiser.submit_modal(form, question="Q?", options="A\nB")
    assert "self-harm" in readback.text and not hides_something(readback.text)
    assert "[5m" not in readback.text
