"""Payment and expenses for an opportunity, handled privately (issue 24; rule 2).

A member with a place on an opportunity offering payment chooses how they'd like it
(Fee, Voucher, Expenses only, No payment, thanks), changeable until marked paid.
After the date an organiser confirms who took part (`/opportunity happened`): only
"took part" is stored, never a no-show, and it also writes the member's own record
(db/records.py). Someone who took part may claim expenses (`/me claim`); organisers
see each person's choice and claims (`/opportunity payments`), mark them paid (the
member is told once: a service message, rule 15), and take a CSV to their finance
team. No bank details, ever. No Discord here (like flows.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.delivery import Letter, message_payload
from bot.domain.errors import Refusal
from bot.domain.opportunities import CANCELLED, CONFIRMED, INTERESTED, Opportunity, Reply
from bot.domain.payments import (
    EXPENSE_WORDS,
    FEE,
    NO_PAYMENT,
    VOUCHER,
    check_choice,
    check_claim_kind,
    check_hours,
    check_role,
    check_spent_on,
    fee_owed,
    looks_like_bank_details,
    money,
    parse_amount,
    read_claim_date,
)
from bot.domain.text import clean_typed
from bot.domain.timefmt import discord_timestamp
from bot.strings import payments as text
from cogs.opportunities import flows
from db import opportunities as repo
from db import payments as pay_db
from db import records
from db.settings import get_settings

if TYPE_CHECKING:
    from bot.services import Services

MAX_PARTS = 4  # selects of 25 on the confirm message (with its button): 100 places


# -- the member's choice ------------------------------------------------------------


@dataclass(frozen=True)
class Asking:
    """What a member with a place is asked about payment (None when nothing is asked)."""

    opp: Opportunity
    choices: tuple[str, ...]
    current: pay_db.Choice | None
    name_first: bool  # counted in another server without sharing their name
    home: str


async def asking(services: Services, opp: Opportunity, reply: Reply) -> Asking | None:
    """Ask someone who holds a place on an opportunity that offers payment."""
    if not opp.offer.offers_payment or opp.state == CANCELLED:
        return None
    if reply.state != INTERESTED or reply.place != CONFIRMED:
        return None
    current = await pay_db.choice_of(services.db, opp.id, reply.user_id)
    name_first = reply.guild_id != opp.guild_id and not reply.show_name_to_host
    return Asking(
        opp,
        opp.offer.choices(),
        current,
        name_first and (current is None or current.choice != NO_PAYMENT),
        services.posts.server_name(opp.guild_id),
    )


class NameNeeded(Exception):
    """To be paid, the home organisers need the name of someone counted elsewhere."""

    def __init__(self, ask: Asking) -> None:
        super().__init__("name needed")
        self.ask = ask


def generic_asking(opp: Opportunity) -> Asking:
    """The question as a place DM carries it (the same for everyone it goes to)."""
    return Asking(opp, opp.offer.choices(), None, False, "")


async def my_choices(
    services: Services, opp_ids: list[int], user_id: int
) -> dict[int, pay_db.Choice]:
    """This member's own choices, for /me opportunities."""
    found = {}
    for opp_id in opp_ids:
        choice = await pay_db.choice_of(services.db, opp_id, user_id)
        if choice is not None:
            found[opp_id] = choice
    return found


async def _placed_reply(services: Services, opp: Opportunity, user_id: int) -> Reply:
    reply = await repo.reply_of_person(services.db, opp.id, user_id)
    if reply is None or reply.state != INTERESTED or reply.place != CONFIRMED:
        raise Refusal(text.CHOICE_NO_PLACE)
    return reply


async def asking_for(services: Services, opp: Opportunity, user_id: int) -> Asking:
    """The question again, for the member who presses **How to be paid**."""
    reply = await _placed_reply(services, opp, user_id)
    found = await asking(services, opp, reply)
    if found is None:
        raise Refusal(text.CHOICE_NOT_OFFERED)
    return found


