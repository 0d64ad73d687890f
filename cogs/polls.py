"""/poll create|close|results|export|outcome and /polls: polls on service priorities.

The poll message has one **Vote** button. It opens a private ballot that fits
Discord's limits for every kind and up to 25 options: a select for single and
multi, one select per place for ranked, and an option select plus a points
select for points. Ballot screens carry their progress in their custom ids, so
they hold nothing in memory and keep working after a restart. Every step
re-checks membership and that the poll is open (rule 7); a vote is committed
before "Your vote is saved" (rule 10). Posts, turnout edits and outcome DMs go
through `bot.delivery`; the scheduled close is a dispatcher job.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.charts import render_results_chart, results_alt_text
from bot.client import SpeakBack
from bot.delivery import message_payload
from bot.domain.ballots import (
    Ballot,
    BallotError,
    MultiBallot,
    PointsBallot,
    PollKind,
    PollSetupError,
    RankedBallot,
    SingleBallot,
    ballot_from_json,
    ballot_to_json,
    option_indices,
    parse_options,
    validate_ballot,
    validate_question,
)
from bot.domain.errors import Refusal
from bot.domain.polls import (
    MAX_REASON,
    Poll,
    PollSettings,
    check_can_vote,
    check_settings,
    clean_outcome,
    clean_reason,
    decode_points,
    decode_ranking,
    encode_points,
    encode_ranking,
    fit_max_choices,
    give_points,
)
from bot.domain.suppression import Shown
from bot.domain.tally import TallyResult, tally
from bot.domain.timefmt import discord_timestamp
from bot.domain.when import parse_when
from bot.errors import NotAllowed
from bot.guards import actor_guild_id, require_member, require_organiser
from bot.strings import polls as text
from bot.ui import SafeItem, SafeModal, embed
from db import members as members_db
from db import polls as repo
from db.database import Database
from db.jobs import Job

log = logging.getLogger(__name__)

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}
CLOSE_JOB = "poll_close"
EMBED_TOTAL = 6000
EMBED_DESCRIPTION = 4096


def _bot(interaction: discord.Interaction) -> SpeakBack:
    return interaction.client  # type: ignore[return-value]


def close_key(poll_id: int) -> str:
    return f"poll-close:{poll_id}"


def _title(words: str) -> str:
    return words if len(words) <= 256 else words[:255] + "…"


def _cut(words: str, limit: int) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _amount(n: int, unit: str) -> str:
    return f"1 {unit[:-1]}" if n == 1 and unit.endswith("s") else f"{n} {unit}"


def message_link(guild_id: int, channel_id: int, message_id: int | None) -> str:
    if message_id is None:
        return f"<#{channel_id}>"
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


# -- describing polls and ballots ---------------------------------------------------


def kind_line(poll: Poll) -> str:
    if poll.kind is PollKind.MULTI and poll.max_choices:
        return text.KIND_LINES["multi_limited"].format(n=poll.max_choices)
    return text.KIND_LINES[poll.kind.value]


def describe_ballot(poll: Poll, ballot: Ballot) -> str:
    names = poll.options
    if isinstance(ballot, SingleBallot):
        return f"**{names[ballot.choice]}**"
    if isinstance(ballot, MultiBallot):
        return "; ".join(f"**{names[i]}**" for i in sorted(ballot.choices))
    if isinstance(ballot, RankedBallot):
        return ", ".join(f"{n}. **{names[i]}**" for n, i in enumerate(ballot.ranking, start=1))
    assert isinstance(ballot, PointsBallot)
    return "; ".join(f"**{names[i]}**: {_amount(p, 'points')}" for i, p in ballot.points.items())


def poll_embed(poll: Poll, turnout: int, live: TallyResult | None) -> discord.Embed:
    lines: list[str] = []
    if poll.content_note:
        lines += [text.CONTENT_NOTE.format(note=poll.content_note), ""]
    lines.append(kind_line(poll))
    lines.append(text.ANONYMOUS_LINE if poll.anonymous else text.NAMED_LINE)
    if poll.reasons:
        lines.append(text.REASONS_LINE)
    lines.append("")
    for n, option in enumerate(poll.options, start=1):
        count = f" - {_amount(live.totals[n - 1], live.value_label)}" if live else ""
        lines.append(f"{n}. {option}{count}")
    lines.append("")
    if poll.is_open:
        if poll.closes_at is not None:
            lines.append(
                text.OPEN_CLOSES.format(
                    when=discord_timestamp(poll.closes_at, "F"),
                    relative=discord_timestamp(poll.closes_at, "R"),
                )
            )
        else:
            lines.append(text.OPEN_NO_CLOSE)
        lines.append(
            text.TURNOUT.format(count=turnout, people=text.people(turnout))
            if turnout
            else text.TURNOUT_NONE
        )
        if not poll.live:
            lines.append(text.HIDDEN_RESULTS)
        lines.append(text.HOW_TO_VOTE)
    else:
        words = text.TURNOUT.format(count=turnout, people=text.people(turnout)).replace(
            " so far", ""
        )
        lines.append(text.CLOSED_LINE.format(turnout=words))
    result = embed(_title(poll.question), _cut("\n".join(lines), EMBED_DESCRIPTION))
    result.set_footer(text=text.POLL_FOOTER.format(id=poll.id))
    return result


def poll_payload(poll: Poll, turnout: int, live: TallyResult | None) -> dict[str, Any]:
    view = discord.ui.View(timeout=None)
    if poll.is_open:
        view.add_item(VoteButton(poll.id))
    return message_payload(embeds=[poll_embed(poll, turnout, live)], view=view)


async def live_tally(db: Database, poll: Poll) -> TallyResult | None:
    if not (poll.live and poll.is_open):
        return None
    choices = await repo.current_choices(db, poll.id)
    return tally(poll.kind, poll.options, [ballot_from_json(poll.kind, c) for c in choices])


def results_embeds(poll: Poll) -> list[discord.Embed]:
    """The frozen results: totals in words (the chart's text equivalent), rounds, groups."""
    assert poll.result is not None
    result = poll.result
    closed = discord_timestamp(poll.closed_at, "F") if poll.closed_at else ""
    count = result.ballots
    lines = [
        text.RESULTS_TURNOUT.format(count=count, people=text.people(count), when=closed),
        "",
        result.headline,
        "",
    ]
    unit = result.value_label
    for n, (option, total) in enumerate(zip(result.options, result.totals, strict=True), 1):
        lines.append(f"{n}. {option}: {_amount(total, unit)}")
    if poll.answers_erased_at:
        lines += ["", text.ANSWERS_ERASED]
    main = embed(
        _title(text.RESULTS_TITLE.format(question=poll.question)), _cut("\n".join(lines), 4000)
    )
    main.set_footer(text=text.POLL_FOOTER.format(id=poll.id))
    embeds = [main]
    used = len(main.title or "") + len(main.description or "") + 20
    extra: list[tuple[str, str]] = []
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
                    option=_cut(f"{r.winner + 1}. {result.options[r.winner]}", 70),
                    votes=r.counts[r.winner],
                    continuing=r.continuing,
                )
            )
        else:
            numbers = [str(i + 1) for i in r.eliminated]
            out = (
                f"option {numbers[0]}"
                if len(numbers) == 1
                else f"options {', '.join(numbers[:-1])} and {numbers[-1]}"
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
                        people=text.people_noun(count),
                        unit=result.value_label,
                        top=f"{' / '.join(leaders)} ({top})",
                    )
                )
            else:
                lines.append(
                    text.BREAKDOWN_NO_TOP.format(
                        group=label, count=count, people=text.people_noun(count)
                    )
                )
    lines.append(f"Total: {breakdown.total}")
    if any(g.shown is not Shown.COUNT for g in breakdown.groups):
        lines.append(text.BREAKDOWN_NOTE.format(threshold=breakdown.threshold))
    return lines


