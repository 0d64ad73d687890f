"""Building blocks for our buttons and modals, so every one fails kindly the same way."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

import discord

from bot import strings
from bot.domain.errors import Refusal
from bot.domain.text import clean_typed, cut
from bot.errors import answer_error, reply_ephemeral, root_cause
from db import drafts

T = TypeVar("T")
MAX_CUSTOM_ID = 100  # Discord's limit on a component's custom id
COLOUR = discord.Colour(0x2E6F95)  # a calm blue; never the only carrier of meaning (rule 13)


def embed(title: str, description: str | None = None, **kwargs: Any) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=COLOUR, **kwargs)


def shown(value: str, limit: int = 1000) -> str:
    """A person's own text, safe to display: nothing hidden, no markdown tricks or mentions, fits."""
    safe = discord.utils.escape_mentions(discord.utils.escape_markdown(clean_typed(value)))
    safe = safe.replace("<@", "<@\u200b")  # any <@id>/<@&id>, whatever its length
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


_FORMS: dict[str, type[SafeModal]] = {}
"""Every form that keeps its work, by its `form` key (for **Fix it**)."""


class SafeModal(discord.ui.Modal):
    """A modal whose errors are answered with `answer_error` (never a traceback).

    A form that keeps its work (issue 29) sets `form` (a short key, never changed once
    used), gives `form_context` (what it is about: ids, JSON-safe) and `reopen` (build
    it again for that context, re-checking who may, rule 7). Then a bad field saves
    nothing, the refusal names what to change, and **Fix it** reopens the form with
    everything as it was typed, from a draft kept 15 minutes in the database.
    A form may keep its work longer (`keep_for`) and say so in its own words: then
    `kept_words` (added to the refusal) and `gone_words` (when kept too long) change too.
    """

    form: ClassVar[str | None] = None
    keep_for: ClassVar[timedelta] = drafts.FORM_LIFETIME
    kept_words: ClassVar[str] = strings.FORM_KEPT  # "" when the refusal already says it
    gone_words: ClassVar[str] = strings.FORM_GONE

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        key = cls.__dict__.get("form")
        if key:
            _FORMS[key] = cls

    def form_context(self) -> dict[str, Any]:
        return {}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        raise NotImplementedError

    def typed(self) -> dict[str, str]:
        return {
            item.custom_id: item.value
            for item in self.children
            if isinstance(item, discord.ui.TextInput)
        }

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        root = root_cause(error)
        if self.form is not None and isinstance(root, Refusal):
            kept = await keep_typed(interaction, self)
            if kept is not None:
                view = DynamicView().add_item(FixItButton(kept))
                words = f"{root}\n{self.kept_words}" if self.kept_words else str(root)
                await reply_ephemeral(interaction, words, view=view)
                return
        await answer_error(interaction, error)


class DynamicView(discord.ui.View):
    """The view of a message whose items are all our `DynamicItem`s (or links).

    A press on a DynamicItem is routed by its custom id to the class each cog
    registers at start-up, so it works across restarts and needs nothing kept
    from the message that carried it. Yet discord.py keeps an ephemeral view sent
    with `timeout=None` (a ballot, a settings screen; `send_message` and
    followups) for fifteen minutes, each with a timer task. Under 500 Vote presses
    a second that is every ballot of the last quarter hour held alive, and scanned
    by each full garbage collection (pauses grew past 100 ms). A view stopped at
    birth is never kept; its items render as usual. (Stopping needs a running
    event loop, which the bot always has when it builds a view.)
    """

    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.stop()

    def add_item(self, item: discord.ui.Item[Any]) -> DynamicView:
        if item.is_dispatchable() and not isinstance(item, discord.ui.DynamicItem):
            # A plain item's callback is only reached through a kept view.
            raise TypeError(f"{item!r} needs a kept view: make it a DynamicItem")
        super().add_item(item)
        return self


