"""Network flows run without Discord: a code, a request to each moderators channel, a decision."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.clock import DrivenClock
from bot.domain.errors import Refusal
from cogs.networks import flows
from db.database import Database
from db.settings import update_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEEDS, YORK, HULL = 1, 2, 3
MODS = {LEEDS: 10, YORK: 20}  # Hull has no moderators channel


class Outbox:
    def __init__(self) -> None:
        self.posts: list[dict] = []

    async def post(self, **post) -> int:
        self.posts.append(post)
        return len(self.posts)


class Render:
    def join_request(self, request_id, network_name, server):
        return {"content": f"{server} asks to join {network_name} ({request_id})"}


@pytest.fixture
async def services(tmp_path):
    database = await Database.open(tmp_path / "n.db")
    await database.migrate()
    for guild_id, channel_id in MODS.items():
        await update_settings(database, guild_id, NOW, moderators_channel_id=channel_id)
    yield SimpleNamespace(db=database, clock=DrivenClock(NOW), delivery=Outbox())
    await database.close()


async def test_a_server_asks_is_approved_and_everyone_hears(services):
    created = await flows.create_network(services, LEEDS, "Leeds", "Yorkshire")
    assert created.moderators_channel_id == MODS[LEEDS]
    with pytest.raises(Refusal):
        await flows.create_network(services, LEEDS, "Leeds", "Again")

    asked = await flows.ask_to_join(services, YORK, "York", created.code, Render())
    assert asked.network_name == "Yorkshire" and asked.reached == 1
    (request,) = services.delivery.posts
    assert request["channel_id"] == MODS[LEEDS]
    assert request["payload"]["content"].startswith("York asks to join Yorkshire")
    request_id = int(request["dedupe_key"].split(":")[2])
    with pytest.raises(Refusal):  # a code works once
        await flows.ask_to_join(services, HULL, "Hull", created.code, Render())

    assert await flows.decide_request(services, request_id, True, YORK) is None  # not theirs yet
    decided = await flows.decide_request(services, request_id, True, LEEDS)
    assert decided is not None and decided.request.state == "approved"
    with pytest.raises(Refusal):
        await flows.decide_request(services, request_id, False, LEEDS)
    await flows.tell_outcome(services, decided.network.id, decided.request)
    told = {p["channel_id"]: p["payload"]["content"] for p in services.delivery.posts[1:]}
    assert set(told) == {MODS[LEEDS], MODS[YORK]}
    assert "Leeds, York" in told[MODS[YORK]]

    summary = await flows.get_network_summary(services, YORK)
    assert summary is not None and summary.servers == ["Leeds", "York"] and summary.pending == []
    assert await flows.make_code(services, YORK, summary.network.id + 1) is None
    name, code = await flows.make_code(services, YORK, summary.network.id)
    assert name == "Yorkshire" and code


async def test_leaving_tells_the_other_servers(services):
    created = await flows.create_network(services, LEEDS, "Leeds", "Yorkshire")
    await flows.ask_to_join(services, YORK, "York", created.code, Render())
    request_id = int(services.delivery.posts[0]["dedupe_key"].split(":")[2])
    await flows.decide_request(services, request_id, True, LEEDS)
    services.delivery.posts.clear()

    assert await flows.leave_network(services, YORK, "York") == "Yorkshire"
    (notice,) = services.delivery.posts
    assert notice["channel_id"] == MODS[LEEDS] and "York" in notice["payload"]["content"]
    assert await flows.get_network_summary(services, YORK) is None
    with pytest.raises(Refusal):
        await flows.leave_network(services, YORK, "York")
