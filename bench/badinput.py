"""Figure 7: hypothesis drives every slash command and every form with generated input.

The commands are not listed by hand: they are read from the definitions the bot
synced to the emulator (`world.state.commands`), so a new command is covered the
day it lands. Each example picks a command (or subcommand), a person (moderator,
member, or someone who has not joined) and values for its options within what
Discord's client lets a person type (types, lengths, ranges, choices), biased
towards awkward text: mentions, @everyone, dates that do not exist, huge numbers,
control characters, right-to-left and zero-width characters. When the bot answers
with a form, the form is filled with generated text and submitted too.

Counted over all examples: tracebacks or exception names shown to a person,
interactions not acknowledged (or deferred and never followed up), and messages
that pinged anyone other than the one role a moderator configured for
announcements.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bench import harness as h
from tests.database import seed_members
from tests.emulator import interactions as ix
from tests.emulator.interactions import Interaction, ScenarioError
from tests.emulator.world import InteractionFailed, Reply

LEAKS = re.compile(r"Traceback|File \"|\b\w+(Error|Exception)\b|<coroutine|object at 0x")
AWKWARD = [
    "@everyone",
    "@here",
    "<@&{role}> please",
    "<@{user}>",
    "next tuesday 6pm",
    "2026-02-30 25:61",
    "yesterday",
    "0",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "'; DROP TABLE members; --",
    "\u202eright to left\u202c",
    "zero\u200bwidth",
    "\x00\x01\x02",
    "🙂" * 40,
    "Europe/Nowhere",
    "24h,1h,0m,-5m,999999d",
    "\n\n\n",
    "a" * 100,
]
ACK_WAIT = 20.0


def leaves(commands: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], list[dict]]]:
    """(path, top-level definition, option definitions) for every runnable command."""
    found = []

    def walk(path: str, top: dict[str, Any], options: list[dict[str, Any]]) -> None:
        subs = [o for o in options if o["type"] in (ix.SUB_COMMAND, ix.SUB_COMMAND_GROUP)]
        if not subs:
            found.append((path, top, options))
        for sub in subs:
            walk(f"{path} {sub['name']}", top, sub.get("options") or [])

    for command in commands:
        if command.get("type", 1) == 1:
            walk(command["name"], command, command.get("options") or [])
    return sorted(found, key=lambda leaf: leaf[0])


def text_for(low: int, high: int, world) -> st.SearchStrategy[str]:
    role = world.role("Organisers").id
    awkward = [s.format(role=role, user=world.mod.id) if "{" in s else s for s in AWKWARD]
    free = st.text(min_size=low, max_size=min(high, 120))
    picked = st.sampled_from(awkward).map(lambda s: s[:high])
    return st.one_of(picked, free).filter(lambda s: low <= len(s) <= high)


def value_for(option: dict[str, Any], world) -> st.SearchStrategy[Any]:
    kind = option["type"]
    if option.get("choices"):
        return st.sampled_from([c["value"] for c in option["choices"]])
    if kind == ix.STRING:
        return text_for(max(1, option.get("min_length", 1)), option.get("max_length", 6000), world)
    if kind == ix.INTEGER:
        return st.integers(option.get("min_value", -(2**53)), option.get("max_value", 2**53))
    if kind == ix.NUMBER:
        low, high = option.get("min_value", -1e15), option.get("max_value", 1e15)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == ix.BOOLEAN:
        return st.booleans()
    guild = world.guild()
    people = [world.mod, *world.people.values()]
    roles = [guild.role(r.name) for r in guild.model.roles.values() if r.name != "@everyone"]
    channels = [guild.channel(c.name) for c in guild.model.channels.values()]
    allowed = option.get("channel_types")
    if allowed:
        channels = [c for c in channels if c.model.type in allowed]
    by_kind = {
        ix.USER: people,
        ix.ROLE: roles,
        ix.CHANNEL: channels,
        ix.MENTIONABLE: people + roles,
    }
    return st.sampled_from(by_kind.get(kind) or people)


@st.composite
def example(draw, world, leaf, actors) -> tuple[str, dict, list[str], Any, dict[str, Any]]:
    path, top, options = leaf
    actor = draw(st.sampled_from(actors))
    values = {}
    for option in options:
        if option.get("required") or draw(st.booleans()):
            values[option["name"]] = draw(value_for(option, world))
    return path, top, path.split()[1:], actor, values


def form_answers(draw_text, form: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for top in form.get("components") or []:
        inner = [top["component"]] if top.get("type") == 18 else top.get("components") or []
        for field in inner:
            if field.get("type") == 4:
                low = max(1 if field.get("required", True) else 0, field.get("min_length", 0))
                answers[field["custom_id"]] = draw_text(low, field.get("max_length", 4000))
            elif field.get("options"):
                answers[field["custom_id"]] = [field["options"][0]["value"]]
    return answers


def fit(text: str, low: int, high: int) -> str:
    """Generated text cut or padded to what the form field accepts (as Discord's client does)."""
    text = text[:high]
    return text + "x" * max(0, low - len(text))


class Tally:
    def __init__(self) -> None:
        self.examples = 0
        self.interactions = 0
        self.leaks: list[str] = []
        self.unacknowledged: list[str] = []
        self.refused_by_client = 0
        self.by_command: dict[str, int] = {}
        self.forms = 0


async def one(world, tally: Tally, path, top, sub, actor, values, fill) -> None:
    tally.examples += 1
    tally.by_command[path] = tally.by_command.get(path, 0) + 1
    channel = world.channel("general").model
    try:
        data, _ = ix.command_options(world.state, top, sub, values)
    except ScenarioError:
        tally.refused_by_client += 1  # Discord's client would not send this
        return
    payload, iid, token = ix.base_payload(
        world.state, ix.APPLICATION_COMMAND, actor.model, channel, data
    )
    inter = Interaction(
        iid,
        token,
        ix.APPLICATION_COMMAND,
        actor.model,
        channel,
        channel.guild_id,
        payload,
        f"/{path}",
    )
    reply = await answer(world, tally, inter)
    if reply is not None and reply.modal is not None:
        tally.forms += 1
        tally.interactions += 1
        try:
            submitted = await actor.submit_modal(reply, **fill(reply.modal))
            check(tally, submitted, f"form of /{path}")
        except ScenarioError:
            tally.refused_by_client += 1
        except (InteractionFailed, TimeoutError) as error:
            tally.unacknowledged.append(f"form of /{path}: {error}")


async def answer(world, tally: Tally, inter: Interaction) -> Reply | None:
    tally.interactions += 1
    await world.emulator.dispatch_interaction(inter)
    try:
        await asyncio.wait_for(inter.acked.wait(), ACK_WAIT)
        if inter.response_type == 5:
            await world._wait_followup(inter)
    except (TimeoutError, InteractionFailed) as error:
        tally.unacknowledged.append(f"{inter.describe}: {error}")
        return None
    if inter.failed:
        tally.unacknowledged.append(f"{inter.describe}: {inter.failed}")
        return None
    reply = Reply(inter)
    check(tally, reply, inter.describe)
    return reply


def check(tally: Tally, reply: Reply, describe: str) -> None:
    shown = reply.text
    found = LEAKS.search(shown)
    if found:
        tally.leaks.append(f"{describe}: {found.group(0)!r} in {shown[:200]!r}")


def forbidden_pings(world) -> list[str]:
    configured = h.scalar(
        world, "SELECT announce_role_id FROM guild_settings WHERE guild_id = ?", (world.guild().id,)
    )
    bad = []
    for message in world.state.messages.values():
        pings = message.pings
        roles = [r for r in pings.roles if r != configured]
        if pings.everyone or pings.users or roles:
            bad.append(f"message {message.id}: {message.content[:80]!r}")
    return bad


async def run(root: Path, scale: h.Scale) -> h.Figure:
    figure = h.Figure(7, "Bad input")
    world = await h.start_world(root / "badinput", followup_timeout=ACK_WAIT)
    try:
        members = seed_members(world, 6, purposes=h.EVERY_DM)
        stranger = world.user("stranger")
        world.user("organiser", organiser=True)
        actors = [world.mod, world.mod, *members[:3], stranger]
        commands = leaves(world.state.commands.get(None, []))
        loop = asyncio.get_running_loop()
        tally = Tally()
        started = time.monotonic()

        def run_sync(coro) -> None:
            asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=120)

        share = max(1, scale.bad_inputs // len(commands))

        def drive_all() -> None:
            # One hypothesis run per command, so every command gets its share of examples.
            for leaf in commands:
                drive_command(leaf)

        def drive_command(leaf) -> None:
            @settings(
                max_examples=share,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(st.data())
            def drive(data) -> None:
                path, top, sub, actor, values = data.draw(example(world, leaf, actors))
                # Form text is drawn here, on hypothesis's thread, and fitted to fields later.
                drafts = iter(data.draw(st.lists(text_for(0, 4000, world), min_size=6, max_size=6)))

                def fill(form):
                    return form_answers(lambda low, high: fit(next(drafts, ""), low, high), form)

                run_sync(one(world, tally, path, top, sub, actor, values, fill))

            drive()

        await loop.run_in_executor(None, drive_all)
        with contextlib.suppress(Exception):
            await world.settle()
        took = time.monotonic() - started
        pings = forbidden_pings(world)
        errors = [line for line in world.bot_log().splitlines() if "Traceback" in line]
        figure.sizes = {
            "examples": tally.examples,
            "interactions": tally.interactions,
            "forms_submitted": tally.forms,
            "commands": len(commands),
            "not_sendable_in_discord": tally.refused_by_client,
        }
        figure.add(
            "tracebacks / exception names shown",
            len(tally.leaks),
            target="0",
            holds=not tally.leaks,
        )
        figure.add(
            "unacknowledged interactions",
            len(tally.unacknowledged),
            target="0",
            holds=not tally.unacknowledged,
        )
        figure.add("pings produced", len(pings), target="0", holds=not pings)
        figure.add("commands covered", f"{len(tally.by_command)} of {len(commands)}")
        figure.add("interactions per second", round(tally.interactions / took, 1))
        figure.add("tracebacks in the bot's log", len(errors))
        figure.invariants = {
            "tracebacks_shown": len(tally.leaks),
            "unacknowledged": len(tally.unacknowledged),
            "pings": len(pings),
        }
        figure.notes += tally.leaks[:5] + tally.unacknowledged[:5] + pings[:5]
        world.clear_problems()
    finally:
        await world.close()
    return figure
