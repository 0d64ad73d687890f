"""What /status shows moderators."""

from __future__ import annotations

import discord

from bot.domain.suppression import count_text
from bot.domain.text import cut
from bot.domain.timefmt import discord_timestamp
from bot.strings import outcomes as outcome_text
from bot.strings import status as text
from bot.ui import embed, shown
from cogs.status import flows


def status_embed(report: flows.StatusReport) -> discord.Embed:
    body = text.STATUS_BODY.format(
        # Messages and closed DMs are about people: never exact under 5 (rule 9).
        backlog=count_text(report.backlog),
        deferred=count_text(report.deferred),
        waiting=count_text(report.waiting),
        undeliverable=count_text(report.undeliverable),
        last_run=discord_timestamp(report.last_run, "R") if report.last_run else text.NEVER,
        next_wake=discord_timestamp(report.next_wake, "f")
        if report.next_wake
        else text.NOTHING_SCHEDULED,
        pending_jobs=report.pending_jobs,
        missed_jobs=report.missed_jobs,
    )
    lines = [
        text.PROBLEM_LINE.format(
            kind=p["kind"],
            state=p["state"],
            attempts=p["attempts"],
            error=(p["last_error"] or "")[:150],
        )
        for p in report.problems
    ]
    message = embed(text.STATUS_TITLE, body)
    message.add_field(
        name=text.PROBLEMS_TITLE, value="\n".join(lines) or text.NO_PROBLEMS, inline=False
    )
    if report.overdue_reviews:
        reviews = [
            outcome_text.STATUS_OVERDUE_LINE.format(
                title=shown(review.title, 100),
                day=f"{review.review_on.day} {review.review_on:%B %Y}",
                undeliverable=outcome_text.STATUS_UNDELIVERABLE if review.undeliverable else "",
            )
            for review in report.overdue_reviews[:10]
        ]
        message.add_field(
            name=outcome_text.STATUS_OVERDUE_HEADING,
            value=cut("\n".join(reviews), 1024),
            inline=False,
        )
    if report.last_outage is not None:
        said = report.last_outage
        if not report.moderators_channel:
            said = f"{said}\n{text.OUTAGE_NO_CHANNEL}"
        message.add_field(name=text.OUTAGE_TITLE, value=said, inline=False)
    elif not report.moderators_channel:
        message.add_field(name=text.OUTAGE_TITLE, value=text.OUTAGE_NEVER_NO_CHANNEL, inline=False)
    return message
