"""Opportunities: what happens when one is posted, answered, edited, closed or cancelled.

Organisers invite members to co-produce something. Every answer is committed
before the member is thanked (rule 10). Invitations go out through the outbox as
one batch (a dispatcher job queues them, so a large fan-out never holds up a
command), and the organiser gets one line when it is done. Closing (with the
lottery draw) is a dispatcher job that runs however late, once.

Nothing is sent to anyone who declined or did not answer (rule 2). No Discord
here: payloads come from a `Render` (cogs/opportunities/ui.py implements it),
and the person's reply, where it must come between committing and refreshing
the posts, from a callback the caller gives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot import strings
from bot.delivery import Letter, message_payload
from bot.domain import timefmt
from bot.domain.errors import Refusal
from bot.domain.members import PURPOSE_SERVICE, notice_is_current
from bot.domain.opportunities import (
    CANCELLED,
    CLEARABLE_NAMES,
    CLOSED,
    CONFIRMED,
    INTERESTED,
    MAX_DESCRIPTION,
    MAX_SHORT_NOTE,
    MAX_TITLE,
    MAX_WHEN_TEXT,
    OPEN,
    WAITLISTED,
    AnswerResult,
    Opportunity,
    Reply,
    Roster,
    check_allocation,
    check_closes,
    check_new_places,
    check_places,
    clean_text,
    clear_changes,
    new_seed,
    summarise_fan_out,
    waitlist_position,
)
from bot.domain.payments import (
    MAX_FEE_PENCE,
    check_fee_per,
    expenses_text,
    parse_amount,
    read_expenses,
)
from bot.domain.service_messages import Told
from bot.domain.suppression import DEFAULT_THRESHOLD, count_text, suppress_counts
from bot.domain.when import DAY_FIRST, Reading, WhenError, definite, read_time
from bot.networks import audience, may_answer_from, per_server_lines
from bot.notes import Audience
from bot.posts import Posted, Published, Target, message_link
from bot.strings import opportunities as text
from db import drafts as drafts_db
from db import members as members_db
from db import opportunities as repo
from db import outbox as outbox_db
from db import payments as payments_db
from db.settings import GuildSettings, get_settings

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.delivery import Delivery
    from bot.services import Services
    from db.database import Database

Payload = dict[str, Any]

KIND = "opportunity"  # in item_copies
INVITE_JOB = "opportunity_invite"
CLOSE_JOB = "opportunity_close"
PURPOSE = "dm_opportunities"
FOLLOWUP_WINDOW = timedelta(minutes=14)  # interaction tokens last 15 minutes


def close_key(opp_id: int) -> str:
    return f"opportunity-close:{opp_id}"


def invite_key(opp_id: int) -> str:
    return f"opportunity-invite:{opp_id}"


def batch_of(opp_id: int) -> str:
    return f"opp:{opp_id}"


def opportunity_of_batch(batch: str) -> int | None:
    """The opportunity whose invitations a finished outbox batch was (else None)."""
    prefix, _, number = batch.partition(":")
    if prefix != "opp" or not number.isdigit():
        return None
    return int(number)


class Render(Protocol):
    """The messages this feature sends (cogs/opportunities/ui.py)."""

    def post(self, opp: Opportunity, confirmed: int) -> Payload: ...

    def invitation(
        self, opp: Opportunity, server: str, *, guild_id: int | None, home: str
    ) -> Payload: ...

    def note(self, title: str, body: str) -> Payload: ...

    def place_note(self, opp: Opportunity, title: str, body: str) -> Payload:
        """A note telling someone they have a place: with the private payment question
        when the opportunity offers payment (issue 24)."""
        ...


Tell = Callable[[str], Awaitable[bool]]
"""Answer the organiser's own command in place; False if that is no longer possible."""


class Followups:
    """The organiser's interactions, to answer the fan-out summary in place (15 min)."""

    def __init__(self) -> None:
        self._held: dict[int, tuple[Tell, datetime]] = {}

    def remember(self, opp_id: int, tell: Tell, now: datetime) -> None:
        # Forget interactions too old to answer (e.g. a fan-out cancelled part way).
        for key, (_, at) in list(self._held.items()):
            if now - at >= FOLLOWUP_WINDOW:
                del self._held[key]
        self._held[opp_id] = (tell, now)

    def take(self, opp_id: int, now: datetime) -> Tell | None:
        held = self._held.pop(opp_id, None)
        if held is None or now - held[1] >= FOLLOWUP_WINDOW:
            return None
        return held[0]


def posted(opp: Opportunity) -> Posted:
    """The opportunity's home post, as the posting service knows it."""
    return Posted.of(KIND, opp)


# -- finding one ------------------------------------------------------------------------


async def get_opportunity(services: Services, opp_id: int) -> Opportunity:
    opp = await repo.get_opportunity(services.db, opp_id)
    if opp is None:
        raise Refusal(text.NOT_FOUND)
    return opp


async def get_own_opportunity(services: Services, opp_id: int, guild_id: int) -> Opportunity:
    """One of this server's own opportunities (to edit, close or cancel)."""
    opp = await repo.get_opportunity(services.db, opp_id, guild_id)
    if opp is None:
        raise Refusal(text.NOT_FOUND)
    return opp


