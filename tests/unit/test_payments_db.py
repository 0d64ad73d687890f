"""The payments repository: who took part, choices, claims, keeping and erasing them."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.errors import Refusal
from bot.domain.opportunities import INTERESTED
from bot.domain.payments import looks_like_bank_details, read_claim_date
from db import members
from db import opportunities as repo
from db import payments as pay
from db.database import Database
from db.personal_data import erase_all, export_all

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 1


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "p.db")
    await database.migrate()
    yield database
    await database.close()


async def member(db, user_id, name=None):
    await members.agree(db, GUILD, user_id, notice_version=1, now=NOW, secret=SECRET)
    if name:
        await members.update_profile(db, GUILD, user_id, NOW, preferred_name=name)


async def paid_opportunity(db, **kw):
    values = dict(
        guild_id=GUILD,
        channel_id=10,
        title="Interview panel",
        description="Sit on a panel",
        when_text=None,
        when_at=NOW + timedelta(days=2),
        places=2,
        allocation="first_come",
        payment=None,
        content_note=None,
        closes_at=None,
        seed=7,
        posted_by=99,
        now=NOW,
        fee_pence=2500,
        fee_per="session",
        expenses="travel",
    )
    return await repo.create(db, **{**values, **kw})


async def took_part_with_claim(db):
    for user, name in ((1, "Ana"), (2, None), (3, "Cy")):
        await member(db, user, name)
    opp = await paid_opportunity(db)
    for user in (1, 2, 3):
        await repo.answer(db, opp.id, GUILD, user, INTERESTED, NOW)
    await pay.set_choice(db, opp.id, GUILD, 1, "fee", NOW)
    await pay.set_choice(db, opp.id, GUILD, 2, "expenses", NOW)
    await pay.record_took_part(db, opp.id, [(GUILD, 1)], role=None, hours=None, now=NOW)
    await pay.add_claim(
        db,
        opp.id,
        GUILD,
        1,
        kind="travel",
        amount_pence=640,
        spent_on=date(2026, 12, 3),
        note="bus",
        now=NOW,
    )
    return opp


async def test_only_people_with_a_place_are_candidates_and_only_took_part_is_stored(db):
    opp = await took_part_with_claim(db)
    placed = await pay.placed(db, opp.id, GUILD)
    assert [p.user_id for p in placed] == [1, 2]  # 3 is waitlisted
    assert [(p.name, p.took_part) for p in placed] == [("Ana", True), (None, False)]
    rows = await pay.payment_rows(db, opp.id, GUILD)
    assert [(r.name, r.choice, len(r.claims)) for r in rows] == [("Ana", "fee", 1)]
    before = await pay.payment_rows(db, opp.id, GUILD, happened=False)
    assert [(r.name, r.choice) for r in before] == [("Ana", "fee"), (pay.NO_NAME, "expenses")]
    # Confirming again with someone else changes who is listed; no row for a no-show.
    added, removed = await pay.record_took_part(
        db, opp.id, [(GUILD, 2)], role="panel", hours=2, now=NOW
    )
    assert added == [(GUILD, 2)] and removed == [(GUILD, 1)]
    assert [tuple(r) for r in await db.fetchall("SELECT user_id FROM took_part")] == [(2,)]
    # ...but Ana's claim is still owed, so she is still listed with it.
    names = [r.name for r in await pay.payment_rows(db, opp.id, GUILD)]
    assert names == [pay.NO_NAME, "Ana"]


async def test_a_choice_changes_until_it_is_marked_paid_and_paying_twice_marks_nothing(db):
    opp = await took_part_with_claim(db)
    assert await pay.set_choice(db, opp.id, GUILD, 1, "none", NOW)
    assert await pay.set_choice(db, opp.id, GUILD, 1, "fee", NOW)
    assert await pay.mark_paid(db, opp.id, 1, NOW) == 2  # the fee and the claim
    assert await pay.mark_paid(db, opp.id, 1, NOW) == 0
    assert not await pay.set_choice(db, opp.id, GUILD, 1, "voucher", NOW)
    assert (await pay.choice_of(db, opp.id, 1)).choice == "fee"


async def test_paid_things_go_after_90_days_and_unpaid_after_12_months_with_a_warning(db):
    opp = await took_part_with_claim(db)
    await pay.mark_paid(db, opp.id, 1, NOW)
    assert await pay.sweep(db, NOW + timedelta(days=89)) == 0
    assert await pay.sweep(db, NOW + timedelta(days=91)) == 2  # Ana's choice and claim
    # Bob's unpaid choice: warned about 11 months after the opportunity, once.
    assert await pay.due_for_warning(db, NOW + timedelta(days=300)) == []
    day = opp.when_at
    assert await pay.due_for_warning(db, day + timedelta(days=340)) == [opp.id]
    assert await pay.claim_warning(db, opp.id, day + timedelta(days=340))
    assert not await pay.claim_warning(db, opp.id, day + timedelta(days=341))
    assert await pay.due_for_warning(db, day + timedelta(days=341)) == []
    assert await pay.sweep(db, day + timedelta(days=364)) == 0
    assert await pay.sweep(db, day + timedelta(days=366)) == 2  # the choice, who took part
    assert await db.fetchval("SELECT count(*) FROM payment_choices") == 0


async def test_leaving_keeps_only_an_unpaid_claim_if_chosen_and_export_has_it_all(db):
    opp = await took_part_with_claim(db)
    held = await export_all(db, GUILD, 1)
    assert [r["amount_pence"] for r in held["expense_claims"]] == [640]
    assert [r["choice"] for r in held["payment_choices"]] == ["fee"]
    assert [r["title"] for r in held["took_part"]] == ["Interview panel"]
    assert await pay.unpaid_claims(db, GUILD, 1) == 1
    async with db.transaction():
        assert await pay.keep_unpaid_claims(db, GUILD, 1) == 1
        await erase_all(db, GUILD, 1, SECRET)
    kept = await db.fetchall(
        "SELECT user_id, kind, amount_pence, spent_on, note, kept_name FROM expense_claims"
    )
    assert [tuple(r) for r in kept] == [(None, "travel", 640, "2026-12-03", None, "Ana")]
    assert await db.fetchval("SELECT count(*) FROM took_part WHERE user_id = 1") == 0
    rows = await pay.payment_rows(db, opp.id, GUILD)
    assert [(r.user_id, r.name) for r in rows] == [(None, "Ana")]


async def test_count_offering_payment_counts_items_in_the_period(db):
    await paid_opportunity(db)
    await paid_opportunity(db, fee_pence=None, fee_per=None, expenses=None)
    await paid_opportunity(db, fee_pence=None, fee_per=None, expenses=None, voucher=True)
    start, end = NOW - timedelta(days=1), NOW + timedelta(days=1)
    assert await pay.count_offering_payment(db, [GUILD], start, end) == 2
    assert await pay.count_offering_payment(db, [GUILD, 5], end, end + timedelta(days=1)) == 0
    assert await pay.count_offering_payment(db, [], start, end) == 0


def test_claim_dates_are_read_kindly():
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert read_claim_date("2026-12-01", now, "Europe/London") == date(2026, 12, 1)
    assert read_claim_date("1/12", now, "Europe/London") == date(2026, 12, 1)
    assert read_claim_date("12/1", now, "Europe/London", "month_first") == date(2026, 12, 1)
    assert read_claim_date("1 Dec", now, "Europe/London") == date(2026, 12, 1)
    assert read_claim_date("20 dec", now, "Europe/London") == date(2025, 12, 20)
    assert read_claim_date("yesterday", now, "Europe/London") == date(2026, 12, 2)
    for bad in ("soon", "31/2", "2026-13-01"):
        with pytest.raises(Refusal):
            read_claim_date(bad, now, "Europe/London")


def test_bank_details_are_noticed_in_a_note():
    assert looks_like_bank_details("sort code 12-34-56 acc 12345678")
    assert looks_like_bank_details("GB29 NWBK 6016 1331 9268 19")
    assert not looks_like_bank_details("bus there and back, the 42")
