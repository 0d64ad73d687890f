"""Who took part, how each would like to be paid, expenses claims, and marking paid.

Private to the member and the organisers of that one opportunity (rule 2): every
read here is for one opportunity, or for one member's own rows; nothing lists a
person's participation across opportunities for anyone else.

The organisation's finance system is the record of payment, so this is short-lived:
`sweep` erases choices and claims 90 days after being marked paid and unpaid ones 12
months after the opportunity, whatever the server's retention setting. A member who
leaves may keep an unpaid claim until it is paid (rule 4's one exception): it then
holds only amount, date, item and the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from bot.domain.opportunities import CONFIRMED, INTERESTED
from bot.domain.payments import NO_PAYMENT
from db.database import Database, from_iso, to_iso

PERSONAL_TABLES = ("took_part", "payment_choices", "expense_claims")

KEEP_AFTER_PAID = timedelta(days=90)
KEEP_UNPAID = relativedelta(months=12)
WARN_BEFORE = relativedelta(months=1)
NO_NAME = "no name given"


# -- what opportunities offer --------------------------------------------------------


async def count_offering_payment(
    db: Database, guild_ids: tuple[int, ...] | list[int], start: datetime, end: datetime
) -> int:
    """How many opportunities these servers posted in [start, end) offering payment
    (a fee, a voucher or expenses): for reports, a count of items, not of people."""
    ids = tuple(guild_ids)
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    return await db.fetchval(
        f"SELECT count(*) FROM opportunities WHERE guild_id IN ({marks}) "
        "AND created_at >= ? AND created_at < ? "
        "AND (fee_pence IS NOT NULL OR voucher = 1 OR expenses IS NOT NULL)",
        (*ids, to_iso(start), to_iso(end)),
    )


# -- who took part ----------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """Someone with a place on the opportunity (a candidate for "took part")."""

    guild_id: int
    user_id: int
    name: str | None  # preferred name, if they gave one and may be named to these organisers
    named: bool  # may these organisers see who it is?
    took_part: bool


async def placed(db: Database, opp_id: int, home_guild_id: int) -> list[Placed]:
    """Everyone with a confirmed place (never the waitlist), in queue order."""
    rows = await db.fetchall(
        "SELECT r.guild_id, r.user_id, r.show_name_to_host, p.preferred_name, "
        "t.user_id IS NOT NULL AS took FROM opportunity_replies r "
        "LEFT JOIN member_profiles p ON p.guild_id = r.guild_id AND p.user_id = r.user_id "
        "LEFT JOIN took_part t ON t.opportunity_id = r.opportunity_id AND t.user_id = r.user_id "
        "WHERE r.opportunity_id = ? AND r.state = ? AND r.place = ? ORDER BY r.seq, r.user_id",
        (opp_id, INTERESTED, CONFIRMED),
    )
    found = []
    for row in rows:
        named = row["guild_id"] == home_guild_id or bool(row["show_name_to_host"])
        found.append(
            Placed(
                row["guild_id"],
                row["user_id"],
                row["preferred_name"] if named else None,
                named,
                bool(row["took"]),
            )
        )
    return found


async def record_took_part(
    db: Database,
    opp_id: int,
    people: list[tuple[int, int]],
    *,
    role: str | None,
    hours: float | None,
    now: datetime,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Confirm who took part: exactly `people` (each must hold a place). Someone ticked
    before and unticked now is taken off. Nothing about a
    no-show is stored. Returns (newly confirmed, taken off). Inside the caller's
    transaction, if any. (A claim made before being taken off stays, and is listed.)"""
    async with db.transaction():
        before = {
            (row["guild_id"], row["user_id"])
            for row in await db.fetchall(
                "SELECT guild_id, user_id FROM took_part WHERE opportunity_id = ?", (opp_id,)
            )
        }
        wanted = set(people)
        added = [p for p in people if p not in before]
        removed = sorted(before - wanted)
        for _guild_id, user_id in removed:
            await db.execute(
                "DELETE FROM took_part WHERE opportunity_id = ? AND user_id = ?", (opp_id, user_id)
            )
        for guild_id, user_id in people:
            await db.execute(
                "INSERT INTO took_part (opportunity_id, guild_id, user_id, role, hours, "
                "confirmed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (opportunity_id, user_id) "
                "DO UPDATE SET role = excluded.role, hours = excluded.hours",
                (opp_id, guild_id, user_id, role, hours, to_iso(now)),
            )
        await db.execute(
            "UPDATE opportunities SET happened_at = ? WHERE id = ?", (to_iso(now), opp_id)
        )
    return added, removed


