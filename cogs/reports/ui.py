"""/report's reply (the figures' summary, the page link, the zipped CSV) and its button."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.domain.timefmt import discord_timestamp
from bot.guards import actor_guild_id, require_organiser
from bot.services import Services
from bot.strings import reports as text
from bot.ui import DynamicView, SafeButton, embed, shown
from cogs.reports import flows

if TYPE_CHECKING:
    from bot.client import SpeakBack


def services_of(interaction: discord.Interaction[SpeakBack]) -> Services:
    services = interaction.client.services
    assert services is not None
    return services


def _day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def reply(made: flows.Made) -> tuple[discord.Embed, discord.ui.View | None, discord.File]:
    report = made.report
    period = report["period"]
    words = {
        "name": shown(report["name"], 100),
        "first": _day(period["first"]),
        "last": _day(period["last"]),
        "counted": report["servers_counted"],
        "servers": report["servers_in_network"],
    }
    intro = text.INTRO_NETWORK if report["scope"] == "network" else text.INTRO_SERVER
    lines = [intro.format(**words)]
    if period["so_far"]:
        lines.append(text.SO_FAR)
    lines.append(text.TOTALS_ONLY)
    view = None
    if made.url is not None and made.link_id is not None and made.expires_at is not None:
        lines.append(
            text.LINK.format(url=made.url, expires=discord_timestamp(made.expires_at, "f"))
        )
        lines.append(text.CSV_TOO)
        view = DynamicView()
        view.add_item(discord.ui.Button(label=text.OPEN_REPORT, url=made.url))
        view.add_item(WithdrawLinkButton(made.link_id))
    else:
        lines.append(text.CSV_ONLY)
    message = embed(text.TITLE.format(label=shown(period["label"], 100)), "\n\n".join(lines))
    for table in report["tables"]:
        rows = [f"{row['label']}: **{row['value']}**" for row in table["rows"]]
        message.add_field(name=table["title"], value="\n".join(rows)[:1024], inline=False)
    file = discord.File(io.BytesIO(made.csv_zip), filename=made.file_name)
    return message, view, file


class WithdrawLinkButton(SafeButton, template=r"report:(?P<id>[A-Za-z0-9_-]{8,40}):withdraw"):
    """Stop a report's private page link at once (any organiser of the server)."""

    def __init__(self, link_id: str) -> None:
        self.link_id = link_id
        super().__init__(
            f"report:{link_id}:withdraw", label=text.WITHDRAW_LINK, style=discord.ButtonStyle.danger
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(match["id"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        stopped = await flows.withdraw(
            services_of(interaction), actor_guild_id(interaction), self.link_id
        )
        await interaction.response.send_message(
            text.WITHDRAWN if stopped else text.ALREADY_STOPPED, ephemeral=True
        )


DYNAMIC_ITEMS = (WithdrawLinkButton,)
