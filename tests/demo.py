"""`make demo`: the real bot against the local Discord emulator, as a readable transcript.

Runs `python -m bot run` as a separate process pointed at the emulator, then plays a
short scripted story: a moderator sets the server up, a member joins, organisers
post, members answer, results and reminders arrive (the clock is driven, so a
reminder a day ahead arrives at once). It prints what each person sees. Files the
bot sends (charts, calendar files, exports) are saved to `demo-output/`.

    python -m tests.demo            # print the transcript
    python -m tests.demo --quiet    # only write demo-output/transcript.txt
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.emulator.render import message_text
from tests.emulator.world import Person, Reply, World

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "demo-output"
TIMESTAMP = re.compile(r"<t:(\d+)(?::([tTdDfFR]))?>")
USER = re.compile(r"<@!?(\d+)>")
ROLE = re.compile(r"<@&(\d+)>")
CHANNEL = re.compile(r"<#(\d+)>")


class Transcript:
    """Narrates a world: each action, what the actor saw, then what appeared elsewhere."""

    def __init__(self, world: World, output: Path | None = None) -> None:
        self.world = world
        self.output = output
        self.lines: list[str] = []
        self._seen: set[int] = set()
        self._saved: set[int] = set()
        self._mark_all_seen()

    # -- narration -------------------------------------------------------------

    def scene(self, title: str) -> None:
        self._emit("", f"=== {title} ===")

    def note(self, text: str) -> None:
        self._emit(f"({text})")

    def _emit(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(self.readable(line))

    def readable(self, text: str) -> str:
        """Replace ids and Discord timestamps with what a person would read."""
        state = self.world.state

        def user(m: re.Match[str]) -> str:
            found = state.users.get(int(m.group(1)))
            return f"@{found.username}" if found else "@someone"

        def role(m: re.Match[str]) -> str:
            for guild in state.guilds.values():
                if int(m.group(1)) in guild.roles:
                    return f"@{guild.roles[int(m.group(1))].name}"
            return "@role"

        def channel(m: re.Match[str]) -> str:
            found = state.channels.get(int(m.group(1)))
            return f"#{found.name}" if found else "#channel"

        def stamp(m: re.Match[str]) -> str:
            when = datetime.fromtimestamp(int(m.group(1)), UTC)
            if m.group(2) == "R":
                delta = when - state.now
                hours = round(delta.total_seconds() / 3600)
                if abs(hours) < 1:
                    return "[now]"
                if abs(hours) < 48:
                    return f"[in {hours} hours]" if hours > 0 else f"[{-hours} hours ago]"
                days = round(hours / 24)
                return f"[in {days} days]" if days > 0 else f"[{-days} days ago]"
            return "[" + when.strftime("%a %d %b %Y %H:%M UTC") + "]"

        for pattern, fn in ((TIMESTAMP, stamp), (USER, user), (ROLE, role), (CHANNEL, channel)):
            text = pattern.sub(fn, text)
        return text

    def page(self, header: str, body: str) -> None:
        """Something read outside Discord (a web page), under its header."""
        self._block(header, body)

    def _block(self, header: str, body: str) -> None:
        self._emit(header)
        for line in body.splitlines() or [""]:
            self._emit(f"    {line}" if line else "")

    # -- actions -------------------------------------------------------------

    async def slash(self, person: Person, command: str, **options: Any) -> Reply:
        shown = " ".join(f"{k}:{self._option(v)}" for k, v in options.items())
        self._emit("", f"> {person.name} types /{command} {shown}".rstrip())
        return await self._after(person, person.slash(command, **options))

    async def click(self, person: Person, target: Any, label: str) -> Reply:
        self._emit("", f'> {person.name} presses "{label}"')
        return await self._after(person, person.click(target, label))

    async def select(
        self, person: Person, target: Any, which: str, values: list[str], said: str
    ) -> Reply:
        self._emit("", f"> {person.name} chooses {said}")
        return await self._after(person, person.select(target, which, values))

    async def submit(self, person: Person, modal: Reply, said: str, **fields: Any) -> Reply:
        self._emit("", f"> {person.name} fills in the form: {said}")
        return await self._after(person, person.submit_modal(modal, **fields))

    async def dm_bot(self, person: Person, text: str) -> None:
        self._emit("", f"> {person.name} sends the bot a DM: {text!r}")
        await person.dm_bot(text)
        self.show_new()

    async def advance(self, said: str, **delta: float) -> None:
        self._emit("", f"... {said} ...")
        await self.world.advance(**delta)
        self.show_new()

    async def _after(self, person: Person, action: Awaitable[Reply]) -> Reply:
        reply = await action
        self._show_reply(person, reply)
        self.show_new()
        return reply

    def _show_reply(self, person: Person, reply: Reply) -> None:
        if reply.modal is not None:
            self._block(f"  {person.name} sees a form:", reply.text)
            return
        for message in reply.messages:
            self._seen.add(message.id)
            where = "only they see" if message.ephemeral else "in the channel"
            self._block(f"  {person.name} sees ({where}):", message_text(message))
            self._save_files(message)

    def show_new(self) -> None:
        """Posts and DMs that appeared since the last look."""
        state = self.world.state
        for message in sorted(state.messages.values(), key=self._reading_order):
            if message.id in self._seen or message.deleted or message.author is not state.bot:
                continue
            if message.visible_to is not None:
                continue  # ephemeral replies are shown with the action that caused them
            self._seen.add(message.id)
            channel = state.channels[message.channel_id]
            if channel.recipient is not None:
                header = f"  DM from Speak Back to {channel.recipient.username}:"
            elif len(state.guilds) > 1:  # several servers: say which one
                server = state.guilds[channel.guild_id].name
                header = f"  New post in #{channel.name} of {server} (everyone there sees):"
            else:
                header = f"  New post in #{channel.name} (everyone there sees):"
            self._block(header, message_text(message))
            self._save_files(message)
        # edits of messages already shown are not repeated: the transcript stays short

    def _reading_order(self, message: Any) -> tuple[int, int, str, int]:
        """Server by server, channel by channel, then DMs by person: stable, whatever
        order the paced sender's concurrent requests happened to reach "Discord" in."""
        state = self.world.state
        channel = state.channels[message.channel_id]
        if channel.recipient is not None:
            return (1, 0, channel.recipient.username, message.id)
        guild_ids = [ref.id for ref in self.world.guilds]
        position = guild_ids.index(channel.guild_id) if channel.guild_id in guild_ids else 99
        return (0, position, channel.name, message.id)

    def _mark_all_seen(self) -> None:
        self._seen.update(self.world.state.messages)

    def _save_files(self, message: Any) -> None:
        if self.output is None:
            return
        for attachment in message.attachments:
            if attachment.id in self._saved:
                continue
            self._saved.add(attachment.id)
            self.output.mkdir(parents=True, exist_ok=True)
            (self.output / attachment.filename).write_bytes(attachment.data)
            self._emit(f"    (saved to demo-output/{attachment.filename})")

    def _option(self, value: Any) -> str:
        name = getattr(value, "name", None)
        if name is not None and hasattr(value, "id"):
            kind = type(value).__name__
            return f"#{name}" if kind.startswith("Channel") else f"@{name}"
        return f'"{value}"' if isinstance(value, str) and " " in value else str(value)

    def text(self) -> str:
        return "\n".join(self.lines).strip() + "\n"