async def took_part(db: Database, opp_id: int, user_id: int) -> tuple[int, int] | None:
    """(their server, id) if this person was confirmed as taking part."""
    row = await db.fetchone(
        "SELECT guild_id, user_id FROM took_part WHERE opportunity_id = ? AND user_id = ?",
        (opp_id, user_id),
    )
    return (row["guild_id"], row["user_id"]) if row is not None else None


async def took_part_in(db: Database, guild_id: int, user_id: int) -> list[int]:
    """The opportunities this member took part in (for their own /me claim), newest first."""
    rows = await db.fetchall(
        "SELECT opportunity_id FROM took_part WHERE guild_id = ? AND user_id = ? "
        "ORDER BY opportunity_id DESC LIMIT 25",
        (guild_id, user_id),
    )
    return [row["opportunity_id"] for row in rows]


# -- the member's choice ---------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    choice: str
    paid_at: datetime | None


async def choice_of(db: Database, opp_id: int, user_id: int) -> Choice | None:
    row = await db.fetchone(
        "SELECT choice, paid_at FROM payment_choices WHERE opportunity_id = ? AND user_id = ?",
        (opp_id, user_id),
    )
    return Choice(row["choice"], from_iso(row["paid_at"])) if row is not None else None


async def set_choice(
    db: Database, opp_id: int, guild_id: int, user_id: int, choice: str, now: datetime
) -> bool:
    """Record or change the choice; False (nothing changed) once it is marked paid."""
    async with db.transaction():
        current = await choice_of(db, opp_id, user_id)
        if current is not None and current.paid_at is not None:
            return False
        await db.execute(
            "INSERT INTO payment_choices (opportunity_id, guild_id, user_id, choice, chosen_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (opportunity_id, user_id) DO UPDATE SET "
            "choice = excluded.choice, chosen_at = excluded.chosen_at",
            (opp_id, guild_id, user_id, choice, to_iso(now)),
        )
    return True


async def drop_unpaid_choice(db: Database, opp_id: int, user_id: int) -> None:
    """A place given up: an unpaid choice goes with it."""
    await db.execute(
        "DELETE FROM payment_choices WHERE opportunity_id = ? AND user_id = ? AND paid_at IS NULL",
        (opp_id, user_id),
    )


# -- claims ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    id: int
    opportunity_id: int
    guild_id: int
    user_id: int | None
    kind: str
    amount_pence: int
    spent_on: date
    note: str | None
    kept_name: str | None
    paid_at: datetime | None


