"""Outcomes, as steps (issue 23): "you said, we did", followed through. No Discord here.

record or update (one form) -> saved with its timeline entry, the review job moved
    -> posted as a reply under the results (polls) or the post (ideas, opportunities),
       in every server that saw it -> one DM per consenting voter, supporter or
       yes-sayer, in the server they count in (rule 10: the outbox key
       `outcome-update:<update>:<user>`, and `told_at` on the update, once)
correct -> wording only, the earlier wording kept, nobody told; the posted updates
    are edited to the corrected words (the item's status line holds no wording)
review date -> one reminder in the organisers channel (or the moderators'), once per
    date, however late the bot comes back
"""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol

from bot.delivery import Letter
from bot.domain import outcomes as rules
from bot.domain.consent import PURPOSE_DM_OUTCOMES
from bot.domain.errors import Refusal
from bot.domain.settings import GuildSettings
from bot.domain.suppression import count_text
from bot.domain.timefmt import as_zone, wall_to_utc
from bot.networks import may_answer_from
from bot.posts import Posted, Target, message_link, outcome_line, with_outcome
from bot.services import Services
from bot.strings import outcomes as text
from db import jobs, network_items
from db import members as members_db
from db import outbox as outbox_db
from db import outcomes as repo
from db import polls as polls_db
from db.jobs import Job
from db.outcomes import ItemRef, Outcome, Update
from db.settings import get_settings

Payload = dict[str, Any]
REVIEW_JOB = "outcome_review"
REVIEW_HOUR = time(10, 0)  # a review date's reminder goes at 10:00 in the server's zone
PAGE_SIZE = 10


class Render(Protocol):
    """The messages this feature sends (cogs/outcomes/ui.py)."""

    def update_post(self, outcome: Outcome, update: Update, link: str | None) -> Payload: ...

    def update_dm(self, outcome: Outcome, update: Update, link: str | None) -> Payload: ...

    def review_reminder(self, outcome: Outcome, ago: str, link: str | None) -> Payload: ...


def organisers_channel(settings: GuildSettings) -> int | None:
    """Where organisers are told: their own channel, or the moderators' one."""
    return settings.organisers_channel_id or settings.moderators_channel_id


# -- the item ---------------------------------------------------------------------------


def parse_item(value: str | int) -> tuple[str, int]:
    """`poll:12` (what the item autocomplete gives) -> ("poll", 12)."""
    kind, _, number = str(value).strip().partition(":")
    if kind not in repo.KINDS or not number.isdigit():
        raise Refusal(text.UNKNOWN_ITEM)
    return kind, int(number)


async def find_item(
    services: Services, guild_id: int, value: str, server_name: Any = None
) -> ItemRef:
    """This server's own poll, idea or opportunity (outcomes belong to the home server)."""
    kind, item_id = parse_item(value)
    item = await repo.item_ref(services.db, kind, item_id)
    if item is None:
        raise Refusal(text.UNKNOWN_ITEM)
    if item.guild_id != guild_id:
        if item.network_id is None or guild_id not in await _guilds_with_copy(services, item):
            raise Refusal(text.UNKNOWN_ITEM)
        home = server_name(item.guild_id) if server_name else "its home server"
        raise Refusal(text.HOME_ONLY.format(home=home))
    return item


async def _guilds_with_copy(services: Services, item: ItemRef) -> set[int]:
    return {c.guild_id for c in await network_items.copies(services.db, item.kind, item.id)}


def check_ready(item: ItemRef) -> None:
    if item.state not in repo.READY_STATES[item.kind]:
        raise Refusal(text.NOT_READY[item.kind])


async def choices(services: Services, guild_id: int, typed: str) -> list[tuple[str, str]]:
    """(label, value) for the item autocomplete: "Poll: ...", "Idea: ...", "Opportunity: ..."."""
    found = await repo.candidate_items(services.db, guild_id, typed)
    return [
        (f"{text.KIND_NAMES[kind]}: {title}", f"{kind}:{item_id}")
        for kind, item_id, title, _ in found
    ]


