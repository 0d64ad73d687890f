"""Payment rules: amounts read the way people type them, doubtful ones refused kindly."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import Refusal
from bot.domain.payments import (
    EXPENSES_ONLY,
    FEE,
    NO_PAYMENT,
    VOUCHER,
    Offer,
    check_claim_kind,
    check_fee_per,
    check_hours,
    fee_owed,
    money,
    parse_amount,
    read_expenses,
)


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("6.40", 640),
        ("£6.40", 640),
        ("6,40", 640),
        ("£6", 600),
        (" £ 6.4 ", 640),
        ("500", 50_000),
        ("0.01", 1),
    ],
)
def test_amounts_people_type_are_read(typed, pence):
    assert parse_amount(typed) == pence


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1,000", "comma for thousands"),
        ("-5", "below zero"),
        ("£-5", "below zero"),
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("500.01", "more than £500"),
        ("6.405", "at most 2 numbers"),
        ("", "write the amount"),
        ("six pounds", "couldn't read"),
        ("6.40.1", "couldn't read"),
        ("$6", "couldn't read"),
    ],
)
def test_doubtful_amounts_are_refused_kindly(typed, says):
    with pytest.raises(Refusal) as refused:
        parse_amount(typed)
    assert says in str(refused.value)
    assert "Traceback" not in str(refused.value)


@given(st.integers(1, 50_000), st.sampled_from(["", "£"]), st.sampled_from([".", ","]))
def test_any_amount_written_in_pounds_and_pence_reads_back(pence, sign, point):
    pounds, rest = divmod(pence, 100)
    assert parse_amount(f"{sign}{pounds}{point}{rest:02d}") == pence
    if rest == 0:
        assert parse_amount(f"{sign}{pounds}") == pence


@given(st.integers(1, 50_000))
def test_money_words_read_back_as_the_same_amount(pence):
    assert parse_amount(money(pence).replace(",", "")) == pence


@given(st.text(max_size=12))
def test_anything_typed_is_an_amount_in_range_or_a_kind_refusal(typed):
    try:
        pence = parse_amount(typed)
    except Refusal as refused:
        assert str(refused)
    else:
        assert 1 <= pence <= 50_000


@given(st.integers(50_001, 10**9))
def test_over_the_limit_is_always_refused(pence):
    pounds, rest = divmod(pence, 100)
    with pytest.raises(Refusal):
        parse_amount(f"{pounds}.{rest:02d}")


def test_expenses_are_read_in_any_order_and_unknown_kinds_refused():
    assert read_expenses("care, Travel") == ("travel", "care")
    assert read_expenses(None) == ()
    with pytest.raises(Refusal):
        read_expenses("travel,food")


def test_choices_follow_what_is_offered_and_no_payment_is_always_there():
    assert Offer(2500, "session", False, ("travel",)).choices() == (FEE, EXPENSES_ONLY, NO_PAYMENT)
    assert Offer(None, None, True, ()).choices() == (VOUCHER, NO_PAYMENT)
    assert not Offer().offers_payment
    assert Offer(2500, "session", True, ("travel", "care")).describe() == (
        "Offers a fee of £25 per session or a voucher, and expenses for travel and care costs."
    )


def test_fee_per_and_claim_kinds_and_hours():
    assert check_fee_per(None, 2500) == "session"
    with pytest.raises(Refusal):
        check_fee_per("hour", None)
    assert check_claim_kind(Offer(expenses=("travel",)), "Travel") == "travel"
    with pytest.raises(Refusal):
        check_claim_kind(Offer(expenses=("travel",)), "care")
    with pytest.raises(Refusal):
        check_hours(0)
    assert check_hours(2.5) == 2.5


@given(
    fee=st.integers(min_value=1, max_value=100_000),
    hours=st.none() | st.decimals(min_value="0.01", max_value="24", places=2).map(float),
)
def test_a_fee_per_session_or_day_is_owed_once_and_an_hourly_one_per_hour(fee, hours):
    assert fee_owed(fee, "session", hours) == fee
    assert fee_owed(fee, "day", hours) == fee
    owed = fee_owed(fee, "hour", hours)
    if hours is None:
        assert owed is None  # never a guess in front of finance
    else:
        assert abs(owed - fee * hours) <= 0.5 + 1e-9  # to the nearest penny
    assert fee_owed(None, "hour", hours) == 0


def test_an_hourly_fee_rounds_half_a_penny_up():
    assert fee_owed(1250, "hour", 2.5) == 3125
    assert fee_owed(1001, "hour", 0.5) == 501  # 500.5p
    assert fee_owed(999, "hour", 1.25) == 1249  # 1248.75p