def chart_file_name(poll: Poll) -> str:
    return f"poll-{poll.id}-results.png"


def render_chart(poll: Poll) -> tuple[bytes, str]:
    """(PNG bytes, alt text) of the frozen results. Slow: call in a thread."""
    assert poll.result is not None
    result = poll.result
    note = text.CHART_NOTE.format(count=result.ballots, people=text.people(result.ballots))
    note = note.replace(" have", "").replace(" has", "")
    png = render_results_chart(
        poll.question, result.options, result.totals, result.value_label, note=note
    )
    alt = results_alt_text(
        poll.question, result.options, result.totals, result.value_label, note=note, max_length=1024
    )
    return png, alt


async def results_payload(poll: Poll) -> dict[str, Any]:
    png, alt = await asyncio.to_thread(render_chart, poll)
    embeds = results_embeds(poll)
    embeds[0].set_image(url=f"attachment://{chart_file_name(poll)}")
    return message_payload(embeds=embeds, files=[(chart_file_name(poll), png, alt)])


# -- the poll's public message ------------------------------------------------------


async def poll_message_id(bot: SpeakBack, poll: Poll) -> int | None:
    if poll.message_id is not None:
        return poll.message_id
    if poll.post_outbox_id is None:
        return None
    message_id = await bot.delivery.sent_message_id(poll.post_outbox_id)
    if message_id is not None:
        await repo.set_message_id(bot.db, poll.id, message_id)
    return message_id


async def refresh_poll_message(bot: SpeakBack, poll_id: int) -> None:
    """Show the current turnout (and counts, if live) on the poll message; edits coalesce."""
    poll = await repo.get_poll(bot.db, poll_id)
    if poll is None:
        return
    message_id = await poll_message_id(bot, poll)
    if message_id is None:
        return
    count = await repo.turnout(bot.db, poll.id) if poll.is_open else (poll.turnout or 0)
    payload = poll_payload(poll, count, await live_tally(bot.db, poll))
    await bot.delivery.edit(
        guild_id=poll.guild_id, channel_id=poll.channel_id, message_id=message_id, payload=payload
    )


