"""The organiser's one-line fan-out summary: in place within 15 minutes, else by DM, once."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot import strings
from bot.clock import DrivenClock
from cogs.opportunities import flows, ui
from db import opportunities as repo
from db.database import Database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Followup:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, words: str, ephemeral: bool) -> None:
        assert ephemeral
        self.sent.append(words)


class Delivery:
    def __init__(self) -> None:
        self.dms: list[dict] = []

    async def dm(self, **kwargs) -> int:
        self.dms.append(kwargs)
        return len(self.dms)


@pytest.fixture
async def setup(tmp_path):
    db = await Database.open(tmp_path / "s.db")
    await db.migrate()
    clock = DrivenClock(NOW)
    # The summary takes only what it needs: no Discord client, no cog.
    summary = SimpleNamespace(db=db, clock=clock, delivery=Delivery(), followups=flows.Followups())
    opp = await repo.create(
        db,
        guild_id=1,
        channel_id=2,
        title="Panel",
        description="d",
        when_text=None,
        when_at=None,
        places=None,
        allocation="first_come",
        payment=None,
        content_note=None,
        closes_at=None,
        seed=1,
        posted_by=77,
        now=NOW,
    )
    await repo.set_fan_out(db, opp.id, invited=4, skipped=3)
    yield summary, opp, clock
    await db.close()


COUNTS = {"sent": 3, "undeliverable": 1, "skipped": 1}


async def batch_done(summary, batch: str) -> None:
    await flows.invitations_done(
        batch,
        COUNTS,
        db=summary.db,
        clock=summary.clock,
        delivery=summary.delivery,
        followups=summary.followups,
    )


async def test_within_fifteen_minutes_the_summary_answers_the_command(setup):
    summary, opp, clock = setup
    followup = Followup()
    summary.followups.remember(opp.id, ui.in_place(SimpleNamespace(followup=followup)), clock.now())
    clock.advance(timedelta(minutes=5))
    await batch_done(summary, f"opp:{opp.id}")
    await batch_done(summary, f"opp:{opp.id}")  # told once only
    # Delivery counts about people (rule 9): under 5 is "fewer than 5", and the
    # largest is not shown, as the figures add up to the members reached.
    assert followup.sent == [
        "Invitations for **Panel**: sent: fewer than 5; skipped by preference: not shown; "
        "undeliverable: fewer than 5; waiting for quiet hours to end: fewer than 5."
        + " "
        + strings.SMALL_FIGURES_AND_ONE_MORE
    ]
    assert summary.delivery.dms == []


async def test_later_it_goes_by_dm_to_the_organiser_as_a_service_message(setup):
    summary, opp, clock = setup
    followup = Followup()
    summary.followups.remember(opp.id, ui.in_place(SimpleNamespace(followup=followup)), clock.now())
    clock.advance(timedelta(minutes=20))
    await batch_done(summary, f"opp:{opp.id}")
    assert followup.sent == []
    (dm,) = summary.delivery.dms
    assert dm["user_id"] == 77 and dm["purpose"] == "service"
    assert "sent: fewer than 5; skipped by preference: not shown;" in dm["payload"]["content"]


async def test_other_batches_are_not_ours(setup):
    summary, opp, _ = setup
    await batch_done(summary, "poll-outcome:1")
    await batch_done(summary, "opp:x")
    assert summary.delivery.dms == []
    await batch_done(summary, f"opp:{opp.id}")  # ours is still told
    assert len(summary.delivery.dms) == 1
