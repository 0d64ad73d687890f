"""Polls' application logic (cogs/polls/flows.py) without Discord: a real database, the
real posting service, and fakes for the outbox, the dispatcher and the messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import DrivenClock
from bot.domain.ballots import SingleBallot
from bot.domain.errors import Refusal
from bot.domain.polls import check_settings
from bot.posts import Posts
from cogs.polls import flows
from db import members, network_items, networks
from db import polls as repo
from db.database import Database
from db.settings import update_settings

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
LEEDS, BRADFORD, WAKEFIELD = 7, 8, 9
NAMES = {LEEDS: "Leeds", BRADFORD: "Bradford", WAKEFIELD: "Wakefield"}
SAM, ADA = 1001, 1002


class FakeDelivery:
    """The outbox, as flows and the posting service use it."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.letters: list[Any] = []
        self.batches: list[tuple[str, str | None]] = []
        self.sent: dict[int, int] = {}

    async def post(self, *, guild_id, channel_id, payload, dedupe_key) -> int:
        self.posts.append(
            {"guild_id": guild_id, "channel_id": channel_id, "payload": payload, "key": dedupe_key}
        )
        return len(self.posts)

    async def edit(self, *, guild_id, channel_id, message_id, payload) -> None:
        self.edits.append({"guild_id": guild_id, "message_id": message_id, "payload": payload})

    async def sent_message_id(self, row_id: int) -> int | None:
        return self.sent.get(row_id)

    async def dm_many(self, letters, *, purpose, batch=None, urgent=False) -> int:
        letters = list(letters)
        self.letters += letters
        self.batches.append((purpose, batch))
        return len(letters)