async def close_and_announce(bot: SpeakBack, poll_id: int) -> Poll | None:
    """Close (once), then post the results and update the poll message. Idempotent."""
    try:
        poll, closed_now = await repo.close_poll(bot.db, poll_id, bot.clock.now())
    except LookupError:
        return None
    if closed_now and poll.anonymous:
        await repo.compact(bot.db)
    if poll.results_outbox_id is None:
        row_id = await bot.delivery.post(
            guild_id=poll.guild_id,
            channel_id=poll.channel_id,
            payload=await results_payload(poll),
            dedupe_key=f"poll-results:{poll.id}",
        )
        if row_id is not None:
            await repo.set_results_outbox(bot.db, poll.id, row_id)
    await refresh_poll_message(bot, poll.id)
    return poll


# -- the ballot ------------------------------------------------------------------------


async def open_poll_for(interaction: discord.Interaction, poll_id: int) -> Poll:
    """The poll, if this member may vote in it now (re-checked on every step, rule 7)."""
    bot = _bot(interaction)
    await require_member(interaction)
    poll = await repo.get_poll(bot.db, poll_id, actor_guild_id(interaction))
    if poll is None:
        raise Refusal(text.POLL_GONE)
    check_can_vote(poll, bot.clock.now())
    return poll


def ballot_intro(poll: Poll, current: Ballot | None) -> list[str]:
    lines = []
    if poll.content_note:
        lines.append(text.CONTENT_NOTE.format(note=poll.content_note))
    lines.append(text.BALLOT_ANONYMOUS if poll.anonymous else text.BALLOT_NAMED)
    lines.append(kind_line(poll))
    if current is not None:
        lines.append(_cut(text.BALLOT_CURRENT.format(choice=describe_ballot(poll, current)), 1500))
    return lines


def _select_options(
    poll: Poll,
    chosen: set[int] = frozenset(),
    skip: set[int] = frozenset(),  # type: ignore[assignment]
) -> list[discord.SelectOption]:
    return [
        discord.SelectOption(label=_cut(f"{n + 1}. {o}", 100), value=str(n), default=n in chosen)
        for n, o in enumerate(poll.options)
        if n not in skip
    ]


def ballot_screen(poll: Poll, current: Ballot | None) -> tuple[discord.Embed, discord.ui.View]:
    """The first ballot screen for this poll's kind."""
    if poll.kind is PollKind.RANKED:
        start = current.ranking if isinstance(current, RankedBallot) else ()
        return ranked_screen(poll, start, current)
    if poll.kind is PollKind.POINTS:
        start = dict(current.points) if isinstance(current, PointsBallot) else {}
        return points_screen(poll, start, current)
    view = discord.ui.View(timeout=None)
    if poll.kind is PollKind.SINGLE:
        chosen = {current.choice} if isinstance(current, SingleBallot) else set()
        view.add_item(SingleSelect(poll.id, _select_options(poll, chosen)))
    else:
        chosen = set(current.choices) if isinstance(current, MultiBallot) else set()
        limit = poll.max_choices or len(poll.options)
        view.add_item(MultiSelect(poll.id, _select_options(poll, chosen), limit))
    body = "\n".join(ballot_intro(poll, current))
    return embed(_title(poll.question), body), view