async def get_rostered_opportunity(services: Services, opp_id: int, guild_id: int) -> Opportunity:
    """This server's own, or a network opportunity shared here while still linked."""
    opp = await repo.get_opportunity(services.db, opp_id)
    if opp is None or not await may_answer_from(
        services.db, opp.guild_id, opp.network_id, guild_id
    ):
        raise Refusal(text.NOT_FOUND)
    return opp


async def find_opportunities(
    services: Services, guild_id: int, states: tuple[str, ...], search: str
) -> list[Opportunity]:
    return await repo.list_for_guild(services.db, guild_id, states=states, search=search)


async def find_shared_opportunities(
    services: Services, guild_id: int, search: str
) -> list[tuple[Opportunity, str]]:
    """Network opportunities shared here (while linked), each with its home server's name."""
    found = []
    for opp in await repo.list_shared_with(
        services.db, guild_id, states=(OPEN, CLOSED), search=search
    ):
        if await may_answer_from(services.db, opp.guild_id, opp.network_id, guild_id):
            found.append((opp, services.posts.server_name(opp.guild_id)))
    return found


# -- posting ----------------------------------------------------------------------------


def read_when(
    value: str | None, zone: str, now: datetime, date_order: str = DAY_FIRST
) -> tuple[str | None, datetime | None]:
    """A date we can show as a timestamp, or plain words ("Tuesdays in January").
    Read by the one reader; only what it cannot read at all is kept as words."""
    reading = read_when_typed(value, zone, now, date_order)
    if reading is None:
        cleaned = clean_text(value, what="time", limit=MAX_WHEN_TEXT)
        return cleaned, None
    return None, definite(reading, value or "")


def read_when_typed(
    value: str | None, zone: str, now: datetime, date_order: str = DAY_FIRST
) -> Reading | None:
    """`when:` read as a time, or None when it is words we keep as typed. A time we
    understood but cannot use (passed, too far, a range) is refused kindly."""
    cleaned = clean_text(value, what="time", limit=MAX_WHEN_TEXT)
    if cleaned is None:
        return None
    try:
        return read_time(cleaned, zone, now, date_order=date_order)
    except WhenError as error:
        if error.kind in ("unreadable", "no_time"):
            return None
        raise


def read_closes(
    value: str | None, zone: str, now: datetime, date_order: str = DAY_FIRST
) -> Reading | None:
    if not value:
        return None
    return read_time(value, zone, now, date_order=date_order)


@dataclass(frozen=True)
class Draft:
    """What the organiser typed into /opportunity post (checked by `understand`).

    `picks`: morning (`am`) or evening (`pm`) chosen on the read-back, by field
    (`when`, `closes`), for a time typed as a bare 1 to 7 o'clock."""

    title: str
    description: str | None
    when: str | None
    places: int | None
    allocation: str
    payment: str | None
    content_note: str | None
    closes: str | None
    network: bool
    ping: bool
    picks: dict[str, str] = field(default_factory=dict)
    fee: str | None = None  # as typed, e.g. "25" (issue 24)
    fee_per: str | None = None
    voucher: bool = False
    expenses: str | None = None  # as typed, e.g. "travel,care"

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Asked:
    """A time the read-back asks about: morning or evening."""

    field: str  # "when" or "closes"
    morning: datetime
    evening: datetime


@dataclass(frozen=True)
class Understood:
    """A draft as read: every value checked, as it would be posted."""

    title: str
    description: str
    when_text: str | None
    when_at: datetime | None
    places: int | None
    allocation: str
    payment: str | None
    content_note: str | None
    closes_at: datetime | None
    channel_id: int
    notes: tuple[str, ...] = ()
    asked: Asked | None = None
    fee_pence: int | None = None
    fee_per: str | None = None
    voucher: bool = False
    expenses: str | None = None  # stored form, "travel,care"


def _picked(
    reading: Reading | None, name: str, draft: Draft
) -> tuple[datetime | None, Asked | None]:
    if reading is None:
        return None, None
    if reading.other is None:
        return reading.at, None
    pick = draft.picks.get(name)
    if pick == "am":
        return reading.at, None
    if pick == "pm":
        return reading.other, None
    return reading.at, Asked(name, reading.at, reading.other)