class SafeItem:
    """Mix into a `DynamicItem` ahead of it: subclasses write `on_press`, errors are answered.

    discord.py only logs an exception raised in a dynamic item's callback, which
    leaves the person with "This interaction failed". This answers them instead.

        class VoteButton(SafeItem, discord.ui.DynamicItem[discord.ui.Button],
                         template=r"poll:(?P<poll_id>[0-9]+):vote"): ...
    """

    async def on_press(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.on_press(interaction)
        except Exception as error:
            await answer_error(interaction, error)


class SafeButton(SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"(?!)"):
    """A `DynamicItem` button built from its custom id, a label and a style.

    Subclasses give the `template` that routes presses to them (never change one:
    buttons on month-old posts must keep working), parse it in `from_custom_id`,
    and write `on_press`; errors are answered kindly (`SafeItem`).

        class VoteButton(SafeButton, template=r"poll:(?P<poll_id>[0-9]+):vote"):
            def __init__(self, poll_id: int) -> None:
                self.poll_id = poll_id
                super().__init__(f"poll:{poll_id}:vote", label=strings.VOTE,
                                 style=discord.ButtonStyle.primary)
    """

    def __init__(
        self,
        custom_id: str,
        *,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        emoji: str | None = None,
        disabled: bool = False,
        row: int | None = None,
    ) -> None:
        button = discord.ui.Button(
            label=label, style=style, custom_id=custom_id, emoji=emoji, disabled=disabled
        )
        super().__init__(button, row=row)


class NumberedButton(SafeButton, template=r"(?!)"):
    """A button about one numbered thing (a poll, a meeting, a server, a kept form).

    Subclasses give a `template` whose first group is the number (never change one),
    `id_format` drawing the same id (`"poll:{}:vote"`), `LABEL` and `STYLE`, and name
    the number for their own code with a property (`poll_id`).
    """

    id_format: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    STYLE: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.primary

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(self.id_format.format(number), label=self.LABEL, style=self.STYLE)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match[1]))


def text_field(
    custom_id: str,
    label: str,
    max_length: int,
    default: str | None = None,
    *,
    required: bool = False,
    paragraph: bool = False,
    placeholder: str | None = None,
) -> discord.ui.TextInput[Any]:
    """A form field (optional unless `required`), showing `default` (if any) as already
    typed. The label and placeholder are cut to Discord's 45 and 100 characters."""
    return discord.ui.TextInput(
        custom_id=custom_id,
        label=cut(label, 45),
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        required=required,
        max_length=max_length,
        placeholder=cut(placeholder, 100) if placeholder else None,
        default=default or None,
    )


def in_field(label: str, check: Callable[..., T], *args: Any) -> T:
    """`check(*args)`, its refusal naming the form's field: "**Quiet hours**: ..."."""
    try:
        return check(*args)
    except Refusal as refused:
        raise Refusal(f"**{label}**: {refused}") from None


async def keep_typed(interaction: discord.Interaction, modal: SafeModal) -> int | None:
    """Keep what was typed in `modal` for **Fix it**; None if it cannot be kept."""
    client: Any = interaction.client
    db, clock = getattr(client, "db", None), getattr(client, "clock", None)
    if db is None or clock is None or modal.form is None:
        return None
    return await drafts.keep_form(
        db,
        modal.form,
        interaction.guild_id or 0,
        interaction.user.id,
        modal.form_context(),
        modal.typed(),
        clock.now(),
        modal.keep_for,
    )


