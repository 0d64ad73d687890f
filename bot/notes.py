"""Organisers' notes to the people who said yes: /opportunity message, /meeting message.

One way for both (issue 20): a feature registers how to find an item's audience
(`register_audience`), opens `NoteModal`, and this module checks the note, records
that it went, and queues one DM per person through the outbox as a service message
(`Delivery.tell_yes_sayers`: rule 15 decides who is reached now, who after quiet
hours, and whose is held while they step back). A refused note is kept like any
refused form (bot/ui.py, `form_drafts`), for two days so one refused for the day's
limit can go tomorrow: **Fix it** opens the form again with what was typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot import strings
from bot.delivery import Letter, message_payload
from bot.domain.errors import Refusal
from bot.domain.notes import MAX_CONTACT, MAX_NOTE, NOTE_WINDOW, NOTES_PER_DAY, note_problem
from bot.guards import require_organiser
from bot.strings import notes as text
from bot.ui import FixItButton, SafeModal, embed, shown, text_field
from db import drafts as drafts_db
from db import notes as notes_db

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Audience:
    """Who a note about one item goes to, found by the feature that owns the item."""

    title: str  # the item's title, as its organisers wrote it
    when: str | None  # a meeting's date (a Discord timestamp); None for an opportunity
    recipients: list[tuple[int, int]]  # (guild_id, user_id), each in the server they count in
    item: str | None = None  # what the day's limit counts by (default: the item key)
    starts_at: datetime | None = None  # a meeting's start: no use after it, nor held past it


Finder = Callable[["Services", str, int], Awaitable[Audience]]
"""(services, item key, organiser's server) -> the audience; a Refusal if not theirs."""

_FINDERS: dict[str, Finder] = {}


def register_audience(kind: str, finder: Finder) -> None:
    _FINDERS[kind] = finder


def _words(kind: str, key: str, audience: Audience, **more: Any) -> str:
    return getattr(text, key)[kind].format(
        title=shown(audience.title, 200), when=audience.when or "", **more
    )


async def send_note(
    services: Services,
    kind: str,
    item_key: str,
    guild_id: int,
    note: str,
    contact: str,
) -> str:
    """Check the note and send it to the item's audience (what to tell the organiser);
    a Refusal saying kindly why not (the form keeps what was typed)."""
    db, now = services.db, services.clock.now()
    audience = await _FINDERS[kind](services, item_key, guild_id)
    counted_as = audience.item or item_key  # a meeting's dates share its limit
    sent_today = await notes_db.notes_since(db, kind, counted_as, now - NOTE_WINDOW)
    problem = note_problem(note, contact, sent_today)
    if problem is not None:
        raise Refusal(
            text.PROBLEMS[problem].format(
                length=len(note.strip()) if problem == "too_long" else len(contact.strip()),
                limit=NOTES_PER_DAY
                if problem == "too_many"
                else MAX_NOTE
                if problem == "too_long"
                else MAX_CONTACT,
                what=text.WHAT[kind],
            )
        )
    if not audience.recipients:
        return _words(kind, "NOBODY", audience)
    server = services.posts.server_name(guild_id)
    message = embed(text.DM_TITLE.format(title=shown(audience.title, 200)), shown(note.strip()))
    if audience.when:
        message.add_field(name=text.DM_WHEN, value=audience.when)
    message.add_field(name=text.DM_FROM, value=text.DM_FROM_VALUE.format(server=shown(server)))
    message.add_field(name=text.DM_REPLY, value=shown(contact.strip()))
    message.set_footer(text=_words(kind, "BECAUSE", audience))
    payload = message_payload(embeds=[message])
    async with db.transaction():
        note_id = await notes_db.record_note(db, guild_id, kind, counted_as, now)
        told = await services.delivery.tell_yes_sayers(
            (
                Letter(
                    guild_id=member_guild,
                    user_id=member,
                    payload=payload,
                    dedupe_key=f"note:{note_id}:{member_guild}:{member}",
                    expires_at=audience.starts_at,
                )
                for member_guild, member in audience.recipients
            ),
            batch=f"note:{note_id}",
        )
    return strings.service_told(told.total, told.split, text.WHO[kind])


# -- the form and Fix it ---------------------------------------------------------------


def _services(interaction: discord.Interaction) -> Services:
    services = interaction.client.services  # type: ignore[attr-defined]
    assert services is not None
    return services


async def open_note_form(interaction: discord.Interaction, kind: str, item_key: str) -> None:
    """The command's answer: the form, once the item is theirs and someone said yes
    (checked first, so nobody writes a note that cannot go)."""
    _actor, settings = await require_organiser(interaction)
    audience = await _FINDERS[kind](_services(interaction), item_key, settings.guild_id)
    if not audience.recipients:
        await interaction.response.send_message(_words(kind, "NOBODY", audience), ephemeral=True)
        return
    await interaction.response.send_modal(NoteModal(kind, item_key))


class NoteModal(SafeModal, title=text.MODAL_TITLE):
    """The note and how to reply. Limits are checked on our side, kindly (the form
    allows more, so a long note is explained and kept, not cut off unseen)."""

    form = "note"
    keep_for = timedelta(days=2)  # refused for the day's limit: it can go tomorrow
    kept_words = ""  # each refusal says the note is kept (bot/strings/notes.py)
    gone_words = text.DRAFT_GONE

    def __init__(self, kind: str, item_key: str) -> None:
        super().__init__(timeout=3600)
        self.kind, self.item_key = kind, item_key
        self.note = text_field(
            "note",
            text.FIELD_NOTE,
            max_length=4000,
            placeholder=text.FIELD_NOTE_PLACEHOLDER,
            paragraph=True,
        )
        self.contact = text_field(
            "contact",
            text.FIELD_CONTACT,
            max_length=400,
            placeholder=text.FIELD_CONTACT_PLACEHOLDER,
        )
        self.add_item(self.note)
        self.add_item(self.contact)

    def form_context(self) -> dict[str, Any]:
        return {"kind": self.kind, "item_key": self.item_key}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        await require_organiser(interaction)  # rule 7: still theirs to send
        return cls(context["kind"], context["item_key"])

    async def on_submit(self, interaction: discord.Interaction) -> None:
        _actor, settings = await require_organiser(interaction)  # rule 7, on every step
        words = await send_note(
            _services(interaction),
            self.kind,
            self.item_key,
            settings.guild_id,
            self.note.value or "",
            self.contact.value or "",
        )
        await interaction.response.send_message(words, ephemeral=True)


class FixNoteButton(FixItButton, template=r"note:fix:(?P<id>[0-9]+)"):
    """**Fix it** on a note refused before notes were kept like every form: the note
    moved to `form_drafts` (migration 0028) and is found by its old number."""

    id_format = "note:fix:{}"
    LABEL = text.FIX_IT
    gone_words = text.DRAFT_GONE

    async def kept_id(self, interaction: discord.Interaction) -> int | None:
        return await drafts_db.form_id_by(
            _services(interaction).db, "note", "note_draft", self.draft_id, interaction.user.id
        )


DYNAMIC_ITEMS = (FixNoteButton,)