def understand(
    settings: GuildSettings, here_channel_id: int | None, draft: Draft, now: datetime
) -> Understood:
    """Read and check everything typed (nothing is saved or posted). Kind refusals."""
    title = clean_text(draft.title, what="title", limit=MAX_TITLE, required=True)
    description = clean_text(
        draft.description, what="description", limit=MAX_DESCRIPTION, required=True
    )
    zone, order = settings.timezone, settings.date_order
    when = read_when_typed(draft.when, zone, now, order)
    when_at, when_asked = _picked(when, "when", draft)
    when_text = clean_text(draft.when, what="time", limit=MAX_WHEN_TEXT) if when is None else None
    places = check_places(draft.places)
    closes = read_closes(draft.closes, zone, now, order)
    closes_at, closes_asked = _picked(closes, "closes", draft)
    closes_at = check_closes(closes_at, now)
    allocation = check_allocation(draft.allocation, places, closes_at)
    # Home is the announcements channel, else here.
    channel_id = settings.announcements_channel_id or here_channel_id
    if channel_id is None:
        raise Refusal(text.NO_CHANNEL)
    assert title is not None and description is not None
    notes = tuple(r.note for r in (when, closes) if r is not None and r.note)
    fee_pence = read_fee(draft.fee)
    return Understood(
        title=title,
        description=description,
        when_text=when_text,
        when_at=when_at,
        places=places,
        allocation=allocation,
        payment=clean_text(draft.payment, what="payment note", limit=MAX_SHORT_NOTE),
        content_note=clean_text(draft.content_note, what="content note", limit=MAX_SHORT_NOTE),
        closes_at=closes_at,
        channel_id=channel_id,
        notes=notes,
        asked=when_asked or closes_asked,
        fee_pence=fee_pence,
        fee_per=check_fee_per(draft.fee_per, fee_pence),
        voucher=bool(draft.voucher),
        expenses=expenses_text(read_expenses(draft.expenses)),
    )


def read_fee(typed: str | None) -> int | None:
    """The fee offered, in pence (None: no fee). Read like an amount (`25`, `£12.50`)."""
    if typed is None or not typed.strip():
        return None
    try:
        return parse_amount(typed, limit_pence=MAX_FEE_PENCE)
    except Refusal as refused:
        raise Refusal(f"About the fee: {refused} Nothing was posted.") from None


@dataclass(frozen=True)
class Created:
    opp: Opportunity
    channel_id: int
    published: Published


# -- the read-back before posting (drafts) ---------------------------------------------

DRAFT = "opportunity"  # in db.drafts


@dataclass(frozen=True)
class Readback:
    id: int
    draft: Draft
    understood: Understood
    network: bool
    ping: bool


async def _readback(
    services: Services, draft_id: int, settings: GuildSettings, data: dict[str, Any]
) -> Readback:
    draft = Draft.from_data(data)
    understood = understand(settings, data.get("here_channel_id"), draft, services.clock.now())
    return Readback(draft_id, draft, understood, draft.network, draft.ping)


async def start_draft(
    services: Services,
    settings: GuildSettings,
    user_id: int,
    here_channel_id: int | None,
    draft: Draft,
) -> Readback:
    """`/opportunity post`: read and check what was typed, keep it to read back."""
    if draft.network:  # kindly refused now if this server is in no network
        await audience(services.db, settings.guild_id, True)
    understand(settings, here_channel_id, draft, services.clock.now())
    data = draft.to_data() | {"here_channel_id": here_channel_id}
    now = services.clock.now()
    draft_id = await drafts_db.create_draft(
        services.db, DRAFT, settings.guild_id, user_id, data, now
    )
    return await _readback(services, draft_id, settings, data)


async def check_before_form(
    services: Services, settings: GuildSettings, here_channel_id: int | None, draft: Draft
) -> None:
    """Refuse bad options before the description form opens (nothing typed is lost)."""
    if draft.network:
        await audience(services.db, settings.guild_id, True)
    understand(settings, here_channel_id, replace(draft, description="-"), services.clock.now())


async def get_draft(
    services: Services, draft_id: int, settings: GuildSettings, user_id: int
) -> Readback:
    data = await drafts_db.get_draft(services.db, DRAFT, draft_id, settings.guild_id, user_id)
    if data is None:
        raise Refusal(text.DRAFT_GONE)
    return await _readback(services, draft_id, settings, data)


async def latest_description(services: Services, guild_id: int, user_id: int, title: str) -> str:
    """The description this organiser last typed for an unposted opportunity of this
    title: running the command again (to change another option) keeps it."""
    return await drafts_db.latest_field(
        services.db, DRAFT, guild_id, user_id, "title", title.strip(), "description"
    )


async def change_draft(
    services: Services,
    draft_id: int,
    settings: GuildSettings,
    user_id: int,
    **typed: str | None,
) -> Readback:
    """**Change**: the form's fields (title, description, when, closes, content note)
    replace the draft's; a new time is asked about afresh."""
    data = await drafts_db.get_draft(services.db, DRAFT, draft_id, settings.guild_id, user_id)
    if data is None:
        raise Refusal(text.DRAFT_GONE)
    changed = data | {k: (v if v and v.strip() else None) for k, v in typed.items()}
    changed["title"] = typed.get("title") or ""
    changed["picks"] = {
        k: v for k, v in (data.get("picks") or {}).items() if changed.get(k) == data.get(k)
    }
    understand(
        settings, data.get("here_channel_id"), Draft.from_data(changed), services.clock.now()
    )
    await drafts_db.update_draft(services.db, DRAFT, draft_id, changed)
    return await _readback(services, draft_id, settings, changed)


