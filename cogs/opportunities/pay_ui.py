"""Payment in Discord: the member's private choice, who took part, claims, payments.

Every button here is grey and equal (no choice is pushed). Every press re-checks
who may (rule 7): the member choosing must hold the place; organisers are checked
as organisers of the opportunity's own server. Custom ids are forever
(tests/unit/test_custom_ids.py).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.errors import Refusal
from bot.domain.payments import EXPENSE_WORDS, NO_PAYMENT, money
from bot.domain.text import cut
from bot.guards import actor_guild_id, require_member, require_organiser
from bot.strings import payments as text
from bot.ui import DynamicView, SafeButton, SafeItem, SafeModal, embed, shown, text_field
from cogs.opportunities import flows, paying
from db import opportunities as repo
from db.payments import NO_NAME

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services


def services_of(interaction: discord.Interaction) -> Services:
    services = interaction.client.services  # type: ignore[attr-defined]
    assert services is not None
    return services


def _guild_part(guild_id: int | None) -> str:
    return f":{guild_id}" if guild_id is not None else ""


# -- the member's choice ---------------------------------------------------------------


def ask_words(ask: paying.Asking) -> str:
    offer = ask.opp.offer.describe() or ""
    if ask.name_first:
        return text.ASK_NAME_TO_BE_PAID.format(home=shown(ask.home, 100))
    words = text.ASK_CHOICE.format(title=ask.opp.title, offer=offer, caution=text.CAUTION)
    if ask.current is not None:
        words += "\n" + text.CHOICE_NOW.format(choice=text.CHOICE_WORDS[ask.current.choice])
    return words


def choice_view(ask: paying.Asking, guild_id: int | None = None) -> discord.ui.View:
    """Equal grey buttons, one per way of being paid (or not)."""
    view = DynamicView()
    if ask.name_first:
        view.add_item(ShareToBePaidButton(ask.opp.id, guild_id))
        view.add_item(PayChoiceButton(ask.opp.id, NO_PAYMENT, guild_id))
        return view
    for choice in ask.choices:
        view.add_item(PayChoiceButton(ask.opp.id, choice, guild_id))
    return view


async def _chooser(interaction: discord.Interaction, opp_id: int) -> tuple[Any, int]:
    """(the opportunity, the member's id), re-checked: a member holding a place."""
    services = services_of(interaction)
    opp = await flows.get_opportunity(services, opp_id)
    reply = await repo.reply_of_person(services.db, opp.id, interaction.user.id)
    if reply is None:
        raise Refusal(text.CHOICE_NO_PLACE)
    await require_member(interaction, guild_id=reply.guild_id, allow_outdated_notice=True)
    return opp, interaction.user.id


class PayChoiceButton(
    SafeButton,
    template=r"opp:(?P<id>[0-9]+):pay:(?P<choice>fee|voucher|expenses|none)(?::(?P<guild>[0-9]+))?",
):
    """**Fee** / **Voucher** / **Expenses only** / **No payment, thanks**: all alike."""

    def __init__(self, opp_id: int, choice: str, guild_id: int | None = None) -> None:
        self.opp_id, self.choice, self.guild_id = opp_id, choice, guild_id
        super().__init__(
            f"opp:{opp_id}:pay:{choice}{_guild_part(guild_id)}", label=text.CHOICE_LABELS[choice]
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        guild = match["guild"]
        return cls(int(match["id"]), match["choice"], int(guild) if guild else None)

    async def on_press(self, interaction: discord.Interaction) -> None:
        opp, user_id = await _chooser(interaction, self.opp_id)
        try:
            words = await paying.choose(services_of(interaction), opp, user_id, self.choice)
        except paying.NameNeeded as needed:
            await interaction.response.send_message(
                ask_words(needed.ask), view=choice_view(needed.ask), ephemeral=True
            )
            return
        await interaction.response.send_message(words, ephemeral=True)


class ShareToBePaidButton(
    SafeButton, template=r"opp:(?P<id>[0-9]+):pay:share(?::(?P<guild>[0-9]+))?"
):
    """**Share my name to be paid**: then the choices follow."""

    def __init__(self, opp_id: int, guild_id: int | None = None) -> None:
        self.opp_id, self.guild_id = opp_id, guild_id
        super().__init__(
            f"opp:{opp_id}:pay:share{_guild_part(guild_id)}", label=text.SHARE_TO_BE_PAID
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        guild = match["guild"]
        return cls(int(match["id"]), int(guild) if guild else None)

    async def on_press(self, interaction: discord.Interaction) -> None:
        opp, user_id = await _chooser(interaction, self.opp_id)
        ask = await paying.share_name_to_be_paid(services_of(interaction), opp, user_id)
        await interaction.response.send_message(
            ask_words(ask), view=choice_view(ask, self.guild_id), ephemeral=True
        )


class PayAskButton(SafeButton, template=r"opp:(?P<id>[0-9]+):pay:ask"):
    """In /me opportunities: **How to be paid: <title>**, for people whose DMs are closed."""

    def __init__(self, opp_id: int, title: str = "") -> None:
        self.opp_id = opp_id
        label = cut(text.PAY_BUTTON.format(title=title), 80) if title else "How to be paid"
        super().__init__(f"opp:{opp_id}:pay:ask", label=label)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        opp, user_id = await _chooser(interaction, self.opp_id)
        ask = await paying.asking_for(services_of(interaction), opp, user_id)
        await interaction.response.send_message(
            ask_words(ask), view=choice_view(ask), ephemeral=True
        )


# -- /opportunity happened ---------------------------------------------------------------


def _person_label(number: int, person: Any, servers: dict[int, str]) -> str:
    if not person.named:
        who = text.PERSON_UNNAMED.format(server=servers.get(person.guild_id, ""))
    else:
        who = person.name or text.PERSON_NO_NAME
    return cut(f"{number}. {who}", 100)


def happened_message(found: paying.Candidates, role: str | None, hours: float | None):
    """The people with a place, numbered (with a mention, where they may be named),
    selects of up to 25 (all ticked), and the confirm button."""
    view = DynamicView()
    people = found.people
    lines = [text.HAPPENED_ASK.format(title=found.opp.title), ""]
    for number, person in enumerate(people, start=1):
        label = _person_label(number, person, found.servers)
        lines.append(
            f"{shown(label, 100)} (<@{person.user_id}>)" if person.named else shown(label, 100)
        )
    for part in range(0, len(people), 25):
        chunk = people[part : part + 25]
        view.add_item(
            TookPartSelect(
                found.opp.id,
                part // 25,
                [
                    (str(p.user_id), _person_label(part + i, p, found.servers))
                    for i, p in enumerate(chunk, start=1)
                ],
                {str(p.user_id) for p in chunk},
            )
        )
    view.add_item(ConfirmTookPartButton(found.opp.id, role, hours))
    return cut("\n".join(lines), 2000), view


def _ticked_on(message: discord.Message | None) -> tuple[set[int], list[dict[str, Any]]]:
    """What the confirm message shows ticked now (its selects' defaults), and its selects."""
    ticked: set[int] = set()
    menus = []
    if message is None:
        return ticked, menus
    for row in message.components:
        for child in getattr(row, "children", []):
            if isinstance(child, discord.components.SelectMenu) and child.custom_id:
                options = [(o.value, o.label, o.default) for o in child.options]
                menus.append({"custom_id": child.custom_id, "options": options})
                ticked |= {int(value) for value, _label, default in options if default}
    return ticked, menus


class TookPartSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"opp:(?P<id>[0-9]+):took:(?P<part>[0-9]+)",
):
    """Up to 25 people with a place; unticking someone keeps nothing about them."""

    def __init__(
        self,
        opp_id: int,
        part: int,
        options: list[tuple[str, str]] | None = None,
        ticked: set[str] | None = None,
    ) -> None:
        self.opp_id, self.part = opp_id, part
        options = options or [("0", "-")]
        ticked = ticked or set()
        first = part * 25 + 1
        super().__init__(
            discord.ui.Select(
                custom_id=f"opp:{opp_id}:took:{part}",
                placeholder=cut(
                    text.HAPPENED_PART.format(first=first, last=first + len(options) - 1), 150
                ),
                min_values=0,
                max_values=len(options),
                options=[
                    discord.SelectOption(label=label, value=value, default=value in ticked)
                    for value, label in options
                ],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), int(match["part"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        chosen = set(self.item.values)
        _ticked, menus = _ticked_on(interaction.message)
        view = DynamicView()
        for index, menu in enumerate(menus):
            options = [(value, label) for value, label, _default in menu["options"]]
            if menu["custom_id"] == self.item.custom_id:
                ticks = chosen
            else:
                ticks = {value for value, _label, default in menu["options"] if default}
            view.add_item(TookPartSelect(self.opp_id, index, options, ticks))
        for row in interaction.message.components if interaction.message else []:
            for child in getattr(row, "children", []):
                confirm = ConfirmTookPartButton.parse(getattr(child, "custom_id", None))
                if confirm is not None:
                    view.add_item(confirm)
        await interaction.response.edit_message(view=view)


_CONFIRM = re.compile(r"opp:(?P<id>[0-9]+):took:ok:(?P<hours>[0-9.]*):(?P<role>.*)")


def _hours_part(hours: float | None) -> str:
    return "" if hours is None else f"{hours:g}"


class ConfirmTookPartButton(
    SafeButton,
    template=_CONFIRM.pattern,
):
    """**Confirm who took part**: exactly those ticked on this message."""

    def __init__(self, opp_id: int, role: str | None, hours: float | None) -> None:
        self.opp_id, self.role, self.hours = opp_id, role, hours
        custom_id = f"opp:{opp_id}:took:ok:{_hours_part(hours)}:{role or ''}"
        super().__init__(
            custom_id[:100], label=text.HAPPENED_CONFIRM, style=discord.ButtonStyle.primary
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls._of(match)

    @classmethod
    def _of(cls, match: Any) -> ConfirmTookPartButton:
        hours = float(match["hours"]) if match["hours"] else None
        return cls(int(match["id"]), match["role"] or None, hours)

    @classmethod
    def parse(cls, custom_id: str | None) -> ConfirmTookPartButton | None:
        match = _CONFIRM.fullmatch(custom_id or "")
        return cls._of(match) if match else None

    async def on_press(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        ticked, menus = _ticked_on(interaction.message)
        if not menus:
            raise Refusal(text.HAPPENED_GONE)
        done = await paying.confirm_took_part(
            services_of(interaction),
            self.opp_id,
            actor_guild_id(interaction),
            ticked,
            role=self.role,
            hours=self.hours,
        )
        words = (
            text.HAPPENED_DONE.format(count=done.count, title=done.opp.title)
            if done.count
            else text.HAPPENED_DONE_NONE.format(title=done.opp.title)
        )
        await interaction.response.edit_message(content=words, view=None)


# -- /me claim ----------------------------------------------------------------------------


class ClaimModal(SafeModal, title=text.CLAIM_TITLE):
    """Amount, what for, the date, an optional note. Never bank details."""

    form = "expense_claim"

    def form_context(self) -> dict[str, Any]:
        return {"opportunity_id": self.opp_id, "guild_id": self.guild_id}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        services = services_of(interaction)
        opp = await paying.claim_target(
            services, int(context["opportunity_id"]), int(context["guild_id"]), interaction.user.id
        )
        return cls(opp, int(context["guild_id"]))

    def __init__(self, opp: Any, guild_id: int) -> None:
        super().__init__()
        self.opp_id, self.guild_id = opp.id, guild_id
        kinds = opp.offer.expenses
        day = opp.when_at or opp.happened_at or opp.created_at
        self.amount = text_field(
            "amount", text.CLAIM_AMOUNT, 12, required=True, placeholder=text.CLAIM_AMOUNT_HINT
        )
        self.kind = text_field(
            "kind",
            text.CLAIM_KIND,
            20,
            default=kinds[0] if len(kinds) == 1 else None,
            required=True,
            placeholder=cut(" or ".join(kinds), 100),
        )
        self.day = text_field(
            "day",
            text.CLAIM_DATE,
            30,
            default=day.date().isoformat() if day else None,
            required=True,
            placeholder=text.CLAIM_DATE_HINT,
        )
        self.note = text_field(
            "note", text.CLAIM_NOTE, 200, paragraph=True, placeholder=text.CLAIM_NOTE_HINT
        )
        for field in (self.amount, self.kind, self.day, self.note):
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        words = await paying.save_claim(
            services_of(interaction),
            self.opp_id,
            self.guild_id,
            interaction.user.id,
            amount=self.amount.value,
            kind=self.kind.value,
            day=self.day.value,
            note=self.note.value,
        )
        await interaction.response.send_message(words, ephemeral=True)


# -- /opportunity payments ----------------------------------------------------------------


def payments_embed(found: paying.Payments) -> discord.Embed:
    lines: list[str] = []
    if found.opp.happened_at is None:
        lines += [text.PAYMENTS_BEFORE, ""]
    for number, row in enumerate(found.rows, start=1):
        if row.user_id is None:
            choice = text.PAYMENTS_KEPT.strip()
        else:
            choice = text.CHOICE_WORDS.get(row.choice or "", text.PAYMENTS_NOT_CHOSEN)
            fee = found.fee_of(row)
            if fee is None:
                owed = text.PAYMENTS_FEE_NEEDS_HOURS.format(fee=money(found.opp.fee_pence or 0))
                choice += f" ({owed})"
            elif fee:
                choice += f" ({money(fee)})"
        paid = text.PAYMENTS_PAID if row.paid_at is not None else ""
        name = f"**{shown(row_label(number, row), 100)}**"
        if row.named and row.user_id is not None:
            name += f" (<@{row.user_id}>)"
        lines.append(text.PAYMENTS_PERSON.format(name=name, choice=choice, paid=paid))
        for claim in row.claims:
            note = f": {shown(claim.note, 200)}" if claim.note else ""
            lines.append(
                text.PAYMENTS_CLAIM.format(
                    amount=money(claim.amount_pence),
                    kind=EXPENSE_WORDS[claim.kind],
                    day=paying.day_words(claim.spent_on),
                    note=note,
                    paid=text.PAYMENTS_PAID if claim.paid_at is not None else "",
                )
            )
    totals = {k: money(v) if v else "£0" for k, v in found.totals().items()}
    lines += ["", text.PAYMENTS_TOTALS.format(**totals)]
    if found.needs_hours:
        lines.append(text.PAYMENTS_NEEDS_HOURS.format(count=found.needs_hours))
    lines += ["", text.PAYMENTS_PRIVACY]
    return embed(
        cut(text.PAYMENTS_TITLE.format(title=found.opp.title), 256), cut("\n".join(lines), 4096)
    )


def row_label(number: int, row: Any) -> str:
    """The name as given; "no name given (2)" tells apart people without one."""
    return f"{row.name} ({number})" if row.name == NO_NAME else row.name


def payments_view(found: paying.Payments) -> discord.ui.View:
    view = DynamicView()
    for number, row in enumerate(found.rows, start=1):
        if not row.unpaid or len(view.children) >= 25:
            continue
        label = cut(text.MARK_PAID.format(name=row_label(number, row)), 80)
        if row.user_id is not None:
            view.add_item(MarkPaidButton(found.opp.id, row.user_id, label))
        else:
            view.add_item(MarkKeptPaidButton(found.opp.id, row.claims[0].id, label))
    return view


def payments_file(found: paying.Payments) -> discord.File:
    return discord.File(
        io.BytesIO(paying.finance_csv(found)), filename=text.CSV_FILENAME.format(id=found.opp.id)
    )


async def show_payments(interaction: discord.Interaction[SpeakBack], opp_id: int) -> None:
    await require_organiser(interaction)
    found = await paying.payments_of(services_of(interaction), opp_id, actor_guild_id(interaction))
    if not found.rows:
        await interaction.response.send_message(
            text.PAYMENTS_NOBODY.format(title=found.opp.title), ephemeral=True
        )
        return
    await interaction.response.send_message(
        embed=payments_embed(found),
        view=payments_view(found),
        file=payments_file(found),
        ephemeral=True,
    )


async def _after_marking(
    interaction: discord.Interaction, opp_id: int, marked: paying.Marked
) -> None:
    found = await paying.payments_of(services_of(interaction), opp_id, actor_guild_id(interaction))
    name = "" if marked.name == NO_NAME else f": {shown(marked.name, 100)}"
    if not marked.marked:
        words = text.NOTHING_TO_MARK.format(name=name)
    else:
        told = text.MARKED_TOLD if marked.told else text.MARKED_KEPT
        words = text.MARKED_PAID.format(name=name, told=told)
    # The CSV attached again, as it is now (the one before still said unpaid).
    await interaction.response.edit_message(
        content=words,
        embed=payments_embed(found),
        view=payments_view(found),
        attachments=[payments_file(found)],
    )


class MarkPaidButton(SafeButton, template=r"opp:(?P<id>[0-9]+):paid:(?P<user>[0-9]+)"):
    """**Mark paid: <name>** (organisers, re-checked): their fee or voucher and claims."""

    def __init__(self, opp_id: int, user_id: int, label: str = "Mark paid") -> None:
        self.opp_id, self.user_id = opp_id, user_id
        super().__init__(f"opp:{opp_id}:paid:{user_id}", label=label)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), int(match["user"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        marked = await paying.mark_paid(
            services_of(interaction), self.opp_id, actor_guild_id(interaction), self.user_id
        )
        await _after_marking(interaction, self.opp_id, marked)


class MarkKeptPaidButton(SafeButton, template=r"opp:(?P<id>[0-9]+):paidclaim:(?P<claim>[0-9]+)"):
    """A claim kept after its member left, marked paid (nobody to tell)."""

    def __init__(self, opp_id: int, claim_id: int, label: str = "Mark paid") -> None:
        self.opp_id, self.claim_id = opp_id, claim_id
        super().__init__(f"opp:{opp_id}:paidclaim:{claim_id}", label=label)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), int(match["claim"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        marked = await paying.mark_kept_claim_paid(
            services_of(interaction), self.opp_id, actor_guild_id(interaction), self.claim_id
        )
        await _after_marking(interaction, self.opp_id, marked)


DYNAMIC_ITEMS = (
    PayChoiceButton,
    ShareToBePaidButton,
    PayAskButton,
    TookPartSelect,
    ConfirmTookPartButton,
    MarkPaidButton,
    MarkKeptPaidButton,
)