# -- the story -----------------------------------------------------------------------

Scene = Callable[[Transcript, World], Awaitable[None]]


async def scene_setup(t: Transcript, world: World) -> None:
    t.scene("A moderator sets Speak Back up")
    mod = world.mod
    await t.slash(
        mod, "setup roles", organiser=world.role("Organisers"), announce=world.role("Announcements")
    )
    await t.slash(
        mod,
        "setup channel",
        announcements=world.channel("announcements"),
        moderators=world.channel("moderators"),
    )
    await t.slash(mod, "setup timezone", zone="Europe/London")
    await t.slash(mod, "setup show")
    await t.slash(mod, "setup welcome")  # an introduction to pin, in #general


async def scene_member_joins(t: Transcript, world: World) -> None:
    t.scene("Alice joins, on her own terms")
    alice = world.user("alice")
    await t.slash(alice, "help")
    # no typing needed: the pinned introduction's button opens the notice privately
    notice = await t.click(alice, world.channel("general").last, "Read about joining")
    welcome = await t.click(alice, notice, "I agree")
    await t.select(
        alice,
        welcome,
        "member:prefs",
        ["dm_opportunities", "dm_reminders", "dm_outcomes"],
        "all three kinds of messages",
    )
    await t.slash(alice, "me show")
    await t.slash(alice, "support")
    await t.dm_bot(alice, "hello, is anyone there?")


from tests.demo_ideas import scene_idea  # noqa: E402
from tests.demo_meetings import scene_meeting  # noqa: E402
from tests.demo_network import scene_network_poll  # noqa: E402
from tests.demo_opportunities import scene_my_record, scene_opportunity  # noqa: E402
from tests.demo_outcomes import scene_outcomes  # noqa: E402
from tests.demo_pages import DEMO_ENV, scene_seen_beyond_discord  # noqa: E402
from tests.demo_polls import scene_poll  # noqa: E402  (a scene per feature, in its own file)

SCENES: list[Scene] = [
    scene_setup,
    scene_member_joins,
    scene_poll,
    scene_meeting,
    scene_opportunity,
    scene_my_record,
    scene_idea,
    scene_network_poll,
    scene_outcomes,
    scene_seen_beyond_discord,
]


async def run_demo(world: World, output: Path | None = OUTPUT) -> str:
    transcript = Transcript(world, output)
    transcript._emit("Speak Back demo: the real bot, against a local stand-in for Discord.")
    transcript._emit("Times are shown in UTC here; Discord shows each reader their own time zone.")
    for scene in SCENES:
        await scene(transcript, world)
    text = transcript.text()
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        (output / "transcript.txt").write_text(text, encoding="utf-8")
    return text


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="write the transcript file only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="speakback-demo-") as tmp:
        world = await World.start(Path(tmp), env=DEMO_ENV)
        try:
            text = await run_demo(world)
        except BaseException:
            print(world.bot_log()[-4000:], file=sys.stderr)
            raise
        finally:
            await world.close()
    if not args.quiet:
        print(text)
    print(f"Transcript saved to {OUTPUT / 'transcript.txt'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