async def pick_in_draft(
    services: Services, draft_id: int, settings: GuildSettings, user_id: int, choice: str
) -> Readback:
    """Morning or evening for the time the read-back asks about."""
    data = await drafts_db.get_draft(services.db, DRAFT, draft_id, settings.guild_id, user_id)
    if data is None:
        raise Refusal(text.DRAFT_GONE)
    found = await _readback(services, draft_id, settings, data)
    asked = found.understood.asked
    if asked is None:
        return found
    data = data | {"picks": (data.get("picks") or {}) | {asked.field: choice}}
    await drafts_db.update_draft(services.db, DRAFT, draft_id, data)
    return await _readback(services, draft_id, settings, data)


async def publish_draft(
    services: Services,
    render: Render,
    draft_id: int,
    settings: GuildSettings,
    user_id: int,
    *,
    followups: Followups,
    tell: Tell,
) -> Created:
    """**Post it**: checked again now, then posted once."""
    found = await get_draft(services, draft_id, settings, user_id)
    if found.understood.asked is not None:
        raise Refusal(text.DRAFT_ASKING)
    taken = await drafts_db.take_draft(services.db, DRAFT, draft_id, settings.guild_id, user_id)
    if taken is None:
        raise Refusal(text.DRAFT_GONE)
    return await post_opportunity(
        services,
        render,
        settings,
        user_id,
        taken.get("here_channel_id"),
        Draft.from_data(taken),
        followups=followups,
        tell=tell,
    )


async def post_opportunity(
    services: Services,
    render: Render,
    settings: GuildSettings,
    posted_by: int,
    here_channel_id: int | None,
    draft: Draft,
    *,
    followups: Followups,
    tell: Tell,
) -> Created:
    """Check, save and post it (home, and every linked server for a network one),
    schedule its close, and queue the invitations (a job, so this stays quick)."""
    db, now = services.db, services.clock.now()
    reach = await audience(db, settings.guild_id, True) if draft.network else None
    checked = understand(settings, here_channel_id, draft, now)
    if checked.asked is not None:
        raise Refusal(text.DRAFT_ASKING)
    closes_at, channel_id = checked.closes_at, checked.channel_id
    opp = await repo.create(
        db,
        guild_id=settings.guild_id,
        channel_id=channel_id,
        title=checked.title,
        description=checked.description,
        when_text=checked.when_text,
        when_at=checked.when_at,
        places=checked.places,
        allocation=checked.allocation,
        payment=checked.payment,
        content_note=checked.content_note,
        closes_at=closes_at,
        seed=new_seed(),
        posted_by=posted_by,
        now=now,
        fee_pence=checked.fee_pence,
        fee_per=checked.fee_per,
        voucher=checked.voucher,
        expenses=checked.expenses,
    )

    async def payload() -> Payload:
        return render.post(opp, 0)

    published = await services.posts.publish(
        KIND,
        opp.id,
        guild_id=opp.guild_id,
        channel_id=channel_id,
        reach=reach,
        render=payload,
        dedupe_key=f"opp-post:{opp.id}",
        ping_role_id=settings.announce_role_id if draft.ping else None,
    )
    opp = await repo.get_opportunity(db, opp.id) or opp
    if closes_at is not None:
        await services.dispatcher.schedule(
            CLOSE_JOB, closes_at, {"opportunity_id": opp.id}, close_key(opp.id), opp.guild_id
        )
    followups.remember(opp.id, tell, now)
    # Invitations are queued by a job, so a fan-out to many never holds up the reply.
    await services.dispatcher.schedule(
        INVITE_JOB, now, {"opportunity_id": opp.id}, invite_key(opp.id), opp.guild_id
    )
    return Created(opp, channel_id, published)


async def refresh_opportunity_posts(services: Services, render: Render, opp_id: int) -> None:
    """Show the current state (places left, closed, cancelled) on every copy of the post."""
    opp = await repo.get_opportunity(services.db, opp_id)
    if opp is None:
        return
    payload = render.post(opp, await repo.confirmed_count(services.db, opp.id))
    await services.posts.refresh(posted(opp), payload)


# -- invitations and the organiser's summary ------------------------------------------


async def queue_invitations(
    services: Services, render: Render, followups: Followups, opp_id: int, now: datetime
) -> None:
    """Queue the invitation DMs as one batch (idempotent: each has a dedupe key)."""
    db = services.db
    opp = await repo.get_opportunity(db, opp_id)
    if opp is None or not opp.is_open:
        return
    # Each server's own consent, pause and notice apply to its members. A person
    # in two linked servers is invited once, by the first server that may reach them.
    chosen: dict[int, int] = {}  # user -> the server inviting them
    members_total = 0
    for guild_id in await services.posts.reached_guilds(posted(opp)):
        settings = await get_settings(db, guild_id)
        for user_id in await members_db.contactable_user_ids(
            db, guild_id, PURPOSE, now, settings.notice_version
        ):
            chosen.setdefault(user_id, guild_id)
        everyone = await members_db.counts(db, guild_id, now, settings.notice_version)
        members_total += everyone.members
    skipped = max(0, members_total - len(chosen))
    name = services.posts.server_name
    home = name(opp.guild_id)
    payloads: dict[int, Payload] = {}

    def invitation(guild_id: int) -> Payload:
        if guild_id not in payloads:
            payloads[guild_id] = render.invitation(
                opp,
                name(guild_id),
                guild_id=guild_id if opp.network_id is not None else None,
                home=home,
            )
        return payloads[guild_id]

    # One transaction: the batch becomes visible whole, so it cannot be
    # "finished" before its last invitation is queued.
    # "Once" is the item's own record (`invited`, set here), not the outbox's keys,
    # which are pruned after 7 days.
    async with db.transaction():
        if not await repo.set_fan_out(db, opp.id, len(chosen), skipped):
            return  # queued before (the job ran again)
        await services.delivery.dm_many(
            (
                Letter(
                    guild_id=guild_id,
                    user_id=user_id,
                    payload=invitation(guild_id),
                    dedupe_key=f"opp:{opp.id}:invite:{guild_id}:{user_id}",
                )
                for user_id, guild_id in chosen.items()
            ),
            purpose=PURPOSE,
            batch=batch_of(opp.id),
        )
    if not chosen:
        await tell_organiser(
            opp.id, {}, db=db, clock=services.clock, delivery=services.delivery, followups=followups
        )


