"""Organisers' notes to the people who said yes: /opportunity message, /meeting message.

One way for both (issue 20): a feature registers how to find an item's audience
(`register_audience`), opens `NoteModal`, and this module checks the note, records
that it went, and queues one DM per person through the outbox as a service message
(`Delivery.tell_yes_sayers`: rule 15 decides who is reached now, who after quiet
hours, and whose is held while they step back). A refused note is kept as a draft
so **Fix it** opens the form again with what was typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot import strings
from bot.delivery import Letter, message_payload
from bot.domain.errors import Refusal
from bot.domain.notes import MAX_CONTACT, MAX_NOTE, NOTE_WINDOW, NOTES_PER_DAY, note_problem
from bot.guards import require_organiser
from bot.strings import notes as text
from bot.ui import DynamicView, SafeButton, SafeModal, embed, shown
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


@dataclass(frozen=True)
class NoteResult:
    words: str
    draft_id: int | None = None  # set when refused: Fix it opens the form with what was typed


def _words(kind: str, key: str, audience: Audience, **more: Any) -> str:
    return getattr(text, key)[kind].format(
        title=shown(audience.title, 200), when=audience.when or "", **more
    )


async def send_note(
    services: Services,
    kind: str,
    item_key: str,
    guild_id: int,
    user_id: int,
    note: str,
    contact: str,
    *,
    draft_id: int | None = None,
) -> NoteResult:
    """Check the note and send it to the item's audience, or say kindly why not."""
    db, now = services.db, services.clock.now()
    audience = await _FINDERS[kind](services, item_key, guild_id)
    counted_as = audience.item or item_key  # a meeting's dates share its limit
    sent_today = await notes_db.notes_since(db, kind, counted_as, now - NOTE_WINDOW)
    problem = note_problem(note, contact, sent_today)
    if problem is not None:
        words = text.PROBLEMS[problem].format(
            length=len(note.strip()) if problem == "too_long" else len(contact.strip()),
            limit=NOTES_PER_DAY
            if problem == "too_many"
            else MAX_NOTE
            if problem == "too_long"
            else MAX_CONTACT,
            what=text.WHAT[kind],
        )
        kept = {"kind": kind, "item_key": item_key, "note": note, "contact": contact}
        if draft_id is not None and await drafts_db.get_draft(
            db, "note", draft_id, guild_id, user_id
        ):
            await drafts_db.update_draft(db, "note", draft_id, kept)
        else:
            draft_id = await drafts_db.create_draft(db, "note", guild_id, user_id, kept, now)
        return NoteResult(words, draft_id)
    if not audience.recipients:
        return NoteResult(_words(kind, "NOBODY", audience))
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
        if draft_id is not None:
            await drafts_db.take_draft(db, "note", draft_id, guild_id, user_id)
    return NoteResult(strings.service_told(told.total, told.split, text.WHO[kind]))


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

    def __init__(
        self,
        kind: str,
        item_key: str,
        note: str = "",
        contact: str = "",
        draft_id: int | None = None,
    ) -> None:
        super().__init__(timeout=3600)
        self.kind, self.item_key, self.draft_id = kind, item_key, draft_id
        self.note = discord.ui.TextInput(
            custom_id="note",
            label=text.FIELD_NOTE,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=4000,
            placeholder=text.FIELD_NOTE_PLACEHOLDER,
            default=note or None,
        )
        self.contact = discord.ui.TextInput(
            custom_id="contact",
            label=text.FIELD_CONTACT,
            required=False,
            max_length=400,
            placeholder=text.FIELD_CONTACT_PLACEHOLDER,
            default=contact or None,
        )
        self.add_item(self.note)
        self.add_item(self.contact)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        actor, settings = await require_organiser(interaction)  # rule 7, on every step
        result = await send_note(
            _services(interaction),
            self.kind,
            self.item_key,
            settings.guild_id,
            actor.user_id,
            self.note.value or "",
            self.contact.value or "",
            draft_id=self.draft_id,
        )
        if result.draft_id is None:
            await interaction.response.send_message(result.words, ephemeral=True)
            return
        view = DynamicView()
        view.add_item(FixNoteButton(result.draft_id))
        await interaction.response.send_message(result.words, view=view, ephemeral=True)


class FixNoteButton(SafeButton, template=r"note:fix:(?P<id>[0-9]+)"):
    def __init__(self, draft_id: int) -> None:
        self.draft_id = draft_id
        super().__init__(
            f"note:fix:{draft_id}", label=text.FIX_IT, style=discord.ButtonStyle.primary
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        actor, settings = await require_organiser(interaction)
        kept = await drafts_db.get_draft(
            _services(interaction).db, "note", self.draft_id, settings.guild_id, actor.user_id
        )
        if kept is None:
            raise Refusal(text.DRAFT_GONE)
        await interaction.response.send_modal(
            NoteModal(kept["kind"], kept["item_key"], kept["note"], kept["contact"], self.draft_id)
        )


DYNAMIC_ITEMS = (FixNoteButton,)