class FixItButton(NumberedButton, template=r"form:(?P<id>[0-9]+):fix"):
    """**Fix it**: the refused form again, as it was typed (kept 15 minutes, or as long
    as that form keeps its work)."""

    id_format = "form:{}:fix"
    LABEL = strings.FIX_IT
    gone_words: ClassVar[str] = strings.FORM_GONE  # when nothing is kept under its number

    @property
    def draft_id(self) -> int:
        return self.number

    async def kept_id(self, interaction: discord.Interaction) -> int | None:
        """Which kept form in `form_drafts` this button reopens."""
        return self.draft_id

    async def on_press(self, interaction: discord.Interaction) -> None:
        client: Any = interaction.client
        draft_id = await self.kept_id(interaction)
        found = (
            await drafts.take_form(client.db, draft_id, interaction.user.id, client.clock.now())
            if draft_id is not None
            else None
        )
        form = _FORMS.get(found.form) if found is not None else None
        if found is None or form is None:
            raise Refusal(self.gone_words)
        if found.expired:
            raise Refusal(form.gone_words)
        modal = await form.reopen(interaction, found.context)
        for item in modal.children:
            if isinstance(item, discord.ui.TextInput) and item.custom_id in found.fields:
                item.default = found.fields[item.custom_id] or None
        await interaction.response.send_modal(modal)


