"""What a poll looks like in Discord: the poll post, the results, the forms, autocomplete.

`PollRender` makes the messages `cogs.polls.flows` asks for (its `Render`); the
ballot behind the Vote button is in `cogs.polls.ballot`.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot import strings
from bot.delivery import message_payload
from bot.domain.ballots import parse_options, validate_question
from bot.domain.errors import Refusal
from bot.domain.polls import Poll, PollSettings, check_settings, too_few_to_show
from bot.domain.suppression import Shown
from bot.domain.tally import TallyResult
from bot.domain.text import cut
from bot.domain.timefmt import as_zone, discord_timestamp, full_and_relative, plain_local
from bot.guards import actor_guild_id, require_organiser
from bot.strings import polls as text
from bot.ui import (
    DynamicView,
    ReadbackButton,
    SafeButton,
    SafeModal,
    embed,
    readback_view,
    text_field,
)
from cogs.polls import flows
from cogs.polls.ballot import VoteButton, bot_of, server_name
from cogs.polls.flows import Chart, amount, kind_line, title_of, too_few_words

if TYPE_CHECKING:
    from bot.client import SpeakBack

EMBED_TOTAL = 6000
EMBED_DESCRIPTION = 4096
Payload = dict[str, Any]


# -- the poll post --------------------------------------------------------------------


def poll_embed(poll: Poll, turnout: int, live: TallyResult | None) -> discord.Embed:
    lines: list[str] = []
    if poll.content_note:
        lines += [text.CONTENT_NOTE.format(note=poll.content_note), ""]
    lines.append(kind_line(poll))
    lines.append(text.ANONYMOUS_LINE if poll.anonymous else text.NAMED_LINE)
    if poll.network_id is not None:
        lines.append(text.NETWORK_LINE)
    if poll.reasons:
        lines.append(text.REASONS_LINE)
    lines.append("")
    if poll.content_note:
        lines.append(strings.HELD_BACK)  # the options, behind Show details (rule 12)
    else:
        lines += option_lines(poll, live)
    lines.append("")
    if poll.is_open:
        if poll.closes_at is not None:
            lines.append(
                text.OPEN_CLOSES.format(
                    **full_and_relative(poll.closes_at),
                )
            )
        else:
            lines.append(text.OPEN_NO_CLOSE)
        lines.append(
            text.TURNOUT.format(count=turnout, people=text.people_have(turnout))
            if turnout
            else text.TURNOUT_NONE
        )
        if not poll.live:
            lines.append(text.HIDDEN_RESULTS)
        lines.append(text.HOW_TO_VOTE)
    else:
        words = text.TURNOUT.format(count=turnout, people=text.people_have(turnout)).replace(
            " so far", ""
        )
        lines.append(text.CLOSED_LINE.format(turnout=words))
    result = embed(title_of(poll.question), cut("\n".join(lines), EMBED_DESCRIPTION))
    result.set_footer(text=text.POLL_FOOTER.format(id=poll.id))
    return result


def option_lines(poll: Poll, live: TallyResult | None) -> list[str]:
    lines = []
    for n, option in enumerate(poll.options, start=1):
        count = f" - {amount(live.totals[n - 1], live.value_label)}" if live else ""
        lines.append(f"{n}. {option}{count}")
    return lines


def poll_payload(poll: Poll, turnout: int, live: TallyResult | None) -> Payload:
    view = DynamicView()
    if poll.is_open:
        view.add_item(VoteButton(poll.id))
    if poll.content_note:
        view.add_item(PollDetailsButton(poll.id))
    return message_payload(embeds=[poll_embed(poll, turnout, live)], view=view)


def details_embed(poll: Poll, live: TallyResult | None) -> discord.Embed:
    """What a content note holds back on the post, for the one person who asked."""
    lines = [text.CONTENT_NOTE.format(note=poll.content_note), ""] if poll.content_note else []
    lines += option_lines(poll, live)
    return embed(title_of(poll.question), cut("\n".join(lines), EMBED_DESCRIPTION))


class PollDetailsButton(SafeButton, template=r"poll:(?P<id>[0-9]+):details"):
    """**Show details** on a poll with a content note: the options, privately."""

    def __init__(self, poll_id: int) -> None:
        self.poll_id = poll_id
        super().__init__(f"poll:{poll_id}:details", label=strings.SHOW_DETAILS)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        services = bot_of(interaction).services
        poll = await flows.get_shared_poll(services, self.poll_id, actor_guild_id(interaction))
        live = await flows.live_tally(services.db, poll)
        await interaction.response.send_message(embed=details_embed(poll, live), ephemeral=True)


# -- the results ----------------------------------------------------------------------


def results_embeds(poll: Poll, by_server: list[str] | None = None) -> list[discord.Embed]:
    """The frozen results: totals in words (the chart's text equivalent), rounds, groups.

    `by_server`: a network poll's per-server turnout lines (`flows.server_lines`).
    """
    assert poll.result is not None
    result = poll.result
    closed = discord_timestamp(poll.closed_at, "F") if poll.closed_at else ""
    count = result.ballots
    if too_few_to_show(poll):
        # No totals, headline, rounds or groups: with so few, they would give votes away.
        words = too_few_words(poll)
        if poll.answers_erased_at:
            words += "\n\n" + text.ANSWERS_ERASED
        main = embed(title_of(text.RESULTS_TITLE.format(question=poll.question)), words)
        main.set_footer(text=text.POLL_FOOTER.format(id=poll.id))
        embeds = [main]
        if by_server:
            embeds.append(embed(text.RESULTS_BY_SERVER, "\n".join(by_server)))
        return embeds
    lines = [
        text.RESULTS_TURNOUT.format(count=count, people=strings.people(count), when=closed),
        "",
        result.headline,
        "",
    ]
    unit = result.value_label
    for n, (option, total) in enumerate(zip(result.options, result.totals, strict=True), 1):
        lines.append(f"{n}. {option}: {amount(total, unit)}")
    if poll.answers_erased_at:
        lines += ["", text.ANSWERS_ERASED]
    main = embed(
        title_of(text.RESULTS_TITLE.format(question=poll.question)), cut("\n".join(lines), 4000)
    )
    main.set_footer(text=text.POLL_FOOTER.format(id=poll.id))
    embeds = [main]
    used = len(main.title or "") + len(main.description or "") + 20
    extra: list[tuple[str, str]] = []
    if by_server:
        extra.append((text.RESULTS_BY_SERVER, "\n".join(by_server)))
    if poll.breakdown is not None:
        extra.append((text.RESULTS_BREAKDOWN, "\n".join(breakdown_lines(poll))))
    if result.rounds:
        extra.append((text.RESULTS_ROUNDS, rounds_text(result, EMBED_TOTAL - used - 1200)))
    for title, body in extra:
        room = min(EMBED_DESCRIPTION, EMBED_TOTAL - used - len(title) - 10)
        if room < 200:
            break
        if len(body) > room:
            body = body[: room - len(text.RESULTS_ROUNDS_CUT) - 3] + "…\n" + text.RESULTS_ROUNDS_CUT
        embeds.append(embed(title, body))
        used += len(title) + len(body)
    return embeds


def rounds_text(result: TallyResult, room: int) -> str:
    """Every round in full if it fits; otherwise one short line per round (full in the CSV)."""
    full = "\n".join(r.explanation for r in result.rounds)
    if len(full) <= room:
        return full
    lines = []
    for r in result.rounds:
        if r.winner is not None:
            lines.append(
                text.ROUND_WINNER.format(
                    n=r.number,
                    option=cut(f"{r.winner + 1}. {result.options[r.winner]}", 70),
                    votes=r.counts[r.winner],
                    continuing=r.continuing,
                )
            )
        else:
            numbers = [str(i + 1) for i in r.eliminated]
            out = (
                text.ROUND_OUT_ONE.format(n=numbers[0])
                if len(numbers) == 1
                else text.ROUND_OUT_MANY.format(numbers=", ".join(numbers[:-1]), last=numbers[-1])
            )
            lines.append(text.ROUND_OUT.format(n=r.number, options=out))
    return "\n".join(lines) + "\n" + text.RESULTS_ROUNDS_SHORT


def breakdown_lines(poll: Poll) -> list[str]:
    assert poll.breakdown is not None and poll.result is not None
    result, breakdown = poll.result, poll.breakdown
    lines = []
    for group in breakdown.groups:
        label = text.GROUP_LABELS[group.group]
        if group.shown is Shown.SMALL:
            lines.append(text.BREAKDOWN_SMALL.format(group=label, threshold=breakdown.threshold))
        elif group.shown is Shown.PROTECTIVE:
            lines.append(text.BREAKDOWN_HIDDEN.format(group=label))
        else:
            count = group.count or 0
            totals = group.totals or ()
            top = max(totals, default=0)
            if top:
                leaders = [result.options[i] for i, v in enumerate(totals) if v == top]
                lines.append(
                    text.BREAKDOWN_LINE.format(
                        group=label,
                        count=count,
                        people=strings.people(count),
                        unit=result.value_label,
                        top=f"{' / '.join(leaders)} ({top})",
                    )
                )
            else:
                lines.append(
                    text.BREAKDOWN_NO_TOP.format(
                        group=label, count=count, people=strings.people(count)
                    )
                )
    lines.append(text.BREAKDOWN_TOTAL.format(total=breakdown.total))
    if any(g.shown is not Shown.COUNT for g in breakdown.groups):
        lines.append(text.BREAKDOWN_NOTE.format(threshold=breakdown.threshold))
    return lines


def results_with_chart(
    poll: Poll, by_server: list[str] | None, chart: Chart | None
) -> list[discord.Embed]:
    embeds = results_embeds(poll, by_server)
    if chart is not None:
        embeds[0].set_image(url=f"attachment://{chart.file_name}")
    return embeds


def chart_file(chart: Chart | None) -> discord.File | None:
    if chart is None:
        return None
    return discord.File(io.BytesIO(chart.png), filename=chart.file_name, description=chart.alt)


def live_results_embed(poll: Poll, live: TallyResult) -> discord.Embed:
    """Counts so far of an open poll with live results (seen only by the one who asked)."""
    lines = [live.headline, ""] + [
        f"{n}. {o}: {amount(t, live.value_label)}"
        for n, (o, t) in enumerate(zip(live.options, live.totals, strict=True), 1)
    ]
    return embed(
        title_of(text.LIVE_TITLE.format(question=poll.question)), cut("\n".join(lines), 4000)
    )


def hidden_results_words(poll: Poll) -> str:
    if poll.closes_at:
        return text.NOT_CLOSED_HIDDEN.format(when=discord_timestamp(poll.closes_at, "F"))
    return text.NOT_CLOSED_HIDDEN_NO_TIME


class PollRender:
    """The messages `flows` asks for (its `Render`)."""

    def post(self, poll: Poll, turnout: int, live: TallyResult | None) -> Payload:
        return poll_payload(poll, turnout, live)

    def results(self, poll: Poll, by_server: list[str] | None, chart: Chart | None) -> Payload:
        embeds = results_with_chart(poll, by_server, chart)
        files = [] if chart is None else [(chart.file_name, chart.png, chart.alt)]
        return message_payload(embeds=embeds, files=files)


RENDER = PollRender()


# -- answers to organisers ------------------------------------------------------------


def closes_words(poll: Poll) -> str:
    if poll.closes_at:
        return text.CREATED_CLOSES.format(
            **full_and_relative(poll.closes_at),
        )
    return text.CREATED_NO_CLOSE


def created_words(created: flows.Created, channel_id: int) -> str:
    closes = closes_words(created.poll)
    published = created.published
    if not published.networked:
        return text.CREATED.format(channel=channel_id, closes=closes)
    names = [discord.utils.escape_markdown(n) for n in published.servers]
    words = text.CREATED_NETWORK.format(
        count=len(names), servers=", ".join(names), channel=channel_id
    ) + text.CREATED_NEXT.format(closes=closes)
    if published.missing:
        escaped = [discord.utils.escape_markdown(m) for m in published.missing]
        words += " " + text.CREATED_MISSING.format(servers=", ".join(escaped)).strip()
    return words


def export_words(export: flows.Export) -> str:
    words = text.EXPORT_READY.format(question=cut(export.poll.question, 200))
    if export.poll.anonymous:
        words += " " + text.EXPORT_ANONYMOUS_NOTE
    elif export.viewer_guild_id is not None:
        words += " " + text.EXPORT_NETWORK_NOTE
    return words


def export_file(export: flows.Export) -> discord.File:
    return discord.File(io.BytesIO(export.data), filename=export.file_name)


def open_polls_embed(bot: SpeakBack, found: flows.OpenPolls, guild_id: int) -> discord.Embed:
    """/polls: the polls open here (and shared here), with links and how to vote."""
    lines = []
    for p in found.polls:
        closes = (
            text.LIST_CLOSES.format(
                when=discord_timestamp(datetime.fromisoformat(p["closes_at"]), "R")
            )
            if p["closes_at"]
            else text.LIST_NO_CLOSE
        )
        shared = p.get("guild_id", guild_id) != guild_id
        question = cut(p["question"], 200) + (
            text.LIST_FROM.format(server=server_name(bot, p["guild_id"])) if shared else ""
        )
        lines.append(
            text.LIST_LINE.format(
                question=question,
                kind=text.KIND_NAMES[p["kind"]],
                closes=closes,
                voted=text.LIST_VOTED if p["id"] in found.voted else "",
                link=found.links[p["id"]],
            ).replace(" \n", "\n")
        )
    lines.append("")
    lines.append(text.LIST_HOW if found.is_member else text.LIST_JOIN)
    return embed(text.LIST_TITLE, cut("\n".join(lines), 4000))


# -- the forms ------------------------------------------------------------------------


class CreatePollModal(SafeModal, title=text.MODAL_TITLE):
    form = "poll:create"

    def form_context(self) -> dict[str, Any]:
        return {
            "settings": flows.settings_to_data(self.settings),
            "ping": self.ping,
            "network": self.network,
            "closes": self.closes,
        }

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        await require_organiser(interaction)
        settings = flows.draft_settings(context["settings"])
        return cls(settings, bool(context["ping"]), bool(context["network"]), context["closes"])

    def __init__(
        self, settings: PollSettings, ping: bool, network: bool, closes: dict[str, Any]
    ) -> None:
        super().__init__()
        self.settings = settings
        self.ping = ping
        self.network = network
        self.closes = closes
        self.question = discord.ui.TextInput(
            custom_id="question",
            label=text.QUESTION_LABEL,
            placeholder=text.QUESTION_PLACEHOLDER,
            max_length=250,
        )
        self.options = discord.ui.TextInput(
            custom_id="options",
            label=text.OPTIONS_LABEL,
            style=discord.TextStyle.paragraph,
            placeholder=text.OPTIONS_PLACEHOLDER,
            max_length=4000,
        )
        self.add_item(self.question)
        self.add_item(self.options)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        _actor, guild_settings = await require_organiser(interaction)
        question = validate_question(self.question.value)
        options = parse_options(self.options.value)
        draft = await flows.start_draft(
            bot_of(interaction).services,
            guild_settings.guild_id,
            interaction.user.id,
            guild_settings.announcements_channel_id or interaction.channel_id,
            question=question,
            options=options,
            settings=self.settings,
            closes=self.closes,
            network=self.network,
            ping=self.ping,
        )
        await interaction.response.send_message(
            embed=readback_embed(draft, guild_settings.timezone),
            view=draft_view(draft, guild_settings.timezone),
            ephemeral=True,
        )


POLL_FORM = "poll"  # the name other features open this form by (bot/forms.py)
YES_WORDS = ("yes", "y", "true", "anonymous")
NO_WORDS = ("no", "n", "false", "named")


async def open_prefilled_poll(interaction: discord.Interaction, prefill: dict[str, str]) -> None:
    """The poll form with its question written already (**Start a poll** on an idea)."""
    await require_organiser(interaction)
    await interaction.response.send_modal(StartPollModal(prefill.get("question", "")))


class StartPollModal(SafeModal, title=text.MODAL_TITLE):
    """A new poll in one form (five fields): question, options, kind, anonymity, closing."""

    form = "poll:start"

    def form_context(self) -> dict[str, Any]:
        return {"question": self.question.default or ""}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        await require_organiser(interaction)
        return cls(str(context.get("question") or ""))

    def __init__(self, question: str) -> None:
        super().__init__(timeout=3600)
        self.question = discord.ui.TextInput(
            custom_id="question", label=text.QUESTION_LABEL, max_length=250,
            default=question[:250] or None,
        )  # fmt: skip
        self.options = discord.ui.TextInput(
            custom_id="options", label=text.OPTIONS_LABEL, style=discord.TextStyle.paragraph,
            placeholder=text.OPTIONS_PLACEHOLDER, max_length=4000,
        )  # fmt: skip
        self.kind = discord.ui.TextInput(
            custom_id="kind", label=text.START_KIND_LABEL, max_length=10, default="single"
        )
        self.anonymous = discord.ui.TextInput(
            custom_id="anonymous", label=text.START_ANONYMOUS_LABEL, max_length=10, default="yes"
        )
        self.closes = discord.ui.TextInput(
            custom_id="closes", label=text.CLOSES_LABEL, required=False, max_length=80
        )
        for item in (self.question, self.options, self.kind, self.anonymous, self.closes):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        _actor, guild_settings = await require_organiser(interaction)
        answer = self.anonymous.value.strip().lower()
        if answer not in YES_WORDS + NO_WORDS:
            raise Refusal(text.START_ANONYMOUS_UNCLEAR)
        services = bot_of(interaction).services
        typed = self.closes.value.strip() or None
        reading = flows.read_closes(
            typed, guild_settings.timezone, services.clock.now(), guild_settings.date_order
        )
        chosen = check_settings(
            kind=self.kind.value.strip().lower(),
            max_choices=None,
            anonymous=answer in YES_WORDS,
            results="at_close",
            closes_at=reading.at if reading else None,
            content_note=None,
            reasons=False,
        )
        draft = await flows.start_draft(
            services,
            guild_settings.guild_id,
            interaction.user.id,
            guild_settings.announcements_channel_id or interaction.channel_id,
            question=validate_question(self.question.value),
            options=parse_options(self.options.value),
            settings=chosen,
            closes=flows.closes_fields(reading, typed),
            network=False,
            ping=False,
        )
        await interaction.response.send_message(
            embed=readback_embed(draft, guild_settings.timezone),
            view=draft_view(draft, guild_settings.timezone),
            ephemeral=True,
        )


# -- the read-back before posting -------------------------------------------------------


def clock_words(instant: datetime, zone: str) -> str:
    """E.g. "6:30pm", in the zone the time was typed in."""
    return plain_local(instant, zone).split(", ")[-1].split(" (")[0]


def readback_embed(draft: flows.PollDraft, zone: str) -> discord.Embed:
    """What was understood, before anything is posted (as meetings do)."""
    data, settings = draft.data, draft.settings
    lines = [text.READBACK_INTRO, ""]
    if data.get("note"):
        lines.append(text.READBACK_NOTE.format(note=data["note"]))
    asked = data.get("ask_am_pm")
    if asked:
        am, pm = (datetime.fromisoformat(t) for t in asked)
        lines.append(
            text.READBACK_AM_PM.format(
                clock=clock_words(am, zone)[:-2],
                am=clock_words(am, zone),
                pm=clock_words(pm, zone),
                am_plain=plain_local(am, zone),
                pm_plain=plain_local(pm, zone),
            )
        )
    elif settings.closes_at is not None:
        lines.append(
            text.READBACK_CLOSES.format(
                plain=plain_local(settings.closes_at, zone), **full_and_relative(settings.closes_at)
            )
        )
    else:
        lines.append(text.READBACK_NO_CLOSE)
    if settings.content_note:
        lines.append(text.READBACK_CONTENT_NOTE.format(note=settings.content_note))
    kind = text.KIND_LINES[settings.kind.value]
    if settings.kind.value == "multi" and settings.max_choices:
        kind = text.KIND_LINES["multi_limited"].format(n=settings.max_choices)
    lines += [
        "",
        kind,
        text.ANONYMOUS_LINE if settings.anonymous else text.NAMED_LINE,
    ]
    if settings.reasons:
        lines.append(text.REASONS_LINE)
    lines.append("")
    lines += [f"{n}. {option}" for n, option in enumerate(data["options"], start=1)]
    lines += ["", text.READBACK_WHERE.format(channel=data["channel_id"])]
    if data.get("network"):
        lines.append(text.READBACK_NETWORK)
    if data.get("ping"):
        lines.append(text.READBACK_PING)
    return embed(title_of(data["question"]), cut("\n".join(lines), EMBED_DESCRIPTION))


def draft_view(draft: flows.PollDraft, zone: str) -> discord.ui.View:
    """The read-back's buttons (the one read-back view, bot.ui)."""
    asked = draft.data.get("ask_am_pm")
    labels = None
    if asked:
        am, pm = (clock_words(datetime.fromisoformat(when), zone) for when in asked)
        labels = (am, pm)
    return readback_view(PollDraftButton, draft.id, labels)


class PollDraftButton(
    ReadbackButton, template=r"polldraft:(?P<id>[0-9]+):(?P<action>post|change|am|pm)"
):
    """The read-back's buttons: **Post it**, **Change**, and morning or evening."""

    prefix = "polldraft"

    async def on_press(self, interaction: discord.Interaction) -> None:
        _actor, guild = await require_organiser(interaction)
        services = bot_of(interaction).services
        user_id = interaction.user.id
        if self.action == "change":
            draft = await flows.get_draft(services, self.draft_id, guild.guild_id, user_id)
            await interaction.response.send_modal(ChangePollModal(draft, guild.timezone))
            return
        if self.action in ("am", "pm"):
            draft = await flows.pick_in_draft(
                services, self.draft_id, guild.guild_id, user_id, self.action
            )
            await interaction.response.edit_message(
                embed=readback_embed(draft, guild.timezone), view=draft_view(draft, guild.timezone)
            )
            return
        created = await flows.publish_draft(services, RENDER, self.draft_id, guild, user_id)
        words = created_words(created, created.poll.channel_id)
        await interaction.response.edit_message(content=words, embed=None, view=None)


class ChangePollModal(SafeModal, title=text.CHANGE_MODAL_TITLE):
    """**Change**: the question, the options, the closing time and the content note."""

    form = "poll:change"

    def form_context(self) -> dict[str, Any]:
        return {"draft_id": self.draft_id}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        _actor, guild = await require_organiser(interaction)
        services = bot_of(interaction).services
        found = await flows.get_draft(
            services, int(context["draft_id"]), guild.guild_id, interaction.user.id
        )
        return cls(found, guild.timezone)

    def __init__(self, draft: flows.PollDraft, zone: str) -> None:
        super().__init__(timeout=3600)
        self.draft_id = draft.id
        data, settings = draft.data, draft.settings
        closes = data.get("closes_typed") or ""
        if settings.closes_at is not None and not data.get("ask_am_pm"):
            closes = f"{settings.closes_at.astimezone(as_zone(zone)):%Y-%m-%d %H:%M}"
        self.question = discord.ui.TextInput(
            custom_id="question",
            label=text.QUESTION_LABEL,
            max_length=250,
            default=data["question"],
        )
        self.options = discord.ui.TextInput(
            custom_id="options",
            label=text.OPTIONS_LABEL,
            style=discord.TextStyle.paragraph,
            max_length=4000,
            default="\n".join(data["options"]),
        )
        self.closes = text_field("closes", text.CLOSES_LABEL, max_length=80, default=closes)
        self.content_note = text_field(
            "content_note",
            text.CONTENT_NOTE_LABEL,
            max_length=200,
            placeholder=text.CONTENT_NOTE_PLACEHOLDER,
            default=settings.content_note,
        )
        for item in (self.question, self.options, self.closes, self.content_note):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        _actor, guild = await require_organiser(interaction)
        draft = await flows.change_draft(
            bot_of(interaction).services,
            self.draft_id,
            guild.guild_id,
            interaction.user.id,
            question=validate_question(self.question.value),
            options=parse_options(self.options.value),
            closes=self.closes.value,
            content_note=self.content_note.value,
        )
        await interaction.response.edit_message(
            embed=readback_embed(draft, guild.timezone), view=draft_view(draft, guild.timezone)
        )


def edited_words(poll: Poll) -> str:
    words = text.EDITED
    if poll.closes_at is not None:
        words += text.EDITED_CLOSES.format(**full_and_relative(poll.closes_at))
    return words


async def shared_poll(interaction: discord.Interaction, poll_id: int) -> Poll:
    """This server's own poll, or a network poll shared here while still linked."""
    return await flows.get_shared_poll(
        bot_of(interaction).services, poll_id, actor_guild_id(interaction)
    )


async def own_poll(interaction: discord.Interaction, poll_id: int) -> Poll:
    """One of this server's own polls (to close, or record an outcome)."""
    poll = await shared_poll(interaction, poll_id)  # refuses if not shared here
    if poll.guild_id != actor_guild_id(interaction):
        home = server_name(bot_of(interaction), poll.guild_id)
        raise Refusal(text.HOME_ONLY.format(home=home))
    return poll


# -- autocomplete ---------------------------------------------------------------------


async def poll_autocomplete(
    interaction: discord.Interaction, current: str, *, open_only: bool, shared: bool = False
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    bot = bot_of(interaction)
    found = await flows.find_polls(
        bot.services, interaction.guild_id, current, open_only=open_only, shared=shared
    )
    choices = []
    for p in found:
        name = p["question"] + ("" if p["state"] == "open" else text.CHOICE_CLOSED)
        if p.get("guild_id", interaction.guild_id) != interaction.guild_id:
            name += text.CHOICE_FROM.format(server=server_name(bot, p["guild_id"]))
        choices.append(app_commands.Choice(name=cut(name, 100), value=p["id"]))
    return choices[:25] if shared else choices


async def any_poll(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await poll_autocomplete(interaction, current, open_only=False)


async def any_poll_seen_here(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """This server's polls, then network polls shared here (for results and export)."""
    return await poll_autocomplete(interaction, current, open_only=False, shared=True)


async def open_polls(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await poll_autocomplete(interaction, current, open_only=True)