async def choose(services: Services, opp: Opportunity, user_id: int, choice: str) -> str:
    """Save the member's choice (changeable until marked paid). Returns the words."""
    reply = await _placed_reply(services, opp, user_id)
    if not opp.offer.offers_payment:
        raise Refusal(text.CHOICE_NOT_OFFERED)
    check_choice(opp.offer, choice)
    if choice != NO_PAYMENT and reply.guild_id != opp.guild_id and not reply.show_name_to_host:
        raise NameNeeded(await asking_for(services, opp, user_id))
    saved = await pay_db.set_choice(
        services.db, opp.id, reply.guild_id, user_id, choice, services.clock.now()
    )
    if not saved:
        raise Refusal(text.CHOICE_PAID)
    words = text.CHOICE_SAVED.format(title=opp.title, choice=text.CHOICE_WORDS[choice])
    if opp.offer.expenses and choice != NO_PAYMENT:
        words += text.CHOICE_SAVED_CLAIM
    return words


async def share_name_to_be_paid(services: Services, opp: Opportunity, user_id: int) -> Asking:
    """A member counted in another server agrees the home organisers see their name."""
    await _placed_reply(services, opp, user_id)
    await repo.set_show_name(services.db, opp.id, user_id, True)
    return await asking_for(services, opp, user_id)


# -- who took part ------------------------------------------------------------------


@dataclass(frozen=True)
class Candidates:
    opp: Opportunity
    people: list[pay_db.Placed]
    servers: dict[int, str]  # server names, for people from other servers


async def happened_candidates(services: Services, opp_id: int, guild_id: int) -> Candidates:
    """Everyone with a place on one of this server's own, once its date has passed."""
    opp = await flows.get_own_opportunity(services, opp_id, guild_id)
    if opp.state == CANCELLED:
        raise Refusal(text.HAPPENED_CANCELLED.format(title=opp.title))
    now = services.clock.now()
    if opp.when_at is not None and opp.when_at > now:
        raise Refusal(
            text.HAPPENED_NOT_YET.format(title=opp.title, when=discord_timestamp(opp.when_at, "F"))
        )
    people = await pay_db.placed(services.db, opp.id, opp.guild_id)
    if not people:
        raise Refusal(text.HAPPENED_NOBODY.format(title=opp.title))
    people = people[: 25 * MAX_PARTS]
    servers = {p.guild_id: services.posts.server_name(p.guild_id) for p in people}
    return Candidates(opp, people, servers)


@dataclass(frozen=True)
class Confirmed:
    opp: Opportunity
    count: int


async def confirm_took_part(
    services: Services,
    opp_id: int,
    guild_id: int,
    ticked: set[int],
    *,
    role: str | None,
    hours: float | None,
) -> Confirmed:
    """Record exactly the ticked people (user ids, each holding a place) as taking part,
    and write each one's own record, in one transaction. Nothing is sent to anyone."""
    found = await happened_candidates(services, opp_id, guild_id)
    opp, db, now = found.opp, services.db, services.clock.now()
    role, hours = check_role(role), check_hours(hours)
    people = [(p.guild_id, p.user_id) for p in found.people if p.user_id in ticked]
    on_day = (opp.when_at or now).date()
    async with db.transaction():
        await pay_db.record_took_part(db, opp.id, people, role=role, hours=hours, now=now)
        for person_guild, user_id in people:
            await records.add_took_part(
                db, person_guild, user_id, opp.id, on_day, opp.title, role, hours, now=now
            )
    return Confirmed(opp, len(people))


# -- claims ----------------------------------------------------------------------------


async def claimable(services: Services, guild_id: int, user_id: int) -> list[Opportunity]:
    """What this member took part in that covers expenses (for /me claim's list)."""
    found = []
    for opp_id in await pay_db.took_part_in(services.db, guild_id, user_id):
        opp = await repo.get_opportunity(services.db, opp_id)
        if opp is not None and opp.offer.expenses:
            found.append(opp)
    return found


async def claim_target(services: Services, opp_id: int, guild_id: int, user_id: int) -> Opportunity:
    """An opportunity this member may claim for (checked before the form opens, and again
    on submit)."""
    opp = await repo.get_opportunity(services.db, opp_id)
    taken = await pay_db.took_part(services.db, opp_id, user_id) if opp else None
    if opp is None or taken is None or taken[0] != guild_id:
        raise Refusal(text.CLAIM_NOT_TAKEN_PART)
    if not opp.offer.expenses:
        raise Refusal(text.CLAIM_NO_EXPENSES.format(title=opp.title))
    return opp


