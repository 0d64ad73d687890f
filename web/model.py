"""What each page shows, read through db/ and made safe (rules 9 and 16). No writing here.

A page holds organisers' words (poll questions and options, ideas' summaries and
answers, outcomes) and figures from the server's daily snapshot, suppressed with
`bot.domain.publishing.poll_figures` / `count_text`. Items appear once they are in a
snapshot; their words are read live, so an edit, an erasure or a withdrawn agreement
shows at once. An idea's own title and text (the member's words) appear only while its
author agrees (`ideas.words_public_at`), and never a name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.domain.ideas import ANSWERED, Idea
from bot.domain.polls import Poll
from bot.domain.publishing import (
    IDEAS,
    MEETINGS,
    OPPORTUNITIES,
    OUTCOMES,
    POLLS,
    PollFigures,
    poll_figures,
    sources_text,
)
from bot.domain.suppression import count_text
from bot.strings import pages as text
from db import ideas as ideas_db
from db import outcomes as outcomes_db
from db import pages as pages_db
from db import polls as polls_db
from db.database import Database
from db.networks import get_network, guild_names
from db.outcomes import Outcome
from db.pages import Publication, Snapshot


class Gone(Exception):
    """The page was published once and is not now (HTTP 410)."""


class NotFound(Exception):
    """There is no such page (HTTP 404)."""


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class UpdateView:
    on: str
    status: str
    progress: int | None
    body: str


@dataclass(frozen=True)
class OutcomeView:
    statement: str
    status: str
    progress: int | None
    by_when: str | None
    last_update: str
    updates: tuple[UpdateView, ...]


@dataclass(frozen=True)
class Entry:
    """One line of "you said, we did": what was asked, who took part, the result, the outcome."""

    kind: str  # "poll" | "idea" | "outcome"
    anchor: str
    asked: str  # organisers' words
    when: datetime
    took_part: str | None = None  # "23 people" / "fewer than 5 people"
    result: str | None = None  # plain words
    reason: str | None = None  # an idea's answer: the organisers' reason, if they gave one
    link: str | None = None
    outcome: OutcomeView | None = None
    server: str | None = None  # on a network page: where it came from


@dataclass(frozen=True)
class IdeaView:
    anchor: str
    summary: str
    answer: str
    reason: str | None
    answered_on: str
    supporters: str
    own_title: str | None  # the member's words, only with their agreement
    own_text: str | None
    outcome: OutcomeView | None
    server: str | None = None


@dataclass(frozen=True)
class PollView:
    poll_id: int
    question: str
    closed_on: str
    anonymous: bool
    figures: PollFigures
    chart_url: str | None
    chart_alt: str
    outcome: OutcomeView | None


@dataclass
class Counts:
    offered: int = 0
    places_filled: int = 0
    held: int = 0
    opportunity_sources: int = 0
    meeting_sources: int = 0

    @property
    def places_text(self) -> str:
        return count_text(self.places_filled)


@dataclass
class ServerPage:
    name: str
    slug: str
    kinds: tuple[str, ...]
    as_of: str
    entries: list[Entry] = field(default_factory=list)
    counts: Counts | None = None
    has_ideas: bool = False


@dataclass
class NetworkPage:
    name: str
    as_of: str
    sources: dict[str, str]  # kind -> "Results from N of M servers in the network."
    entries: list[Entry] = field(default_factory=list)
    ideas: list[IdeaView] = field(default_factory=list)
    counts: Counts | None = None
    servers: list[tuple[str, str]] = field(default_factory=list)  # (name, page path)


# -- finding the publication -------------------------------------------------------------------


async def publication(db: Database, slug: str, kind: str | None = None) -> Publication:
    found = await pages_db.publication_by_slug(db, slug)
    if found is None:
        raise NotFound
    if kind is None and not found.shows_pages:
        raise Gone
    if kind is not None and kind not in found.kinds:
        raise Gone
    return found


async def snapshot(db: Database, guild_id: int) -> Snapshot | None:
    return await pages_db.get_snapshot(db, guild_id)


def _figures(snap: Snapshot | None, kind: str) -> dict[str, Any]:
    return dict(snap.figures.get(kind, {})) if snap is not None else {}


# -- outcomes ----------------------------------------------------------------------------------


async def outcome_view(db: Database, outcome: Outcome | None) -> OutcomeView | None:
    if outcome is None:
        return None
    updates = await outcomes_db.timeline(db, outcome.id)
    return OutcomeView(
        statement=outcome.statement,
        status=text.STATUS_WORDS.get(outcome.status, outcome.status),
        progress=outcome.progress,
        by_when=outcome.by_when,
        last_update=long_date(outcome.last_update_at),
        updates=tuple(
            UpdateView(
                long_date(u.posted_at),
                text.STATUS_WORDS.get(u.status, u.status),
                u.progress,
                u.body,
            )
            for u in reversed(updates)  # newest first, like the page
        ),
    )


async def _outcome_of(db: Database, pub: Publication, kind: str, item_id: int):
    if OUTCOMES not in pub.kinds:
        return None
    return await outcome_view(db, await outcomes_db.outcome_for_item(db, kind, item_id))


# -- polls -------------------------------------------------------------------------------------


def figures_of(poll: Poll, stored: dict[str, Any]) -> PollFigures:
    result = poll.result
    assert result is not None
    return poll_figures(
        poll.kind.value,
        result.options,
        stored.get("totals", list(result.totals)),
        int(stored.get("took_part", result.ballots)),
        stored.get("winners", list(result.winners)),
        result.value_label,
    )


def result_words(poll: Poll, figures: PollFigures) -> str:
    if not figures.shown:
        return "Fewer than 5 people took part, so the results are not shown."
    if not figures.top:
        return "Nobody voted, so there is no result."
    if poll.kind.value == "ranked":
        return f"Chosen after counting every ranking: {figures.top[0]}."
    if len(figures.top) > 1:
        return "Joint top: " + "; ".join(figures.top) + "."
    return f"Came top: {figures.top[0]}."


def chart_alt(poll: Poll, figures: PollFigures) -> str:
    unit = text.VALUE_WORDS.get(figures.value_label, figures.value_label).lower()
    parts = [f"Bar chart of {unit} per option for: {poll.question}"]
    parts += [f"{n}. {o.label}: {o.words}" for n, o in enumerate(figures.options, 1)]
    return ". ".join(p.rstrip(".") for p in parts) + ". The same figures are in the table."


async def _closed_poll(db: Database, pub: Publication, poll_id: int) -> Poll | None:
    poll = await polls_db.get_poll(db, poll_id, pub.guild_id)
    if poll is None or poll.is_open or poll.result is None:
        return None
    return poll


async def poll_entries(db: Database, pub: Publication, snap: Snapshot | None) -> list[Entry]:
    entries = []
    for key, stored in _figures(snap, "polls").items():
        poll = await _closed_poll(db, pub, int(key))
        if poll is None or poll.closed_at is None:
            continue
        figures = figures_of(poll, stored)
        entries.append(
            Entry(
                kind="poll",
                anchor=f"poll-{poll.id}",
                asked=poll.question,
                when=poll.closed_at,
                took_part=f"{figures.took_part} people",
                result=result_words(poll, figures),
                link=f"/s/{pub.slug}/polls/{poll.id}",
                outcome=await _outcome_of(db, pub, "poll", poll.id),
            )
        )
    return entries


async def poll_page(db: Database, slug: str, poll_id: int) -> tuple[Publication, PollView, str]:
    pub = await publication(db, slug, POLLS)
    snap = await snapshot(db, pub.guild_id)
    stored = _figures(snap, "polls").get(str(poll_id))
    poll = await _closed_poll(db, pub, poll_id) if stored is not None else None
    if poll is None or stored is None or snap is None:
        raise NotFound
    figures = figures_of(poll, stored)
    view = PollView(
        poll_id=poll.id,
        question=poll.question,
        closed_on=long_date(poll.closed_at),
        anonymous=poll.anonymous,
        figures=figures,
        chart_url=f"/s/{slug}/polls/{poll.id}/chart.svg" if figures.shown else None,
        chart_alt=chart_alt(poll, figures),
        outcome=await _outcome_of(db, pub, "poll", poll.id),
    )
    return pub, view, long_date(snap.taken_on)


async def chart_data(db: Database, slug: str, poll_id: int) -> tuple[str, PollFigures, str]:
    """(question, figures, a cache key that changes with the snapshot) for the SVG."""
    pub = await publication(db, slug, POLLS)
    snap = await snapshot(db, pub.guild_id)
    stored = _figures(snap, "polls").get(str(poll_id))
    poll = await _closed_poll(db, pub, poll_id) if stored is not None else None
    if poll is None or stored is None or snap is None:
        raise NotFound
    figures = figures_of(poll, stored)
    if not figures.shown:
        raise NotFound
    key = json.dumps([poll.question, [(o.label, o.words) for o in figures.options]])
    return poll.question, figures, key


# -- ideas -------------------------------------------------------------------------------------


def idea_summary(idea: Idea) -> str:
    """The organisers' one-line summary (never the member's own title without agreement)."""
    if idea.answer_summary:
        return idea.answer_summary
    if idea.words_public_at is not None:
        return idea.title
    return "An idea raised by a member"


async def idea_views(db: Database, pub: Publication, snap: Snapshot | None) -> list[IdeaView]:
    views = []
    for key, stored in _figures(snap, "ideas").items():
        idea = await ideas_db.get(db, int(key))
        if idea is None or idea.guild_id != pub.guild_id or idea.state != ANSWERED:
            continue
        agreed = idea.words_public_at is not None
        views.append(
            IdeaView(
                anchor=f"idea-{idea.id}",
                summary=idea_summary(idea),
                answer=text.ANSWER_WORDS.get(idea.answer or "", ""),
                reason=idea.answer_reason,
                answered_on=long_date(idea.answered_at),
                supporters=f"{count_text(int(stored.get('supporters', 0)))} people",
                own_title=idea.title if agreed else None,
                own_text=idea.body if agreed else None,
                outcome=await _outcome_of(db, pub, "idea", idea.id),
            )
        )
    views.sort(key=lambda v: v.anchor)
    return views


async def _ideas_with_dates(
    db: Database, pub: Publication, snap: Snapshot | None
) -> list[tuple[IdeaView, datetime]]:
    found = []
    for view in await idea_views(db, pub, snap):
        idea = await ideas_db.get(db, int(view.anchor.split("-")[1]))
        if idea is not None and idea.answered_at is not None:
            found.append((view, idea.answered_at))
    found.sort(key=lambda pair: pair[1], reverse=True)
    return found


def idea_entry(pub: Publication, view: IdeaView, when: datetime) -> Entry:
    return Entry(
        kind="idea",
        anchor=view.anchor,
        asked=view.summary,
        when=when,
        took_part=f"{view.supporters} supported it",
        result=view.answer,
        reason=view.reason,
        link=f"/s/{pub.slug}/ideas#{view.anchor}",
        outcome=view.outcome,
    )


async def ideas_page(db: Database, slug: str) -> tuple[Publication, list[IdeaView], str, str]:
    pub = await publication(db, slug, IDEAS)
    snap = await snapshot(db, pub.guild_id)
    views = [view for view, _ in await _ideas_with_dates(db, pub, snap)]
    name = (await guild_names(db, [pub.guild_id])).get(pub.guild_id, "This community")
    return pub, views, name, long_date(snap.taken_on if snap else None)


# -- outcomes of their own (opportunities, and items not otherwise shown) ---------------------


async def outcome_entries(
    db: Database, pub: Publication, shown: set[tuple[str, int]]
) -> list[Entry]:
    if OUTCOMES not in pub.kinds:
        return []
    entries = []
    for outcome in await outcomes_db.list_outcomes(db, [pub.guild_id]):
        if outcome.guild_id != pub.guild_id or (outcome.item_kind, outcome.item_id) in shown:
            continue
        asked = await _outcome_asked(db, outcome)
        entries.append(
            Entry(
                kind="outcome",
                anchor=f"outcome-{outcome.id}",
                asked=asked,
                when=outcome.last_update_at,
                outcome=await outcome_view(db, outcome),
            )
        )
    return entries


async def _outcome_asked(db: Database, outcome: Outcome) -> str:
    """What it was about, in organisers' words (an idea's own title only with agreement)."""
    if outcome.item_kind == "idea":
        idea = await ideas_db.get(db, outcome.item_id)
        return idea_summary(idea) if idea is not None else "An idea raised by a member"
    return outcome.title  # a poll's question or an opportunity's title: organisers wrote them


# -- the server's page ----------------------------------------------------------------------


async def server_page(db: Database, slug: str) -> ServerPage:
    pub = await publication(db, slug)
    snap = await snapshot(db, pub.guild_id)
    name = (await guild_names(db, [pub.guild_id])).get(pub.guild_id, "This community")
    page = ServerPage(
        name=name,
        slug=pub.slug,
        kinds=pub.kinds,
        as_of=long_date(snap.taken_on if snap else None),
        has_ideas=IDEAS in pub.kinds,
    )
    page.entries = await entries_of(db, pub, snap)
    page.counts = counts_of([(pub, snap)])
    return page


async def entries_of(db: Database, pub: Publication, snap: Snapshot | None) -> list[Entry]:
    entries: list[Entry] = []
    shown: set[tuple[str, int]] = set()
    if POLLS in pub.kinds:
        for entry in await poll_entries(db, pub, snap):
            entries.append(entry)
            shown.add(("poll", int(entry.anchor.split("-")[1])))
    if IDEAS in pub.kinds:
        for view, when in await _ideas_with_dates(db, pub, snap):
            entries.append(idea_entry(pub, view, when))
            shown.add(("idea", int(view.anchor.split("-")[1])))
    entries += await outcome_entries(db, pub, shown)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def counts_of(sources: list[tuple[Publication, Snapshot | None]]) -> Counts | None:
    counts = Counts()
    any_kind = False
    for pub, snap in sources:
        if OPPORTUNITIES in pub.kinds:
            any_kind = True
            found = _figures(snap, "opportunities")
            counts.offered += int(found.get("offered", 0))
            counts.places_filled += int(found.get("places_filled", 0))
            counts.opportunity_sources += 1
        if MEETINGS in pub.kinds:
            any_kind = True
            counts.held += int(_figures(snap, "meetings").get("held", 0))
            counts.meeting_sources += 1
    return counts if any_kind else None


# -- the network's page -------------------------------------------------------------------------


async def network_page(db: Database, slug: str) -> NetworkPage:
    network_id = await pages_db.network_by_slug(db, slug)
    if network_id is None:
        raise NotFound
    network = await get_network(db, network_id)
    if network is None:
        raise Gone
    pubs = [p for p in await pages_db.publications(db, network.guild_ids) if p.shows_pages]
    if not pubs:
        raise Gone
    names = await guild_names(db, network.guild_ids)
    linked = len(network.guild_ids)
    sources: list[tuple[Publication, Snapshot | None]] = []
    entries: list[Entry] = []
    ideas: list[IdeaView] = []
    for pub in pubs:
        snap = await snapshot(db, pub.guild_id)
        sources.append((pub, snap))
        server = names.get(pub.guild_id, "A server")
        for entry in await entries_of(db, pub, snap):
            entries.append(_with_server(entry, server))
    entries.sort(key=lambda e: e.when, reverse=True)
    dates = [snap.taken_on for _, snap in sources if snap is not None]
    kinds_sources = {
        kind: sources_text(sum(1 for p in pubs if kind in p.kinds), linked)
        for kind in (POLLS, IDEAS, OUTCOMES, OPPORTUNITIES, MEETINGS)
        if any(kind in p.kinds for p in pubs)
    }
    page = NetworkPage(
        name=network.name,
        as_of=long_date(min(dates)) if dates else "",
        sources=kinds_sources,
        entries=entries,
        ideas=ideas,
        counts=counts_of(sources),
        servers=[(names.get(p.guild_id, "A server"), f"/s/{p.slug}") for p in pubs],
    )
    page.servers.sort()
    return page


def _with_server(entry: Entry, server: str) -> Entry:
    from dataclasses import replace

    return replace(entry, server=server)
