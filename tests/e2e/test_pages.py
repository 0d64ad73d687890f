"""The pages beyond Discord, served by the running bot (issue 25)."""

from __future__ import annotations

import json

from tests.e2e import steps


async def test_the_bot_serves_healthz_on_a_free_port_with_no_personal_data(world):
    status, headers, body = await steps.get_page(world, "/healthz")
    assert status == 200
    health = json.loads(body)
    assert health["ready"] is True
    assert health["outbox_backlog"] == 0
    assert health["dispatcher_lag_seconds"] == 0
    assert [s["shard"] for s in health["discord_heartbeat"]["shards"]] == [0]
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert str(world.mod.id) not in body and str(world.guild().id) not in body


async def test_an_unknown_page_is_a_plain_404_with_strict_headers(world):
    status, headers, body = await steps.get_page(world, "/no-such-page")
    assert status == 404
    assert "There is no page at this address" in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "Traceback" not in body


async def test_a_port_in_use_is_logged_and_the_bot_carries_on(make_world):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        world = await make_world(env={"WEB_PORT": str(port)})
        health = await world.bot.control("GET", "/health")
        assert health["ready"] is True and health["web_port"] is None
        assert "The pages could not start" in world.bot_log()
        reply = await world.user("alice").slash("support")
        assert reply.ephemeral