def _claim(row: Any) -> Claim:
    return Claim(
        id=row["id"],
        opportunity_id=row["opportunity_id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        kind=row["kind"],
        amount_pence=row["amount_pence"],
        spent_on=date.fromisoformat(row["spent_on"]),
        note=row["note"],
        kept_name=row["kept_name"],
        paid_at=from_iso(row["paid_at"]),
    )


async def add_claim(
    db: Database,
    opp_id: int,
    guild_id: int,
    user_id: int,
    *,
    kind: str,
    amount_pence: int,
    spent_on: date,
    note: str | None,
    now: datetime,
) -> Claim:
    claim_id = await db.execute(
        "INSERT INTO expense_claims (opportunity_id, guild_id, user_id, kind, amount_pence, "
        "spent_on, note, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (opp_id, guild_id, user_id, kind, amount_pence, spent_on.isoformat(), note, to_iso(now)),
    )
    row = await db.fetchone("SELECT * FROM expense_claims WHERE id = ?", (claim_id,))
    return _claim(row)


async def claims_of(db: Database, opp_id: int, user_id: int) -> list[Claim]:
    rows = await db.fetchall(
        "SELECT * FROM expense_claims WHERE opportunity_id = ? AND user_id = ? ORDER BY id",
        (opp_id, user_id),
    )
    return [_claim(row) for row in rows]


# -- what the organisers of one opportunity see ----------------------------------------


@dataclass(frozen=True)
class PaymentRow:
    """One person taking part (or a claim kept after leaving), for this opportunity."""

    guild_id: int
    user_id: int | None  # None: a claim kept after its member left
    name: str  # as they gave it, else NO_NAME
    named: bool  # may these organisers see who it is?
    choice: str | None
    paid_at: datetime | None
    claims: tuple[Claim, ...]
    hours: float | None = None  # as confirmed with /opportunity happened

    @property
    def unpaid(self) -> bool:
        return (
            self.choice is not None and self.choice != NO_PAYMENT and self.paid_at is None
        ) or any(c.paid_at is None for c in self.claims)


async def payment_rows(
    db: Database, opp_id: int, home_guild_id: int, *, happened: bool = True
) -> list[PaymentRow]:
    """Each person confirmed as taking part (before `/opportunity happened`: each with a
    place), with their choice and claims; then any claims kept by people who have
    left. Nobody waitlisted or unticked is here."""
    if happened:
        # Who took part, and anyone who claimed before being unticked (still owed).
        people = await db.fetchall(
            "SELECT guild_id, user_id FROM (SELECT guild_id, user_id, rowid AS n FROM took_part "
            "WHERE opportunity_id = ? UNION SELECT guild_id, user_id, 1e12 + min(id) "
            "FROM expense_claims WHERE opportunity_id = ? AND user_id IS NOT NULL "
            "AND user_id NOT IN (SELECT user_id FROM took_part WHERE opportunity_id = ?) "
            "GROUP BY guild_id, user_id) ORDER BY n",
            (opp_id, opp_id, opp_id),
        )
    else:
        people = await db.fetchall(
            "SELECT guild_id, user_id FROM opportunity_replies WHERE opportunity_id = ? "
            "AND state = ? AND place = ? ORDER BY seq, user_id",
            (opp_id, INTERESTED, CONFIRMED),
        )
    found = []
    for person in people:
        row = await db.fetchone(
            "SELECT p.preferred_name, r.show_name_to_host, c.choice, c.paid_at, t.hours "
            "FROM (SELECT 1) LEFT JOIN member_profiles p ON p.guild_id = ? AND p.user_id = ? "
            "LEFT JOIN opportunity_replies r ON r.opportunity_id = ? AND r.user_id = ? "
            "LEFT JOIN payment_choices c ON c.opportunity_id = ? AND c.user_id = ? "
            "LEFT JOIN took_part t ON t.opportunity_id = ? AND t.user_id = ?",
            (
                person["guild_id"],
                person["user_id"],
                opp_id,
                person["user_id"],
                opp_id,
                person["user_id"],
                opp_id,
                person["user_id"],
            ),
        )
        named = person["guild_id"] == home_guild_id or bool(row["show_name_to_host"])
        claims = tuple(await claims_of(db, opp_id, person["user_id"]))
        found.append(
            PaymentRow(
                guild_id=person["guild_id"],
                user_id=person["user_id"],
                name=(row["preferred_name"] or NO_NAME) if named else NO_NAME,
                named=named,
                choice=row["choice"],
                paid_at=from_iso(row["paid_at"]),
                claims=claims,
                hours=row["hours"],
            )
        )
    kept = await db.fetchall(
        "SELECT * FROM expense_claims WHERE opportunity_id = ? AND user_id IS NULL ORDER BY id",
        (opp_id,),
    )
    for row in kept:
        claim = _claim(row)
        found.append(
            PaymentRow(claim.guild_id, None, claim.kept_name or NO_NAME, True, None, None, (claim,))
        )
    return found


async def mark_paid(db: Database, opp_id: int, user_id: int, now: datetime) -> int:
    """Mark this person's fee or voucher and unpaid claims paid. Returns how many
    things were newly marked (0: nothing was waiting)."""
    async with db.transaction():
        marked = await db.execute(
            "UPDATE payment_choices SET paid_at = ? WHERE opportunity_id = ? AND user_id = ? "
            "AND paid_at IS NULL AND choice != ?",
            (to_iso(now), opp_id, user_id, NO_PAYMENT),
        )
        marked += await db.execute(
            "UPDATE expense_claims SET paid_at = ? WHERE opportunity_id = ? AND user_id = ? "
            "AND paid_at IS NULL",
            (to_iso(now), opp_id, user_id),
        )
    return marked


async def mark_kept_claim_paid(db: Database, opp_id: int, claim_id: int, now: datetime) -> int:
    """A claim kept after its member left, marked paid (nobody to tell)."""
    return await db.execute(
        "UPDATE expense_claims SET paid_at = ? WHERE id = ? AND opportunity_id = ? "
        "AND user_id IS NULL AND paid_at IS NULL",
        (to_iso(now), claim_id, opp_id),
    )


# -- retention -------------------------------------------------------------------------


def _unpaid_cutoff(now: datetime) -> datetime:
    return now - KEEP_UNPAID


async def due_for_warning(db: Database, now: datetime) -> list[int]:
    """Opportunities whose unpaid choices or claims are erased within a month, and whose
    organisers have not been warned yet."""
    cutoff = to_iso(_unpaid_cutoff(now + WARN_BEFORE))
    rows = await db.fetchall(
        "SELECT o.id FROM opportunities o WHERE o.payments_warned_at IS NULL "
        "AND coalesce(o.when_at, o.happened_at, o.created_at) < ? AND ("
        "EXISTS (SELECT 1 FROM payment_choices c WHERE c.opportunity_id = o.id "
        "AND c.paid_at IS NULL AND c.choice != ?) OR "
        "EXISTS (SELECT 1 FROM expense_claims e WHERE e.opportunity_id = o.id "
        "AND e.paid_at IS NULL)) ORDER BY o.id",
        (cutoff, NO_PAYMENT),
    )
    return [row["id"] for row in rows]


async def claim_warning(db: Database, opp_id: int, now: datetime) -> bool:
    """True once per opportunity: its organisers are warned at most one time."""
    return (
        await db.execute(
            "UPDATE opportunities SET payments_warned_at = ? WHERE id = ? "
            "AND payments_warned_at IS NULL",
            (to_iso(now), opp_id),
        )
        > 0
    )


async def sweep(db: Database, now: datetime) -> int:
    """Erase what was marked paid 90 days ago, and everything 12 months after the
    opportunity (its day, else when it happened, else when it was posted). Who took
    part goes at 12 months too. Returns rows erased."""
    paid_before = to_iso(now - KEEP_AFTER_PAID)
    old = to_iso(_unpaid_cutoff(now))
    of_old = (
        "opportunity_id IN (SELECT id FROM opportunities WHERE "
        "coalesce(when_at, happened_at, created_at) < ?)"
    )
    erased = 0
    async with db.transaction():
        erased += await db.execute(
            f"DELETE FROM payment_choices WHERE paid_at < ? OR {of_old}", (paid_before, old)
        )
        erased += await db.execute(
            f"DELETE FROM expense_claims WHERE paid_at < ? OR {of_old}", (paid_before, old)
        )
        erased += await db.execute(f"DELETE FROM took_part WHERE {of_old}", (old,))
    return erased


# -- personal data ----------------------------------------------------------------------


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    took = await db.fetchall(
        "SELECT t.opportunity_id, o.title, t.role, t.hours, t.confirmed_at FROM took_part t "
        "JOIN opportunities o ON o.id = t.opportunity_id WHERE t.guild_id = ? AND t.user_id = ? "
        "ORDER BY t.opportunity_id",
        (guild_id, user_id),
    )
    choices = await db.fetchall(
        "SELECT c.opportunity_id, o.title, c.choice, c.chosen_at, c.paid_at "
        "FROM payment_choices c JOIN opportunities o ON o.id = c.opportunity_id "
        "WHERE c.guild_id = ? AND c.user_id = ? ORDER BY c.opportunity_id",
        (guild_id, user_id),
    )
    claims = await db.fetchall(
        "SELECT e.opportunity_id, o.title, e.kind, e.amount_pence, e.spent_on, e.note, "
        "e.claimed_at, e.paid_at FROM expense_claims e "
        "JOIN opportunities o ON o.id = e.opportunity_id "
        "WHERE e.guild_id = ? AND e.user_id = ? ORDER BY e.id",
        (guild_id, user_id),
    )
    return {
        "took_part": [dict(row) for row in took],
        "payment_choices": [dict(row) for row in choices],
        "expense_claims": [dict(row) for row in claims],
    }


async def unpaid_claims(db: Database, guild_id: int, user_id: int) -> int:
    """How many unpaid claims this member has (the leave confirmation asks about them)."""
    return await db.fetchval(
        "SELECT count(*) FROM expense_claims WHERE guild_id = ? AND user_id = ? "
        "AND paid_at IS NULL",
        (guild_id, user_id),
    )


async def keep_unpaid_claims(db: Database, guild_id: int, user_id: int) -> int:
    """Before erasing a leaving member who chose **Keep my unpaid claim until it's
    paid**: their unpaid claims keep only amount, date, item and name (their preferred
    name, else "no name given"); the person's id and the note go. Inside the erasure's
    transaction."""
    name = await db.fetchval(
        "SELECT preferred_name FROM member_profiles WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return await db.execute(
        "UPDATE expense_claims SET user_id = NULL, note = NULL, kept_name = ? "
        "WHERE guild_id = ? AND user_id = ? AND paid_at IS NULL",
        (name or NO_NAME, guild_id, user_id),
    )


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    """Everything about them goes (a kept claim was made anonymous of its id first)."""
    async with db.transaction():
        for table in PERSONAL_TABLES:
            await db.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
