"""Polls, what happens: posting a poll, votes, closing, results, outcomes, the CSV.

No Discord here (a web adapter may import this). Messages come from the `Render`
the caller passes in (`cogs.polls.ui.PollRender`); posts go through the posting
service (`services.posts`), DM fan-outs through `Delivery.dm_many`. Charts and
CSV files are made off the event loop.

Network-wide polls (issue 10): `network:true` posts one copy in every linked
server (recorded in `item_copies`); members vote in their own server, one vote
per person; results and the export work from any linked server (names only of
the viewer's own members); close and outcome stay with the home server.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot import strings
from bot.charts import render_results_chart, results_alt_text
from bot.domain.ballots import (
    Ballot,
    MultiBallot,
    PointsBallot,
    PollKind,
    PollSetupError,
    RankedBallot,
    SingleBallot,
    ballot_from_json,
    ballot_to_json,
    validate_ballot,
)
from bot.domain.errors import Refusal
from bot.domain.polls import (
    CountedBeforeLeaving,
    Poll,
    PollSettings,
    check_can_vote,
    check_settings,
    fit_max_choices,
    too_few_to_show,
)
from bot.domain.settings import GuildSettings
from bot.domain.suppression import Shown
from bot.domain.tally import TallyResult, tally
from bot.domain.when import Reading, parse_when, read_time
from bot.networks import audience, may_answer_from, per_server_lines, require_answerable_from
from bot.posts import Payload, Posted, Published, Target, message_link
from bot.strings import polls as text
from db import drafts as drafts_db
from db import members as members_db
from db import outcomes as outcomes_db
from db import polls as repo
from db.database import Database, from_iso, to_iso
from db.settings import get_settings

if TYPE_CHECKING:
    from bot.domain.members import Member
    from bot.services import Services

log = logging.getLogger(__name__)

KIND = "poll"  # in item_copies
CLOSE_JOB = "poll_close"


def close_key(poll_id: int) -> str:
    return f"poll-close:{poll_id}"


@dataclass(frozen=True)
class Chart:
    """The frozen results as a picture, with its text alternative."""

    file_name: str
    png: bytes
    alt: str


class Render(Protocol):
    """The messages a poll needs (the Discord side, `cogs.polls.ui`, makes them)."""

    def post(self, poll: Poll, turnout: int, live: TallyResult | None) -> Payload: ...

    def results(self, poll: Poll, by_server: list[str] | None, chart: Chart | None) -> Payload: ...


# -- words shared by the messages and the CSV (no Discord in them) ---------------------


def title_of(words: str) -> str:
    return words if len(words) <= 256 else words[:255] + "…"


def amount(n: int, unit: str) -> str:
    return f"1 {unit[:-1]}" if n == 1 and unit.endswith("s") else f"{n} {unit}"


def kind_line(poll: Poll) -> str:
    if poll.kind is PollKind.MULTI and poll.max_choices:
        return text.KIND_LINES["multi_limited"].format(n=poll.max_choices)
    return text.KIND_LINES[poll.kind.value]


def describe_ballot(poll: Poll, ballot: Ballot) -> str:
    names = poll.options
    if isinstance(ballot, SingleBallot):
        return f"**{names[ballot.choice]}**"
    if isinstance(ballot, MultiBallot):
        return "; ".join(f"**{names[i]}**" for i in sorted(ballot.choices))
    if isinstance(ballot, RankedBallot):
        return ", ".join(f"{n}. **{names[i]}**" for n, i in enumerate(ballot.ranking, start=1))
    assert isinstance(ballot, PointsBallot)
    return "; ".join(f"**{names[i]}**: {amount(p, 'points')}" for i, p in ballot.points.items())


# -- finding polls ----------------------------------------------------------------------


def posted(poll: Poll) -> Posted:
    """The poll's home post, as the posting service knows it."""
    return Posted.of(KIND, poll)


async def get_shared_poll(services: Services, poll_id: int, guild_id: int) -> Poll:
    """This server's own poll, or a network poll shared here while still linked."""
    poll = await repo.get_poll(services.db, poll_id)
    if poll is None or not await may_answer_from(
        services.db, poll.guild_id, poll.network_id, guild_id
    ):
        raise Refusal(text.POLL_GONE)
    return poll