def ranked_screen(
    poll: Poll, ranking: tuple[int, ...], current: Ballot | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    lines = ballot_intro(poll, current)
    lines.append("")
    if ranking:
        lines.append(text.RANK_SO_FAR)
        lines += [f"{n}. {poll.options[i]}" for n, i in enumerate(ranking, start=1)]
    else:
        lines.append(text.RANK_NONE_YET)
    view = discord.ui.View(timeout=None)
    state = encode_ranking(ranking)
    if len(ranking) < len(poll.options):
        placeholder = text.SELECT_RANK.format(ordinal=text.ordinal(len(ranking) + 1))
        view.add_item(
            RankSelect(poll.id, state, _select_options(poll, skip=set(ranking)), placeholder)
        )
    else:
        lines.append(text.RANK_DONE_ALL)
    view.add_item(RankSaveButton(poll.id, state, disabled=not ranking))
    view.add_item(RankUndoButton(poll.id, state, disabled=not ranking))
    return embed(_title(poll.question), _cut("\n".join(lines), EMBED_DESCRIPTION)), view


def points_screen(
    poll: Poll, points: dict[int, int], current: Ballot | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    lines = ballot_intro(poll, current)
    lines.append("")
    total = sum(points.values())
    if points:
        lines.append(text.POINTS_SO_FAR.format(total=total))
        lines += [f"{poll.options[i]}: {_amount(p, 'points')}" for i, p in sorted(points.items())]
    else:
        lines.append(text.POINTS_NONE_YET)
    view = discord.ui.View(timeout=None)
    state = encode_points(points)
    options = [
        discord.SelectOption(
            label=_cut(f"{n + 1}. {o}", 100),
            value=str(n),
            description=_amount(points[n], "points") if n in points else None,
        )
        for n, o in enumerate(poll.options)
    ]
    view.add_item(PointsOptionSelect(poll.id, state, options))
    view.add_item(PointsSaveButton(poll.id, state, disabled=not points))
    view.add_item(PointsResetButton(poll.id, disabled=not points))
    return embed(_title(poll.question), _cut("\n".join(lines), EMBED_DESCRIPTION)), view


def points_value_screen(
    poll: Poll, points: dict[int, int], option: int
) -> tuple[discord.Embed, discord.ui.View]:
    others = sum(p for i, p in points.items() if i != option)
    left = 10 - others
    lines = ballot_intro(poll, None)
    lines += ["", text.POINTS_FOR.format(option=poll.options[option], left=left)]
    choices = [
        discord.SelectOption(
            label=_amount(n, "points"), value=str(n), default=points.get(option, 0) == n
        )
        for n in range(left + 1)
    ]
    view = discord.ui.View(timeout=None)
    view.add_item(
        PointsValueSelect(
            poll.id,
            option,
            encode_points(points),
            choices,
            text.SELECT_POINTS_VALUE.format(n=option + 1),
        )
    )
    return embed(_title(poll.question), "\n".join(lines)), view


async def save_vote(interaction: discord.Interaction, poll_id: int, ballot: Ballot) -> None:
    """Validate, commit, then say so (rule 10); then update the turnout on the poll."""
    bot = _bot(interaction)
    member = await require_member(interaction)
    poll = await repo.get_poll(bot.db, poll_id, member.guild_id)
    if poll is None:
        raise Refusal(text.POLL_GONE)
    ballot = validate_ballot(poll.kind, len(poll.options), ballot, poll.max_choices)
    try:
        changed, _count = await repo.cast_vote(
            bot.db,
            poll.id,
            guild_id=member.guild_id,
            user_id=member.user_id,
            choice=ballot_to_json(ballot),
            group=member.profile.group,
            voter_name=None if poll.anonymous else interaction.user.display_name,
            now=bot.clock.now(),
        )
    except LookupError:
        raise NotAllowed(strings.JOIN_FIRST) from None
    saved = text.SAVED_CHANGED if changed else text.SAVED
    lines = [
        _cut(saved.format(choice=describe_ballot(poll, ballot)), 3000),
        text.SAVED_ANONYMOUS if poll.anonymous else text.SAVED_NAMED,
        text.SAVED_CHANGE_HINT,
    ]
    view = discord.ui.View(timeout=None)
    if poll.reasons:
        view.add_item(ReasonButton(poll.id))
    await interaction.response.edit_message(
        content=None, embed=embed(_title(poll.question), "\n".join(lines)), view=view
    )
    await refresh_poll_message(bot, poll.id)


class VoteButton(
    SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"poll:(?P<id>[0-9]+):vote"
):
    def __init__(self, poll_id: int) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Button(
                label=strings.VOTE,
                style=discord.ButtonStyle.primary,
                custom_id=f"poll:{poll_id}:vote",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        member = await require_member(interaction)
        poll = await repo.get_poll(bot.db, self.poll_id, member.guild_id)
        if poll is None:
            raise Refusal(text.POLL_GONE)
        check_can_vote(poll, bot.clock.now())
        if poll.message_id is None and interaction.message is not None:
            await repo.set_message_id(bot.db, poll.id, interaction.message.id)
        mine = await repo.my_ballot(bot.db, poll, member.guild_id, member.user_id)
        current = ballot_from_json(poll.kind, mine[0]) if mine else None
        shown, view = ballot_screen(poll, current)
        await interaction.response.send_message(embed=shown, view=view, ephemeral=True)


class SingleSelect(
    SafeItem, discord.ui.DynamicItem[discord.ui.Select], template=r"poll:(?P<id>[0-9]+):single"
):
    def __init__(self, poll_id: int, options: list[discord.SelectOption] | None = None) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:single",
                placeholder=text.SELECT_SINGLE,
                min_values=1,
                max_values=1,
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        chosen = option_indices(self.item.values)
        if not chosen:
            raise BallotError(text.NONE_CHOSEN)
        await save_vote(interaction, self.poll_id, SingleBallot(chosen[0]))


class MultiSelect(
    SafeItem, discord.ui.DynamicItem[discord.ui.Select], template=r"poll:(?P<id>[0-9]+):multi"
):
    def __init__(
        self, poll_id: int, options: list[discord.SelectOption] | None = None, limit: int = 1
    ) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:multi",
                placeholder=text.SELECT_MULTI,
                min_values=1,
                max_values=max(1, min(limit, len(options or []) or 1)),
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        chosen = option_indices(self.item.values)
        await save_vote(interaction, self.poll_id, MultiBallot(frozenset(chosen)))


class RankSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"poll:(?P<id>[0-9]+):rk:(?P<state>[0-9.-]+)",
):
    def __init__(
        self,
        poll_id: int,
        state: str,
        options: list[discord.SelectOption] | None = None,
        placeholder: str | None = None,
    ) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:rk:{state}",
                placeholder=placeholder,
                min_values=1,
                max_values=1,
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        ranking = decode_ranking(self.state, len(poll.options))
        picked = option_indices(self.item.values)
        if picked and 0 <= picked[0] < len(poll.options) and picked[0] not in ranking:
            ranking = (*ranking, picked[0])
        shown, view = ranked_screen(poll, ranking)
        await interaction.response.edit_message(embed=shown, view=view)


class RankSaveButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"poll:(?P<id>[0-9]+):rks:(?P<state>[0-9.-]+)",
):
    def __init__(self, poll_id: int, state: str, disabled: bool = False) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            discord.ui.Button(
                label=text.SAVE_RANKING,
                style=discord.ButtonStyle.primary,
                custom_id=f"poll:{poll_id}:rks:{state}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        ranking = decode_ranking(self.state, len(poll.options))
        await save_vote(interaction, poll.id, RankedBallot(ranking))


class RankUndoButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"poll:(?P<id>[0-9]+):rku:(?P<state>[0-9.-]+)",
):
    def __init__(self, poll_id: int, state: str, disabled: bool = False) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            discord.ui.Button(
                label=text.UNDO,
                style=discord.ButtonStyle.secondary,
                custom_id=f"poll:{poll_id}:rku:{state}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        ranking = decode_ranking(self.state, len(poll.options))[:-1]
        shown, view = ranked_screen(poll, ranking)
        await interaction.response.edit_message(embed=shown, view=view)


class PointsOptionSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"poll:(?P<id>[0-9]+):po:(?P<state>[0-9.-]+)",
):
    def __init__(
        self, poll_id: int, state: str, options: list[discord.SelectOption] | None = None
    ) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:po:{state}",
                placeholder=text.SELECT_POINTS_OPTION,
                min_values=1,
                max_values=1,
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        points = decode_points(self.state, len(poll.options))
        picked = option_indices(self.item.values)
        if not picked or not 0 <= picked[0] < len(poll.options):
            raise BallotError(text.NONE_CHOSEN)
        shown, view = points_value_screen(poll, points, picked[0])
        await interaction.response.edit_message(embed=shown, view=view)


class PointsValueSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"poll:(?P<id>[0-9]+):pv:(?P<option>[0-9]+):(?P<state>[0-9.-]+)",
):
    def __init__(
        self,
        poll_id: int,
        option: int,
        state: str,
        choices: list[discord.SelectOption] | None = None,
        placeholder: str | None = None,
    ) -> None:
        self.poll_id, self.option, self.state = poll_id, option, state
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:pv:{option}:{state}",
                placeholder=placeholder,
                min_values=1,
                max_values=1,
                options=choices or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), int(match["option"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        points = decode_points(self.state, len(poll.options))
        if not 0 <= self.option < len(poll.options):
            raise Refusal(text.POLL_GONE)
        amount = option_indices(self.item.values)
        points = give_points(points, self.option, amount[0] if amount else 0)
        shown, view = points_screen(poll, points)
        await interaction.response.edit_message(embed=shown, view=view)


class PointsSaveButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"poll:(?P<id>[0-9]+):ps:(?P<state>[0-9.-]+)",
):
    def __init__(self, poll_id: int, state: str, disabled: bool = False) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            discord.ui.Button(
                label=text.SAVE_POINTS,
                style=discord.ButtonStyle.primary,
                custom_id=f"poll:{poll_id}:ps:{state}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        points = decode_points(self.state, len(poll.options))
        await save_vote(interaction, poll.id, PointsBallot(points))


class PointsResetButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"poll:(?P<id>[0-9]+):p0",
):
    def __init__(self, poll_id: int, disabled: bool = False) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Button(
                label=text.START_AGAIN,
                style=discord.ButtonStyle.secondary,
                custom_id=f"poll:{poll_id}:p0",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        shown, view = points_screen(poll, {})
        await interaction.response.edit_message(embed=shown, view=view)


class ReasonModal(SafeModal, title=text.REASON_MODAL_TITLE):
    def __init__(self, poll: Poll, current: str | None) -> None:
        super().__init__()
        self.poll_id = poll.id
        self.reason = discord.ui.TextInput(
            custom_id="reason",
            label=text.REASON_LABEL,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_REASON,
            default=current,
            placeholder=_cut(text.REASON_ANONYMOUS_HINT, 100) if poll.anonymous else None,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        poll = await open_poll_for(interaction, self.poll_id)
        reason = clean_reason(self.reason.value)
        saved = await repo.set_reason(
            bot.db, poll.id, poll.guild_id, interaction.user.id, reason, bot.clock.now()
        )
        if not saved:
            raise Refusal(text.REASON_NO_BALLOT)
        await interaction.response.send_message(
            text.REASON_SAVED if reason else text.REASON_CLEARED, ephemeral=True
        )


class ReasonButton(
    SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"poll:(?P<id>[0-9]+):why"
):
    def __init__(self, poll_id: int) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Button(
                label=text.ADD_REASON,
                style=discord.ButtonStyle.secondary,
                custom_id=f"poll:{poll_id}:why",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        poll = await open_poll_for(interaction, self.poll_id)
        if not poll.reasons:
            raise Refusal(text.REASONS_OFF)
        mine = await repo.my_ballot(bot.db, poll, poll.guild_id, interaction.user.id)
        if mine is None:
            raise Refusal(text.REASON_NO_BALLOT)
        await interaction.response.send_modal(ReasonModal(poll, mine[1]))


DYNAMIC_ITEMS = (
    VoteButton,
    SingleSelect,
    MultiSelect,
    RankSelect,
    RankSaveButton,
    RankUndoButton,
    PointsOptionSelect,
    PointsValueSelect,
    PointsSaveButton,
    PointsResetButton,
    ReasonButton,
)


# -- creating -------------------------------------------------------------------------


class CreatePollModal(SafeModal, title=text.MODAL_TITLE):
    def __init__(self, settings: PollSettings, ping: bool) -> None:
        super().__init__()
        self.settings = settings
        self.ping = ping
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
        bot = _bot(interaction)
        _actor, guild_settings = await require_organiser(interaction)
        question = validate_question(self.question.value)
        options = parse_options(self.options.value)
        now = bot.clock.now()
        if self.settings.closes_at is not None and self.settings.closes_at <= now:
            raise PollSetupError(
                "The closing time passed while the form was open. Please start again "
                "with a later time. Nothing was posted."
            )
        channel_id = guild_settings.announcements_channel_id or interaction.channel_id
        if channel_id is None:
            raise Refusal(text.NO_CHANNEL)
        poll_id = await repo.create_poll(
            bot.db,
            guild_id=guild_settings.guild_id,
            channel_id=channel_id,
            question=question,
            options=options,
            settings=self.settings,
            max_choices=fit_max_choices(self.settings, len(options)),
            now=now,
        )
        poll = await repo.get_poll(bot.db, poll_id)
        assert poll is not None
        if poll.closes_at is not None:
            await bot.dispatcher.schedule(
                CLOSE_JOB, poll.closes_at, {"poll_id": poll.id}, close_key(poll.id), poll.guild_id
            )
        payload = poll_payload(poll, 0, await live_tally(bot.db, poll))
        role = guild_settings.announce_role_id if self.ping else None
        if role is not None:
            payload = {**payload, "content": f"<@&{role}>", "ping_role_id": role}
        row_id = await bot.delivery.post(
            guild_id=poll.guild_id,
            channel_id=channel_id,
            payload=payload,
            dedupe_key=f"poll-post:{poll.id}",
        )
        await repo.set_post_outbox(bot.db, poll.id, row_id)
        closes = (
            text.CREATED_CLOSES.format(
                when=discord_timestamp(poll.closes_at, "F"),
                relative=discord_timestamp(poll.closes_at, "R"),
            )
            if poll.closes_at
            else text.CREATED_NO_CLOSE
        )
        await interaction.response.send_message(
            text.CREATED.format(channel=channel_id, closes=closes), ephemeral=True
        )


class OutcomeModal(SafeModal, title=text.OUTCOME_MODAL_TITLE):
    def __init__(self, poll_id: int) -> None:
        super().__init__()
        self.poll_id = poll_id
        self.decided = discord.ui.TextInput(
            custom_id="decided",
            label=text.OUTCOME_DECIDED_LABEL,
            style=discord.TextStyle.paragraph,
            placeholder=text.OUTCOME_DECIDED_PLACEHOLDER,
            max_length=1500,
        )
        self.by_when = discord.ui.TextInput(
            custom_id="by_when",
            label=text.OUTCOME_BY_LABEL,
            placeholder=text.OUTCOME_BY_PLACEHOLDER,
            max_length=100,
        )
        self.add_item(self.decided)
        self.add_item(self.by_when)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        _actor, settings = await require_organiser(interaction)
        poll = await _poll_option(bot, interaction, self.poll_id)
        decided, by_when = clean_outcome(self.decided.value, self.by_when.value)
        _check_outcome_allowed(poll)
        if not await repo.record_outcome(bot.db, poll.id, decided, by_when, bot.clock.now()):
            raise Refusal(text.OUTCOME_OPEN)
        body = text.OUTCOME_BODY.format(decided=decided, by_when=by_when)
        results_id = (
            await bot.delivery.sent_message_id(poll.results_outbox_id)
            if poll.results_outbox_id
            else None
        )
        posted = (
            body
            + "\n\n"
            + text.OUTCOME_RESULTS_LINK.format(
                link=message_link(poll.guild_id, poll.channel_id, results_id)
            )
        )
        title = _title(text.OUTCOME_TITLE.format(question=poll.question))
        await bot.delivery.post(
            guild_id=poll.guild_id,
            channel_id=poll.channel_id,
            payload=message_payload(embeds=[embed(title, posted)]),
            dedupe_key=f"poll-outcome:{poll.id}",
        )
        voters = set(await repo.voter_ids(bot.db, poll.id))
        wanting = await members_db.contactable_user_ids(
            bot.db, poll.guild_id, "dm_outcomes", bot.clock.now(), settings.notice_version
        )
        dm = message_payload(
            text.OUTCOME_DM_INTRO.format(question=_cut(poll.question, 200)),
            embeds=[embed(title, posted)],
        )
        recipients = sorted(voters & set(wanting))
        for user_id in recipients:
            await bot.delivery.dm(
                guild_id=poll.guild_id,
                user_id=user_id,
                purpose="dm_outcomes",
                payload=dm,
                dedupe_key=f"poll-outcome:{poll.id}:{user_id}",
                batch=f"poll-outcome:{poll.id}",
            )
        words = text.OUTCOME_SAVED if recipients else text.OUTCOME_SAVED_NO_DMS
        await interaction.response.send_message(
            words.format(channel=poll.channel_id), ephemeral=True
        )


def _check_outcome_allowed(poll: Poll) -> None:
    if poll.is_open:
        raise Refusal(text.OUTCOME_OPEN)
    if poll.outcome_text is not None:
        raise Refusal(text.OUTCOME_EXISTS.format(text=poll.outcome_text, by=poll.outcome_by))


async def _poll_option(bot: SpeakBack, interaction: discord.Interaction, poll_id: int) -> Poll:
    poll = await repo.get_poll(bot.db, poll_id, actor_guild_id(interaction))
    if poll is None:
        raise Refusal(text.POLL_GONE)
    return poll


# -- export ------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """Stop spreadsheet formulas in people's words (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(poll: Poll, ballots: list[dict[str, Any]]) -> bytes:
    assert poll.result is not None
    result = poll.result
    out = io.StringIO()
    w = csv.writer(out)

    def row(*cells: Any) -> None:
        w.writerow([_cell(c) for c in cells])

    row("poll", "question", "kind", "anonymous", "closed_at", "ballots")
    row(
        poll.id,
        poll.question,
        poll.kind.value,
        "yes" if poll.anonymous else "no",
        poll.closed_at.isoformat() if poll.closed_at else "",
        result.ballots,
    )
    row()
    row("option_number", "option", result.value_label)
    for n, (option, total) in enumerate(zip(result.options, result.totals, strict=True), 1):
        row(n, option, total)
    row()
    row("result", result.headline)
    for r in result.rounds:
        row(f"round {r.number}", r.explanation)
    if poll.breakdown is not None:
        row()
        row("group", "responses", *[f"option {n}" for n in range(1, len(poll.options) + 1)])
        for g in poll.breakdown.groups:
            label = text.GROUP_LABELS[g.group]
            if g.shown is Shown.COUNT:
                row(label, g.count, *(g.totals or ()))
            elif g.shown is Shown.SMALL:
                row(label, f"fewer than {poll.breakdown.threshold}")
            else:
                row(label, "hidden")
    row()
    if poll.anonymous:
        row("ballot", "choice", "reason")
    else:
        row("ballot", "name", "user_id", "choice", "reason")
    for b in ballots:
        choice = describe_ballot(poll, ballot_from_json(poll.kind, b["choice"])).replace("**", "")
        if poll.anonymous:
            row(b["id"], choice, b["reason"] or "")
        else:
            row(b["id"], b["voter_name"] or "", b["user_id"] or "", choice, b["reason"] or "")
    return out.getvalue().encode("utf-8-sig")


# -- the commands -------------------------------------------------------------------------


async def poll_autocomplete(
    interaction: discord.Interaction, current: str, *, open_only: bool
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await repo.list_polls(
        _bot(interaction).db, interaction.guild_id, open_only=open_only, search=current
    )
    return [
        app_commands.Choice(
            name=_cut(f"{p['question']}" + ("" if p["state"] == "open" else " (closed)"), 100),
            value=p["id"],
        )
        for p in found
    ]


async def any_poll(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await poll_autocomplete(interaction, current, open_only=False)


async def open_polls(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await poll_autocomplete(interaction, current, open_only=True)


@app_commands.guild_only()
class PollGroup(app_commands.Group, name="poll", description=text.GROUP_DESCRIPTION):
    def __init__(self, bot: SpeakBack) -> None:
        super().__init__(extras=ORGANISER)
        self.bot = bot

    @app_commands.command(name="create", description=text.CREATE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(
        kind=text.KIND_HELP,
        max_choices=text.MAX_CHOICES_HELP,
        anonymous=text.ANONYMOUS_HELP,
        results=text.RESULTS_HELP,
        closes=text.CLOSES_HELP,
        content_note=text.CONTENT_NOTE_HELP,
        reasons=text.REASONS_HELP,
        network=text.NETWORK_HELP,
        ping=text.PING_HELP,
    )
    @app_commands.choices(
        kind=[app_commands.Choice(name=k.value, value=k.value) for k in PollKind],
        results=[
            app_commands.Choice(name="live", value="live"),
            app_commands.Choice(name="at_close", value="at_close"),
        ],
    )
    async def create(
        self,
        interaction: discord.Interaction,
        kind: str,
        max_choices: app_commands.Range[int, 1, 25] | None = None,
        anonymous: bool = True,
        results: str = "at_close",
        closes: str | None = None,
        content_note: str | None = None,
        reasons: bool = False,
        network: bool = False,
        ping: bool = False,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        if network:
            raise Refusal(text.NETWORK_NOT_YET)
        now = self.bot.clock.now()
        closes_at = parse_when(closes, settings.timezone, now) if closes else None
        chosen = check_settings(
            kind=kind,
            max_choices=max_choices,
            anonymous=anonymous,
            results=results,
            closes_at=closes_at,
            content_note=content_note,
            reasons=reasons,
        )
        await interaction.response.send_modal(CreatePollModal(chosen, ping))

    @app_commands.command(name="close", description=text.CLOSE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=open_polls)
    async def close(self, interaction: discord.Interaction, poll: int) -> None:
        await require_organiser(interaction)
        found = await _poll_option(self.bot, interaction, poll)
        if not found.is_open:
            raise Refusal(text.ALREADY_CLOSED)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await close_and_announce(self.bot, found.id)
        await self.bot.dispatcher.cancel(close_key(found.id))
        await interaction.followup.send(
            text.CLOSED_NOW.format(channel=found.channel_id), ephemeral=True
        )

    @app_commands.command(name="results", description=text.RESULTS_DESCRIPTION, extras=EVERYONE)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=any_poll)
    async def results(self, interaction: discord.Interaction, poll: int) -> None:
        found = await _poll_option(self.bot, interaction, poll)
        if found.is_open and not found.live:
            words = (
                text.NOT_CLOSED_HIDDEN.format(when=discord_timestamp(found.closes_at, "F"))
                if found.closes_at
                else text.NOT_CLOSED_HIDDEN_NO_TIME
            )
            await interaction.response.send_message(words, ephemeral=True)
            return
        if found.is_open:
            live = await live_tally(self.bot.db, found)
            assert live is not None
            lines = [live.headline, ""] + [
                f"{n}. {o}: {_amount(t, live.value_label)}"
                for n, (o, t) in enumerate(zip(live.options, live.totals, strict=True), 1)
            ]
            shown = embed(
                _title(text.LIVE_TITLE.format(question=found.question)),
                _cut("\n".join(lines), 4000),
            )
            await interaction.response.send_message(embed=shown, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        png, alt = await asyncio.to_thread(render_chart, found)
        embeds = results_embeds(found)
        embeds[0].set_image(url=f"attachment://{chart_file_name(found)}")
        chart = discord.File(io.BytesIO(png), filename=chart_file_name(found), description=alt)
        await interaction.followup.send(embeds=embeds, file=chart, ephemeral=True)

    @app_commands.command(name="export", description=text.EXPORT_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=any_poll)
    async def export(self, interaction: discord.Interaction, poll: int) -> None:
        await require_organiser(interaction)
        found = await _poll_option(self.bot, interaction, poll)
        if found.is_open:
            raise Refusal(text.EXPORT_OPEN)
        await interaction.response.defer(ephemeral=True, thinking=True)
        ballots = await repo.closed_ballots(self.bot.db, found.id)
        data = await asyncio.to_thread(export_csv, found, ballots)
        words = text.EXPORT_READY.format(question=_cut(found.question, 200))
        if found.anonymous:
            words += " " + text.EXPORT_ANONYMOUS_NOTE
        await interaction.followup.send(
            words,
            file=discord.File(io.BytesIO(data), filename=f"poll-{found.id}.csv"),
            ephemeral=True,
        )

    @app_commands.command(name="outcome", description=text.OUTCOME_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=any_poll)
    async def outcome(self, interaction: discord.Interaction, poll: int) -> None:
        await require_organiser(interaction)
        found = await _poll_option(self.bot, interaction, poll)
        _check_outcome_allowed(found)
        await interaction.response.send_modal(OutcomeModal(found.id))


class PollsCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(PollGroup(bot))
        # Both exist once setup_hook has opened the database (not in command-only loads).
        if bot.dispatcher is not None:
            bot.dispatcher.register(CLOSE_JOB, self._close_job)
        if bot.retention is not None:
            bot.retention.add_sweeper(repo.sweep)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.tree.remove_command("poll")

    async def _close_job(self, job: Job, now: datetime) -> None:
        """Scheduled close: runs however late (downtime), once; closing is idempotent."""
        await close_and_announce(self.bot, int(job.payload["poll_id"]))

    @app_commands.command(name="polls", description=text.LIST_DESCRIPTION, extras=MEMBER)
    @app_commands.guild_only()
    async def polls(self, interaction: discord.Interaction) -> None:
        guild_id = actor_guild_id(interaction)
        found = await repo.list_polls(self.bot.db, guild_id, open_only=True)
        if not found:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        mine = await repo.voted_in(self.bot.db, guild_id, interaction.user.id)
        lines = []
        for p in found:
            closes = (
                text.LIST_CLOSES.format(
                    when=discord_timestamp(datetime.fromisoformat(p["closes_at"]), "R")
                )
                if p["closes_at"]
                else text.LIST_NO_CLOSE
            )
            lines.append(
                text.LIST_LINE.format(
                    question=_cut(p["question"], 200),
                    kind=text.KIND_NAMES[p["kind"]],
                    closes=closes,
                    voted=text.LIST_VOTED if p["id"] in mine else "",
                    link=message_link(guild_id, p["channel_id"], p["message_id"]),
                ).replace(" \n", "\n")
            )
        is_member = await members_db.is_member(self.bot.db, guild_id, interaction.user.id)
        lines.append("")
        lines.append(text.LIST_HOW if is_member else text.LIST_JOIN)
        await interaction.response.send_message(
            embed=embed(text.LIST_TITLE, _cut("\n".join(lines), 4000)), ephemeral=True
        )


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(PollsCog(bot))
