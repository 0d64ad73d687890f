"""Delivery: one outbox, one paced sender, for every DM, post and edit (rule 10, 11, 14).

Features never call `channel.send` for anything but a direct interaction reply.
They enqueue through `bot.delivery` (`dm`, `post`, `edit`), which writes a row and
wakes the sender. The sender:

- claims due rows (urgent first), sends each with `nonce` = the row id (discord.py
  then sets `enforce_nonce`: a repeated send within minutes returns the first
  message), and marks it sent. A crash in between resends with the same nonce.
- paces every request it makes at `RATE` per second, spaced evenly, because
  discord.py paces per-route buckets but not Discord's global 50 requests/s.
- keeps DM channel ids (in memory and on the member's row, so a restart does not
  cost a request per member to open them again), and records a closed DM (403, code 50007) once in
  `dm_blocked`; later DMs to that person in that server are skipped without a
  request until a successful DM (e.g. the "I've opened my DMs" test) clears it.
- asks the recipient policy (registered by membership) before each DM: send,
  skip (no consent, paused, left), defer (quiet hours) or hold (a service message
  to someone stepping back: kept in `held_messages` for their resume summary).
- `tell_yes_sayers` is the one way to send a service message (rule 15) to the
  people who said yes to an item, with the count organisers may be given.
- dispatches `outbox_batch_done(batch, counts)` when a fan-out has no rows left.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import os
import signal
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord.http import handle_message_parameters
from discord.utils import MISSING

from bot.clock import DrivenClock
from bot.domain.members import Member, has_left_server
from bot.domain.service_messages import PURPOSE_ABOUT_YES, Told, reaches_now
from db import members, outbox
from db.outbox import OutboxRow

if TYPE_CHECKING:
    from discord.http import HTTPClient

    from bot.clock import Clock
    from db.database import Database

log = logging.getLogger("speakback.delivery")

RATE = 44.0  # requests per second: at least 40 sustained, and under Discord's global 50
CLAIM_BATCH = 16  # rows in flight at once (enough to keep 44/s busy at ~300 ms latency)
EDIT_MIN_INTERVAL = 1.0  # seconds between edits of one message (bursts coalesce)
MAX_ATTEMPTS = 5
DMS_CLOSED = 50007
STALE_CHANNEL = (10003, 50001)  # Unknown Channel, Missing Access: not ours (any more)
WAIT_RECHECK = timedelta(days=1)  # a waiting DM is looked at again this often (or released)
WAIT_LIMIT = timedelta(days=30)  # and dropped after waiting this long
AUTO_REPLY = "auto_reply"  # the purpose of the automatic reply to a DM: deleted once sent


# -- what features build -----------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """One DM of a fan-out (`Delivery.dm_many`): who, what, and its once-only key."""

    guild_id: int | None
    user_id: int
    payload: dict[str, Any]
    dedupe_key: str
    not_before: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    """The recipient policy's answer for one DM at send time."""

    action: str  # "send", "skip" or "defer"
    reason: str | None = None
    until: datetime | None = None

    @classmethod
    def send(cls) -> Decision:
        return cls("send")

    @classmethod
    def skip(cls, reason: str) -> Decision:
        return cls("skip", reason)

    @classmethod
    def defer(cls, until: datetime, reason: str) -> Decision:
        return cls("defer", reason, until)

    @classmethod
    def hold(cls, reason: str) -> Decision:
        return cls("hold", reason)

    @classmethod
    def keep_waiting(cls, reason: str) -> Decision:
        """Keep it in the outbox until the person can receive it (they agree to a new
        notice); looked at again daily, released at once by `db.outbox.release_waiting`,
        urgent or not."""
        return cls("wait", reason)


RecipientPolicy = Callable[[int | None, int, str, datetime, datetime | None], Awaitable[Decision]]
"""(guild_id, user_id, purpose, now, starts_at) -> Decision; `starts_at` is when the
thing a message is about begins (its `expires_at`), for the quiet-hours exception."""


async def _allow_everything(
    guild_id: int | None, user_id: int, purpose: str, now: datetime, starts_at: datetime | None
) -> Decision:
    return Decision.send()