# -- who will be told -------------------------------------------------------------------


async def letters_for(
    services: Services, item: ItemRef, payload_for: Any, update_id: int
) -> list[Letter]:
    """One letter per voter, supporter or yes-sayer who chose outcome messages in the
    server they count in (stepping back included: theirs is held for their summary)."""
    db = services.db
    letters: list[Letter] = []
    for guild_id, people in (await repo.audience(db, item.kind, item.id)).items():
        notice = (await get_settings(db, guild_id)).notice_version
        wanting = set(
            await members_db.consenting_user_ids(db, guild_id, PURPOSE_DM_OUTCOMES, notice)
        )
        payload = await payload_for(guild_id) if any(u in wanting for u in people) else None
        letters += [
            Letter(guild_id, user_id, payload, f"outcome-update:{update_id}:{user_id}")
            for user_id in people
            if user_id in wanting
        ]
    return letters


async def will_be_told(services: Services, item: ItemRef) -> int | None:
    """How many an update would be sent to now; None once retention erased who took part."""
    count = 0
    db = services.db
    audience = await repo.audience(db, item.kind, item.id)
    if not audience and item.answers_erased:
        return None
    for guild_id, people in audience.items():
        notice = (await get_settings(db, guild_id)).notice_version
        wanting = set(
            await members_db.consenting_user_ids(db, guild_id, PURPOSE_DM_OUTCOMES, notice)
        )
        count += sum(1 for u in people if u in wanting)
    return count


def told_words(count: int | None) -> str:
    """What the organiser is told of who will hear (rule 9: never a small exact count)."""
    if count is None:
        return text.TOLD_ERASED
    if count == 0:
        return text.TOLD_NOBODY
    words = text.TOLD.format(count=count_text(count))
    return words[:1].upper() + words[1:]


def form_title_count(count: int | None) -> str:
    if count is None or count == 0:
        return text.TOLD_NONE
    return text.TOLD_SOME.format(count=count_text(count))


# -- where updates are posted ---------------------------------------------------------------


async def reply_targets(services: Services, item: ItemRef) -> list[Target]:
    """The message each update replies to, in every server that saw the item (home
    first): a poll's results, an idea's or an opportunity's post. A copy in a server
    that has left the network since is left out. `message_id` None: not sent yet."""
    db, delivery = services.db, services.delivery
    found: list[Target] = []
    if item.kind == "poll":
        home_id = (
            await delivery.sent_message_id(item.results_outbox_id)
            if item.results_outbox_id
            else None
        )
        assert item.channel_id is not None
        found.append(Target(item.guild_id, item.channel_id, home_id))
        if item.network_id is not None:
            for copy in await network_items.copies(db, "poll", item.id):
                if copy.guild_id == item.guild_id:
                    continue
                row = await polls_db.outbox_row(db, f"poll-results:{item.id}:{copy.guild_id}")
                sent = await delivery.sent_message_id(row) if row else None
                found.append(Target(copy.guild_id, copy.channel_id, sent))
    else:
        found = await services.posts.targets(posted_item(item))
    kept = [found[0]]
    for target in found[1:]:
        if await may_answer_from(db, item.guild_id, item.network_id, target.guild_id):
            kept.append(target)
    return kept


def posted_item(item: ItemRef) -> Posted:
    assert item.channel_id is not None
    return Posted(
        item.kind,
        item.id,
        item.guild_id,
        item.channel_id,
        item.message_id,
        item.post_outbox_id,
        item.network_id,
    )


