"""End-to-end fixtures: the local Discord emulator plus the bot as a separate process.

    async def test_something(world):          # Speak Back, one server "Speak Back Test"
        alice = world.user("alice")
        reply = await alice.slash("support")
        assert "crisis" in reply.text

`make_world(...)` makes further worlds (e.g. `guilds=["A", "B", "C"]`, `dev_guild=True`,
`bot_command=ECHO_BOT`). A test fails if the bot called an unknown route, sent a body
that does not match Discord's OpenAPI description, or left an interaction unanswered;
the bot's log is printed with any failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from tests.e2e import linked
from tests.emulator import forkserver
from tests.emulator.process import ECHO_BOT
from tests.emulator.world import World

MakeWorld = Callable[..., Awaitable[World]]

# Where tests differ from the defaults (which `make bench` and `make demo` keep):
# an action returns after the bot's /settle and this long without Discord traffic,
QUIET = 0.02
# and edits of one message go out at once (queued edits still merge into one outbox
# row); a test of coalescing sets the production interval (bot/delivery.py) itself.
FAST_ENV = {"SPEAKBACK_TEST_EDIT_INTERVAL": "0"}
network = linked.network  # three servers with organisers, linked into one network


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def fork_server() -> Iterator[forkserver.ForkServer | None]:
    """One pre-imported interpreter per pytest process forks each bot start (much faster
    than a cold `python -m bot run`). SPEAKBACK_TEST_COLD_START=1 starts them cold."""
    if os.environ.get("SPEAKBACK_TEST_COLD_START") == "1":
        yield None
        return
    server = forkserver.ForkServer()
    forkserver.use(server)
    try:
        yield server
    finally:
        forkserver.use(None)
        server.close()


@asynccontextmanager
async def worlds_in(tmp_path: Any, request: pytest.FixtureRequest) -> AsyncIterator[MakeWorld]:
    """Start worlds on demand; at the end close them, and show their bot logs if the test
    failed or Discord (emulated) saw problems (which fail a test that passed)."""
    worlds: list[World] = []

    async def make(**options: Any) -> World:
        options.setdefault("quiet", QUIET)
        options["env"] = {**FAST_ENV, **(options.get("env") or {})}
        world = await World.start(tmp_path / f"world{len(worlds)}", **options)
        worlds.append(world)
        return world

    yield make
    problems = [p for w in worlds for p in w.problems()]
    for world in worlds:
        await world.close()
    call = getattr(request.node, "rep_call", None)
    failed = call is not None and call.failed
    if failed or problems:
        for index, world in enumerate(worlds):
            print(f"\n----- bot log (world {index}) -----\n{world.bot_log()}", file=sys.stderr)
    if problems and not failed:
        pytest.fail("Discord (emulated) saw problems:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
async def make_world(tmp_path: Any, request: pytest.FixtureRequest) -> AsyncIterator[MakeWorld]:
    async with worlds_in(tmp_path, request) as make:
        yield make


@pytest.fixture
async def world(make_world: MakeWorld) -> World:
    """Speak Back against the emulator: one server, a moderator `world.mod`."""
    return await make_world()


@pytest.fixture
async def echo_world(make_world: MakeWorld) -> World:
    """The bare echo bot against the emulator (tests of the emulator itself)."""
    return await make_world(bot_command=ECHO_BOT)
