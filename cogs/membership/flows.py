"""Membership's application logic: joining, agreeing, choices, stepping back, leaving.

No Discord here (rule: flows import no discord): the cog and the buttons in
`ui.py` parse and guard, call one function here, and answer with what it
returns. What other features must hear about (someone left, someone changed
their reminder settings) is raised through the `dispatch` callable they pass
in: the client's event dispatcher.

The delivery recipient policy is here too: the one place that decides, at send
time, whether a DM may go to a person (rules 1, 4 and 5).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.delivery import AUTO_REPLY, Decision, Letter, RecipientPolicy, message_payload
from bot.domain.consent import OPTIONAL_PURPOSES, PURPOSE_DM_OUTCOMES
from bot.domain.members import (
    Member,
    MemberCounts,
    contact_decision,
    is_paused,
    notice_is_current,
    summarise_counts,
)
from bot.domain.service_messages import PURPOSE_ABOUT_YES, service_decision
from bot.domain.settings import GuildSettings
from bot.domain.when import read_pause_until
from bot.services import Services
from bot.strings import membership as text
from db import members as repo
from db import payments as payments_db
from db.catch_up import PostedItem, posted_since
from db.database import Database
from db.meetings import members_with_reminders_planned
from db.outbox import auto_reply_until, dm_blocked_since, release_waiting, take_held
from db.personal_data import export_all
from db.polls import counted_after_leaving, open_anonymous_ballots
from db.settings import ensure_settings_row, get_settings, revision_saved_at

EVENT_WINDOW = timedelta(days=30)

Dispatch = Callable[..., None]
"""How flows tell other features something happened: `dispatch("member_left", guild, user)`."""


# -- what the screens show ---------------------------------------------------------


@dataclass(frozen=True)
class MemberStatus:
    """Everything /me show displays about one member."""

    member: Member
    settings: GuildSettings
    dms_blocked_since: datetime | None
    now: datetime
    wording_dates: dict[int | None, datetime] = field(default_factory=dict)
    """When the notice wordings named (the member's, the server's) were saved."""


async def get_member_status(
    services: Services, member: Member, settings: GuildSettings | None = None
) -> MemberStatus:
    """A member's status (`settings`: their server's, if already read)."""
    db = services.db
    if settings is None:
        settings = await get_settings(db, member.guild_id)
    blocked = await dm_blocked_since(db, member.guild_id, member.user_id)
    dates: dict[int | None, datetime] = {}
    for revision in {member.notice_revision, settings.notice_revision}:
        saved = await revision_saved_at(db, member.guild_id, revision)
        if saved is not None:
            dates[revision] = saved
    return MemberStatus(member, settings, blocked, services.clock.now(), dates)


# -- joining and agreeing -------------------------------------------------------------


async def prepare_notice(services: Services, settings: GuildSettings) -> None:
    """Before anyone reads the built-in notice, record which edition this server is on.

    If a new release changes the words while they read, start-up moves the server
    to a new version and their "I agree" is asked again (rule 1).
    """
    if settings.notice_text is None:
        await ensure_settings_row(services.db, settings.guild_id, services.clock.now())


@dataclass(frozen=True)
class Joining:
    """What /join shows: the notice (new or changed), or the member's status."""

    settings: GuildSettings
    outdated: bool = False
    status: MemberStatus | None = None  # set when they are a member on the current notice


async def start_joining(services: Services, guild_id: int, user_id: int) -> Joining:
    settings = await get_settings(services.db, guild_id)
    member = await repo.get_member(services.db, guild_id, user_id)
    if member is None:
        return Joining(settings)
    if not notice_is_current(member, settings.notice_version):
        return Joining(settings, outdated=True)
    return Joining(settings, status=await get_member_status(services, member, settings))


@dataclass(frozen=True)
class Agreement:
    """What pressing I agree did.

    `result` is "changed" (the notice changed while they read: show it again,
    `outdated` if they are a member), "already" (nothing to do: `status`), or
    "joined" / "reconfirmed" (`member` is who they are now).
    """

    result: Literal["changed", "already", "joined", "reconfirmed"]
    settings: GuildSettings
    member: Member | None = None
    outdated: bool = False
    status: MemberStatus | None = None


