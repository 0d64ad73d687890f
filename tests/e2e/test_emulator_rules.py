"""The emulator enforces Discord's rules, so a bot that breaks them fails its tests."""

from __future__ import annotations

import json

import aiohttp
import pytest

from tests.emulator import interactions as ix
from tests.emulator.interactions import Interaction
from tests.emulator.process import ECHO_BOT
from tests.emulator.world import InteractionFailed


def silent_interaction(world, person) -> Interaction:
    """An interaction the bot never sees, for answering it by hand."""
    channel = world.channel("general").model
    data = {"id": "1", "name": "x", "type": 1}
    payload, iid, token = ix.base_payload(
        world.state, ix.APPLICATION_COMMAND, person.model, channel, data
    )
    inter = Interaction(iid, token, 2, person.model, channel, channel.guild_id, payload, "/x")
    world.emulator.interactions[iid] = inter
    world.emulator.interactions_by_token[token] = inter
    return inter


def callback_path(inter: Interaction) -> str:
    return f"/interactions/{inter.id}/{inter.token}/callback?with_response=1"


def error_codes(body: dict) -> list[str]:
    found = []

    def walk(node):
        for key, value in node.items():
            if key == "_errors":
                found.extend(e["code"] for e in value)
            elif isinstance(value, dict):
                walk(value)

    walk(body.get("errors", {}))
    return found


async def test_unanswered_interaction_fails_after_the_deadline(make_world):
    world = await make_world(bot_command=ECHO_BOT, ack_deadline=0.3)
    alice = world.user("alice")
    with pytest.raises(InteractionFailed, match="This interaction failed"):
        await alice.slash("slow", seconds=0.6)
    assert [i.describe for i in world.failed_interactions] == ["/slow"]
    late = await world.wait_for_request("POST", "/callback")  # the bot answers, too late
    assert late.status == 404 and late.response["code"] == 10062
    assert world.clear_problems() == [
        "This interaction failed: /slow by alice (not acknowledged within 0.3 s)"
    ]


async def test_second_initial_response_is_40060(echo_world):
    alice = echo_world.user("alice")
    reply = await alice.slash("echo", text="once")
    again = await echo_world.api(
        "POST", callback_path(reply.interaction), json={"type": 4, "data": {"content": "twice"}}
    )
    assert again.status == 400
    assert again.body == {"message": "Interaction has already been acknowledged.", "code": 40060}


async def test_callback_answer_shape(echo_world):
    inter = silent_interaction(echo_world, echo_world.user("alice"))
    answer = await echo_world.api(
        "POST", callback_path(inter), json={"type": 4, "data": {"content": "hi", "flags": 64}}
    )
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Via"] == "1.1 google"
    assert answer.body["interaction"]["response_message_ephemeral"] is True
    assert answer.body["resource"]["message"]["content"] == "hi"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"content": "x" * 2001}, "BASE_TYPE_MAX_LENGTH"),
        (
            {"embeds": [{"description": "x" * 4000}, {"description": "y" * 2001}]},
            "MAX_EMBED_SIZE_EXCEEDED",
        ),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "BASE_TYPE_MAX_LENGTH"),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 2, "style": 1, "label": "b", "custom_id": f"c{i}"}],
                    }
                    for i in range(6)
                ]
            },
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "label": "x" * 81, "custom_id": "c"}
                        ],
                    }
                ]
            },
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "label": "b", "custom_id": "c" * 101}
                        ],
                    }
                ]
            },
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 3,
                                "custom_id": "s",
                                "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                            }
                        ],
                    }
                ]
            },
            "BASE_TYPE_BAD_LENGTH",
        ),
    ],
    ids=["content", "embed-total", "fields", "rows", "label", "custom-id", "options"],
)
async def test_message_limits_return_discords_400(echo_world, body, code):
    channel = echo_world.channel("general")
    result = await echo_world.api("POST", f"/channels/{channel.id}/messages", json=body)
    assert result.status == 400, result.body
    assert result.body["code"] == 50035 and result.body["message"] == "Invalid Form Body"
    assert code in error_codes(result.body)
    assert channel.messages == []
    (problem,) = echo_world.clear_problems()
    assert problem.startswith(
        "Discord rejected (over a limit): POST /channels/{channel_id}/messages"
    )


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (
            {
                "title": "x" * 46,
                "custom_id": "m",
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 4, "custom_id": "a", "label": "A", "style": 1}],
                    }
                ],
            },
            "title",
        ),
        (
            {
                "title": "Form",
                "custom_id": "m",
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 4, "custom_id": f"a{i}", "label": "A", "style": 1}],
                    }
                    for i in range(6)
                ],
            },
            "components",
        ),
    ],
    ids=["title", "six-components"],
)
async def test_modal_limits(echo_world, data, where):
    inter = silent_interaction(echo_world, echo_world.user("alice"))
    result = await echo_world.api("POST", callback_path(inter), json={"type": 9, "data": data})
    assert result.status == 400
    assert where in result.body["errors"]["data"]
    assert inter.response_type is None
    assert len(echo_world.clear_problems()) == 1


async def test_nonce_with_enforce_nonce_returns_the_first_message(echo_world):
    alice = echo_world.user("alice")
    reply = await alice.slash("nonce", text="only once")
    assert reply.text == "same=True"
    assert [m.content for m in echo_world.channel("general").messages] == ["only once"]
    assert len(echo_world.emulator.nonce_hits) == 1