async def save_claim(
    services: Services,
    opp_id: int,
    guild_id: int,
    user_id: int,
    *,
    amount: str,
    kind: str,
    day: str,
    note: str | None,
) -> str:
    """Check what was typed (nothing is saved if any of it is refused) and save the
    claim. Returns the thank-you words."""
    opp = await claim_target(services, opp_id, guild_id, user_id)
    settings = await get_settings(services.db, guild_id)
    now = services.clock.now()
    pence = parse_amount(amount)
    what = check_claim_kind(opp.offer, kind)
    spent_on = check_spent_on(
        read_claim_date(day, now, settings.timezone, settings.date_order), now.date()
    )
    cleaned = clean_typed(note or "").strip() or None
    if cleaned is not None and len(cleaned) > 200:
        raise Refusal("Please keep the note to 200 characters. Nothing was saved.")
    if cleaned is not None and looks_like_bank_details(cleaned):
        raise Refusal(text.CLAIM_BANK_DETAILS)
    await pay_db.add_claim(
        services.db,
        opp.id,
        guild_id,
        user_id,
        kind=what,
        amount_pence=pence,
        spent_on=spent_on,
        note=cleaned,
        now=now,
    )
    return text.CLAIM_SAVED.format(
        amount=money(pence), kind=EXPENSE_WORDS[what], day=day_words(spent_on), title=opp.title
    )