async def get_votable_poll(
    db: Database, poll_id: int, guild_id: int, *, found: Poll | None = None
) -> Poll:
    """The poll, if members of `guild_id` may vote in it: its own server's, or a network
    poll shared with a server still linked to that network (issue 10). `found` is the
    poll when the caller has just read it."""
    poll = found if found is not None else await repo.get_poll(db, poll_id)
    if poll is None or (poll.guild_id != guild_id and poll.network_id is None):
        raise Refusal(text.POLL_GONE)
    await require_answerable_from(db, poll.guild_id, poll.network_id, guild_id)
    return poll


async def shared_here(
    services: Services, guild_id: int, *, open_only: bool, search: str = ""
) -> list[dict[str, Any]]:
    """Network polls of other servers posted here, while this server is still linked."""
    db = services.db
    found = await repo.list_shared_with(db, guild_id, open_only=open_only, search=search)
    return [p for p in found if await may_answer_from(db, p["guild_id"], p["network_id"], guild_id)]


async def find_polls(
    services: Services, guild_id: int, search: str, *, open_only: bool, shared: bool = False
) -> list[dict[str, Any]]:
    """This server's polls matching `search` (autocomplete), then, with `shared`,
    network polls shared here."""
    found = await repo.list_polls(services.db, guild_id, open_only=open_only, search=search)
    if shared:
        found += await shared_here(services, guild_id, open_only=open_only, search=search)
    return found


@dataclass(frozen=True)
class OpenPolls:
    """What /polls lists: the polls open here, which this person voted in, and links."""

    polls: list[dict[str, Any]]
    voted: set[int]
    links: dict[int, str]
    is_member: bool


async def list_open_polls(services: Services, guild_id: int, user_id: int) -> OpenPolls:
    found = await repo.list_polls(services.db, guild_id, open_only=True)
    found += await shared_here(services, guild_id, open_only=True)
    if not found:
        return OpenPolls([], set(), {}, False)
    mine = await repo.voted_anywhere(services.db, user_id, [p["id"] for p in found])
    links = {
        p["id"]: message_link(Target(guild_id, p["channel_id"], p["message_id"])) for p in found
    }
    is_member = await members_db.is_member(services.db, guild_id, user_id)
    return OpenPolls(found, mine, links, is_member)


async def live_tally(db: Database, poll: Poll) -> TallyResult | None:
    if not (poll.live and poll.is_open):
        return None
    choices = await repo.current_choices(db, poll.id)
    return tally(poll.kind, poll.options, [ballot_from_json(poll.kind, c) for c in choices])


# -- creating and posting -------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    poll: Poll
    published: Published


async def publish_poll(
    services: Services,
    render: Render,
    *,
    guild_id: int,
    channel_id: int | None,
    question: str,
    options: list[str],
    settings: PollSettings,
    network: bool,
    ping_role_id: int | None,
) -> Created:
    """Store a new poll, schedule its close and post it (in every linked server, for a
    network poll). `channel_id`: the announcements channel, else where it was asked."""
    db = services.db
    now = services.clock.now()
    if settings.closes_at is not None and settings.closes_at <= now:
        raise PollSetupError(text.CLOSES_PASSED)
    if channel_id is None:
        raise Refusal(text.NO_CHANNEL)
    # Re-checked now: the server may have left its network while the form was open.
    reach = await audience(db, guild_id, True) if network else None
    poll_id = await repo.create_poll(
        db,
        guild_id=guild_id,
        channel_id=channel_id,
        question=question,
        options=options,
        settings=settings,
        max_choices=fit_max_choices(settings, len(options)),
        now=now,
    )
    poll = await repo.get_poll(db, poll_id)
    assert poll is not None
    if poll.closes_at is not None:
        await services.dispatcher.schedule(
            CLOSE_JOB, poll.closes_at, {"poll_id": poll.id}, close_key(poll.id), poll.guild_id
        )

    async def render_post() -> Payload:
        shown = await repo.get_poll(db, poll_id)  # with its network, once publish has set it
        assert shown is not None
        return render.post(shown, 0, await live_tally(db, shown))

    published = await services.posts.publish(
        KIND,
        poll.id,
        guild_id=guild_id,
        channel_id=channel_id,
        reach=reach,
        render=render_post,
        dedupe_key=f"poll-post:{poll.id}",
        ping_role_id=ping_role_id,
    )
    return Created(poll, published)


