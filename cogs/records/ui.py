"""/me record's reply, **Get a certificate** and its one-field form."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.errors import Refusal
from bot.domain.records import NAME_LIMIT, Activity, certificate_name, hours_text, line
from bot.guards import require_member
from bot.services import Services
from bot.strings import records as text
from bot.ui import DynamicView, SafeButton, SafeModal, embed, shown, text_field
from cogs.records import flows

if TYPE_CHECKING:
    from bot.client import SpeakBack

EMBED_ROOM = 3800  # of Discord's 4096 characters in an embed's description
SECTION_LINES = 40  # per section: the rest are in the certificate and /me export


def services_of(interaction: discord.Interaction[SpeakBack]) -> Services:
    services = interaction.client.services
    assert services is not None  # built in setup_hook, before any interaction
    return services


def _months(months: int) -> str:
    return "1 month" if months == 1 else f"{months} months"


def _section(heading: str, activities: list[Activity], room: int) -> str:
    lines: list[str] = []
    used = len(heading) + 8
    for count, activity in enumerate(activities):
        words = f"- {shown(line(activity, text.SAID_GOING), 300)}"
        if count >= SECTION_LINES or used + len(words) + 90 > room:
            lines.append(text.MORE_LINES.format(count=len(activities) - count))
            break
        lines.append(words)
        used += len(words) + 1
    return f"**{heading}**\n" + "\n".join(lines)


def record_message(record: flows.MyRecord) -> tuple[discord.Embed, discord.ui.View | None]:
    """Their record, privately: what they took part in, then meetings they said going to."""
    if not record.everything:
        return embed(text.RECORD_TITLE, text.RECORD_EMPTY), None
    parts = [text.RECORD_INTRO]
    half = EMBED_ROOM // 2
    if record.took_part:
        parts.append(_section(text.TOOK_PART_HEADING, record.took_part, half))
        hours = sum(a.hours for a in record.took_part if a.hours is not None)
        if hours:
            parts.append(text.TOTAL_HOURS.format(hours=hours_text(hours)))
    if record.said_going:
        parts.append(_section(text.SAID_GOING_HEADING, record.said_going, half))
        parts.append(text.SAID_GOING_NOTE.format(months=_months(record.retention_months)))
    shown_embed = embed(text.RECORD_TITLE, "\n\n".join(parts))
    shown_embed.set_footer(text=text.RECORD_FOOTER)
    return shown_embed, DynamicView().add_item(CertificateButton())


class CertificateButton(SafeButton, template=r"record:certificate"):
    """**Get a certificate**: the form for the name to print. Whoever presses it gets
    their own certificate (the button carries nobody's id), never someone else's."""

    def __init__(self) -> None:
        super().__init__(
            "record:certificate", label=text.GET_CERTIFICATE, style=discord.ButtonStyle.primary
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        member = await require_member(interaction, allow_outdated_notice=True)
        record = await flows.my_record(services_of(interaction), member.guild_id, member.user_id)
        if not record.everything:
            raise Refusal(text.CERTIFICATE_EMPTY)
        await interaction.response.send_modal(CertificateModal(member.profile.preferred_name))


class CertificateModal(SafeModal, title=text.CERTIFICATE_MODAL_TITLE):
    """One field: the name to print. Deliberately not a form that keeps its work (no
    `form` key): the name is never stored, not even for **Fix it**."""

    def __init__(self, preferred_name: str | None) -> None:
        super().__init__(title=text.CERTIFICATE_MODAL_TITLE, timeout=3600)
        self.name = text_field(
            "name", text.FIELD_NAME, NAME_LIMIT, preferred_name,
            required=True, placeholder=text.FIELD_NAME_PLACEHOLDER,
        )  # fmt: skip
        self.add_item(self.name)

    async def on_submit(self, interaction: discord.Interaction[SpeakBack]) -> None:  # type: ignore[override]
        member = await require_member(interaction, allow_outdated_notice=True)
        try:
            name = certificate_name(
                self.name.value, empty=text.NAME_EMPTY, too_long=text.NAME_TOO_LONG
            )
        except Refusal as refused:
            again = DynamicView().add_item(CertificateButton())
            await interaction.response.send_message(
                f"{refused}\n{text.NAME_NOT_KEPT}", view=again, ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = services_of(interaction)
        server = services.posts.server_name(member.guild_id)
        made = await flows.certificate(services, member.guild_id, member.user_id, name, server)
        document = discord.File(io.BytesIO(made.data), filename=text.CERTIFICATE_FILENAME)
        if not made.unprinted:
            await interaction.followup.send(text.CERTIFICATE_READY, file=document, ephemeral=True)
            return
        words = f"{text.CERTIFICATE_READY}\n" + text.UNPRINTED.format(
            characters=" ".join(made.unprinted)
        )
        again = DynamicView().add_item(CertificateButton())
        await interaction.followup.send(words, file=document, view=again, ephemeral=True)


DYNAMIC_ITEMS: tuple[Any, ...] = (CertificateButton,)