async def agree(
    services: Services, guild_id: int, user_id: int, version: int, *, secret: bytes
) -> Agreement:
    db = services.db
    settings = await get_settings(db, guild_id)
    if version != settings.notice_version:
        member = await repo.get_member(db, guild_id, user_id)
        return Agreement("changed", settings, outdated=member is not None)
    result = await repo.agree(
        db, guild_id, user_id, notice_version=version, now=services.clock.now(), secret=secret
    )
    member = await repo.get_member(db, guild_id, user_id)
    assert member is not None
    if result == "already":
        status = await get_member_status(services, member, settings)
        return Agreement("already", settings, member, status=status)
    # Messages that waited for this agreement (a reminder, an invitation) go now.
    if await release_waiting(db, guild_id, user_id, services.clock.now()):
        services.delivery.wake()
    return Agreement(result, settings, member)


@dataclass(frozen=True)
class Reading:
    """What **Read the notice** shows a member: the notice, new to them or not."""

    settings: GuildSettings
    outdated: bool


async def read_notice(services: Services, guild_id: int, user_id: int) -> Reading | None:
    """A member opens their server's notice (None: not a member there). The wording
    they last saw is now the one in force."""
    db = services.db
    member = await repo.get_member(db, guild_id, user_id)
    if member is None:
        return None
    settings = await get_settings(db, guild_id)
    await repo.notice_seen(db, guild_id, user_id, settings.notice_revision)
    return Reading(settings, outdated=not notice_is_current(member, settings.notice_version))


async def tell_notice_changed(
    services: Services, guild_id: int, version: int, payload: dict[str, Any]
) -> int:
    """After a real change: one service message (rule 15) to each member with reminders
    planned, so they can read the new notice and keep them. Once per member and
    version (the dedupe key). Returns how many were queued."""
    people = await members_with_reminders_planned(services.db, guild_id)
    letters = [
        Letter(
            guild_id=guild_id,
            user_id=user_id,
            payload=payload,
            dedupe_key=f"notice-changed:{guild_id}:{version}:{user_id}",
        )
        for user_id in people
    ]
    # A service message (rule 15): after quiet hours; held while someone is stepping
    # back and shown to them when they come back.
    told = await services.delivery.tell_yes_sayers(
        letters, batch=f"notice-changed:{guild_id}:{version}"
    )
    return told.total


async def is_member(services: Services, guild_id: int, user_id: int) -> bool:
    return await repo.is_member(services.db, guild_id, user_id)


async def member_guilds(services: Services, user_id: int) -> list[int]:
    """The servers this person is a member in (a command used in a DM asks which)."""
    return await repo.member_guilds(services.db, user_id)


# -- choices: messages, group, details ---------------------------------------------------


@dataclass(frozen=True)
class PreferencesSaved:
    chosen: frozenset[str]
    paused: bool  # stepping back, so nothing chosen is sent for now
    member: Member  # as they are now
    first_choice: bool = False  # their first DM kinds: worth checking their DMs are open


async def set_contact_preferences(
    services: Services, member: Member, chosen: frozenset[str]
) -> PreferencesSaved:
    db, now = services.db, services.clock.now()
    saved = await repo.set_contact_preferences(db, member.guild_id, member.user_id, chosen, now)
    refreshed = await repo.get_member(db, member.guild_id, member.user_id)
    assert refreshed is not None
    paused = bool(saved) and is_paused(member, now)
    first = bool(saved) and not optional_choices(member.consents) and not paused
    return PreferencesSaved(saved, paused, refreshed, first_choice=first)


async def set_group(services: Services, member: Member, group: str | None) -> Member:
    await repo.update_profile(
        services.db, member.guild_id, member.user_id, services.clock.now(), group=group
    )
    refreshed = await repo.get_member(services.db, member.guild_id, member.user_id)
    assert refreshed is not None
    return refreshed


async def save_details(
    services: Services, member: Member, changes: dict[str, Any], *, dispatch: Dispatch
) -> MemberStatus:
    """Save the details form (already checked), and say so (meetings re-plan reminders)."""
    db = services.db
    await repo.update_profile(db, member.guild_id, member.user_id, services.clock.now(), **changes)
    # e.g. meetings re-plan reminders for new times, quiet hours or zone
    dispatch("member_settings_changed", member.guild_id, member.user_id)
    refreshed = await repo.get_member(db, member.guild_id, member.user_id)
    assert refreshed is not None
    return await get_member_status(services, refreshed)