# -- the read-back before posting (drafts) ---------------------------------------------

DRAFT = "poll"  # in db.drafts
EDIT_MIN_AHEAD = timedelta(minutes=10)


def settings_to_data(settings: PollSettings) -> dict[str, Any]:
    return {
        "kind": settings.kind.value,
        "max_choices": settings.max_choices,
        "anonymous": settings.anonymous,
        "results": settings.results,
        "closes_at": to_iso(settings.closes_at),
        "content_note": settings.content_note,
        "reasons": settings.reasons,
    }


def draft_settings(data: dict[str, Any]) -> PollSettings:
    return PollSettings(
        kind=PollKind(data["kind"]),
        max_choices=data["max_choices"],
        anonymous=bool(data["anonymous"]),
        results=data["results"],
        closes_at=from_iso(data["closes_at"]),
        content_note=data["content_note"],
        reasons=bool(data["reasons"]),
    )


def closes_fields(reading: Reading | None, typed: str | None) -> dict[str, Any]:
    """What the draft keeps of a typed closing time: the time, the note the read-back
    shows (a date rolled on a year), and morning or evening to ask about."""
    if reading is None:
        return {"closes_at": None, "closes_typed": None, "note": None, "ask_am_pm": None}
    return {
        "closes_at": to_iso(reading.at),
        "closes_typed": typed,
        "note": reading.note,
        "ask_am_pm": [to_iso(reading.at), to_iso(reading.other)] if reading.other else None,
    }


def read_closes(typed: str | None, zone: str, now: datetime, date_order: str) -> Reading | None:
    """A poll's closing time, by the one reader (None: no closing time)."""
    if typed is None or not typed.strip():
        return None
    return read_time(typed, zone, now, date_order=date_order)


@dataclass(frozen=True)
class PollDraft:
    id: int
    data: dict[str, Any]

    @property
    def settings(self) -> PollSettings:
        return draft_settings(self.data)

    @property
    def asking(self) -> bool:
        return bool(self.data.get("ask_am_pm"))


async def start_draft(
    services: Services,
    guild_id: int,
    user_id: int,
    channel_id: int | None,
    *,
    question: str,
    options: list[str],
    settings: PollSettings,
    closes: dict[str, Any],
    network: bool,
    ping: bool,
) -> PollDraft:
    """The form's answers, kept until **Post it** (nothing is posted yet)."""
    if channel_id is None:
        raise Refusal(text.NO_CHANNEL)
    data = settings_to_data(settings) | closes
    data |= {
        "question": question,
        "options": options,
        "network": network,
        "ping": ping,
        "channel_id": channel_id,
    }
    now = services.clock.now()
    draft_id = await drafts_db.create_draft(services.db, DRAFT, guild_id, user_id, data, now)
    return PollDraft(draft_id, data)


async def get_draft(services: Services, draft_id: int, guild_id: int, user_id: int) -> PollDraft:
    data = await drafts_db.get_draft(services.db, DRAFT, draft_id, guild_id, user_id)
    if data is None:
        raise Refusal(text.DRAFT_GONE)
    return PollDraft(draft_id, data)


async def change_draft(
    services: Services,
    draft_id: int,
    guild_id: int,
    user_id: int,
    *,
    question: str,
    options: list[str],
    closes: str,
    content_note: str,
) -> PollDraft:
    """**Change**: the form's fields replace the draft's (checked as when it was made)."""
    draft = await get_draft(services, draft_id, guild_id, user_id)
    guild = await get_settings(services.db, guild_id)
    reading = read_closes(closes, guild.timezone, services.clock.now(), guild.date_order)
    old = draft.settings
    checked = check_settings(
        kind=old.kind.value,
        max_choices=old.max_choices,
        anonymous=old.anonymous,
        results=old.results,
        closes_at=reading.at if reading else None,
        content_note=content_note or None,
        reasons=old.reasons,
    )
    data = draft.data | settings_to_data(checked) | closes_fields(reading, closes.strip() or None)
    data |= {"question": question, "options": options}
    await drafts_db.update_draft(services.db, DRAFT, draft_id, data)
    return PollDraft(draft_id, data)