async def test_per_route_rate_limit_headers_and_429(echo_world):
    channel = echo_world.channel("announcements")
    results = [
        await echo_world.api("POST", f"/channels/{channel.id}/messages", json={"content": str(i)})
        for i in range(6)
    ]
    assert [r.status for r in results] == [200] * 5 + [429]
    first, limited = results[0], results[-1]
    assert first.headers["X-RateLimit-Limit"] == "5"
    assert first.headers["X-RateLimit-Remaining"] == "4"
    assert float(first.headers["X-RateLimit-Reset-After"]) > 0
    assert "X-RateLimit-Bucket" in first.headers
    assert limited.headers["Via"] == "1.1 google"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.body["global"] is False and limited.body["retry_after"] > 0
    assert echo_world.count_status(429) == 1 and echo_world.global_429s == 0


async def test_unpaced_fan_out_hits_the_global_limit_and_discord_py_retries(echo_world):
    people = [echo_world.user(f"member{i}") for i in range(40)]
    reply = await echo_world.mod.slash("burst", user_ids=" ".join(str(p.id) for p in people))
    assert reply.text == "sent 40 failed 0"
    assert all(len(p.dms) == 1 for p in people), "each DM delivered once"
    assert echo_world.global_429s > 0
    assert echo_world.emulator.invalid_requests >= echo_world.global_429s


async def test_closed_dms_are_403_50007(echo_world):
    bob = echo_world.user("bob")
    echo_world.set_dms_closed(bob)
    reply = await bob.slash("dm_me", text="hello?")
    assert reply.text == "DMs closed (50007)"
    assert bob.dms == []
    assert echo_world.count_status(403) == 1


async def test_body_not_matching_openapi_is_a_problem(echo_world):
    channel = echo_world.channel("general")
    result = await echo_world.api("POST", f"/channels/{channel.id}/messages", json={"content": 5})
    assert result.status == 400
    problems = echo_world.clear_problems()
    assert len(problems) == 1
    assert "POST /channels/{channel_id}/messages: at content" in problems[0]


async def test_snowflakes_may_be_integers(echo_world):
    bob = echo_world.user("bob")
    result = await echo_world.api("POST", "/users/@me/channels", json={"recipient_id": bob.id})
    assert result.status == 200 and result.body["type"] == 1
    assert echo_world.problems() == []


async def test_unknown_route_fails_loudly(echo_world):
    result = await echo_world.api("GET", "/guilds/1/audit-logs")
    assert result.status == 404
    assert echo_world.clear_problems() == ["unknown route: GET /guilds/1/audit-logs"]


async def test_requests_need_the_bot_token(echo_world):
    result = await echo_world.api("GET", "/users/@me", headers={"Authorization": "Bot wrong"})
    assert result.status == 401
    assert echo_world.count_status(401) == 1


async def test_pings_follow_allowed_mentions(echo_world):
    channel = echo_world.channel("general")
    role = echo_world.role("Organisers")
    alice = echo_world.user("alice")
    text = f"@everyone {role.mention} {alice.mention}"
    path = f"/channels/{channel.id}/messages"
    await echo_world.api("POST", path, json={"content": text, "allowed_mentions": {"parse": []}})
    await echo_world.api(
        "POST",
        path,
        json={"content": text, "allowed_mentions": {"parse": [], "roles": [str(role.id)]}},
    )
    await echo_world.api("POST", path, json={"content": text})
    quiet, one_role, everything = channel.messages
    assert not quiet.pings.anyone
    assert one_role.pings.roles == [role.id] and not one_role.pings.everyone
    assert everything.pings.everyone and everything.pings.users == [alice.id]


async def test_files_arrive_as_attachments(echo_world):
    channel = echo_world.channel("general")
    form = aiohttp.FormData(quote_fields=False)
    payload = {
        "content": "see file",
        "attachments": [{"id": 0, "filename": "r.csv", "description": "results"}],
    }
    form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    form.add_field("files[0]", b"a,b\n1,2\n", filename="r.csv", content_type="text/csv")
    result = await echo_world.api("POST", f"/channels/{channel.id}/messages", data=form)
    assert result.status == 200, result.body
    (attachment,) = channel.messages[-1].attachments
    assert attachment.data == b"a,b\n1,2\n" and attachment.description == "results"
    assert result.body["attachments"][0]["filename"] == "r.csv"


async def test_scheduled_events_must_be_in_the_future(echo_world):
    guild = echo_world.guild()
    body = {
        "name": "Reading group",
        "privacy_level": 2,
        "entity_type": 3,
        "entity_metadata": {"location": "Library"},
        "scheduled_start_time": "2026-11-30T18:00:00+00:00",
        "scheduled_end_time": "2026-11-30T19:00:00+00:00",
    }
    past = await echo_world.api("POST", f"/guilds/{guild.id}/scheduled-events", json=body)
    assert past.status == 400
    body |= {
        "scheduled_start_time": "2026-12-03T18:00:00+00:00",
        "scheduled_end_time": "2026-12-03T19:00:00+00:00",
    }
    made = await echo_world.api("POST", f"/guilds/{guild.id}/scheduled-events", json=body)
    assert made.status == 200 and made.body["status"] == 1