async def show_status(services: Services, item: ItemRef, replied_to: list[Target]) -> None:
    """The item's post (and a poll's results) in every server show the outcome's status
    and the date of its last update: each message edited from what it shows now."""
    db = services.db
    line = await outcome_line(db, item.kind, item.id)
    targets = list(replied_to)
    if item.kind == "poll":
        targets += await services.posts.targets(posted_item(item))
    for target in targets:
        if target.message_id is None:
            continue
        shown = await outbox_db.shown_payload(db, target.channel_id, target.message_id)
        if shown is not None:
            await services.delivery.edit(
                guild_id=target.guild_id,
                channel_id=target.channel_id,
                message_id=target.message_id,
                payload=with_outcome(shown, line),
            )


def link_in(targets: list[Target], guild_id: int) -> str | None:
    for target in targets:
        if target.guild_id == guild_id:
            return message_link(target)
    return message_link(targets[0]) if targets else None


# -- recording and updating ---------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """What the form holds (as typed)."""

    said: str  # what was decided (a new outcome) or what has happened (an update)
    status: str = ""
    progress: str = ""
    review: str = ""
    by_when: str = ""


@dataclass(frozen=True)
class Plan:
    """A checked form, ready to save."""

    item: ItemRef
    existing: Outcome | None
    said: str
    status: str
    kind: str  # "recorded" | "update" | "reopened"
    progress: int | None
    by_when: str | None
    review_on: date | None
    zone: str


async def plan(services: Services, item: ItemRef, typed: Typed) -> Plan:
    """Check what was typed against the outcome as it is (refusals change nothing)."""
    check_ready(item)
    settings = await get_settings(services.db, item.guild_id)
    now = services.clock.now()
    existing = await repo.outcome_for_item(services.db, item.kind, item.id)
    progress = rules.read_progress(typed.progress)
    by_when = rules.clean_by_when(typed.by_when)
    if existing is None:
        said = rules.clean_text(
            typed.said, what="what was decided", limit=rules.MAX_STATEMENT, required=True
        )
        status = rules.read_status(typed.status)
        if status == rules.REOPEN:
            raise Refusal(text.NO_REOPEN_YET)
        kind = "recorded"
    else:
        said = rules.clean_text(
            typed.said, what="what has happened", limit=rules.MAX_BODY, required=False
        )
        step = rules.next_step(
            existing.status, rules.read_status(typed.status, existing.status), said
        )
        status, kind = step.status, step.kind
    review_on = rules.read_review(
        typed.review, settings.timezone, now, status=status, date_order=settings.date_order
    )
    if (
        existing is not None
        and kind == "update"
        and not said
        and (status, progress, by_when, review_on)
        == (existing.status, existing.progress, existing.by_when, existing.review_on)
    ):
        raise Refusal(text.NOTHING_NEW)
    return Plan(item, existing, said, status, kind, progress, by_when, review_on, settings.timezone)


@dataclass(frozen=True)
class Saved:
    outcome: Outcome
    update: Update
    told: int | None  # DMs queued; None: who took part was erased (posted only)
    where: str  # a link to the home post of the update (or its channel)


async def save(services: Services, render: Render, checked: Plan) -> Saved:
    """Save, move the review job, post in every copy and queue the DMs: one transaction,
    so a crash leaves either all of it or none (then the outbox sends it)."""
    db, now = services.db, services.clock.now()
    item = checked.item
    async with db.transaction():
        if checked.existing is None:
            made = await repo.create(
                db,
                guild_id=item.guild_id,
                item_kind=item.kind,
                item_id=item.id,
                title=item.title,
                statement=checked.said,
                status=checked.status,
                progress=checked.progress,
                by_when=checked.by_when,
                review_on=checked.review_on,
                now=now,
            )
            if made is None:
                raise Refusal(text.MOVED_ON)
            outcome_id, update_id = made
        else:
            outcome_id = checked.existing.id
            added = await repo.add_update(
                db,
                outcome_id,
                kind=checked.kind,
                body=checked.said,
                status=checked.status,
                progress=checked.progress,
                by_when=checked.by_when,
                review_on=checked.review_on,
                now=now,
                expected_status=checked.existing.status,
            )
            if added is None:
                raise Refusal(text.MOVED_ON)
            update_id = added
        outcome = await repo.get_outcome(db, outcome_id)
        assert outcome is not None
        await plan_review(services, outcome, checked.zone)
        update = next(u for u in await repo.timeline(db, outcome_id) if u.id == update_id)
        told, where = await tell(services, render, item, outcome, update)
    return Saved(outcome, update, told, where)