def day_words(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


# -- what organisers see -----------------------------------------------------------------


@dataclass(frozen=True)
class Payments:
    opp: Opportunity
    rows: list[pay_db.PaymentRow]

    def fee_of(self, row: pay_db.PaymentRow) -> int | None:
        """The fee owed to one person (a voucher's worth is the same amount): once per
        session or day, times their hours for an hourly fee. None: an hourly fee whose
        hours were not given with `/opportunity happened`."""
        if row.choice not in (FEE, VOUCHER):
            return 0
        return fee_owed(self.opp.fee_pence, self.opp.fee_per, row.hours)

    @property
    def needs_hours(self) -> int:
        """How many people's fee waits for their hours (left out of the totals)."""
        return sum(1 for r in self.rows if self.fee_of(r) is None)

    def totals(self) -> dict[str, int]:
        fees = sum(self.fee_of(r) or 0 for r in self.rows)
        claims = sum(c.amount_pence for r in self.rows for c in r.claims)
        unpaid = sum(self.fee_of(r) or 0 for r in self.rows if r.paid_at is None) + sum(
            c.amount_pence for r in self.rows for c in r.claims if c.paid_at is None
        )
        return {"fees": fees, "claims": claims, "total": fees + claims, "unpaid": unpaid}


async def payments_of(services: Services, opp_id: int, guild_id: int) -> Payments:
    """For this server's organisers, of one of its own opportunities."""
    opp = await flows.get_own_opportunity(services, opp_id, guild_id)
    rows = await pay_db.payment_rows(
        services.db, opp.id, opp.guild_id, happened=opp.happened_at is not None
    )
    return Payments(opp, rows)


def finance_csv(found: Payments) -> bytes:
    """For the finance team: one row per fee or claim, with each person's total.

    The name is the one they gave (else "no name given"); never an id or bank details."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(text.CSV_HEADER)
    for row in found.rows:
        fee = found.fee_of(row)
        total = (fee or 0) + sum(c.amount_pence for c in row.claims)
        choice = text.CHOICE_WORDS.get(row.choice or "", text.PAYMENTS_NOT_CHOSEN)
        if row.user_id is None:
            choice = "left Speak Back (claim kept until paid)"
        paid = "yes" if row.paid_at is not None else "no"
        shown_fee = text.CSV_NEEDS_HOURS if fee is None else pounds(fee) if fee else ""
        writer.writerow([row.name, choice, shown_fee, "", "", "", paid, pounds(total)])
        for claim in row.claims:
            writer.writerow(
                [
                    row.name,
                    "",
                    "",
                    EXPENSE_WORDS[claim.kind],
                    claim.spent_on.isoformat(),
                    pounds(claim.amount_pence),
                    "yes" if claim.paid_at is not None else "no",
                    "",
                ]
            )
    totals = found.totals()
    writer.writerow(
        [
            "TOTAL",
            text.CSV_TOTAL_WITHOUT_HOURS.format(count=found.needs_hours)
            if found.needs_hours
            else "",
            pounds(totals["fees"]),
            "",
            "",
            pounds(totals["claims"]),
            "",
            pounds(totals["total"]),
        ]
    )
    return out.getvalue().encode("utf-8")


def pounds(pence: int) -> str:
    """For a spreadsheet: 6.40, no pound sign."""
    return f"{pence // 100}.{pence % 100:02d}"


@dataclass(frozen=True)
class Marked:
    name: str
    told: bool  # False: nothing newly marked, or a member who left (nobody to tell)
    marked: int


async def mark_paid(services: Services, opp_id: int, guild_id: int, user_id: int) -> Marked:
    """Mark a person's fee or voucher and claims paid; tell them once (rule 15)."""
    found = await payments_of(services, opp_id, guild_id)
    row = next((r for r in found.rows if r.user_id == user_id), None)
    if row is None:
        raise Refusal(flows.text.NOT_FOUND)
    had_fee = row.choice not in (None, NO_PAYMENT) and row.paid_at is None
    had_claims = any(c.paid_at is None for c in row.claims)
    db, now = services.db, services.clock.now()
    async with db.transaction():
        marked = await pay_db.mark_paid(db, found.opp.id, user_id, now)
        if marked:
            await services.delivery.tell_yes_sayers(
                [paid_letter(found.opp, row, had_fee, had_claims, now)]
            )
    return Marked(row.name, bool(marked), marked)


def paid_letter(
    opp: Opportunity, row: pay_db.PaymentRow, fee: bool, claims: bool, now: datetime
) -> Letter:
    paid_fee = text.PAID_WHAT_FEE.get(row.choice or "", text.PAID_WHAT_FEE["fee"])
    if fee and claims:
        what = text.PAID_WHAT_BOTH.format(fee=paid_fee)
    elif fee:
        what = paid_fee
    else:
        what = text.PAID_WHAT_CLAIMS
    assert row.user_id is not None
    return Letter(
        guild_id=row.guild_id,
        user_id=row.user_id,
        payload=message_payload(
            text.PAID_TITLE.format(title=opp.title)
            + "\n"
            + text.PAID_DM.format(title=opp.title, what=what)
        ),
        # once for this marking: a later claim marked paid is news again
        dedupe_key=f"opp:{opp.id}:paid:{row.user_id}:{now.isoformat()}",
    )


async def mark_kept_claim_paid(
    services: Services, opp_id: int, guild_id: int, claim_id: int
) -> Marked:
    found = await payments_of(services, opp_id, guild_id)
    marked = await pay_db.mark_kept_claim_paid(
        services.db, found.opp.id, claim_id, services.clock.now()
    )
    name = next(
        (r.name for r in found.rows if r.user_id is None and r.claims[0].id == claim_id),
        pay_db.NO_NAME,
    )
    return Marked(name, False, marked)


# -- the daily sweep ------------------------------------------------------------------


async def daily(services: Services, now: datetime) -> int:
    """Warn organisers a month before unpaid payments go, then erase what is due."""
    for opp_id in await pay_db.due_for_warning(services.db, now):
        opp = await repo.get_opportunity(services.db, opp_id)
        if opp is None or not await pay_db.claim_warning(services.db, opp_id, now):
            continue
        await warn_organisers(services, opp, now)
    return await pay_db.sweep(services.db, now)


async def warn_organisers(services: Services, opp: Opportunity, now: datetime) -> None:
    start = opp.when_at or opp.happened_at or opp.created_at or now
    day = (start + pay_db.KEEP_UNPAID).date()
    words = (
        text.WARN_TITLE.format(title=opp.title)
        + "\n"
        + text.WARN_BODY.format(title=opp.title, day=day_words(day))
    )
    settings = await get_settings(services.db, opp.guild_id)
    channel_id = settings.organisers_channel_id or settings.moderators_channel_id
    if channel_id is not None:
        await services.delivery.post(
            guild_id=opp.guild_id,
            channel_id=channel_id,
            payload=message_payload(words),
            dedupe_key=f"opp:{opp.id}:payments-warning",
        )
    elif opp.posted_by is not None:
        await services.delivery.dm(
            guild_id=opp.guild_id,
            user_id=opp.posted_by,
            purpose=flows.PURPOSE_SERVICE,
            payload=message_payload(words),
            dedupe_key=f"opp:{opp.id}:payments-warning",
            urgent=True,
        )
