"""What a poll looks like in the channel: the poll message, the results, the CSV.

Also closing: `close_and_announce` freezes the results (once), runs the
anonymity steps, posts the results with the chart through the outbox and
updates the poll message. Charts and CSV files are made off the event loop.

A network-wide poll (issue 10) has a copy in each linked server it was posted to
(`db.network_items`): turnout edits go to every copy, the results to every copy
whose server is still linked, with a per-server turnout breakdown (suppressed).
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from typing import Any

import discord

from bot import strings
from bot.charts import render_results_chart, results_alt_text
from bot.client import SpeakBack
from bot.delivery import message_payload
from bot.domain.ballots import (
    ballot_from_json,
)
from bot.domain.polls import (
    Poll,
)
from bot.domain.suppression import Shown
from bot.domain.tally import TallyResult, tally
from bot.domain.timefmt import discord_timestamp
from bot.networks import may_answer_from, per_server_lines
from bot.strings import polls as text
from bot.ui import DynamicView, embed
from cogs._poll_ballot import VoteButton, amount, cut, describe_ballot, kind_line, title_of
from db import network_items
from db import polls as repo
from db.database import Database

log = logging.getLogger(__name__)

KIND = "poll"  # in item_copies

EMBED_TOTAL = 6000
EMBED_DESCRIPTION = 4096


def message_link(guild_id: int, channel_id: int, message_id: int | None) -> str:
    if message_id is None:
        return f"<#{channel_id}>"
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


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
    for n, option in enumerate(poll.options, start=1):
        count = f" - {amount(live.totals[n - 1], live.value_label)}" if live else ""
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


def poll_payload(poll: Poll, turnout: int, live: TallyResult | None) -> dict[str, Any]:
    view = DynamicView()
    if poll.is_open:
        view.add_item(VoteButton(poll.id))
    return message_payload(embeds=[poll_embed(poll, turnout, live)], view=view)


async def live_tally(db: Database, poll: Poll) -> TallyResult | None:
    if not (poll.live and poll.is_open):
        return None
    choices = await repo.current_choices(db, poll.id)
    return tally(poll.kind, poll.options, [ballot_from_json(poll.kind, c) for c in choices])


def results_embeds(poll: Poll, by_server: list[str] | None = None) -> list[discord.Embed]:
    """The frozen results: totals in words (the chart's text equivalent), rounds, groups.

    `by_server`: a network poll's per-server turnout lines (see `server_lines`).
    """
    assert poll.result is not None
    result = poll.result
    closed = discord_timestamp(poll.closed_at, "F") if poll.closed_at else ""
    count = result.ballots
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
    note = text.CHART_NOTE.format(count=result.ballots, people=strings.people(result.ballots))
    png = render_results_chart(
        poll.question, result.options, result.totals, result.value_label, note=note
    )
    alt = results_alt_text(
        poll.question, result.options, result.totals, result.value_label, note=note, max_length=1024
    )
    return png, alt


async def server_lines(bot: SpeakBack, poll: Poll) -> list[str] | None:
    """Voters per server of a closed network poll, small groups suppressed (rule 9)."""
    if poll.network_id is None or poll.server_turnout is None:
        return None
    return await per_server_lines(bot.db, poll.server_turnout, text.BY_SERVER_UNIT)


async def results_payload(poll: Poll, by_server: list[str] | None = None) -> dict[str, Any]:
    png, alt = await asyncio.to_thread(render_chart, poll)
    embeds = results_embeds(poll, by_server)
    embeds[0].set_image(url=f"attachment://{chart_file_name(poll)}")
    return message_payload(embeds=embeds, files=[(chart_file_name(poll), png, alt)])


async def poll_message_id(bot: SpeakBack, poll: Poll) -> int | None:
    if poll.message_id is not None:
        return poll.message_id
    if poll.post_outbox_id is None:
        return None
    message_id = await bot.delivery.sent_message_id(poll.post_outbox_id)
    if message_id is not None:
        await repo.set_message_id(bot.db, poll.id, message_id)
    return message_id


async def other_copies(bot: SpeakBack, poll: Poll) -> list[network_items.Copy]:
    """A network poll's copies in the other servers it was posted to (none otherwise)."""
    if poll.network_id is None:
        return []
    return [
        c for c in await network_items.copies(bot.db, KIND, poll.id) if c.guild_id != poll.guild_id
    ]


async def refresh_poll_message(bot: SpeakBack, poll_id: int) -> None:
    """Show the current turnout (and counts, if live) on the poll message; edits coalesce.

    Every copy of a network poll shows the same: the network's turnout.
    """
    poll = await repo.get_poll(bot.db, poll_id)
    if poll is None:
        return
    count = await repo.turnout(bot.db, poll.id) if poll.is_open else (poll.turnout or 0)
    payload = poll_payload(poll, count, await live_tally(bot.db, poll))
    targets = [(poll.guild_id, poll.channel_id, await poll_message_id(bot, poll))]
    targets += [(c.guild_id, c.channel_id, c.message_id) for c in await other_copies(bot, poll)]
    for guild_id, channel_id, message_id in targets:
        if message_id is not None:
            await bot.delivery.edit(
                guild_id=guild_id, channel_id=channel_id, message_id=message_id, payload=payload
            )


async def close_and_announce(bot: SpeakBack, poll_id: int) -> Poll | None:
    """Close (once), then post the results and update the poll message. Idempotent."""
    try:
        poll, _closed_now = await repo.close_poll(bot.db, poll_id, bot.clock.now())
    except LookupError:
        return None
    if poll.anonymous and poll.results_outbox_id is None:
        # Before the results go out, so a failed rewrite is retried with the job.
        await repo.compact(bot.db)
    if poll.results_outbox_id is None:
        payload = await results_payload(poll, await server_lines(bot, poll))
        # Other servers first: the home row marks the whole close as announced, and the
        # dedupe keys keep a re-run (after a crash) from posting any copy twice.
        for copy in await other_copies(bot, poll):
            if await may_answer_from(bot.db, poll.guild_id, poll.network_id, copy.guild_id):
                await bot.delivery.post(
                    guild_id=copy.guild_id,
                    channel_id=copy.channel_id,
                    payload=payload,
                    dedupe_key=f"poll-results:{poll.id}:{copy.guild_id}",
                )
        key = f"poll-results:{poll.id}"
        row_id = await bot.delivery.post(
            guild_id=poll.guild_id,
            channel_id=poll.channel_id,
            payload=payload,
            dedupe_key=key,
        )
        # None: queued before a crash, by an earlier run of this close; find that row.
        await repo.set_results_outbox(bot.db, poll.id, row_id or await repo.outbox_row(bot.db, key))
    await refresh_poll_message(bot, poll.id)
    return poll


def _cell(value: Any) -> Any:
    """Stop spreadsheet formulas in people's words (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(
    poll: Poll, ballots: list[dict[str, Any]], viewer_guild_id: int | None = None
) -> bytes:
    """The results and every ballot. In a named network poll, names only of the
    viewing server's own voters; other servers' ballots carry no identity (issue 10)."""
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
        elif viewer_guild_id is not None and b.get("guild_id") not in (None, viewer_guild_id):
            row(b["id"], text.EXPORT_OTHER_SERVER, "", choice, b["reason"] or "")
        else:
            row(b["id"], b["voter_name"] or "", b["user_id"] or "", choice, b["reason"] or "")
    return out.getvalue().encode("utf-8-sig")