class ReadAboutJoiningButton(SafeButton, template=r"member:read(?::(?P<origin>.+))?"):
    """**Read about joining**: the notice, privately (on the welcome post and on every
    "join first" reply). `origin`: the button they pressed, carried on after I agree.

    Shown by the membership feature, which sets `show` when it loads (bot/ knows no
    feature); the post it sits on is never edited for one person.
    """

    show: ClassVar[Callable[[discord.Interaction, str | None], Awaitable[None]] | None] = None

    def __init__(self, origin: str | None = None) -> None:
        self.origin = origin
        super().__init__(
            self.custom_id_for(origin),
            label=strings.READ_ABOUT_JOINING,
            style=discord.ButtonStyle.primary,
        )

    @staticmethod
    def custom_id_for(origin: str | None) -> str:
        return "member:read" if origin is None else f"member:read:{origin}"

    @classmethod
    def fitting(cls, origin: str | None) -> ReadAboutJoiningButton:
        """The button carrying `origin` when its id fits Discord's 100 characters."""
        if origin is not None and len(cls.custom_id_for(origin)) > MAX_CUSTOM_ID:
            origin = None
        return cls(origin)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(match["origin"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        if self.show is None:
            raise Refusal(strings.JOIN_FIRST)
        await type(self).show(interaction, self.origin)  # type: ignore[misc]


class ReadbackButton(SafeButton, template=r"(?!)"):
    """A read-back's button (issue 29): **Post it**, **Change**, or morning/evening.

    Polls and opportunities subclass it with their own `prefix` and `template`
    (`<prefix>:<draft id>:<post|change|am|pm>`, never changed) and write `on_press`.
    """

    prefix: ClassVar[str] = ""
    LABELS: ClassVar[dict[str, str]] = {"post": strings.POST_IT, "change": strings.CHANGE}

    def __init__(self, draft_id: int, action: str, label: str = "") -> None:
        self.draft_id = draft_id
        self.action = action
        super().__init__(
            f"{self.prefix}:{draft_id}:{action}",
            label=label or self.LABELS.get(action, action),
            style=discord.ButtonStyle.success
            if action == "post"
            else discord.ButtonStyle.primary
            if action in ("am", "pm")
            else discord.ButtonStyle.secondary,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["action"])


def readback_view(
    button: type[ReadbackButton], draft_id: int, morning_or_evening: tuple[str, str] | None
) -> DynamicView:
    """**Post it** / **Change**; while morning or evening is asked (their labels given),
    those two instead of **Post it**: nothing is posted until one is pressed."""
    view = DynamicView()
    if morning_or_evening is not None:
        am, pm = morning_or_evening
        view.add_item(button(draft_id, "am", am))
        view.add_item(button(draft_id, "pm", pm))
    else:
        view.add_item(button(draft_id, "post"))
    view.add_item(button(draft_id, "change"))
    return view


# -- presses on public posts ----------------------------------------------------------


def on_own_message(interaction: discord.Interaction) -> bool:
    """Whether the press was on a message only this person sees (ephemeral, or a DM).

    Only such a message may be edited in answer to one person's press. A post in a
    channel (a poll, an opportunity, a meeting, a network copy) is everyone's: what is
    personal about a press on it goes in a new ephemeral reply.
    """
    message = interaction.message
    if message is None:
        return False
    return message.flags.ephemeral or interaction.guild_id is None


def pressed_button(interaction: discord.Interaction) -> str | None:
    """The custom id of the button this interaction is a press of (None for anything else)."""
    data = interaction.data or {}
    if interaction.type is not discord.InteractionType.component:
        return None
    if data.get("component_type") != discord.ComponentType.button.value:
        return None  # a select's values are not in its id, so it cannot be pressed again
    custom_id = data.get("custom_id")
    return custom_id if isinstance(custom_id, str) else None


def dynamic_item_for(
    client: discord.Client, custom_id: str
) -> tuple[type[discord.ui.DynamicItem[Any]], re.Match[str]] | None:
    """The DynamicItem class the cogs registered for `custom_id`, and its match."""
    store = client._connection._view_store  # where add_dynamic_items keeps them
    for pattern, factory in store._dynamic_items.items():
        match = pattern.fullmatch(custom_id)
        if match is not None:
            return factory, match
    return None


async def carry_on(interaction: discord.Interaction, custom_id: str) -> bool:
    """Do for this person what the button `custom_id` does, as if they pressed it now.

    Used once this interaction has had its one response (e.g. after I agree on a
    notice shown instead of a Vote): the button's own code runs, re-checking
    everything (rule 7), and its answers go out as ephemeral followups. It was
    not pressed on this message, so it sees no message (nothing edits one).
    False if no item is registered for the id (nothing is done).
    """
    found = dynamic_item_for(interaction.client, custom_id)
    if found is None:
        return False
    factory, match = found
    carried: Any = CarriedOn(interaction, custom_id)
    item = await factory.from_custom_id(carried, discord.ui.Button(custom_id=custom_id), match)
    await item.callback(carried)
    return True


class CarriedOn:
    """An interaction already answered, lent to a button's code that answers it again.

    Everything reads through to the real interaction except: `message` is None (the
    button was pressed elsewhere), `data` names that button, and `response` sends
    every answer as an ephemeral followup (`FollowupResponse`).
    """

    def __init__(self, interaction: discord.Interaction, custom_id: str) -> None:
        self._interaction = interaction
        self.message = None
        self.data = {"custom_id": custom_id, "component_type": discord.ComponentType.button.value}
        self.response = FollowupResponse(interaction)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._interaction, name)


class FollowupResponse:
    """`interaction.response` for an interaction that has had its one response.

    Discord allows one response per interaction and followups after it: a message
    becomes an ephemeral followup, an edit becomes one too (the message it would
    edit is not this person's to change), a defer is already done. A form can only
    be a first response, so the person is asked to press again.
    """

    _SENDABLE = ("embed", "embeds", "file", "files", "view", "allowed_mentions", "suppress_embeds")

    def __init__(self, interaction: discord.Interaction) -> None:
        self._followup = interaction.followup

    def is_done(self) -> bool:
        return True

    async def defer(self, **_: Any) -> None:
        return None

    async def send_message(self, content: Any = None, **kwargs: Any) -> None:
        await self._send(content, kwargs)

    async def edit_message(self, *, content: Any = None, **kwargs: Any) -> None:
        await self._send(content, kwargs)

    async def send_modal(self, modal: discord.ui.Modal) -> None:
        await self._followup.send(strings.PRESS_AGAIN, ephemeral=True)

    async def _send(self, content: Any, kwargs: dict[str, Any]) -> None:
        sent = {
            key: value
            for key, value in kwargs.items()
            if key in self._SENDABLE and value is not None and value is not discord.utils.MISSING
        }
        await self._followup.send(content, ephemeral=True, **sent)