def summary_words(opp: Opportunity, counts: dict[str, int]) -> str:
    summary = summarise_fan_out(counts, opp.skipped_by_preference or 0)
    if not counts:
        return text.SUMMARY_NONE.format(title=opp.title, skipped=count_text(summary.skipped))
    # Delivery counts about people (rule 9): they add up to the members reached.
    figures = {
        "sent": summary.sent,
        "skipped": summary.skipped,
        "undeliverable": summary.undeliverable,
        "waiting": summary.waiting,
    }
    shown = suppress_counts(figures)
    note = strings.small_figures_note(shown, figures)
    return text.SUMMARY.format(title=opp.title, **shown) + (f" {note}" if note else "")


async def tell_organiser(
    opp_id: int,
    counts: dict[str, int],
    *,
    db: Database,
    clock: Clock,
    delivery: Delivery,
    followups: Followups,
) -> None:
    """One line for the organiser when the invitations are done: in place within
    15 minutes of posting, else by DM (a service message); once only."""
    opp = await repo.get_opportunity(db, opp_id)
    if opp is None or not await repo.claim_summary(db, opp_id):
        return
    words = summary_words(opp, counts)
    tell = followups.take(opp_id, clock.now())
    if tell is not None and await tell(words):
        return
    if opp.posted_by is None:
        return
    await delivery.dm(
        guild_id=opp.guild_id,
        user_id=opp.posted_by,
        purpose=PURPOSE_SERVICE,
        payload=message_payload(words),
        dedupe_key=f"opp:{opp.id}:summary",
        urgent=True,
    )


async def invitations_done(
    batch: str,
    counts: dict[str, int],
    *,
    db: Database,
    clock: Clock,
    delivery: Delivery,
    followups: Followups,
) -> None:
    """An outbox batch finished: if it was an opportunity's invitations, tell its organiser."""
    opp_id = opportunity_of_batch(batch)
    if opp_id is not None:
        await tell_organiser(
            opp_id, counts, db=db, clock=clock, delivery=delivery, followups=followups
        )


# -- answering --------------------------------------------------------------------------


async def get_invited_member(services: Services, guild_id: int, user_id: int) -> tuple[int, int]:
    """(guild_id, user_id) of someone answering an invitation in a DM, as a member of
    the server that sent it, re-checked now (rule 7). (In a server, the member guard.)"""
    member = await members_db.get_member(services.db, guild_id, user_id)
    if member is None:
        raise Refusal(strings.JOIN_FIRST)
    settings = await get_settings(services.db, guild_id)
    if not notice_is_current(member, settings.notice_version):
        raise Refusal(text.NOTICE_CHANGED)
    return member.guild_id, member.user_id


@dataclass(frozen=True)
class Answered:
    opp: Opportunity
    result: AnswerResult
    counted_in: str | None  # the server their answer counts in, when it is another one
    home: str  # the opportunity's own server
    ask_name: bool  # a yes counted in another server: may the home organisers see the name?


async def record_answer(
    services: Services,
    render: Render,
    opp: Opportunity,
    guild_id: int,
    user_id: int,
    said: str,
    *,
    home_message_id: int | None,
    thank: Callable[[Answered], Awaitable[None]],
) -> None:
    """Save the answer, then thank them (rule 10), then tell anyone promoted and refresh.

    `home_message_id`: the post pressed, when it was the home one (we may not know
    its id yet). A member of another server starts as a count only, until they agree.
    """
    if home_message_id is not None:
        await services.posts.note_home_message(posted(opp), home_message_id)
    try:
        result, promoted = await repo.answer(
            services.db,
            opp.id,
            guild_id,
            user_id,
            said,
            services.clock.now(),
            show_name_to_host=guild_id == opp.guild_id,
        )
    except LookupError:
        raise Refusal(text.NOT_FOUND) from None
    reply = result.reply
    name = services.posts.server_name
    await thank(
        Answered(
            opp=opp,
            result=result,
            counted_in=name(reply.guild_id) if reply.guild_id != guild_id else None,
            home=name(opp.guild_id),
            ask_name=reply.state == INTERESTED and reply.guild_id != opp.guild_id,
        )
    )
    if result.changed and reply.state != INTERESTED:  # a place given up: its choice too
        await payments_db.drop_unpaid_choice(services.db, opp.id, reply.user_id)
    if result.changed:
        await tell_promoted(services, render, opp, promoted)
        await refresh_opportunity_posts(services, render, opp.id)