async def pick_in_draft(
    services: Services, draft_id: int, guild_id: int, user_id: int, choice: str
) -> PollDraft:
    """Morning (`am`) or evening (`pm`), for a closing time typed as a bare 1 to 7 o'clock."""
    draft = await get_draft(services, draft_id, guild_id, user_id)
    data = dict(draft.data)
    asked = data.get("ask_am_pm")
    if asked:
        data["closes_at"] = asked[0 if choice == "am" else 1]
        data["ask_am_pm"] = None
        await drafts_db.update_draft(services.db, DRAFT, draft_id, data)
    return PollDraft(draft_id, data)


async def publish_draft(
    services: Services, render: Render, draft_id: int, guild: GuildSettings, user_id: int
) -> Created:
    """**Post it**: the poll as read back, posted once."""
    draft = await get_draft(services, draft_id, guild.guild_id, user_id)
    if draft.asking:
        raise Refusal(text.DRAFT_ASKING)
    closes_at = draft.settings.closes_at
    if closes_at is not None and closes_at <= services.clock.now():
        raise PollSetupError(text.DRAFT_CLOSES_PASSED)
    taken = await drafts_db.take_draft(services.db, DRAFT, draft_id, guild.guild_id, user_id)
    if taken is None:
        raise Refusal(text.DRAFT_GONE)
    return await publish_poll(
        services,
        render,
        guild_id=guild.guild_id,
        channel_id=int(taken["channel_id"]),
        question=taken["question"],
        options=list(taken["options"]),
        settings=draft_settings(taken),
        network=bool(taken["network"]),
        ping_role_id=guild.announce_role_id if taken["ping"] else None,
    )


# -- /poll edit --------------------------------------------------------------------------


async def edit_poll(
    services: Services,
    render: Render,
    poll: Poll,
    guild: GuildSettings,
    *,
    closes: str | None,
    content_note: str | None,
) -> Poll:
    """Move an open poll's close or change its content note; the posts show it and
    nobody is sent a message. A close in the past or within 10 minutes is refused."""
    if not poll.is_open:
        raise Refusal(text.ALREADY_CLOSED)
    if closes is None and content_note is None:
        raise Refusal(text.EDIT_NOTHING)
    now = services.clock.now()
    changes: dict[str, Any] = {}
    if closes is not None:
        at = parse_when(closes, guild.timezone, now, date_order=guild.date_order)
        if at <= now + EDIT_MIN_AHEAD:
            raise Refusal(text.EDIT_TOO_SOON)
        changes["closes_at"] = at
    if content_note is not None:
        cleared = content_note.strip().lower() in text.EDIT_CLEAR_WORDS
        note = check_settings(
            kind=poll.kind.value,
            max_choices=None,
            anonymous=False,
            results="at_close",
            closes_at=None,
            content_note=None if cleared else content_note,
            reasons=False,
        ).content_note
        changes["content_note"] = note
    if not await repo.edit_open_poll(services.db, poll.id, **changes):
        raise Refusal(text.ALREADY_CLOSED)
    if "closes_at" in changes:
        await services.dispatcher.schedule(
            CLOSE_JOB, changes["closes_at"], {"poll_id": poll.id}, close_key(poll.id), poll.guild_id
        )
    await refresh_poll_posts(services, render, poll.id)
    edited = await repo.get_poll(services.db, poll.id)
    assert edited is not None
    return edited


# -- votes ----------------------------------------------------------------------------


async def vote_press(
    services: Services, poll_id: int, guild_id: int, user_id: int, secret: bytes
) -> repo.VotePress:
    """All a press of Vote re-checks, in one read (`db.polls.vote_press`)."""
    return await repo.vote_press(services.db, poll_id, guild_id, user_id, secret)


@dataclass(frozen=True)
class BallotOpened:
    poll: Poll
    current: Ballot | None
    counted_in: int | None  # the other linked server this person's vote counts in


async def open_ballot(
    services: Services,
    read: repo.VotePress,
    poll_id: int,
    member: Member,
    *,
    pressed_in: int | None,
    message_id: int | None,
) -> BallotOpened:
    """After the membership guard: the poll, if this member may vote now, and their
    ballot. A press on the home post (`message_id` in `pressed_in`) notes its id."""
    poll = await get_votable_poll(services.db, poll_id, member.guild_id, found=read.poll)
    check_can_vote_now(services, poll)
    if read.counted_before:
        raise CountedBeforeLeaving()
    if message_id is not None and pressed_in == poll.guild_id:
        await services.posts.note_home_message(posted(poll), message_id)
    current = ballot_from_json(poll.kind, read.ballot[0]) if read.ballot else None
    counted = await counted_elsewhere(services, poll, member.guild_id, member.user_id)
    return BallotOpened(poll, current, counted)