async def tell(
    services: Services, render: Render, item: ItemRef, outcome: Outcome, update: Update
) -> tuple[int | None, str]:
    """Post the update under the item in every copy, and queue one DM per consenting
    person, once (the update's `told_at`; the outbox keys make a repeat add nothing)."""
    db, delivery, now = services.db, services.delivery, services.clock.now()
    targets = await reply_targets(services, item)
    for target in targets:
        payload = render.update_post(outcome, update, message_link(target))
        if target.message_id is not None:
            payload = {
                **payload,
                "reply_to": {"channel_id": target.channel_id, "message_id": target.message_id},
            }
        await delivery.post(
            guild_id=target.guild_id,
            channel_id=target.channel_id,
            payload=payload,
            dedupe_key=f"outcome-update:{update.id}:{target.guild_id}",
        )

    async def payload_for(guild_id: int) -> Payload:
        return render.update_dm(outcome, update, link_in(targets, guild_id))

    await show_status(services, item, targets)
    letters = await letters_for(services, item, payload_for, update.id)
    if not letters and item.answers_erased:
        await repo.mark_told(db, update.id, 0, now)
        return None, message_link(targets[0])
    if await repo.mark_told(db, update.id, len(letters), now):
        await delivery.dm_many(
            letters, purpose=PURPOSE_DM_OUTCOMES, batch=f"outcome-update:{update.id}"
        )
    return len(letters), message_link(targets[0])


# -- correcting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectForm:
    outcome: Outcome
    latest: Update


async def correct_form(services: Services, item: ItemRef) -> CorrectForm:
    outcome = await repo.outcome_for_item(services.db, item.kind, item.id)
    if outcome is None:
        raise Refusal(text.NO_OUTCOME_YET)
    latest = (await repo.timeline(services.db, outcome.id))[-1]
    return CorrectForm(outcome, latest)


async def correct(
    services: Services,
    render: Render,
    item: ItemRef,
    statement: str,
    latest: str,
    by_when: str,
) -> Outcome:
    """Fix wording only (status, progress and dates change through an update); nobody
    is told; the earlier wording stays on the timeline, marked with the date. What was
    posted in Discord shows the corrected words too (`reword_posts`)."""
    form = await correct_form(services, item)
    fixed_statement = rules.clean_text(
        statement, what="what was decided", limit=rules.MAX_STATEMENT, required=True
    )
    fixed_latest = rules.clean_text(
        latest,
        what="the latest update's wording",
        limit=rules.MAX_BODY,
        required=form.latest.kind == "recorded",
    )
    if form.latest.kind == "recorded" and fixed_latest == form.latest.body:
        fixed_latest = fixed_statement  # the first entry is the statement: they go together
    fixed_by = rules.clean_by_when(by_when) or ""
    async with services.db.transaction():  # the edits are queued with the correction
        changed = await repo.correct(
            services.db,
            form.outcome.id,
            statement=fixed_statement,
            by_when=fixed_by,
            update_id=form.latest.id,
            body=fixed_latest,
            now=services.clock.now(),
        )
        if not changed:
            raise Refusal(text.NOTHING_CORRECTED)
        found = await repo.get_outcome(services.db, form.outcome.id)
        assert found is not None
        await reword_posts(services, render, item, found)
    return found