async def choose_name(services: Services, opp: Opportunity, user_id: int, share: bool) -> str:
    """A yes counted in another server: whether the home organisers see the name.
    Returns the home server's name."""
    reply = await repo.reply_of_person(services.db, opp.id, user_id)
    if reply is None or reply.state != INTERESTED:
        raise Refusal(text.NAME_NO_YES)
    await repo.set_show_name(services.db, opp.id, user_id, share)
    return services.posts.server_name(opp.guild_id)


def letter_about(opp: Opportunity, reply: Reply, payload: Payload, key: str) -> Letter:
    """A service message (rule 15) about `opp` for one who said yes. Its once-only key
    is "opp:<id>:<key>"; it is of no use once the thing has started."""
    return Letter(
        guild_id=reply.guild_id,
        user_id=reply.user_id,
        payload=payload,
        dedupe_key=f"opp:{opp.id}:{key}",
        expires_at=opp.when_at,
    )


async def tell_promoted(
    services: Services, render: Render, opp: Opportunity, promoted: list[Reply]
) -> None:
    """A place came free: tell each promoted member (a service message, rule 15)."""
    payload = render.place_note(opp, text.PROMOTED_TITLE, text.PROMOTED.format(title=opp.title))
    async with services.db.transaction():  # told once: recorded on the reply itself
        told = [r for r in promoted if await repo.claim_promotion_told(services.db, opp.id, r)]
        await services.delivery.tell_yes_sayers(
            (
                letter_about(
                    opp, reply, payload, f"promoted:{reply.guild_id}:{reply.user_id}:{reply.seq}"
                )
                for reply in told
            ),
        )


# -- editing, closing, cancelling -----------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What the organiser typed into /opportunity edit (None: leave it)."""

    title: str | None = None
    description: str | None = None
    when: str | None = None
    places: int | None = None
    payment: str | None = None
    content_note: str | None = None
    closes: str | None = None
    clear: str | None = None  # one of CLEARABLE_NAMES
    fee: str | None = None
    fee_per: str | None = None
    voucher: bool | None = None
    expenses: str | None = None


@dataclass(frozen=True)
class Edited:
    opp: Opportunity  # as it is now
    promoted: list[Reply]
    removed: str | None  # what was cleared, in words
    told: Told | None = None  # who was told of a new time (None: the time is the same)


async def edit_opportunity(
    services: Services,
    render: Render,
    opp_id: int,
    settings: GuildSettings,
    asked: Changes,
    *,
    answer: Callable[[Edited], Awaitable[None]],
) -> None:
    """Change an open opportunity, reschedule its close, answer, then tell anyone
    promoted (more places) and refresh the posts."""
    opp = await get_own_opportunity(services, opp_id, settings.guild_id)
    if not opp.is_open:
        raise Refusal(text.NOT_OPEN)
    db, now = services.db, services.clock.now()
    changes: dict[str, Any] = {}
    if asked.title is not None:
        changes["title"] = clean_text(asked.title, what="title", limit=MAX_TITLE, required=True)
    if asked.description is not None:
        changes["description"] = clean_text(
            asked.description, what="description", limit=MAX_DESCRIPTION, required=True
        )
    if asked.when is not None:
        changes["when_text"], changes["when_at"] = read_when(
            asked.when, settings.timezone, now, settings.date_order
        )
    if asked.places is not None:
        confirmed = await repo.confirmed_count(db, opp.id)
        changes["places"] = check_new_places(opp, asked.places, confirmed)
    if asked.payment is not None:
        changes["payment"] = clean_text(asked.payment, what="payment note", limit=MAX_SHORT_NOTE)
    if asked.content_note is not None:
        changes["content_note"] = clean_text(
            asked.content_note, what="content note", limit=MAX_SHORT_NOTE
        )
    if asked.closes is not None:
        closes = read_closes(asked.closes, settings.timezone, now, settings.date_order)
        assert closes is not None
        changes["closes_at"] = check_closes(definite(closes, asked.closes), now)
    if asked.fee is not None:
        changes["fee_pence"] = read_fee(asked.fee)
    if asked.fee_per is not None:
        fee = changes.get("fee_pence", opp.fee_pence)
        changes["fee_per"] = check_fee_per(asked.fee_per, fee)
    elif changes.get("fee_pence") is not None and opp.fee_per is None:
        changes["fee_per"] = check_fee_per(None, changes["fee_pence"])
    if asked.voucher is not None:
        changes["voucher"] = asked.voucher
    if asked.expenses is not None:
        changes["expenses"] = expenses_text(read_expenses(asked.expenses))
    if asked.clear is not None:
        changes |= clear_changes(opp, asked.clear, set(changes))
        if "voucher" in changes and changes["voucher"] is None:
            changes["voucher"] = False
    if not changes:
        raise Refusal(text.NOTHING_TO_EDIT)
    try:
        updated, promoted = await repo.edit(db, opp.id, **changes)
    except LookupError:
        raise Refusal(text.NOT_OPEN) from None
    if "closes_at" in changes and changes["closes_at"] is None:
        await services.dispatcher.cancel(close_key(opp.id))
    elif "closes_at" in changes:
        await services.dispatcher.schedule(
            CLOSE_JOB,
            changes["closes_at"],
            {"opportunity_id": opp.id},
            close_key(opp.id),
            opp.guild_id,
        )
    removed = CLEARABLE_NAMES[asked.clear] if asked.clear is not None else None
    told = None
    if (updated.when_text, updated.when_at) != (opp.when_text, opp.when_at):
        told = await tell_moved(services, render, updated)
    await answer(Edited(updated, promoted, removed, told))
    await tell_promoted(services, render, updated, promoted)
    await refresh_opportunity_posts(services, render, opp.id)