def check_can_vote_now(services: Services, poll: Poll) -> None:
    check_can_vote(poll, services.clock.now())


async def get_open_poll(services: Services, poll_id: int, guild_id: int) -> Poll:
    """The poll, if members of `guild_id` may vote in it now (re-checked on every step)."""
    poll = await get_votable_poll(services.db, poll_id, guild_id)
    check_can_vote_now(services, poll)
    return poll


async def counted_elsewhere(
    services: Services, poll: Poll, guild_id: int, user_id: int
) -> int | None:
    """The other linked server this person's one vote is counted in, if any."""
    if poll.network_id is None:
        return None
    counted = await repo.counted_in(services.db, poll.id, user_id)
    if counted is None or counted == guild_id:
        return None
    return counted


@dataclass(frozen=True)
class Vote:
    poll: Poll
    ballot: Ballot
    changed: bool
    counted_in: int | None  # the other linked server this vote counts in


class NotAMember(Exception):
    """The person is no longer a member where they vote from."""


async def save_vote(
    services: Services,
    poll_id: int,
    member: Member,
    ballot: Ballot,
    *,
    voter_name: str,
    secret: bytes,
) -> Vote:
    """Validate and commit a vote (committed on return, rule 10)."""
    poll = await get_votable_poll(services.db, poll_id, member.guild_id)
    ballot = validate_ballot(poll.kind, len(poll.options), ballot, poll.max_choices)
    try:
        changed = await repo.cast_vote(
            services.db,
            poll.id,
            guild_id=member.guild_id,
            user_id=member.user_id,
            choice=ballot_to_json(ballot),
            group=member.profile.group,
            voter_name=None if poll.anonymous else voter_name,
            now=services.clock.now(),
            secret=secret,
        )
    except LookupError:
        raise NotAMember() from None
    counted = await counted_elsewhere(services, poll, member.guild_id, member.user_id)
    return Vote(poll, ballot, changed, counted)


async def current_reason(services: Services, poll: Poll, user_id: int, secret: bytes) -> str | None:
    """The reason on this person's ballot, before they change it."""
    if not poll.reasons:
        raise Refusal(text.REASONS_OFF)
    mine, counted_before = await repo.ballot_of(services.db, poll, user_id, secret)
    if counted_before:
        raise CountedBeforeLeaving()
    if mine is None:
        raise Refusal(text.REASON_NO_BALLOT)
    return mine[1]


async def save_reason(
    services: Services, poll: Poll, user_id: int, reason: str | None, secret: bytes
) -> None:
    saved = await repo.set_reason(
        services.db, poll.id, user_id, reason, services.clock.now(), secret
    )
    if not saved:
        raise Refusal(text.REASON_NO_BALLOT)


# -- refreshing the posts -------------------------------------------------------------


async def refresh_poll_posts(services: Services, render: Render, poll_id: int) -> None:
    """Show the current turnout (and counts, if live) on every copy of the poll; edits
    coalesce. Every copy of a network poll shows the same: the network's turnout."""
    db = services.db
    poll = await repo.get_poll(db, poll_id)
    if poll is None:
        return
    count = await repo.turnout(db, poll.id) if poll.is_open else (poll.turnout or 0)
    await services.posts.refresh(posted(poll), render.post(poll, count, await live_tally(db, poll)))


class TurnoutRefresher:
    """Update the turnout on the poll's posts after votes; a burst becomes a few refreshes.

    While one refresh runs, further votes only mark the poll; one more refresh
    then shows them all. The outbox coalesces the edits themselves too.
    """

    def __init__(self, render: Render) -> None:
        self.render = render
        self._refreshing: set[int] = set()
        self._stale: set[int] = set()

    async def voted(self, services: Services, poll_id: int) -> None:
        if poll_id in self._refreshing:
            self._stale.add(poll_id)
            return
        self._refreshing.add(poll_id)
        try:
            while True:
                self._stale.discard(poll_id)
                await refresh_poll_posts(services, self.render, poll_id)
                if poll_id not in self._stale:
                    break
        except Exception:
            log.exception("Could not update the turnout of poll %s", poll_id)
        finally:
            self._refreshing.discard(poll_id)