# -- stepping back ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    ends: datetime | None  # None: until they resume
    zone: str  # the time zone the date is shown in
    note: str | None = None  # which day a weekday meant ("Today is Friday, so ...")


PAUSE_END_JOB = "pause_end"


def pause_end_key(guild_id: int, user_id: int) -> str:
    return f"pause-end:{guild_id}:{user_id}"


async def pause(services: Services, member: Member, until: str | None) -> Pause:
    settings = await get_settings(services.db, member.guild_id)
    zone = member.profile.timezone or settings.timezone
    now = services.clock.now()
    reading = (
        read_pause_until(until, zone, now, date_order=settings.date_order)
        if until and until.strip()
        else None
    )
    ends = reading.at if reading is not None else None
    started = now
    await repo.pause(services.db, member.guild_id, member.user_id, started, ends)
    key = pause_end_key(member.guild_id, member.user_id)
    if ends is None:
        await services.dispatcher.cancel(key)
    else:  # the summary of what came meanwhile, as one DM when it ends by its date
        await services.dispatcher.schedule(
            PAUSE_END_JOB,
            ends,
            {"guild_id": member.guild_id, "user_id": member.user_id, "since": started.isoformat()},
            key,
            member.guild_id,
        )
    return Pause(ends, zone, reading.note if reading is not None else None)


@dataclass(frozen=True)
class CatchUp:
    """What someone coming back is shown: service messages held for them (their items
    not yet begun) and what was posted here meanwhile (still open or to come)."""

    held: list[str]
    posted: list[PostedItem]

    @property
    def empty(self) -> bool:
        return not self.held and not self.posted


async def catch_up(
    services: Services, guild_id: int, user_id: int, since: datetime | None
) -> CatchUp:
    """Take (once) what was held for this person, and list what was posted since."""
    now = services.clock.now()
    held = await take_held(services.db, guild_id, user_id, now)
    posted = await posted_since(services.db, guild_id, since, now) if since is not None else []
    return CatchUp(held, posted)


@dataclass(frozen=True)
class Resumed:
    consents: frozenset[str]
    caught_up: CatchUp


async def resume(services: Services, member: Member) -> Resumed | None:
    """Come back from stepping back: the messages they chose, and what came meanwhile
    (None: they weren't paused)."""
    if not is_paused(member, services.clock.now()):
        return None
    await repo.resume(services.db, member.guild_id, member.user_id)
    await services.dispatcher.cancel(pause_end_key(member.guild_id, member.user_id))
    caught_up = await catch_up(services, member.guild_id, member.user_id, member.paused_at)
    return Resumed(member.consents, caught_up)


async def pause_ended(
    services: Services, payload: dict[str, Any], words: Callable[[CatchUp], str]
) -> bool:
    """A pause ended by its date: one DM (a service message, so after quiet hours) with
    what came meanwhile, if anything did. False when nothing was sent."""
    guild_id, user_id = int(payload["guild_id"]), int(payload["user_id"])
    member = await repo.get_member(services.db, guild_id, user_id)
    now = services.clock.now()
    if member is None or member.paused_at is None or is_paused(member, now):
        return False  # left, resumed by hand, or stepping back again
    if member.paused_at.isoformat() != payload["since"]:
        return False
    caught_up = await catch_up(services, guild_id, user_id, member.paused_at)
    if caught_up.empty:
        return False
    await services.delivery.dm(
        guild_id=guild_id,
        user_id=user_id,
        purpose=PURPOSE_ABOUT_YES,
        payload=message_payload(words(caught_up)),
        dedupe_key=f"pause-end:{guild_id}:{user_id}:{payload['since']}",
    )
    return True


def optional_choices(consents: frozenset[str]) -> frozenset[str]:
    return consents & frozenset(OPTIONAL_PURPOSES)


# -- leaving, erasure and the export --------------------------------------------------------