@dataclass
class FakeDispatcher:
    scheduled: list[tuple[str, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)

    async def schedule(self, kind, when, payload, key, guild_id) -> None:
        self.scheduled.append((kind, key))

    async def cancel(self, key) -> None:
        self.cancelled.append(key)


@dataclass
class FakeServices:
    db: Database
    clock: DrivenClock
    dispatcher: FakeDispatcher
    delivery: FakeDelivery
    posts: Posts


class FakeRender:
    """Messages as plain dicts, so a test can see what flows asked for."""

    def post(self, poll, turnout, live):
        return {
            "post": poll.id,
            "network": poll.network_id,
            "turnout": turnout,
            "open": poll.is_open,
        }

    def results(self, poll, by_server, chart):
        return {"results": poll.id, "by_server": by_server, "chart": chart and chart.file_name}

    def outcome_post(self, poll, body):
        return {"outcome": poll.id, "body": body}

    def outcome_dm(self, poll, body):
        return {"dm": poll.id, "body": body}


RENDER = FakeRender()


@pytest.fixture
async def services(tmp_path):
    db = await Database.open(tmp_path / "polls.db")
    await db.migrate()
    delivery = FakeDelivery()
    yield FakeServices(
        db, DrivenClock(NOW), FakeDispatcher(), delivery, Posts(db, delivery, NAMES.__getitem__)
    )
    await db.close()


def settings(**changes):
    chosen = {
        "kind": "single",
        "max_choices": None,
        "anonymous": True,
        "results": "at_close",
        "closes_at": None,
        "content_note": None,
        "reasons": False,
    }
    return check_settings(**{**chosen, **changes})


async def link_three_servers(db):
    network_id = await networks.create_network(db, "Yorkshire", LEEDS, NOW)
    for guild_id, channel_id in ((BRADFORD, 80), (WAKEFIELD, None)):
        await db.execute(
            "INSERT INTO network_members (network_id, guild_id, joined_at) VALUES (?, ?, ?)",
            (network_id, guild_id, NOW.isoformat()),
        )
        await update_settings(db, guild_id, NOW, announcements_channel_id=channel_id)
    return network_id


async def publish(services, **changes):
    return await flows.publish_poll(
        services,
        RENDER,
        guild_id=LEEDS,
        channel_id=55,
        question="What first?",
        options=["A", "B", "C"],
        settings=settings(**{k: v for k, v in changes.items() if k not in ("network", "ping")}),
        network=changes.get("network", False),
        ping_role_id=changes.get("ping"),
    )


async def test_a_poll_is_posted_at_home_with_the_role_ping_and_its_close_scheduled(services):
    created = await publish(services, ping=42, closes_at=NOW + timedelta(days=1))
    poll = created.poll
    [post] = services.delivery.posts
    assert post["key"] == f"poll-post:{poll.id}"
    assert (post["guild_id"], post["channel_id"]) == (LEEDS, 55)
    assert post["payload"]["content"] == "<@&42>" and post["payload"]["ping_role_id"] == 42
    assert post["payload"]["post"] == poll.id
    assert services.dispatcher.scheduled == [(flows.CLOSE_JOB, f"poll-close:{poll.id}")]
    assert created.published.servers == ("Leeds",) and not created.published.networked
    assert (await repo.get_poll(services.db, poll.id)).post_outbox_id == 1


async def test_a_network_poll_goes_to_every_linked_server_with_a_channel(services):
    network_id = await link_three_servers(services.db)
    created = await publish(services, network=True, ping=42)
    poll_id = created.poll.id
    home, bradford = services.delivery.posts
    assert home["key"] == f"poll-post:{poll_id}" and home["payload"]["network"] == network_id
    assert bradford["key"] == f"poll-post:{poll_id}:{BRADFORD}"
    assert (bradford["guild_id"], bradford["channel_id"]) == (BRADFORD, 80)
    assert "content" not in bradford["payload"]  # no role ping in other servers
    assert created.published.servers == ("Leeds", "Bradford")
    assert created.published.missing == ("server 9",)  # Wakefield has no channel
    copies = await network_items.copies(services.db, "poll", poll_id)
    assert [(c.guild_id, c.outbox_id) for c in copies] == [(LEEDS, 1), (BRADFORD, 2)]


async def test_a_closing_time_that_passed_while_the_form_was_open_posts_nothing(services):
    closes = NOW + timedelta(minutes=5)
    services.clock.advance(timedelta(minutes=10))
    with pytest.raises(Refusal, match="closing time passed"):
        await publish(services, closes_at=closes)
    with pytest.raises(Refusal, match="announcements channel"):
        await flows.publish_poll(
            services,
            RENDER,
            guild_id=LEEDS,
            channel_id=None,
            question="Q?",
            options=["A", "B"],
            settings=settings(),
            network=False,
            ping_role_id=None,
        )
    assert services.delivery.posts == []


async def vote(services, poll_id, user_id, choice):
    await members.agree(services.db, LEEDS, user_id, notice_version=1, now=NOW, secret=SECRET)
    member = await members.get_member(services.db, LEEDS, user_id)
    return await flows.save_vote(
        services, poll_id, member, SingleBallot(choice), voter_name="x", secret=SECRET
    )


async def test_votes_refresh_every_sent_copy_and_closing_posts_the_results_once(services):
    poll_id = (await publish(services)).poll.id
    services.delivery.sent[1] = 9001  # the home post has been sent
    first = await vote(services, poll_id, SAM, 0)
    again = await vote(services, poll_id, SAM, 1)
    assert not first.changed and again.changed
    await vote(services, poll_id, ADA, 1)
    await flows.TurnoutRefresher(RENDER).voted(services, poll_id)
    [edit] = services.delivery.edits
    assert edit["message_id"] == 9001 and edit["payload"]["turnout"] == 2
    assert (await repo.get_poll(services.db, poll_id)).message_id == 9001

    poll = await repo.get_poll(services.db, poll_id)
    await flows.close_now(services, RENDER, poll)
    results = [p for p in services.delivery.posts if "results" in p["payload"]]
    assert [p["key"] for p in results] == [f"poll-results:{poll_id}"]
    # two ballots in an anonymous poll: too few to show, so no chart (rule 9)
    assert results[0]["payload"]["chart"] is None
    assert services.dispatcher.cancelled == [f"poll-close:{poll_id}"]
    assert services.delivery.edits[-1]["payload"]["open"] is False
    await flows.close_and_announce(services, RENDER, poll_id)  # the job, late: nothing new
    assert len([p for p in services.delivery.posts if "results" in p["payload"]]) == 1
    with pytest.raises(Refusal):
        await flows.close_now(services, RENDER, await repo.get_poll(services.db, poll_id))


async def test_an_outcome_is_recorded_once_and_only_after_close(services):
    # The recording itself is the outcomes feature's (tests/unit/test_outcomes_flows.py).
    from db import outcomes

    poll_id = (await publish(services)).poll.id
    with pytest.raises(Refusal, match="close the poll first"):
        await flows.check_outcome_allowed(services, await repo.get_poll(services.db, poll_id))
    await flows.close_and_announce(services, RENDER, poll_id)
    poll = await repo.get_poll(services.db, poll_id)
    await flows.check_outcome_allowed(services, poll)
    await outcomes.create(
        services.db,
        guild_id=poll.guild_id,
        item_kind="poll",
        item_id=poll_id,
        title=poll.question,
        statement="We do A",
        status="planned",
        progress=None,
        by_when=None,
        review_on=None,
        now=NOW,
    )
    with pytest.raises(Refusal, match=r"already recorded.*We do A"):
        await flows.check_outcome_allowed(services, poll)


async def test_the_export_is_ready_once_closed(services):
    poll_id = (await publish(services)).poll.id
    await vote(services, poll_id, SAM, 2)
    with pytest.raises(Refusal):
        await flows.export_poll(services, await repo.get_poll(services.db, poll_id), LEEDS)
    await flows.close_and_announce(services, RENDER, poll_id)
    export = await flows.export_poll(services, await repo.get_poll(services.db, poll_id), LEEDS)
    assert export.file_name == f"poll-{poll_id}.csv" and export.viewer_guild_id is None
    assert "What first?" in export.data.decode("utf-8-sig")
