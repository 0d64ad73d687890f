"""Keeping only what is needed (rule 14): finished outbox rows go after 7 days, and
"at most once" rests on each item, so doing it all again after the prune sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import DrivenClock
from bot.delivery import Delivery
from bot.dispatcher import Dispatcher
from bot.heartbeat import Heartbeat
from bot.posts import Posts
from bot.retention import KEEP_SENT_MESSAGES, Retention
from bot.services import Services
from cogs.opportunities import flows
from db import drafts, meetings, members, outbox
from db import opportunities as repo
from db.database import Database
from db.personal_data import erase_all

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 7
PEOPLE = (111, 222, 333)


class Drawn:
    """A Render that says what it was asked to draw."""

    def note(self, title, body):
        return {"content": f"{title}: {body}", "embeds": []}

    def place_note(self, opp, title, body):
        return self.note(title, body)

    def invitation(self, opp, server, *, guild_id, home):
        return {"content": f"invitation {opp.id}", "embeds": []}

    def post(self, opp, confirmed):
        return {"content": f"post {opp.id} {confirmed}", "embeds": []}


@pytest.fixture
async def services(tmp_path):
    db = await Database.open(tmp_path / "prune.db")
    await db.migrate()
    clock = DrivenClock(NOW)
    dispatcher = Dispatcher(db, clock)
    delivery = Delivery(db, clock, None, dispatch=lambda *args: None, allowed_mentions=None)
    built = Services(
        db=db,
        clock=clock,
        dispatcher=dispatcher,
        delivery=delivery,
        retention=Retention(db, dispatcher),
        posts=Posts(db, delivery, lambda guild_id: f"Server {guild_id}"),
        heartbeat=Heartbeat(db, clock, dispatcher, delivery),
    )
    for user_id in PEOPLE:
        await members.agree(db, GUILD, user_id, notice_version=1, now=NOW, secret=SECRET)
        await members.set_contact_preferences(
            db, GUILD, user_id, frozenset({"dm_opportunities"}), NOW
        )
    yield built
    await db.close()


async def new_opportunity(services, **kw):
    values = dict(
        guild_id=GUILD,
        channel_id=10,
        title="Interview panel",
        description="Sit on a panel",
        when_text=None,
        when_at=None,
        places=None,
        allocation="first_come",
        payment=None,
        content_note=None,
        closes_at=None,
        seed=7,
        posted_by=99,
        now=NOW,
    )
    return await repo.create(services.db, **{**values, **kw})


async def dm_count(services) -> int:
    return await services.db.fetchval("SELECT count(*) FROM outbox WHERE kind = 'dm'")


async def all_sent_then_pruned(services) -> None:
    """Every queued message went out; 7 days and a bit later, the sweep prunes."""
    db = services.db
    await db.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, sent_message_id = id + 1000",
        (NOW.isoformat(),),
    )
    later = NOW + KEEP_SENT_MESSAGES + timedelta(hours=1)
    services.clock.set(later)
    await outbox.prune(db, later - KEEP_SENT_MESSAGES)
    assert await dm_count(services) == 0


async def test_finished_rows_go_after_7_days_and_a_sent_post_keeps_only_its_pointer(services):
    db = services.db
    old, recent = NOW - timedelta(days=8), NOW - timedelta(days=6)
    made = [  # (name, kind, state, when)
        ("sent dm", "dm", "sent", old),
        ("skipped dm", "dm", "skipped", old),
        ("failed dm", "dm", "failed", old),
        ("recent dm", "dm", "sent", recent),
        ("waiting dm", "dm", "pending", old),
        ("sent post", "post", "sent", old),
        ("failed post", "post", "failed", old),
        ("sent edit", "edit", "sent", old),
    ]
    ids = {}
    for name, kind, state, at in made:
        row_id = await outbox.enqueue(
            db,
            kind=kind,
            payload={"content": "Alice, the draw for X: you have a place"},
            now=at,
            dedupe_key=name,
            guild_id=GUILD,
            user_id=111 if kind == "dm" else None,
            channel_id=None if kind == "dm" else 10,
            message_id=5 if kind == "edit" else None,
        )
        sent_at = at.isoformat() if state == "sent" else None
        await db.execute(
            "UPDATE outbox SET state = ?, sent_at = ?, sent_message_id = ? WHERE id = ?",
            (state, sent_at, row_id + 500, row_id),
        )
        ids[name] = row_id
    assert await outbox.prune(db, NOW - KEEP_SENT_MESSAGES) == 5
    kept = {r["id"]: r for r in await db.fetchall("SELECT * FROM outbox")}
    assert set(kept) == {ids["recent dm"], ids["waiting dm"], ids["sent post"]}
    post = kept[ids["sent post"]]
    assert post["payload"] == "{}"  # what it said is gone; which message it became is kept
    assert await services.delivery.sent_message_id(ids["sent post"]) == ids["sent post"] + 500


async def test_the_daily_sweep_prunes(services):
    await services.delivery.dm(
        guild_id=GUILD, user_id=111, purpose="service", payload={"content": "hi"}, dedupe_key="k"
    )
    await services.db.execute("UPDATE outbox SET state = 'sent', sent_at = ?", (NOW.isoformat(),))
    await services.retention.ensure_daily_sweep(NOW)
    for day in range(1, 9):
        services.clock.advance(timedelta(days=1))
        await services.dispatcher.run_due()
        assert await dm_count(services) == (1 if day <= 7 else 0), day


async def test_the_daily_sweep_drops_drafts_and_kept_forms_nobody_came_back_to(services):
    db = services.db
    await drafts.create_draft(db, "poll", GUILD, 111, {"question": "Typed"}, NOW)
    await drafts.create_draft(db, "opportunity", GUILD, 222, {"title": "Typed"}, NOW)
    await meetings.create_draft(db, GUILD, 333, {"title": "Typed"}, NOW)
    await drafts.keep_form(db, "member:details", GUILD, 111, {}, {"access_needs": "x"}, NOW)
    tables = ("poll_drafts", "opportunity_drafts", "meeting_drafts", "form_drafts")

    async def kept() -> list[int]:
        return [await db.fetchval(f"SELECT count(*) FROM {table}") for table in tables]

    await services.retention.ensure_daily_sweep(NOW)
    services.clock.advance(timedelta(hours=23))
    await services.dispatcher.run_due()
    assert await kept() == [1, 1, 1, 1]  # nobody typed again, and no sweep has run yet
    services.clock.advance(timedelta(hours=2))
    await services.dispatcher.run_due()  # the first daily sweep: each is past its lifetime
    assert await kept() == [0, 0, 0, 0]


async def test_invitations_queued_again_after_the_prune_send_nothing(services):
    opp = await new_opportunity(services)
    followups = flows.Followups()
    await flows.queue_invitations(services, Drawn(), followups, opp.id, NOW)
    assert await dm_count(services) == len(PEOPLE)
    await all_sent_then_pruned(services)
    await flows.queue_invitations(services, Drawn(), followups, opp.id, services.clock.now())
    assert await dm_count(services) == 0


async def test_a_lottery_told_again_after_the_prune_sends_nothing(services):
    opp = await new_opportunity(services, places=1, allocation="lottery")
    for user_id in PEOPLE:
        await repo.answer(services.db, opp.id, GUILD, user_id, "interested", NOW)
    await flows.close_and_announce(services, Drawn(), opp.id)
    assert await dm_count(services) == len(PEOPLE)
    await all_sent_then_pruned(services)
    await flows.close_and_announce(services, Drawn(), opp.id)  # the close job ran again
    closed = await repo.get_opportunity(services.db, opp.id)
    await flows.tell_drawn(services, Drawn(), closed)
    assert await dm_count(services) == 0


async def test_a_promotion_told_again_after_the_prune_sends_nothing(services):
    opp = await new_opportunity(services, places=1)
    first, second = PEOPLE[:2]
    await repo.answer(services.db, opp.id, GUILD, first, "interested", NOW)
    await repo.answer(services.db, opp.id, GUILD, second, "interested", NOW)
    _, promoted = await repo.answer(services.db, opp.id, GUILD, first, "declined", NOW)
    assert [r.user_id for r in promoted] == [second]
    await flows.tell_promoted(services, Drawn(), opp, promoted)
    assert await dm_count(services) == 1
    await all_sent_then_pruned(services)
    await flows.tell_promoted(services, Drawn(), opp, promoted)
    assert await dm_count(services) == 0
    # A later, different promotion of the same person is news, and is told.
    await repo.answer(services.db, opp.id, GUILD, second, "declined", NOW)
    await repo.answer(services.db, opp.id, GUILD, PEOPLE[2], "interested", NOW)
    await repo.answer(services.db, opp.id, GUILD, second, "interested", NOW)
    _, again = await repo.answer(services.db, opp.id, GUILD, PEOPLE[2], "declined", NOW)
    assert [r.user_id for r in again] == [second]
    await flows.tell_promoted(services, Drawn(), opp, again)
    assert await dm_count(services) == 1


async def test_a_cancellation_asked_again_after_the_prune_sends_nothing(services):
    opp = await new_opportunity(services)
    await repo.answer(services.db, opp.id, GUILD, PEOPLE[0], "interested", NOW)
    told = []

    async def answer(count):
        told.append(count.total)

    await flows.cancel_opportunity(services, Drawn(), opp.id, GUILD, answer=answer)
    assert told == [1] and await dm_count(services) == 1
    await all_sent_then_pruned(services)
    with pytest.raises(flows.Refusal):
        await flows.cancel_opportunity(services, Drawn(), opp.id, GUILD, answer=answer)
    assert await dm_count(services) == 0


async def test_an_automatic_reply_window_is_a_keyed_hash_that_leaving_erases(services):
    from cogs.support.flows import auto_reply

    person = PEOPLE[0]
    assert await auto_reply(services, person, {"content": "auto"}, secret=SECRET)
    assert not await auto_reply(services, person, {"content": "auto"}, secret=SECRET)
    assert await dm_count(services) == 1
    (stored,) = await services.db.fetchall("SELECT * FROM dm_auto_replies")
    assert str(person) not in str(tuple(stored))
    await erase_all(services.db, GUILD, person, SECRET)  # /leave in any server
    assert await services.db.fetchval("SELECT count(*) FROM dm_auto_replies") == 0
    assert await dm_count(services) == 0
    assert await auto_reply(services, person, {"content": "auto"}, secret=SECRET)
    services.clock.advance(timedelta(hours=6))
    assert await outbox.forget_expired_auto_replies(services.db, services.clock.now()) == 1


async def test_ids_of_deleted_rows_are_never_used_again(services):
    """An id is the message's nonce: a new message must never carry a deleted one's."""
    db = services.db

    async def queue(key):
        return await outbox.enqueue(db, kind="dm", payload={}, now=NOW, dedupe_key=key)

    first = await queue("a")
    second = await queue("b")
    await db.execute("DELETE FROM outbox WHERE id = ?", (second,))
    third = await queue("c")
    await db.execute("DELETE FROM outbox")
    fourth = await queue("d")
    assert first < second < third < fourth