async def before_leaving(
    services: Services, guild_id: int, user_id: int, *, secret: bytes
) -> Literal["confirm", "confirm_claim", "only_a_note", "nothing_held"]:
    """Whether /leave asks to confirm: not for someone of whom nothing (or only a note) is
    held. "confirm_claim": they have an unpaid expenses claim they may keep."""
    db = services.db
    if not await repo.is_member(db, guild_id, user_id):
        held = await export_all(db, guild_id, user_id)
        if not any(held.values()):
            noted = await counted_after_leaving(db, guild_id, user_id, secret)
            return "only_a_note" if noted else "nothing_held"
    if await payments_db.unpaid_claims(db, guild_id, user_id):
        return "confirm_claim"
    return "confirm"


async def leave(
    services: Services,
    guild_id: int,
    user_id: int,
    *,
    secret: bytes,
    dispatch: Dispatch,
    keep_claims: bool = False,
) -> bool:
    """Leave and erase at once. What leaving changes in other features (names leave
    posts: queued edits) commits in the same transaction as the erasure; afterwards they
    hear `member_left` (e.g. meetings re-plan reminders). `keep_claims`: the person
    chose **Keep my unpaid claim until it's paid** (only amount, date, item and name
    stay, without their id: rule 4's one exception)."""

    async def then() -> None:
        await services.run_leave_hooks(guild_id, user_id)

    async def keep() -> None:
        if keep_claims:
            await payments_db.keep_unpaid_claims(services.db, guild_id, user_id)

    was_member = await repo.leave(
        services.db, guild_id, user_id, services.clock.now(), secret, then=then, before=keep
    )
    services.fault_point("after_erasure")
    await services.dispatcher.cancel(pause_end_key(guild_id, user_id))  # holds their id
    if was_member:
        dispatch("member_left", guild_id, user_id)
    return was_member


# -- members who left the Discord server (issue 19) -------------------------------------------

PRESENCE_SWEEP_JOB = "presence_sweep"
SWEEP_EVERY = timedelta(days=1)
CHECK_EVERY = timedelta(days=7)  # each member is asked about at most weekly
ERASE_AFTER_GONE = timedelta(days=30)
SWEEP_BATCH = 20  # members asked about per run (the dispatcher waits meanwhile)
SWEEP_PAUSE = timedelta(minutes=1)  # more waiting: the next batch this soon (paced)

Lookup = Callable[[int, int], Awaitable[bool | None]]
"""(guild_id, user_id) -> True in the server, False gone (404 Unknown Member only),
None could not tell. The cog asks Discord's member endpoint."""


def presence_sweep_key(when: datetime) -> str:
    # One key per run: the running sweep must not overwrite its own successor.
    return f"presence-sweep:{when.isoformat()}"


async def ensure_presence_sweep(services: Services, now: datetime) -> None:
    """The daily check of who is still in their server: planned once, then by itself."""
    pending = await services.db.fetchval(
        "SELECT 1 FROM jobs WHERE kind = ? AND state = 'pending'", (PRESENCE_SWEEP_JOB,)
    )
    if not pending:
        when = now + SWEEP_EVERY
        await services.dispatcher.schedule(PRESENCE_SWEEP_JOB, when, {}, presence_sweep_key(when))


async def sweep_presence(
    services: Services, lookup: Lookup, now: datetime, *, secret: bytes, dispatch: Dispatch
) -> None:
    """Ask Discord about the members not asked about for a week (a batch at a time,
    paced), then erase everyone first found gone 30 days ago or more (as /leave does,
    names leaving posts with it). Someone found back in the server is no longer gone."""
    db = services.db
    batch = await repo.members_to_check(db, now - CHECK_EVERY, SWEEP_BATCH + 1)
    for guild_id, user_id in batch[:SWEEP_BATCH]:
        present = await lookup(guild_id, user_id)  # None (could not tell): asked, no change
        await repo.record_presence(db, guild_id, user_id, present=present, now=now)
    for guild_id, user_id in await repo.gone_before(db, now - ERASE_AFTER_GONE):
        await leave(services, guild_id, user_id, secret=secret, dispatch=dispatch)
    when = now + (SWEEP_PAUSE if len(batch) > SWEEP_BATCH else SWEEP_EVERY)
    await services.dispatcher.schedule(PRESENCE_SWEEP_JOB, when, {}, presence_sweep_key(when))