async def reword_posts(services: Services, render: Render, item: ItemRef, outcome: Outcome) -> None:
    """Each update already posted, in every server that saw the item, edited to the
    corrected wording (every post repeats what was decided); each keeps the status,
    progress and dates it was posted with. An edit that changes nothing is not sent."""
    targets = await reply_targets(services, item)
    for update in await repo.timeline(services.db, outcome.id):
        for target in targets:
            key = f"outcome-update:{update.id}:{target.guild_id}"
            sent = await outbox_db.sent_post(services.db, key)
            if sent is None:
                continue
            channel_id, message_id = sent
            await services.delivery.edit(
                guild_id=target.guild_id,
                channel_id=channel_id,
                message_id=message_id,
                payload=render.update_post(outcome, update, message_link(target)),
            )


# -- review dates -------------------------------------------------------------------------


def review_key(outcome_id: int) -> str:
    return f"outcome-review:{outcome_id}"


def review_due(review_on: date, zone: str) -> datetime:
    return wall_to_utc(datetime.combine(review_on, REVIEW_HOUR), as_zone(zone))


async def plan_review(services: Services, outcome: Outcome, zone: str) -> None:
    """The one job that brings the review date back (moved, or dropped with the date)."""
    key = review_key(outcome.id)
    if outcome.review_on is None or outcome.reminded_for == outcome.review_on:
        await services.dispatcher.cancel(key)
        return
    await services.dispatcher.schedule(
        REVIEW_JOB,
        review_due(outcome.review_on, zone),
        {"outcome_id": outcome.id, "review_on": outcome.review_on.isoformat()},
        key,
        outcome.guild_id,
    )


async def rearm_reviews(services: Services) -> int:
    """At start-up: every review date still to come back has its job (a database from
    before outcomes, or a job lost); the job runs however late (late, never missed)."""
    keys = await jobs.pending_keys(services.db, REVIEW_JOB)
    armed = 0
    for outcome in await repo.with_review_dates(services.db):
        if review_key(outcome.id) in keys:
            continue
        settings = await get_settings(services.db, outcome.guild_id)
        await plan_review(services, outcome, settings.timezone)
        armed += 1
    return armed


def ago(then: datetime, now: datetime) -> str:
    """ "3 months ago", "2 weeks ago", "5 days ago", "today"."""
    days = max(0, (now - then).days)
    if days == 0:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    months = round(days / 30.44)
    return f"{months} months ago"


async def review_job(services: Services, render: Render, job: Job) -> None:
    """Once per review date (`reminded_for` and the outbox key), if it still stands.
    With no organisers or moderators channel it waits (shown in /status and /setup
    show) and the next start-up or channel setting brings it back."""
    db, now = services.db, services.clock.now()
    outcome = await repo.get_outcome(db, int(job.payload["outcome_id"]))
    review_on = date.fromisoformat(job.payload["review_on"])
    if outcome is None or outcome.review_on != review_on or outcome.reminded_for == review_on:
        return
    settings = await get_settings(db, outcome.guild_id)
    channel_id = organisers_channel(settings)
    if channel_id is None:
        return  # undeliverable for now: /status and /setup show say so
    item = await repo.item_ref(db, outcome.item_kind, outcome.item_id)
    link = None
    if item is not None and item.channel_id is not None:
        link = link_in(await reply_targets(services, item), outcome.guild_id)
    async with db.transaction():
        if not await repo.mark_reminded(db, outcome.id, review_on):
            return
        row = await services.delivery.post(
            guild_id=outcome.guild_id,
            channel_id=channel_id,
            payload=render.review_reminder(outcome, ago(outcome.last_update_at, now), link),
            dedupe_key=f"outcome-review:{outcome.id}:{review_on.isoformat()}",
        )
        await repo.set_reminder_outbox(db, outcome.id, row)


@dataclass(frozen=True)
class DueReview:
    outcome: Outcome
    undeliverable: bool  # its reminder has not gone: no organisers or moderators channel


async def due_reviews(services: Services, guild_id: int) -> list[DueReview]:
    """This server's outcomes whose review date has come (for /status)."""
    settings = await get_settings(services.db, guild_id)
    today = rules.today_in(settings.timezone, services.clock.now())
    nowhere = organisers_channel(settings) is None
    return [
        DueReview(o, nowhere and o.reminded_for != o.review_on)
        for o in await repo.due_reviews(services.db, [guild_id], today)
    ]