# -- results --------------------------------------------------------------------------


def chart_file_name(poll: Poll) -> str:
    return f"poll-{poll.id}-results.png"


def render_chart(poll: Poll) -> Chart:
    """The frozen results as a PNG, with alt text. Slow: call in a thread (`chart_of`)."""
    assert poll.result is not None
    result = poll.result
    note = text.CHART_NOTE.format(count=result.ballots, people=strings.people(result.ballots))
    png = render_results_chart(
        poll.question, result.options, result.totals, result.value_label, note=note
    )
    alt = results_alt_text(
        poll.question, result.options, result.totals, result.value_label, note=note, max_length=1024
    )
    return Chart(chart_file_name(poll), png, alt)


async def chart_of(poll: Poll) -> Chart:
    """`render_chart` off the event loop."""
    return await asyncio.to_thread(render_chart, poll)


async def server_lines(services: Services, poll: Poll) -> list[str] | None:
    """Voters per server of a closed network poll, small groups suppressed (rule 9)."""
    if poll.network_id is None or poll.server_turnout is None:
        return None
    return await per_server_lines(services.db, poll.server_turnout, text.BY_SERVER_UNIT)


@dataclass(frozen=True)
class Results:
    """The closed poll's results: the chart and the per-server lines."""

    poll: Poll
    chart: Chart | None  # None when too few voted in an anonymous poll (rule 9)
    by_server: list[str] | None


def too_few_words(poll: Poll) -> str:
    """What an anonymous poll with fewer than 5 ballots shows instead of its results."""
    assert poll.result is not None
    count = poll.result.ballots
    return text.TOO_FEW_TO_SHOW.format(count=count, people=strings.people(count))


async def closed_results(services: Services, poll: Poll) -> Results:
    chart = None if too_few_to_show(poll) else await chart_of(poll)
    return Results(poll, chart, await server_lines(services, poll))


# -- closing --------------------------------------------------------------------------


async def close_and_announce(services: Services, render: Render, poll_id: int) -> Poll | None:
    """Close (once), then post the results and update the poll's posts. Idempotent."""
    db, delivery = services.db, services.delivery
    try:
        poll, _closed_now = await repo.close_poll(db, poll_id, services.clock.now())
    except LookupError:
        return None
    if poll.anonymous and poll.results_outbox_id is None:
        # Before the results go out, so a failed rewrite is retried with the job.
        await repo.compact(db)
    if poll.results_outbox_id is None:
        found = await closed_results(services, poll)
        payload = render.results(poll, found.by_server, found.chart)
        # Other servers first: the home row marks the whole close as announced, and the
        # dedupe keys keep a re-run (after a crash) from posting any copy twice.
        for copy in await services.posts.copies(posted(poll)):
            if await may_answer_from(db, poll.guild_id, poll.network_id, copy.guild_id):
                await delivery.post(
                    guild_id=copy.guild_id,
                    channel_id=copy.channel_id,
                    payload=payload,
                    dedupe_key=f"poll-results:{poll.id}:{copy.guild_id}",
                )
        key = f"poll-results:{poll.id}"
        row_id = await delivery.post(
            guild_id=poll.guild_id, channel_id=poll.channel_id, payload=payload, dedupe_key=key
        )
        # None: queued before a crash, by an earlier run of this close; find that row.
        await repo.set_results_outbox(db, poll.id, row_id or await repo.outbox_row(db, key))
    await refresh_poll_posts(services, render, poll.id)
    return poll


async def close_now(services: Services, render: Render, poll: Poll) -> None:
    """An organiser closes the poll before its time: announce, and drop the scheduled close."""
    if not poll.is_open:
        raise Refusal(text.ALREADY_CLOSED)
    await close_and_announce(services, render, poll.id)
    await services.dispatcher.cancel(close_key(poll.id))


# -- the outcome ("you said, we did") ------------------------------------------------