async def build_export(
    services: Services, guild_id: int, user_id: int, *, secret: bytes
) -> bytes | None:
    """Everything held about a person here, as a JSON file (None: nothing is held)."""
    db, now = services.db, services.clock.now()
    tables = await export_all(db, guild_id, user_id)
    # Open anonymous ballots are found only with the bot's secret (db.polls.ballot_key).
    tables["ballots"] = [
        *tables.get("ballots", []),
        *await open_anonymous_ballots(db, guild_id, user_id, secret),
    ]
    counted = await counted_after_leaving(db, guild_id, user_id, secret)
    # The six-hour window of automatic DM replies (a keyed hash, in no server).
    window = await auto_reply_until(db, secret, user_id)
    if window is not None and window <= now:
        window = None
    if not any(tables.values()) and not counted and window is None:
        return None
    document = {
        "about": text.EXPORT_ABOUT,
        "server_id": str(guild_id),
        "user_id": str(user_id),
        "exported_at": now.isoformat(),
        "tables": tables,
        "anonymous_votes_counted_after_leaving": counted,
        "automatic_reply_window_until": window.isoformat() if window else None,
    }
    seen = tables.get("members") or []
    if seen:
        revision = seen[0].get("notice_revision")
        saved = await revision_saved_at(db, guild_id, revision)
        document["notice_wording_last_seen"] = {
            "notice_version": seen[0].get("notice_version"),
            "revision": revision,
            "saved_at": saved.isoformat() if saved else None,
        }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()


# -- organisers' totals ----------------------------------------------------------------------


async def count_members(services: Services, guild_id: int) -> tuple[MemberCounts, dict[str, int]]:
    """Totals for /members count, and joins and leaves over the last 30 days.

    From today's snapshot (the first look of the day), so two looks the same day are
    identical and nobody's change can be read off the difference (rule 9)."""
    settings = await get_settings(services.db, guild_id)
    now = services.clock.now()

    async def take() -> dict[str, Any]:
        figures = await repo.raw_counts(services.db, guild_id, now, settings.notice_version)
        figures["events"] = await repo.event_totals(services.db, guild_id, now - EVENT_WINDOW)
        return figures

    today = await repo.daily_snapshot(services.db, guild_id, now.date().isoformat(), take)
    totals = summarise_counts(
        today["members"], today["paused"], today["groups"], awaiting_notice=today["awaiting"]
    )
    return totals, today["events"]


# -- the delivery recipient policy -----------------------------------------------------------


def recipient_policy(db: Database) -> RecipientPolicy:
    """Whether a DM may go to a person now: send, wait (quiet hours, or a new notice to
    agree to), hold (a service message while stepping back), or skip."""

    async def decide(
        guild_id: int | None,
        user_id: int,
        purpose: str,
        now: datetime,
        starts_at: datetime | None = None,
    ) -> Decision:
        if guild_id is None:
            if purpose in ("service", AUTO_REPLY):
                return Decision.send()
            return Decision.skip("no server")
        member = await repo.get_member(db, guild_id, user_id)
        settings = await get_settings(db, guild_id)
        if purpose == PURPOSE_ABOUT_YES:
            about = service_decision(
                member, now, server_timezone=settings.timezone, starts_at=starts_at
            )
            if about.action == "hold":
                return Decision.hold(about.reason)
            if about.action == "defer" and about.not_before is not None:
                return Decision.defer(about.not_before, about.reason)
            if about.action == "skip":
                return Decision.skip(about.reason)
            return Decision.send()
        decision = contact_decision(
            member,
            purpose,
            now,
            notice_version=settings.notice_version,
            server_timezone=settings.timezone,
        )
        if decision.action == "defer" and decision.not_before is not None:
            return Decision.defer(decision.not_before, decision.reason)
        if decision.action == "skip":
            if purpose == PURPOSE_DM_OUTCOMES and decision.reason == "paused":
                # News of an outcome they asked to hear, while stepping back: never sent
                # now, kept for the summary they get when they come back (issue 23).
                return Decision.hold("stepping back")
            return Decision.skip(decision.reason)
        if decision.action == "wait":
            return Decision.keep_waiting(decision.reason)
        return Decision.send()

    return decide
