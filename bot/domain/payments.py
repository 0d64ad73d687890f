"""Payment and expenses for involvement (issue 24): pure rules, no Discord, no database.

Money is held in whole pence. An amount is read the way people type it in the UK
(`6.40`, `£6.40`, `6,40`, `£6`); anything doubtful is refused kindly rather than
guessed (`1,000` could be a thousand pounds or one pound, so it is refused).

A member with a place chooses how they would like to be paid: a fee, a voucher
(if offered), expenses only, or no payment. Each is equally easy, and the choice
can change until it is marked paid. Payment can count as earnings for benefits,
so the post says so calmly and points to the server's support text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from bot.domain.errors import Refusal
from bot.domain.text import clean_typed

FEE = "fee"
VOUCHER = "voucher"
EXPENSES_ONLY = "expenses"
NO_PAYMENT = "none"
CHOICES = (FEE, VOUCHER, EXPENSES_ONLY, NO_PAYMENT)

FEE_PER = ("session", "hour", "day")
EXPENSE_KINDS = ("travel", "care", "other")
EXPENSE_WORDS = {"travel": "travel", "care": "care costs", "other": "other costs"}

MAX_CLAIM_PENCE = 50_000  # £500: a claim over this is for the finance team, not a form
MAX_FEE_PENCE = 100_000  # £1,000
MAX_NOTE = 200
MAX_ROLE = 60  # it travels in the confirm button's custom id (100 characters)
MAX_HOURS = 1000

# A pound sign (optional), pounds, then a decimal point or comma and 1 or 2 digits.
_AMOUNT = re.compile(r"£?\s*(?P<pounds>[0-9]+)(?:[.,](?P<pence>[0-9]+))?")


def parse_amount(typed: str | None, *, limit_pence: int = MAX_CLAIM_PENCE) -> int:
    """An amount of money in pence, or a kind Refusal saying what to change."""
    cleaned = (typed or "").strip().replace(" ", "")
    if not cleaned:
        raise Refusal("Please write the amount, for example 6.40.")
    if cleaned.startswith("-") or cleaned.startswith("£-"):
        raise Refusal("The amount can't be below zero. Please write it like 6.40.")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise Refusal(
            f"I couldn't read {cut_typed(typed)} as an amount. "
            "Please write it in pounds and pence, like 6.40 or £6."
        )
    pence_text = match["pence"]
    if pence_text is not None and len(pence_text) == 3 and "," in cleaned:
        raise Refusal(
            "Please write the amount without a comma for thousands, like 1000 or 6.40, "
            "so it can't be misread."
        )
    if pence_text is not None and len(pence_text) > 2:
        raise Refusal("Please use at most 2 numbers after the point, like 6.40.")
    pounds = int(match["pounds"])
    pence = int((pence_text or "0").ljust(2, "0"))
    total = pounds * 100 + pence
    if total == 0:
        raise Refusal("The amount needs to be more than zero. Please write it like 6.40.")
    if total > limit_pence:
        raise Refusal(
            f"That is more than {money(limit_pence)}, the most this form takes. "
            "Please talk to the organiser about a larger amount."
        )
    return total


def cut_typed(typed: str | None, limit: int = 20) -> str:
    shown = (typed or "").strip()
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f'"{shown}"'


def money(pence: int) -> str:
    """£6.40, £6, £1,000."""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def read_expenses(typed: str | None) -> tuple[str, ...]:
    """`travel,care,other` (any order, any case, spaces allowed) -> the kinds, in order."""
    if typed is None or not typed.strip():
        return ()
    words = [w.strip().lower() for w in re.split(r"[,\s]+", typed) if w.strip()]
    unknown = [w for w in words if w not in EXPENSE_KINDS]
    if unknown:
        raise Refusal(
            f"Expenses can be travel, care or other (for example `travel,care`); "
            f"I didn't know {cut_typed(unknown[0])}. Nothing was changed."
        )
    return tuple(k for k in EXPENSE_KINDS if k in words)


def expenses_text(kinds: Iterable[str]) -> str | None:
    """The stored form: "travel,care"; None when no kinds are covered."""
    found = tuple(k for k in EXPENSE_KINDS if k in set(kinds))
    return ",".join(found) if found else None


def expenses_of(stored: str | None) -> tuple[str, ...]:
    return tuple(k for k in (stored or "").split(",") if k in EXPENSE_KINDS)


def check_fee_per(fee_per: str | None, fee_pence: int | None) -> str | None:
    if fee_pence is None:
        if fee_per is not None:
            raise Refusal(
                "Please add the `fee` too when you choose `fee_per`. Nothing was changed."
            )
        return None
    if fee_per is None:
        return "session"
    if fee_per not in FEE_PER:
        raise Refusal("Please choose a fee per session, hour or day. Nothing was changed.")
    return fee_per


@dataclass(frozen=True)
class Offer:
    """What an opportunity offers: a fee (pence, per), a voucher, kinds of expenses."""

    fee_pence: int | None = None
    fee_per: str | None = None
    voucher: bool = False
    expenses: tuple[str, ...] = ()

    @property
    def offers_payment(self) -> bool:
        """Is there anything for a member to choose about?"""
        return self.fee_pence is not None or self.voucher or bool(self.expenses)

    def choices(self) -> tuple[str, ...]:
        """The buttons a member with a place sees, in order."""
        found = []
        if self.fee_pence is not None:
            found.append(FEE)
        if self.voucher:
            found.append(VOUCHER)
        if self.expenses:
            found.append(EXPENSES_ONLY)
        found.append(NO_PAYMENT)
        return tuple(found)

    def describe(self) -> str | None:
        """The offer in plain words ("Offers a fee of £25 per session or a voucher,
        and expenses for travel."), or None when nothing is offered."""
        pay = []
        if self.fee_pence is not None:
            pay.append(f"a fee of {money(self.fee_pence)} per {self.fee_per or 'session'}")
        if self.voucher:
            pay.append("a voucher")
        parts = [" or ".join(pay)] if pay else []
        if self.expenses:
            kinds = [EXPENSE_WORDS[k] for k in self.expenses]
            listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
            parts.append(f"expenses for {listed}")
        if not parts:
            return None
        return "Offers " + ", and ".join(parts) + "."


def check_choice(offer: Offer, choice: str) -> str:
    if choice not in offer.choices():
        raise Refusal("That choice isn't offered for this one. Please pick one of the buttons.")
    return choice


def check_claim_kind(offer: Offer, kind: str) -> str:
    wanted = kind.strip().lower()
    if wanted not in offer.expenses:
        covered = ", ".join(offer.expenses) or "nothing"
        raise Refusal(
            f"This opportunity covers expenses for: {covered}. Please write one of those."
        )
    return wanted


def check_role(typed: str | None) -> str | None:
    if typed is None or not typed.strip():
        return None
    cleaned = " ".join(clean_typed(typed, line_breaks=False).split())
    if not cleaned:
        return None
    if len(cleaned) > MAX_ROLE:
        raise Refusal(f"Please keep the role to {MAX_ROLE} characters. Nothing was changed.")
    return cleaned


def check_hours(hours: float | None) -> float | None:
    if hours is None:
        return None
    if not 0 < hours <= MAX_HOURS:
        raise Refusal(
            f"Hours must be more than 0 and at most {MAX_HOURS} (or leave it out). "
            "Nothing was changed."
        )
    return round(hours, 2)


def fee_owed(fee_pence: int | None, fee_per: str | None, hours: float | None) -> int | None:
    """What one person is owed in fees: the fee once for a session or a day (an
    opportunity is on one date), the fee times their hours for an hourly fee, to the
    nearest penny. None when an hourly fee has no hours recorded yet: a guess would put
    a wrong amount in front of finance, so the organiser is asked for the hours instead."""
    if fee_pence is None:
        return 0
    if fee_per != "hour":
        return fee_pence
    if hours is None:
        return None
    owed = Decimal(fee_pence) * Decimal(str(hours))
    return int(owed.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_spent_on(day: date, today: date) -> date:
    """A claim's date: not in the future."""
    if day > today:
        raise Refusal("The date can't be in the future. Please write the day you paid.")
    return day


@dataclass(frozen=True)
class Totals:
    fee_pence: int
    claims_pence: int

    @property
    def total_pence(self) -> int:
        return self.fee_pence + self.claims_pence


def opportunity_day(
    when_at: datetime | None, happened_at: datetime | None, created_at: datetime
) -> datetime:
    """The day the payment clock runs from: the opportunity's date, else when it was
    confirmed as having happened, else when it was posted."""
    return when_at or happened_at or created_at


_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")
_NUMERIC = re.compile(r"(?P<a>[0-9]{1,2})[/.](?P<b>[0-9]{1,2})(?:[/.](?P<y>[0-9]{2,4}))?")
_WORDS = re.compile(r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?\s+(?P<m>[a-z]+)\.?(?:\s+(?P<y>[0-9]{4}))?")


def read_claim_date(
    typed: str | None, now: datetime, zone: str, date_order: str = "day_first"
) -> date:
    """The day an expense was paid: `2026-12-10`, `10/12` (day first unless the server
    says month first), `10 Dec`, `today`, `yesterday`. A day without a year is the
    latest one not after today."""
    today = now.astimezone(ZoneInfo(zone)).date()
    words = " ".join((typed or "").strip().lower().split())
    if words in ("today", ""):
        return today
    if words == "yesterday":
        return date.fromordinal(today.toordinal() - 1)
    year: int | None
    if match := _ISO.fullmatch(words):
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    elif match := _NUMERIC.fullmatch(words):
        a, b = int(match["a"]), int(match["b"])
        day, month = (b, a) if date_order == "month_first" else (a, b)
        year = int(match["y"]) if match["y"] else None
        if year is not None and year < 100:
            year += 2000
    elif (match := _WORDS.fullmatch(words)) and match["m"] in _MONTHS:
        day, month = int(match["d"]), _MONTHS[match["m"]]
        year = int(match["y"]) if match["y"] else None
    else:
        raise Refusal(
            f"I couldn't read {cut_typed(typed)} as a date. Please write it like 2026-12-10 or 10 Dec."
        )
    try:
        found = date(year or today.year, month, day)
        if year is None and found > today:
            found = date(today.year - 1, month, day)
    except ValueError:
        raise Refusal(
            f"There is no such day as {cut_typed(typed)}. Please write it like 2026-12-10."
        ) from None
    return found


_SORT_CODE = re.compile(r"\b[0-9]{2}[- ]?[0-9]{2}[- ]?[0-9]{2}\b")
_ACCOUNT = re.compile(r"\b[0-9]{8}\b")
_IBAN = re.compile(r"\bGB[0-9]{2}\s?[A-Z]{4}", re.IGNORECASE)


def looks_like_bank_details(note: str) -> bool:
    """A sort code, an 8-digit account number or an IBAN: never kept (the organiser
    arranges payment, outside Speak Back)."""
    lowered = note.lower()
    return bool(
        _ACCOUNT.search(note)
        or _IBAN.search(note)
        or (_SORT_CODE.search(note) and ("sort" in lowered or "account" in lowered))
        or "sort code" in lowered
        or "account number" in lowered
    )