async def check_outcome_allowed(services: Services, poll: Poll) -> None:
    """/poll outcome records what was decided once (the outcomes feature's form); news
    after that is an update (/outcome update)."""
    if poll.is_open:
        raise Refusal(text.OUTCOME_OPEN)
    found = await outcomes_db.outcome_for_item(services.db, "poll", poll.id)
    if found is not None or poll.outcome_text is not None:
        statement = found.statement if found is not None else poll.outcome_text
        raise Refusal(text.OUTCOME_EXISTS.format(text=statement))


# -- the CSV export -------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    poll: Poll
    data: bytes
    file_name: str
    viewer_guild_id: int | None  # set for a network poll: names only of this server's


async def export_poll(services: Services, poll: Poll, guild_id: int) -> Export:
    """The closed poll's CSV, as seen from `guild_id` (built off the event loop)."""
    if poll.is_open:
        raise Refusal(text.EXPORT_OPEN)
    ballots = await repo.closed_ballots(services.db, poll.id)
    viewer = guild_id if poll.network_id is not None else None
    data = await asyncio.to_thread(export_csv, poll, ballots, viewer)
    return Export(poll, data, f"poll-{poll.id}.csv", viewer)


def _cell(value: Any) -> Any:
    """Stop spreadsheet formulas in people's words (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(
    poll: Poll, ballots: list[dict[str, Any]], viewer_guild_id: int | None = None
) -> bytes:
    """The results and every ballot. In a named network poll, names only of the
    viewing server's own voters; other servers' ballots carry no identity (issue 10)."""
    assert poll.result is not None
    result = poll.result
    out = io.StringIO()
    w = csv.writer(out)

    def row(*cells: Any) -> None:
        w.writerow([_cell(c) for c in cells])

    row("poll", "question", "kind", "anonymous", "closed_at", "ballots")
    row(
        poll.id,
        poll.question,
        poll.kind.value,
        "yes" if poll.anonymous else "no",
        poll.closed_at.isoformat() if poll.closed_at else "",
        result.ballots,
    )
    row()
    if too_few_to_show(poll):
        row()
        row("result", too_few_words(poll))
        return out.getvalue().encode("utf-8-sig")
    row("option_number", "option", result.value_label)
    for n, (option, total) in enumerate(zip(result.options, result.totals, strict=True), 1):
        row(n, option, total)
    row()
    row("result", result.headline)
    for r in result.rounds:
        row(f"round {r.number}", r.explanation)
    if poll.breakdown is not None:
        row()
        row("group", "responses", *[f"option {n}" for n in range(1, len(poll.options) + 1)])
        for g in poll.breakdown.groups:
            label = text.GROUP_LABELS[g.group]
            if g.shown is Shown.COUNT:
                row(label, g.count, *(g.totals or ()))
            elif g.shown is Shown.SMALL:
                row(label, text.EXPORT_FEWER_THAN.format(threshold=poll.breakdown.threshold))
            else:
                row(label, text.EXPORT_HIDDEN)
    row()
    if poll.anonymous:
        # Reasons apart from choices, each list shuffled, so no reason points at a choice.
        rng = random.SystemRandom()
        choices = [_choice(poll, b) for b in ballots]
        reasons = [b["reason"] for b in ballots if b["reason"]]
        rng.shuffle(choices)
        rng.shuffle(reasons)
        row("ballot", "choice")
        for n, choice in enumerate(choices, 1):
            row(n, choice)
        if reasons:
            row()
            row("reason")
            for reason in reasons:
                row(reason)
        return out.getvalue().encode("utf-8-sig")
    row("ballot", "name", "user_id", "choice", "reason")
    for b in ballots:
        choice = _choice(poll, b)
        if viewer_guild_id is not None and b.get("guild_id") not in (None, viewer_guild_id):
            row(b["id"], text.EXPORT_OTHER_SERVER, "", choice, b["reason"] or "")
        else:
            row(b["id"], b["voter_name"] or "", b["user_id"] or "", choice, b["reason"] or "")
    return out.getvalue().encode("utf-8-sig")


def _choice(poll: Poll, ballot: dict[str, Any]) -> str:
    return describe_ballot(poll, ballot_from_json(poll.kind, ballot["choice"])).replace("**", "")


async def close_job(services: Services, render: Render, payload: dict[str, Any]) -> None:
    """Scheduled close: runs however late (downtime), once; closing is idempotent."""
    await close_and_announce(services, render, int(payload["poll_id"]))