def message_payload(
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    files: Iterable[tuple[str, bytes, str | None]] = (),
    ping_role_id: int | None = None,
) -> dict[str, Any]:
    """A message as stored in the outbox. Buttons must be DynamicItems (they outlive us).

    `files` are (filename, data, description) - the description is the alt text.
    `ping_role_id` is the one role this message may ping (the announcement role).
    """
    payload: dict[str, Any] = {}
    if content is not None:
        payload["content"] = content
    payload["embeds"] = [e.to_dict() for e in embeds]
    payload["components"] = view.to_components() if view is not None else []
    encoded = [
        {"filename": name, "data": base64.b64encode(data).decode(), "description": description}
        for name, data, description in files
    ]
    if encoded:
        payload["files"] = encoded
    if ping_role_id is not None:
        payload["ping_role_id"] = ping_role_id
    return payload


class _RawComponents:
    """Stored component dicts, shaped like a View for discord.py's parameter builder."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self._rows = rows

    def to_components(self) -> list[dict[str, Any]]:
        return self._rows

    def has_components_v2(self) -> bool:
        return False


class Pacer:
    """Spaces requests evenly: at most `rate` in any one-second window.

    Each caller gets the next slot, `1/rate` after the last. Several senders wait
    at once (a claimed batch goes out concurrently), so if the process stalls (a
    long garbage collection, a busy machine) the slots that passed meanwhile would
    all go out together as it resumes; a log of the last second's sends holds those
    back, so no one-second window ever has more than `rate`.
    """

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._cap = int(rate)
        self._next = 0.0
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        delay = slot - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        while True:
            now = time.monotonic()
            while self._sent and self._sent[0] <= now - 1.0:
                self._sent.popleft()
            if len(self._sent) < self._cap:
                self._sent.append(now)
                return
            await asyncio.sleep(self._sent[0] + 1.0 - now)


class _Retry(Exception):
    pass


# -- the service -----------------------------------------------------------------


class Delivery:
    """The outbox and its paced sender, built from what it uses (not the whole client).

    `http` is discord.py's HTTP client; `dispatch(event, *args)` raises bot events
    (`dm_undeliverable`, `outbox_batch_done`) for the features that listen.
    """

    edit_min_interval = EDIT_MIN_INTERVAL  # tests may shorten it (bot.testing)

    def __init__(
        self,
        db: Database,
        clock: Clock,
        http: HTTPClient,
        *,
        dispatch: Callable[..., None],
        allowed_mentions: discord.AllowedMentions | None,
        rate: float = RATE,
    ) -> None:
        self.db = db
        self.clock = clock
        self.http = http
        self._dispatch = dispatch
        self._allowed_mentions = allowed_mentions
        self.pacer = Pacer(rate)
        self._policy: RecipientPolicy = _allow_everything
        self._dm_channels: dict[int, int] = {}
        self._last_edit: dict[int, float] = {}
        self._finished_batches: set[str] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.requests_made = 0
        # Test-only fault injection (set through bot.testing): die after N sends, before marking.
        self.crash_after_sends: int | None = None

    def set_recipient_policy(self, policy: RecipientPolicy) -> None:
        self._policy = policy

    # -- enqueueing -------------------------------------------------------------

    async def dm(
        self,
        *,
        guild_id: int | None,
        user_id: int,
        purpose: str,
        payload: dict[str, Any],
        dedupe_key: str | None,
        batch: str | None = None,
        urgent: bool = False,
        retry_blocked: bool = False,
        not_before: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> int | None:
        """Queue a DM. Returns the row id, or None if this dedupe_key was queued before
        (kept 7 days: a feature records "at most once" on its item; None: no key).

        `expires_at`: past this time the DM is skipped instead of sent (a reminder
        for a meeting that has begun is no use).
        """
        row_id = await outbox.enqueue(
            self.db,
            kind="dm",
            payload=payload,
            now=self.clock.now(),
            dedupe_key=dedupe_key,
            guild_id=guild_id,
            user_id=user_id,
            purpose=purpose,
            batch=batch,
            urgent=urgent,
            retry_blocked=retry_blocked,
            not_before=not_before,
            expires_at=expires_at,
        )
        self.wake()
        return row_id

    async def dm_many(
        self,
        letters: Iterable[Letter],
        *,
        purpose: str,
        batch: str | None = None,
        urgent: bool = False,
    ) -> int:
        """Queue a fan-out: one DM per letter, in one transaction (quicker for thousands,
        and a batch becomes visible whole, so it cannot be "finished" before its last
        DM is queued). Inside a caller's transaction it joins it. Returns how many were
        newly queued (a dedupe key queued before counts nothing)."""
        queued = 0
        async with self.db.transaction():
            for letter in letters:
                row_id = await self.dm(
                    guild_id=letter.guild_id,
                    user_id=letter.user_id,
                    purpose=purpose,
                    payload=letter.payload,
                    dedupe_key=letter.dedupe_key,
                    batch=batch,
                    urgent=urgent,
                    not_before=letter.not_before,
                    expires_at=letter.expires_at,
                )
                queued += row_id is not None
        return queued

    async def tell_yes_sayers(
        self, letters: Iterable[Letter], *, batch: str | None = None, urgent: bool = False
    ) -> Told:
        """Send a service message (rule 15) to people who said yes to an item: a place
        won or lost, a promotion, the thing moved, changed or cancelled, an organiser's
        note. Goes whatever optional DM kinds they chose; held while someone is stepping
        back (shown when they resume); after quiet hours unless the item starts first
        (give each letter `expires_at` = when the item starts, if it has a time).
        Anyone known to have left the server is left off (issue 19).

        Returns how many it was for, and how many it reaches by DM now (or after their
        quiet hours): what the organiser may be told, through `Told.split` (rule 9).
        """
        now = self.clock.now()
        by_dm_now = 0
        kept: list[Letter] = []
        for letter in letters:
            member: Member | None = None
            blocked = False
            if letter.guild_id is not None:
                member = await members.get_member(self.db, letter.guild_id, letter.user_id)
                if member is not None and has_left_server(member):
                    continue  # known to have left the server: off the list (issue 19)
                blocked = (
                    await outbox.dm_blocked_since(self.db, letter.guild_id, letter.user_id)
                    is not None
                )
            kept.append(letter)
            by_dm_now += reaches_now(member, now, dms_closed=blocked)
        await self.dm_many(kept, purpose=PURPOSE_ABOUT_YES, batch=batch, urgent=urgent)
        return Told(total=len(kept), by_dm_now=by_dm_now)

    async def post(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        payload: dict[str, Any],
        dedupe_key: str,
        batch: str | None = None,
    ) -> int | None:
        """Queue a channel post. `sent_message_id` is filled in once it is sent."""
        row_id = await outbox.enqueue(
            self.db,
            kind="post",
            payload=payload,
            now=self.clock.now(),
            dedupe_key=dedupe_key,
            guild_id=guild_id,
            channel_id=channel_id,
            batch=batch,
            urgent=True,
        )
        self.wake()
        return row_id

    async def edit(
        self, *, guild_id: int | None, channel_id: int, message_id: int, payload: dict[str, Any]
    ) -> None:
        """Queue an edit; many edits of one message in a burst become one request."""
        await outbox.enqueue_edit(
            self.db,
            guild_id=guild_id,
            channel_id=channel_id,
            message_id=message_id,
            payload=payload,
            now=self.clock.now(),
        )
        self.wake()

    async def sent_message_id(self, row_id: int) -> int | None:
        return await self.db.fetchval("SELECT sent_message_id FROM outbox WHERE id = ?", (row_id,))

    # -- the sender -------------------------------------------------------------

    async def start(self) -> None:
        recovered = await outbox.recover_interrupted(self.db)
        if recovered:
            log.warning(
                "%d message(s) were mid-send at the last stop; resending (same nonce)", recovered
            )
        self._task = asyncio.create_task(self._run(), name="speakback-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    async def drain(self) -> None:
        """Wait until nothing due is left to send (tests and the demo use this)."""
        while True:
            self.wake()
            await self._idle.wait()
            if await outbox.pending_count(self.db, now=self.clock.now()) == 0:
                return
            await asyncio.sleep(0.01)

    async def _run(self) -> None:
        while True:
            try:
                rows = await outbox.claim_due(self.db, self.clock.now(), CLAIM_BATCH)
            except Exception:
                log.exception("Could not read the outbox; trying again shortly")
                rows = []
                await asyncio.sleep(1)
            if not rows:
                self._idle.set()
                await self._sleep_until_needed()
                continue
            await asyncio.gather(*(self._deliver(row) for row in rows))

    async def _sleep_until_needed(self) -> None:
        self._wake.clear()
        timeout: float | None = None
        if not isinstance(self.clock, DrivenClock):
            upcoming = await outbox.next_not_before(self.db)
            if upcoming is not None:
                timeout = max(0.05, (upcoming - self.clock.now()).total_seconds())
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            pass

    async def _deliver(self, row: OutboxRow) -> None:
        now = self.clock.now()
        try:
            if row.kind == "dm":
                await self._deliver_dm(row, now)
            elif row.kind == "post":
                message_id = await self._send(row.channel_id, row.payload, row.id)
                self._fault_point()
                await outbox.mark_sent(self.db, row, now, message_id)
            else:
                await self._deliver_edit(row, now)
        except _Retry as retry:
            await self._retry(row, now, str(retry))
        except discord.Forbidden as error:
            await outbox.mark(self.db, row.id, "failed", f"forbidden ({error.code}): {error.text}")
            log.warning("Outbox %s (%s) was refused: %s", row.id, row.kind, error.text)
        except discord.NotFound as error:
            await outbox.mark(self.db, row.id, "failed", f"not found: {error.text}")
        except discord.HTTPException as error:
            if error.status >= 500 or error.status == 429:
                await self._retry(row, now, f"HTTP {error.status}")
            else:
                await outbox.mark(self.db, row.id, "failed", f"HTTP {error.status}: {error.text}")
                log.error(
                    "Outbox %s (%s) failed: HTTP %s %s", row.id, row.kind, error.status, error.text
                )
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            await self._retry(row, now, type(error).__name__)
        except Exception:
            log.exception("Outbox %s (%s) failed unexpectedly", row.id, row.kind)
            await outbox.mark(self.db, row.id, "failed", "unexpected error (see log)")
        if row.kind == "dm" and row.purpose == AUTO_REPLY:
            # An automatic reply to a DM (it belongs to no server): once finished it is
            # kept no longer; the six-hour window is a keyed hash (dm_auto_replies).
            await outbox.forget_finished(self.db, row.id)
        if row.batch is not None:
            await self._maybe_finish_batch(row.batch)

    async def _retry(self, row: OutboxRow, now: datetime, detail: str) -> None:
        if row.attempts >= MAX_ATTEMPTS:
            await outbox.mark(self.db, row.id, "failed", detail)
            log.error("Outbox %s gave up after %d attempts: %s", row.id, row.attempts, detail)
            return
        delay = timedelta(seconds=min(600, 5 * 2**row.attempts))
        await outbox.defer(self.db, row.id, now + delay, detail)
        log.warning("Outbox %s: %s; trying again in %s", row.id, detail, delay)

    async def _deliver_dm(self, row: OutboxRow, now: datetime) -> None:
        assert row.user_id is not None
        if row.expires_at is not None and now >= row.expires_at:
            await outbox.mark(self.db, row.id, "skipped", "too late to be useful")
            return
        blocked = (
            row.guild_id is not None
            and not row.retry_blocked
            and await outbox.dm_blocked_since(self.db, row.guild_id, row.user_id) is not None
        )
        if blocked and row.purpose != PURPOSE_ABOUT_YES:
            await outbox.mark(self.db, row.id, "undeliverable", "DMs closed (recorded before)")
            return
        decision = await self._policy(row.guild_id, row.user_id, row.purpose, now, row.expires_at)
        if decision.action == "hold" and row.guild_id is not None:
            await outbox.hold(self.db, row, now, decision.reason)
            return
        if blocked:
            await outbox.mark(self.db, row.id, "undeliverable", "DMs closed (recorded before)")
            return
        if decision.action == "skip":
            await outbox.mark(self.db, row.id, "skipped", decision.reason)
            return
        if decision.action == "wait":
            if row.created_at is not None and now - row.created_at >= WAIT_LIMIT:
                await outbox.mark(self.db, row.id, "skipped", f"waited too long: {decision.reason}")
            else:
                await outbox.keep_waiting(
                    self.db, row.id, now + WAIT_RECHECK, decision.reason or ""
                )
            return
        if decision.action == "defer" and not row.urgent and decision.until is not None:
            await outbox.defer(self.db, row.id, decision.until, decision.reason)
            return
        try:
            channel_id = await self._dm_channel(row.user_id, row.guild_id)
            try:
                message_id = await self._send(channel_id, row.payload, row.id)
            except (discord.NotFound, discord.Forbidden) as error:
                if error.code not in STALE_CHANNEL:
                    raise
                # A kept DM channel id Discord no longer knows for us (e.g. the same
                # database run under another application): open it again, once.
                await self._forget_dm_channel(row.user_id, row.guild_id)
                channel_id = await self._dm_channel(row.user_id, row.guild_id)
                message_id = await self._send(channel_id, row.payload, row.id)
        except discord.Forbidden as error:
            if error.code != DMS_CLOSED:
                raise
            await outbox.mark(self.db, row.id, "undeliverable", "DMs closed")
            if row.guild_id is not None:
                await outbox.record_dm_blocked(self.db, row.guild_id, row.user_id, now)
            self._dispatch("dm_undeliverable", row.guild_id, row.user_id)
            log.info("DMs are closed for a member of guild %s; recorded once", row.guild_id)
            return
        self._fault_point()
        await outbox.mark_sent(self.db, row, now, message_id)
        if row.guild_id is not None and row.retry_blocked:
            await outbox.clear_dm_blocked(self.db, row.guild_id, row.user_id)

    def _fault_point(self) -> None:
        """Between a send and its mark: where a crash would hurt most (tests kill us here)."""
        if self.crash_after_sends is None:
            return
        self.crash_after_sends -= 1
        if self.crash_after_sends <= 0:
            log.warning("TEST FAULT: killing the process between a send and its mark")
            os.kill(os.getpid(), signal.SIGKILL)

    async def _deliver_edit(self, row: OutboxRow, now: datetime) -> None:
        assert row.channel_id is not None and row.message_id is not None
        last = self._last_edit.get(row.message_id, 0.0)
        wait = self.edit_min_interval - (time.monotonic() - last)
        if wait > 0:
            await asyncio.sleep(wait)  # let a burst of changes coalesce into this edit
            row = await outbox.reread(self.db, row.id) or row
        params = self._params(row.payload, nonce=None)
        with params:
            await self.pacer.wait()
            self.requests_made += 1
            await self.http.edit_message(row.channel_id, row.message_id, params=params)
        self._last_edit[row.message_id] = time.monotonic()
        await outbox.mark_sent(self.db, row, now, row.message_id)

    async def _dm_channel(self, user_id: int, guild_id: int | None) -> int:
        """The DM channel's id: from memory, else from the member's row (kept across
        restarts), else opened with Discord (one request) and remembered."""
        cached = self._dm_channels.get(user_id)
        if cached is None and guild_id is not None:
            cached = await members.dm_channel_of(self.db, guild_id, user_id)
        if cached is not None:
            self._dm_channels[user_id] = cached
            return cached
        await self.pacer.wait()
        self.requests_made += 1
        data = await self.http.start_private_message(user_id)
        channel_id = int(data["id"])
        self._dm_channels[user_id] = channel_id
        if guild_id is not None:
            await members.remember_dm_channel(self.db, guild_id, user_id, channel_id)
        return channel_id

    async def _forget_dm_channel(self, user_id: int, guild_id: int | None) -> None:
        self._dm_channels.pop(user_id, None)
        if guild_id is not None:
            await members.forget_dm_channel(self.db, guild_id, user_id)

    async def _send(self, channel_id: int | None, payload: dict[str, Any], nonce: int) -> int:
        assert channel_id is not None
        params = self._params(payload, nonce=nonce)
        with params:
            await self.pacer.wait()
            self.requests_made += 1
            data = await self.http.send_message(channel_id, params=params)
        return int(data["id"])

    def _params(self, payload: dict[str, Any], *, nonce: int | None):
        files = [
            discord.File(
                io.BytesIO(base64.b64decode(f["data"])),
                filename=f["filename"],
                description=f.get("description"),
            )
            for f in payload.get("files", [])
        ]
        role = payload.get("ping_role_id")
        allowed = (
            discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role)])
            if role
            else discord.AllowedMentions.none()
        )
        reply_to = payload.get("reply_to")  # a reply (an outcome update under its results)
        reference = (
            {
                "message_id": int(reply_to["message_id"]),
                "channel_id": int(reply_to["channel_id"]),
                "fail_if_not_exists": False,
            }
            if reply_to
            else MISSING
        )
        return handle_message_parameters(
            content=payload.get("content", MISSING),
            message_reference=reference,
            embeds=[discord.Embed.from_dict(e) for e in payload.get("embeds", [])],
            files=files or MISSING,
            view=_RawComponents(payload.get("components", [])),  # type: ignore[arg-type]
            nonce=nonce,
            allowed_mentions=allowed,
            previous_allowed_mentions=self._allowed_mentions,
        )

    async def _maybe_finish_batch(self, batch: str) -> None:
        """Announce a fan-out once nothing of it is in flight or due now.

        Rows deferred to the end of someone's quiet hours still count as `pending`.
        """
        if batch in self._finished_batches:
            return
        if await outbox.pending_count(self.db, now=self.clock.now(), batch=batch):
            return
        self._finished_batches.add(batch)
        counts = await outbox.batch_counts(self.db, batch)
        self._dispatch("outbox_batch_done", batch, counts)
