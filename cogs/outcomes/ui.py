"""What outcomes look like in Discord: the update post and DM, the forms, the review
reminder with **Update now**, and the /decisions register (ten a page, a status menu).

Custom ids here are forever (tests/unit/test_custom_ids.py).
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.delivery import message_payload
from bot.domain import outcomes as rules
from bot.domain.errors import Refusal
from bot.domain.text import cut
from bot.domain.timefmt import discord_timestamp
from bot.guards import actor_guild_id, require_organiser
from bot.strings import outcomes as text
from bot.ui import DynamicView, SafeButton, SafeItem, SafeModal, embed, shown, text_field
from cogs.outcomes import flows
from db.outcomes import ItemRef, Outcome, Update

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services

Payload = dict[str, Any]
FORM_KEY = "outcome"  # opened by other features through bot/forms.py (/poll outcome)


def services_of(interaction: discord.Interaction[SpeakBack]) -> Services:
    services = interaction.client.services
    assert services is not None
    return services


def server_namer(interaction: discord.Interaction) -> Any:
    return getattr(interaction.client, "server_name", None)


def short_day(day: date) -> str:
    """E.g. "3 March 2027"."""
    return f"{day.day} {day:%B %Y}"


# -- the update, as posted and as DMed ------------------------------------------------------


def update_text(outcome: Outcome, update: Update) -> str:
    lines = []
    if update.kind == "recorded":
        lines.append(text.DECIDED_LINE.format(statement=shown(outcome.statement, 1500)))
    else:
        if update.kind == "reopened":
            lines.append(text.REOPENED_LINE)
        if update.body:
            lines.append(text.HAPPENED_LINE.format(body=shown(update.body, 1500)))
        lines.append(text.DECIDED_LINE.format(statement=shown(cut(outcome.statement, 500), 600)))
    lines.append(text.STATUS_LINE.format(status=rules.status_line(update.status, update.progress)))
    if update.by_when:
        lines.append(text.BY_WHEN_LINE.format(by_when=shown(update.by_when, 100)))
    if update.review_on is not None:
        lines.append(text.REVIEW_LINE.format(day=short_day(update.review_on)))
    return "\n".join(lines)


def post_title(outcome: Outcome) -> str:
    return cut(text.POST_TITLE.format(title=outcome.title), 256)


class OutcomeRender:
    def update_post(self, outcome: Outcome, update: Update, link: str | None) -> Payload:
        body = update_text(outcome, update)
        if link:
            body += "\n\n" + text.RESULTS_LINK[outcome.item_kind].format(link=link)
        return message_payload(embeds=[embed(post_title(outcome), body)])

    def update_dm(self, outcome: Outcome, update: Update, link: str | None) -> Payload:
        body = update_text(outcome, update)
        if link:
            body += "\n\n" + text.RESULTS_LINK[outcome.item_kind].format(link=link)
        shown_embed = embed(post_title(outcome), body)
        shown_embed.set_footer(text=text.DM_FOOTER)
        return message_payload(text.DM_INTRO[outcome.item_kind], embeds=[shown_embed])

    def review_reminder(self, outcome: Outcome, ago: str, link: str | None) -> Payload:
        body = text.REMINDER_BODY.format(
            title=shown(cut(outcome.title, 200)),
            ago=ago,
            status=rules.label(outcome.status).lower(),
            link=link or "",
        ).rstrip()
        view = DynamicView().add_item(UpdateNowButton(outcome.item_kind, outcome.item_id))
        return message_payload(embeds=[embed(text.REMINDER_TITLE, body)], view=view)


RENDER = OutcomeRender()


# -- the forms -------------------------------------------------------------------------------


async def open_outcome_form(interaction: discord.Interaction, prefill: dict[str, str]) -> None:
    """The record-or-update form for one item (`prefill["item"]`: "poll:12")."""
    await require_organiser(interaction)
    modal = await OutcomeModal.build(interaction, prefill["item"], prefill.get("status", ""))
    await interaction.response.send_modal(modal)


class OutcomeModal(SafeModal, title=text.RECORD_TITLE):
    """Records what was decided (an item with no outcome yet) or posts an update."""

    form = "outcome:update"

    def form_context(self) -> dict[str, Any]:
        return {"item": self.item_key, "status": ""}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        await require_organiser(interaction)
        return await cls.build(interaction, str(context["item"]), str(context.get("status", "")))

    @classmethod
    async def build(
        cls, interaction: discord.Interaction, item_key: str, status: str = ""
    ) -> OutcomeModal:
        services = services_of(interaction)
        item = await flows.find_item(
            services, actor_guild_id(interaction), item_key, server_namer(interaction)
        )
        flows.check_ready(item)
        outcome = await flows.repo.outcome_for_item(services.db, item.kind, item.id)
        told = await flows.will_be_told(services, item)
        return cls(item, outcome, told, status)

    def __init__(
        self, item: ItemRef, outcome: Outcome | None, told: int | None, status: str = ""
    ) -> None:
        title = (
            text.RECORD_TITLE
            if outcome is None
            else text.UPDATE_TITLE.format(told=flows.form_title_count(told))
        )
        super().__init__(title=cut(title, 45))
        self.item_key = item.key
        said_status = status or (rules.label(outcome.status) if outcome is not None else "")
        if outcome is None:
            self.said = text_field(
                "decided",
                text.FIELD_DECIDED,
                rules.MAX_STATEMENT,
                required=True,
                paragraph=True,
                placeholder=text.FIELD_DECIDED_PLACEHOLDER,
            )
        else:
            self.said = text_field(
                "happened",
                text.FIELD_HAPPENED,
                rules.MAX_BODY,
                paragraph=True,
                placeholder=text.FIELD_HAPPENED_PLACEHOLDER,
            )
        self.status = text_field(
            "status",
            text.FIELD_STATUS,
            40,
            said_status,
            placeholder=text.FIELD_STATUS_PLACEHOLDER,
        )
        self.progress = text_field(
            "progress",
            text.FIELD_PROGRESS,
            10,
            rules.progress_text(outcome.progress) if outcome is not None else None,
            placeholder=text.FIELD_PROGRESS_PLACEHOLDER,
        )
        self.by_when = text_field(
            "by_when",
            text.FIELD_BY_WHEN,
            rules.MAX_BY_WHEN,
            outcome.by_when if outcome is not None else None,
            placeholder=text.FIELD_BY_WHEN_PLACEHOLDER,
        )
        self.review = text_field(
            "review", text.FIELD_REVIEW, 100, placeholder=text.FIELD_REVIEW_PLACEHOLDER
        )
        for field in (self.said, self.status, self.progress, self.by_when, self.review):
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        services = services_of(interaction)
        item = await flows.find_item(
            services, actor_guild_id(interaction), self.item_key, server_namer(interaction)
        )
        checked = await flows.plan(
            services,
            item,
            flows.Typed(
                said=self.said.value,
                status=self.status.value,
                progress=self.progress.value,
                review=self.review.value,
                by_when=self.by_when.value,
            ),
        )
        # Checked: acknowledged now (queueing a DM per person can take a while).
        await interaction.response.defer(ephemeral=True, thinking=True)
        saved = await flows.save(services, RENDER, checked)
        interaction.client.dispatch("outcome_changed", item.kind, item.id)
        words = text.RECORDED if checked.existing is None else text.UPDATED
        review = (
            text.REVIEW_ON.format(day=short_day(saved.outcome.review_on))
            if saved.outcome.review_on
            else text.NO_REVIEW
        )
        await interaction.followup.send(
            words.format(
                what=text.REPLIED_TO[item.kind],
                where=saved.where,
                told=flows.told_words(saved.told),
            )
            + " "
            + review,
            ephemeral=True,
        )


class CorrectModal(SafeModal, title=text.CORRECT_TITLE):
    """Wording only; nobody is told; the earlier wording is kept, dated."""

    form = "outcome:correct"

    def form_context(self) -> dict[str, Any]:
        return {"item": self.item_key}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        await require_organiser(interaction)
        return await cls.build(interaction, str(context["item"]))

    @classmethod
    async def build(cls, interaction: discord.Interaction, item_key: str) -> CorrectModal:
        services = services_of(interaction)
        item = await flows.find_item(
            services, actor_guild_id(interaction), item_key, server_namer(interaction)
        )
        form = await flows.correct_form(services, item)
        return cls(item, form)

    def __init__(self, item: ItemRef, form: flows.CorrectForm) -> None:
        super().__init__()
        self.item_key = item.key
        self.statement = text_field(
            "decided",
            text.FIELD_DECIDED,
            rules.MAX_STATEMENT,
            form.outcome.statement,
            required=True,
            paragraph=True,
        )
        self.latest = text_field(
            "latest",
            text.FIELD_LATEST,
            rules.MAX_BODY,
            form.latest.body,
            paragraph=True,
        )
        self.by_when = text_field(
            "by_when", text.FIELD_BY_WHEN, rules.MAX_BY_WHEN, form.outcome.by_when
        )
        for field in (self.statement, self.latest, self.by_when):
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        services = services_of(interaction)
        item = await flows.find_item(
            services, actor_guild_id(interaction), self.item_key, server_namer(interaction)
        )
        await flows.correct(
            services, RENDER, item, self.statement.value, self.latest.value, self.by_when.value
        )
        await interaction.response.send_message(text.CORRECTED, ephemeral=True)


# -- buttons -------------------------------------------------------------------------------


class UpdateNowButton(
    SafeButton, template=r"outcome:(?P<kind>poll|idea|opportunity):(?P<id>[0-9]+):update"
):
    """**Update now** on a review reminder: the update form for that item."""

    def __init__(self, kind: str, item_id: int) -> None:
        self.kind, self.item_id = kind, item_id
        super().__init__(
            f"outcome:{kind}:{item_id}:update",
            label=text.UPDATE_NOW,
            style=discord.ButtonStyle.primary,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(match["kind"], int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await open_outcome_form(interaction, {"item": f"{self.kind}:{self.item_id}"})


# -- /decisions ------------------------------------------------------------------------------

ALL = "all"


def _status_of(value: str) -> str | None:
    return None if value == ALL else value


def decision_field(outcome: Outcome, link: str | None) -> tuple[str, str]:
    # Ten fields must fit one embed's 6,000 characters: each at most about 520.
    name = cut(f"{text.KIND_NAMES[outcome.item_kind]}: {outcome.title}", 120)
    review = (
        text.DECISION_REVIEW.format(day=short_day(outcome.review_on))
        if outcome.review_on
        else text.DECISION_NO_REVIEW
    )
    value = text.DECISION_VALUE.format(
        statement=shown(cut(outcome.statement, 220), 260),
        status=rules.status_line(outcome.status, outcome.progress),
        last=discord_timestamp(outcome.last_update_at, "D"),
        review=review,
        link=text.DECISION_LINK.format(link=link) if link else "",
    )
    return name, cut(value, 400)


def register_message(found: flows.Register) -> tuple[discord.Embed, DynamicView]:
    status = found.status or ALL
    shown_words = (
        text.DECISIONS_ALL
        if found.status is None
        else text.DECISIONS_SOME.format(status=rules.label(found.status).lower())
    )
    message = embed(
        text.DECISIONS_TITLE,
        text.DECISIONS_INTRO.format(shown=shown_words, page=found.page + 1, pages=found.pages),
    )
    if not found.outcomes:
        message.description = (
            text.NO_DECISIONS
            if found.status is None
            else text.NO_DECISIONS_WITH.format(status=rules.label(found.status).lower())
        )
    for outcome in found.outcomes:
        name, value = decision_field(outcome, found.links.get(outcome.id))
        message.add_field(name=name, value=value, inline=False)
    view = DynamicView()
    view.add_item(StatusFilter(status))
    if found.page > 0:
        view.add_item(PageButton(status, found.page - 1, text.PREVIOUS))
    if found.page + 1 < found.pages:
        view.add_item(PageButton(status, found.page + 1, text.NEXT))
    return message, view


class PageButton(
    SafeButton,
    template=r"decisions:(?P<status>all|planned|in_progress|done|delayed|not_going_ahead):(?P<page>[0-9]+)",
):
    """**Previous** / **Next** in /decisions (ids differ by page, so both fit)."""

    def __init__(self, status: str, page: int, label: str = "") -> None:
        self.status, self.page = status, page
        super().__init__(f"decisions:{status}:{page}", label=label or text.NEXT)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(match["status"], int(match["page"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        found = await flows.register(
            services_of(interaction),
            actor_guild_id(interaction),
            _status_of(self.status),
            self.page,
        )
        shown_embed, view = register_message(found)
        await interaction.response.edit_message(embed=shown_embed, view=view)


class StatusFilter(
    SafeItem, discord.ui.DynamicItem[discord.ui.Select], template=r"decisions:filter"
):
    """The status menu in /decisions."""

    def __init__(self, current: str = ALL) -> None:
        options = [
            discord.SelectOption(label=text.ALL_STATUSES, value=ALL, default=current == ALL)
        ] + [
            discord.SelectOption(label=rules.label(s), value=s, default=current == s)
            for s in rules.STATUSES
        ]
        super().__init__(
            discord.ui.Select(
                custom_id="decisions:filter",
                placeholder=text.FILTER_PLACEHOLDER,
                options=options,
                min_values=1,
                max_values=1,
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        chosen = str((self.item.values or [ALL])[0])
        if chosen != ALL and chosen not in rules.STATUSES:
            raise Refusal(text.UNKNOWN_ITEM)
        found = await flows.register(
            services_of(interaction), actor_guild_id(interaction), _status_of(chosen), 0
        )
        shown_embed, view = register_message(found)
        await interaction.response.edit_message(embed=shown_embed, view=view)


DYNAMIC_ITEMS = (UpdateNowButton, PageButton, StatusFilter)


# -- the export ------------------------------------------------------------------------------


def export_file(data: bytes) -> discord.File:
    return discord.File(io.BytesIO(data), filename="outcomes.zip")


# -- autocomplete ----------------------------------------------------------------------------


async def item_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    found = await flows.choices(services_of(interaction), interaction.guild_id, current)
    return [app_commands.Choice(name=cut(label, 100), value=value) for label, value in found][:25]