async def tell_moved(services: Services, render: Render, opp: Opportunity) -> Told:
    """The time changed: tell everyone who said yes (a service message, rule 15)."""
    yes = [r for r in await repo.replies(services.db, opp.id) if r.state == INTERESTED]
    if opp.when_at is not None:
        when = f"{timefmt.discord_timestamp(opp.when_at, 'F')}"
    else:
        when = opp.when_text or text.MOVED_WHEN_UNSET
    payload = render.note(
        text.MOVED_TITLE.format(title=opp.title), text.MOVED_DM.format(title=opp.title, when=when)
    )
    return await services.delivery.tell_yes_sayers(
        letter_about(opp, reply, payload, f"moved:{opp.when_at or opp.when_text}:{reply.user_id}")
        for reply in yes
    )


async def close_and_announce(services: Services, render: Render, opp_id: int) -> Opportunity | None:
    """Close once (drawing the lottery), tell those drawn, update the post. Idempotent."""
    try:
        opp, _closed_now = await repo.close(services.db, opp_id, services.clock.now())
    except LookupError:
        return None
    if opp.state == CLOSED and opp.is_lottery and opp.drawn_at is not None:
        await tell_drawn(services, render, opp)
    await refresh_opportunity_posts(services, render, opp.id)
    return opp


async def tell_drawn(services: Services, render: Render, opp: Opportunity) -> None:
    """Tell each entrant of a drawn lottery their place, once: `draw_told_at` on the
    opportunity is set in the transaction that queues the DMs."""
    db = services.db
    async with db.transaction():
        if not await repo.claim_draw_told(db, opp.id, services.clock.now()):
            return
        replies = await repo.replies(db, opp.id)
        title = text.DRAW_TITLE.format(title=opp.title)

        def body(reply: Reply) -> str:
            if reply.place == CONFIRMED:
                return text.DRAW_CONFIRMED.format(title=opp.title)
            position = waitlist_position(reply, replies)
            return text.DRAW_WAITLISTED.format(title=opp.title, position=position)

        def payload_for(reply: Reply) -> Payload:
            if reply.place == CONFIRMED:  # with the payment question, if one is offered
                return render.place_note(opp, title, body(reply))
            return render.note(title, body(reply))

        await services.delivery.tell_yes_sayers(  # a place won or not: rule 15
            (
                letter_about(
                    opp,
                    reply,
                    payload_for(reply),
                    f"draw:{reply.guild_id}:{reply.user_id}",
                )
                for reply in replies
                # nothing is ever sent to someone who declined or was silent
                if reply.state == INTERESTED
            ),
        )


async def close_job(services: Services, render: Render, payload: dict[str, Any]) -> None:
    """Scheduled close: runs however late (downtime), once; closing is idempotent."""
    await close_and_announce(services, render, int(payload["opportunity_id"]))


@dataclass(frozen=True)
class Closed:
    opp: Opportunity  # as it was when the organiser closed it
    drawn: tuple[int, int] | None  # (confirmed, waitlisted) for a lottery


async def close_now(services: Services, render: Render, opp_id: int, guild_id: int) -> Closed:
    """The organiser closes one of this server's own now (drawing the lottery, if any)."""
    opp = await get_own_opportunity(services, opp_id, guild_id)
    if not opp.is_open:
        raise Refusal(text.ALREADY_CLOSED)
    closed = await close_and_announce(services, render, opp.id)
    await services.dispatcher.cancel(close_key(opp.id))
    drawn = None
    if closed is not None and closed.is_lottery:
        replies = await repo.replies(services.db, opp.id)
        drawn = (
            sum(r.place == CONFIRMED for r in replies),
            sum(r.place == WAITLISTED for r in replies),
        )
    return Closed(opp, drawn)