async def reviews_without_channel(services: Services, settings: GuildSettings) -> int:
    """Outcomes with a review date to come back in a server with nowhere to say so."""
    if organisers_channel(settings) is not None:
        return 0
    return sum(
        1 for o in await repo.with_review_dates(services.db) if o.guild_id == settings.guild_id
    )


# -- /decisions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    outcomes: list[Outcome]
    links: dict[int, str | None]
    page: int  # 0-based
    pages: int
    status: str | None


async def register(services: Services, guild_id: int, status: str | None, page: int) -> Register:
    """The register of outcomes in this server and its network, ten a page."""
    guilds = [guild_id]  # its own, and linked servers' items posted here (item copies)
    found = await repo.list_outcomes(services.db, guilds, status=status)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    links: dict[int, str | None] = {}
    for outcome in shown:
        item = await repo.item_ref(services.db, outcome.item_kind, outcome.item_id)
        links[outcome.id] = (
            link_in(await reply_targets(services, item), guild_id)
            if item is not None and item.channel_id is not None
            else None
        )
    return Register(shown, links, page, pages, status)


# -- /outcome export ------------------------------------------------------------------------


OUTCOME_COLUMNS = [
    "outcome_id",
    "item_kind",
    "item_id",
    "item_title",
    "statement",
    "status",
    "progress",
    "by_when",
    "next_review",
    "recorded_at",
    "last_update_at",
]
UPDATE_COLUMNS = [
    "outcome_id",
    "update_id",
    "kind",
    "posted_at",
    "what_happened",
    "status",
    "progress",
    "by_when",
    "next_review",
    "outcome_messages_queued",
    "corrected_on",
    "earlier_wording",
]


def _cell(value: Any) -> Any:
    """Stop spreadsheet formulas in typed words (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _local(when: datetime | None, zone: str) -> str:
    return when.astimezone(as_zone(zone)).isoformat(timespec="seconds") if when else ""


def _csv(columns: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def export_zip(outcomes: list[Outcome], timelines: dict[int, list[Update]], zone: str) -> bytes:
    """outcomes.csv and updates.csv (one table per file, dates ISO 8601 in `zone`),
    zipped. Counts of people are given as rule 9 says ("fewer than 5")."""
    outcome_rows = [
        [
            o.id,
            o.item_kind,
            o.item_id,
            o.title,
            o.statement,
            o.status,
            "" if o.progress is None else o.progress,
            o.by_when or "",
            o.review_on.isoformat() if o.review_on else "",
            _local(o.created_at, zone),
            _local(o.last_update_at, zone),
        ]
        for o in outcomes
    ]
    update_rows = []
    for o in outcomes:
        for u in timelines.get(o.id, []):
            corrected = u.corrections[-1].corrected_at if u.corrections else None
            update_rows.append(
                [
                    o.id,
                    u.id,
                    u.kind,
                    _local(u.posted_at, zone),
                    u.body,
                    u.status,
                    "" if u.progress is None else u.progress,
                    u.by_when or "",
                    u.review_on.isoformat() if u.review_on else "",
                    "" if u.told is None else count_text(u.told),
                    _local(corrected, zone),
                    u.corrections[0].earlier or "" if u.corrections else "",
                ]
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("outcomes.csv", _csv(OUTCOME_COLUMNS, outcome_rows))
        archive.writestr("updates.csv", _csv(UPDATE_COLUMNS, update_rows))
    return buffer.getvalue()


async def export(services: Services, guild_id: int) -> tuple[bytes, str]:
    settings = await get_settings(services.db, guild_id)
    outcomes, timelines = await repo.export_rows(services.db, [guild_id])
    if not outcomes:
        raise Refusal(text.NO_EXPORT)
    data = await asyncio.to_thread(export_zip, outcomes, timelines, settings.timezone)
    return data, settings.timezone
