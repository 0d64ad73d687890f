"""A bare discord.py bot for testing the emulator, and the benchmark baseline.

It acknowledges everything immediately (except `/slow`), uses no database, and speaks
the same test-control contract as Speak Back (`/health`, `/settle`, `/clock`).

With ECHO_HI_AS_BALLOT=1 its "Say hi" button is answered the way Speak Back answers
*Vote*, still without a database: routed as a `DynamicItem`, with an embed and a select
(figure 1's baseline in `make bench`: what Speak Back adds to that work).

    python -m tests.emulator.echo_bot   # env: DISCORD_TOKEN, DISCORD_API_BASE,
                                        # SPEAKBACK_TEST_CONTROL_PORT, GUILD_READY_TIMEOUT
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time

import discord
import yarl
from aiohttp import web
from discord import app_commands

log = logging.getLogger("echo_bot")
probes: list[asyncio.Task[None]] = []  # kept referenced while they run
LATE: list[float] = []  # the lag probe's wake-ups, seconds late each
COLOURS = ["red", "orange", "yellow", "green", "blue", "indigo", "violet"]


class Form(discord.ui.Modal, title="Tell us"):
    name = discord.ui.TextInput(label="Your name", custom_id="name", max_length=50)
    about = discord.ui.TextInput(
        label="About you", custom_id="about", style=discord.TextStyle.long, required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Thanks {self.name.value}: {self.about.value or '(nothing)'}", ephemeral=True
        )


class Hello(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Say hi", custom_id="echo:hi", style=discord.ButtonStyle.primary)
    async def hi(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        kind = "member" if isinstance(interaction.user, discord.Member) else "user"
        await interaction.response.send_message(
            f"Hi {interaction.user.name} ({kind}, guild={interaction.guild_id})", ephemeral=True
        )

    @discord.ui.button(label="Open form", custom_id="echo:form")
    async def form(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(Form())

    @discord.ui.select(
        custom_id="echo:colour",
        placeholder="Pick a colour",
        options=[discord.SelectOption(label=c.title(), value=c) for c in COLOURS[:3]],
    )
    async def colour(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.edit_message(content=f"You picked {', '.join(select.values)}")


BALLOT_INTRO = (
    "This poll is **anonymous**: once the poll closes, nobody can tell how you voted. "
    "Organisers only see totals.\nChoose **one** option. You can change your vote until "
    "the poll closes."
)
BALLOT_OPTIONS = ("Waiting times", "Peer support groups", "Out-of-hours help")


class BallotSelect(
    discord.ui.DynamicItem[discord.ui.Select], template=r"echo:ballot:(?P<id>[0-9]+)"
):
    def __init__(self, poll_id: int) -> None:
        options = [
            discord.SelectOption(label=f"{n + 1}. {o}", value=str(n))
            for n, o in enumerate(BALLOT_OPTIONS)
        ]
        select = discord.ui.Select(
            custom_id=f"echo:ballot:{poll_id}", placeholder="Choose one", options=options
        )
        super().__init__(select)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))


class HiAsBallot(discord.ui.DynamicItem[discord.ui.Button], template=r"echo:hi"):
    """'Say hi' answered like Speak Back's *Vote*: an embed and a select, no database."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Say hi", custom_id="echo:hi"))

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        shown = discord.Embed(title="What should we improve first?", description=BALLOT_INTRO)
        view = discord.ui.View(timeout=None)
        view.stop()  # as Speak Back's DynamicView: not kept by discord.py
        view.add_item(BallotSelect(1))
        await interaction.response.send_message(embed=shown, view=view, ephemeral=True)


HI_AS_BALLOT = os.environ.get("ECHO_HI_AS_BALLOT") == "1"
LAG_INTERVAL = 0.01  # as Speak Back's test-only lag probe (bot/testing.py)


async def lag_probe() -> None:
    """What Speak Back's test control runs all along: a 10 ms sleep in a loop, each
    wake-up's lateness kept. The ballot-shaped baseline runs it too, so figure 1's
    CPU per press compares the bots' own work, not the instrument in one of them."""
    while True:
        asked = time.perf_counter()
        await asyncio.sleep(LAG_INTERVAL)
        LATE.append(max(0.0, time.perf_counter() - asked - LAG_INTERVAL))
        if len(LATE) > 100_000:
            LATE.clear()


config = app_commands.Group(name="config", description="Settings (moderators)")
roles = app_commands.Group(name="roles", description="Role settings", parent=config)


@config.command(name="show", description="Show settings")
async def config_show(interaction: discord.Interaction) -> None:
    perms = interaction.permissions
    await interaction.response.send_message(
        f"manage_guild={perms.manage_guild} roles={[r.name for r in interaction.user.roles]}",  # type: ignore[union-attr]
        ephemeral=True,
    )


@roles.command(name="set", description="Set the organiser role")
async def roles_set(
    interaction: discord.Interaction,
    organiser: discord.Role,
    channel: discord.TextChannel,
    who: discord.Member,
    months: app_commands.Range[int, 1, 24] = 12,
    public: bool = False,
) -> None:
    if not interaction.permissions.manage_guild:
        await interaction.response.send_message(
            "Sorry, only moderators can do that.", ephemeral=True
        )
        return
    await interaction.response.send_message(
        f"organiser={organiser.name} channel={channel.name} who={who.name} "
        f"months={months} public={public}",
        ephemeral=not public,
    )