async def cancel_opportunity(
    services: Services,
    render: Render,
    opp_id: int,
    guild_id: int,
    *,
    answer: Callable[[Told], Awaitable[None]],
) -> None:
    """Cancel it, stop invitations not yet sent, tell those who said yes (a service
    message: they need to know it is off), answer the organiser (who was told, as
    much as singles nobody out), refresh the posts."""
    opp = await get_own_opportunity(services, opp_id, guild_id)
    if opp.state == CANCELLED:
        raise Refusal(text.ALREADY_CANCELLED)
    cancelled, yes = await repo.cancel(services.db, opp.id, services.clock.now())
    await services.dispatcher.cancel(close_key(opp.id))
    await outbox_db.cancel_pending(services.db, batch=batch_of(opp.id))
    payload = render.note(
        text.CANCELLED_TITLE.format(title=opp.title), text.CANCELLED_DM.format(title=opp.title)
    )
    told = await services.delivery.tell_yes_sayers(
        letter_about(opp, reply, payload, f"cancelled:{reply.guild_id}:{reply.user_id}")
        for reply in yes
    )
    await answer(told)
    await refresh_opportunity_posts(services, render, cancelled.id)


# -- organisers' notes (bot/notes.py sends them) ------------------------------------------

NOTE_KIND = "opportunity"


async def note_audience(services: Services, item_key: str, guild_id: int) -> Audience:
    """/opportunity message: the people with a place on one of this server's own."""
    opp = await get_own_opportunity(services, int(item_key), guild_id)
    if opp.state == CANCELLED:
        raise Refusal(text.NOTE_CANCELLED.format(title=opp.title))
    placed = [
        (r.guild_id, r.user_id)
        for r in await repo.replies(services.db, opp.id)
        if r.state == INTERESTED and r.place == CONFIRMED
    ]
    return Audience(opp.title, None, placed)


# -- the roster and the lists -----------------------------------------------------------


@dataclass(frozen=True)
class RosterSeen:
    opp: Opportunity
    roster: Roster
    by_server: list[str] | None  # a network opportunity's suppressed per-server breakdown
    shared_by: str | None  # the home server's name, when the viewer is another server
    unnamed: str | None = None  # the line about yeses from other servers without a name


async def roster_of(services: Services, opp_id: int, viewer: int) -> RosterSeen:
    """The roster as this server's organisers may see it (names: see `repo.roster`):
    of its own opportunities, or of a network one shared here while still linked."""
    opp = await get_rostered_opportunity(services, opp_id, viewer)
    reached = await services.posts.reached_guilds(posted(opp))
    found = await repo.roster(services.db, opp, viewer_guild_id=viewer, reached_guilds=reached)
    by_server = (
        # No total: it, less the names shown, would be the unnamed yeses (rule 9).
        await per_server_lines(
            services.db, found.yes_by_server, text.BY_SERVER_UNIT, show_total=False
        )
        if opp.network_id is not None
        else None
    )
    shared_by = services.posts.server_name(opp.guild_id) if viewer != opp.guild_id else None
    return RosterSeen(opp, found, by_server, shared_by, unnamed_words(found))


def unnamed_words(roster: Roster) -> str | None:
    """How many from other servers said yes without sharing their name, in words.

    None when nobody did. The viewer knows their own server's yeses by name, so the
    unnamed count is in effect the total of the other servers' rows: beside a
    suppressed per-server row it would give that row away, and is not shown (rule 9).
    """
    if not roster.unnamed_yes:
        return None
    if any(n < DEFAULT_THRESHOLD for n in roster.yes_by_server.values()):
        return text.ROSTER_UNNAMED_HIDDEN
    return text.ROSTER_UNNAMED.format(count=count_text(roster.unnamed_yes))


@dataclass(frozen=True)
class Listed:
    opp: Opportunity
    confirmed: int
    link: str
    mine: str  # the viewer's answer ("" if none)


@dataclass(frozen=True)
class Listing:
    items: list[Listed]
    is_member: bool


async def list_opportunities(services: Services, guild_id: int, user_id: int) -> Listing:
    """Open ones here: this server's own, then network ones shared here (while linked)."""
    db = services.db
    found = await repo.list_for_guild(db, guild_id)
    links = {
        opp.id: message_link(Target(opp.guild_id, opp.channel_id, opp.message_id)) for opp in found
    }
    for opp in await repo.list_shared_with(db, guild_id):
        if await may_answer_from(db, opp.guild_id, opp.network_id, guild_id):
            found.append(opp)
            links[opp.id] = await services.posts.link_for(posted(opp), guild_id)
    if not found:
        return Listing([], True)
    mine = await repo.answered_ids(db, guild_id, user_id)
    for opp in found:  # an answer counted in another linked server is theirs too
        if opp.network_id is not None and opp.id not in mine:
            theirs = await repo.reply_of_person(db, opp.id, user_id)
            if theirs is not None:
                mine[opp.id] = theirs.state
    items = [
        Listed(opp, await repo.confirmed_count(db, opp.id), links[opp.id], mine.get(opp.id, ""))
        for opp in found
    ]
    return Listing(items, await members_db.is_member(db, guild_id, user_id))


async def my_answers(services: Services, guild_id: int, user_id: int) -> list[repo.MyAnswer]:
    """/me opportunities: each answer and place."""
    return await repo.answers_of(services.db, guild_id, user_id)
