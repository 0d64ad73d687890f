"""DMs checked when it matters (issue 20): one test DM, and what Discord said.

Used when someone first chooses any messages (in /me settings, or **Remind me
before meetings**) and by **I've opened my DMs**. The test goes urgent, ahead of
fan-outs, and is sent even if their DMs were recorded closed; at most one per
person per server every 10 minutes.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from bot.delivery import message_payload
from bot.domain.members import PURPOSE_SERVICE
from bot.domain.timefmt import discord_timestamp
from bot.strings import membership as text
from db import outbox

if TYPE_CHECKING:
    from bot.services import Services
    from db.database import Database

TEST_DM_EVERY = timedelta(minutes=10)
"""At most one test DM per person per server in this time: a closed DM is a refused
request to Discord, and many refusals get a bot's address banned (issue 20)."""
TEST_DM_WAIT = 10.0
"""Seconds a press waits for its test DM before answering "still checking"."""
TEST_DM_PREFIX = "dm-test:"


@dataclass(frozen=True)
class DmCheck:
    """What a test DM found: "open", "closed", or "checking" (no answer in time).

    `again_at` is set when no new test was sent because one went recently: the
    answer is that one's, and another may be sent from then on.
    """

    result: Literal["open", "closed", "checking"]
    again_at: datetime | None = None


async def check_dms(
    services: Services, guild_id: int, user_id: int, *, wait: float | None = None
) -> DmCheck:
    """Send one test DM (urgent, ahead of fan-outs) and wait for what Discord said.

    Sent even though DMs were recorded closed; at most one per `TEST_DM_EVERY`: a
    press soon after reads the last test's answer instead of asking Discord again.
    `wait`: seconds (wall clock) before answering "checking"; `TEST_DM_WAIT` unless
    test control shortened it (SPEAKBACK_TEST_DM_CHECK_WAIT).
    """
    if wait is None:
        wait = services.dm_check_wait if services.dm_check_wait is not None else TEST_DM_WAIT
    db, now = services.db, services.clock.now()
    prefix = f"{TEST_DM_PREFIX}{guild_id}:{user_id}:"
    recent = await outbox.latest_dm_test(
        db, guild_id, user_id, prefix=prefix, since=now - TEST_DM_EVERY
    )
    again_at = None
    if recent is not None:
        row_id, queued_at = recent
        again_at = queued_at + TEST_DM_EVERY
    else:
        queued = await services.delivery.dm(
            guild_id=guild_id,
            user_id=user_id,
            purpose=PURPOSE_SERVICE,
            payload=message_payload(text.TEST_DM),
            dedupe_key=f"{prefix}{now.isoformat()}",
            urgent=True,
            retry_blocked=True,
        )
        if queued is None:  # two presses in the same instant: the other one's test
            recent = await outbox.latest_dm_test(
                db, guild_id, user_id, prefix=prefix, since=now - TEST_DM_EVERY
            )
            assert recent is not None
            queued = recent[0]
        row_id = queued
    state = await _settled_state(db, row_id, wait)
    if state == "sent" and recent is not None:
        # a message since the last test may have found them closed
        blocked = await outbox.dm_blocked_since(db, guild_id, user_id)
        if blocked is not None and blocked >= recent[1]:
            return DmCheck("closed", again_at)
    if state == "sent":
        return DmCheck("open", again_at)
    if state == "undeliverable":
        return DmCheck("closed", again_at)
    return DmCheck("checking", again_at)


async def _settled_state(db: Database, row_id: int, wait: float) -> str | None:
    """The row's state once it is final, or None if it is not within `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        state = await outbox.state_of(db, row_id)
        if state in outbox.FINAL_STATES:
            return state
        if time.monotonic() >= deadline:
            return None
        await asyncio.sleep(0.05)


def check_words(check: DmCheck) -> str:
    """What a test DM found, in words (with how to open DMs when they are closed)."""
    if check.result == "open":
        return text.DM_CHECK_OPEN
    if check.result == "closed":
        if check.again_at is not None:
            return text.DM_CHECK_CLOSED_RECENTLY.format(
                again=discord_timestamp(check.again_at, "t")
            )
        return text.DM_CHECK_CLOSED
    return text.DM_CHECK_WAITING