def build_client() -> discord.Client:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = True
    client = discord.Client(
        intents=intents,
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=float(os.environ.get("GUILD_READY_TIMEOUT", "0.05")),
    )
    tree = app_commands.CommandTree(client)
    tree.add_command(config)
    ready = asyncio.Event()

    @tree.command(description="Say something back")
    async def echo(interaction: discord.Interaction, text: str, ephemeral: bool = False) -> None:
        await interaction.response.send_message(text, ephemeral=ephemeral)

    @tree.command(description="Buttons, a form and a select")
    async def hello(interaction: discord.Interaction) -> None:
        shown = Hello()
        if HI_AS_BALLOT:
            shown.stop()  # so its "Say hi" goes to HiAsBallot alone
        await interaction.response.send_message("Hello! Try these:", view=shown)

    @tree.command(description="Open a form")
    async def form(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Form())

    @tree.command(description="Answer after a delay")
    async def slow(interaction: discord.Interaction, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await interaction.response.send_message(f"slept {seconds}")

    @tree.command(description="Defer, then follow up")
    async def think(interaction: discord.Interaction, ephemeral: bool = False) -> None:
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        await asyncio.sleep(0.05)
        await interaction.followup.send("done thinking")

    @tree.command(description="DM me, with a button")
    async def dm_me(interaction: discord.Interaction, text: str) -> None:
        try:
            await interaction.user.send(text, view=Hello())
        except discord.Forbidden as error:
            await interaction.response.send_message(f"DMs closed ({error.code})", ephemeral=True)
            return
        await interaction.response.send_message("Sent you a DM", ephemeral=True)

    @tree.command(description="DM many people at once (unpaced)")
    async def burst(interaction: discord.Interaction, user_ids: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)

        async def one(uid: int) -> None:
            channel = await client.create_dm(discord.Object(uid))
            await channel.send("burst", nonce=f"burst-{uid}")

        ids = [int(x) for x in user_ids.split()]
        results = await asyncio.gather(*(one(u) for u in ids), return_exceptions=True)
        failed = [r for r in results if isinstance(r, Exception)]
        await interaction.followup.send(f"sent {len(ids) - len(failed)} failed {len(failed)}")

    @tree.command(description="Post the same message twice with one nonce")
    async def nonce(interaction: discord.Interaction, text: str) -> None:
        first = await interaction.channel.send(text, nonce="echo-nonce-1")  # type: ignore[union-attr]
        second = await interaction.channel.send(text, nonce="echo-nonce-1")  # type: ignore[union-attr]
        await interaction.response.send_message(f"same={first.id == second.id}", ephemeral=True)

    async def colour_choices(
        _: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=c.title(), value=c) for c in COLOURS if current in c]

    @tree.command(description="Pick a colour")
    @app_commands.autocomplete(colour=colour_choices)
    async def pick(interaction: discord.Interaction, colour: str) -> None:
        await interaction.response.send_message(f"picked {colour}")

    @client.event
    async def setup_hook() -> None:
        _, url, _ = await client.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        if HI_AS_BALLOT:
            client.add_dynamic_items(HiAsBallot, BallotSelect)
        else:
            client.add_view(Hello())
        guild_id = os.environ.get("DEV_GUILD_ID")
        if guild_id:
            tree.copy_global_to(guild=discord.Object(int(guild_id)))
            await tree.sync(guild=discord.Object(int(guild_id)))
        else:
            await tree.sync()
        port = os.environ.get("SPEAKBACK_TEST_CONTROL_PORT")
        if port:
            await start_control(ready, int(port))
        if HI_AS_BALLOT:
            probes.append(asyncio.create_task(lag_probe(), name="echo-lag-probe"))

    @client.event
    async def on_ready() -> None:
        if HI_AS_BALLOT:  # as Speak Back does once ready (bot/client.py)
            gc.collect()
            gc.freeze()
        ready.set()
        log.info("echo bot ready in %d server(s)", len(client.guilds))

    @client.event
    async def on_message(message: discord.Message) -> None:
        if message.guild is None and message.author != client.user:
            await message.channel.send(f"You said: {message.content}")

    return client


async def start_control(ready: asyncio.Event, port: int) -> web.AppRunner:
    now = {"now": os.environ.get("SPEAKBACK_TEST_NOW", "")}

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ready": ready.is_set()})

    async def clock(request: web.Request) -> web.Response:
        now["now"] = (await request.json())["now"]
        return web.json_response(now)

    async def settle(_: web.Request) -> web.Response:
        return web.json_response(now)

    async def lag(_: web.Request) -> web.Response:
        return web.json_response({"samples": len(LATE), "running": bool(probes)})

    app = web.Application()
    app.router.add_get("/test/lag", lag)
    app.router.add_get("/health", health)
    app.router.add_post("/clock", clock)
    app.router.add_post("/settle", settle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    base = os.environ.get("DISCORD_API_BASE")
    if base:
        discord.http.Route.BASE = base
    client = build_client()
    client.run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
