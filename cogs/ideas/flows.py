"""Ideas, as steps (issue 22, rule 17). No Discord here: payloads come from a `Render`.

raise -> (review: Publish / Not published) -> open post with Support
      -> threshold reached: organisers told once, reminded once after N days
      -> /idea respond: answer on the post, author told, consenting supporters told
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.delivery import Letter
from bot.domain.consent import PURPOSE_DM_OUTCOMES
from bot.domain.errors import Refusal
from bot.domain.ideas import (
    ANSWERED,
    OPEN,
    REVIEW,
    Idea,
    Raised,
    check_answer,
    check_daily_limit,
    check_raised,
    check_refusal,
    day_start,
    reminder_due,
)
from bot.domain.members import Member
from bot.domain.settings import GuildSettings
from bot.networks import Audience, audience, require_answerable_from
from bot.posts import Posted
from bot.services import Services
from bot.strings import ideas as text
from bot.strings import pages as pages_text
from db import ideas as repo
from db import jobs
from db.jobs import Job
from db.settings import get_settings

Payload = dict[str, Any]
KIND = "idea"
REMINDER_JOB = "idea_reminder"
REFRESH_JOB = repo.REFRESH_JOB


class Render(Protocol):
    """The messages this feature sends (cogs/ideas/ui.py)."""

    def review_post(self, idea: Idea) -> Payload: ...

    def idea_post(self, idea: Idea, threshold: int) -> Payload: ...

    def threshold_notice(self, idea: Idea, threshold: int, days: int, link: str) -> Payload: ...

    def reminder(self, idea: Idea, days: int, link: str) -> Payload: ...

    def published(self, idea: Idea) -> Payload: ...

    def refused(self, idea: Idea) -> Payload: ...

    def answered(self, idea: Idea, *, author: bool) -> Payload: ...


def posted(idea: Idea) -> Posted:
    return Posted.of(KIND, idea)


def organisers_channel(settings: GuildSettings) -> int | None:
    """Where organisers are told: their own channel, or the moderators' one."""
    return settings.organisers_channel_id or settings.moderators_channel_id


# -- raising ------------------------------------------------------------------------------


def check_open_for_ideas(settings: GuildSettings) -> None:
    """Before the form: review needs a moderators channel; every idea an announcements one."""
    if settings.ideas_review and settings.moderators_channel_id is None:
        raise Refusal(text.NOT_OPEN_YET)
    if settings.announcements_channel_id is None:
        raise Refusal(text.NO_ANNOUNCEMENTS)


async def check_can_raise(
    services: Services, settings: GuildSettings, user_id: int, *, network: bool = False
) -> None:
    check_open_for_ideas(settings)
    if network:
        await audience(services.db, settings.guild_id, True)  # refuses kindly outside a network
    since = day_start(services.clock.now())
    check_daily_limit(await repo.raised_since(services.db, settings.guild_id, user_id, since))


@dataclass(frozen=True)
class RaiseResult:
    outcome: str  # "review" | "posted" | "duplicate"
    idea: Idea
    link: str | None = None  # the duplicate's post, to support it instead


async def raise_idea(
    services: Services,
    render: Render,
    settings: GuildSettings,
    member: Member,
    typed: tuple[str, str, str | None, str | None],
    show_name: bool,
    network: bool = False,
) -> RaiseResult:
    db, now = services.db, services.clock.now()
    raised: Raised = check_raised(*typed)
    async with db.transaction():
        await check_can_raise(services, settings, member.user_id, network=network)
        same = await repo.live_with_title(db, settings.guild_id, raised.title)
        if same is not None:
            link = None
            if same.state == OPEN:
                link = await services.posts.link_for(posted(same), settings.guild_id)
            return RaiseResult("duplicate", same, link)
        name = member.profile.preferred_name if show_name else None
        idea = await repo.create(
            db,
            guild_id=settings.guild_id,
            author_id=member.user_id,
            author_name=name,
            title=raised.title,
            body=raised.body,
            affects=raised.affects,
            content_note=raised.content_note,
            state=REVIEW,
            now=now,
            wants_network=network,
        )
        if settings.ideas_review:
            assert settings.moderators_channel_id is not None
            row = await services.delivery.post(
                guild_id=settings.guild_id,
                channel_id=settings.moderators_channel_id,
                payload=render.review_post(idea),
                dedupe_key=f"idea-review:{idea.id}",
            )
            await repo.set_review_post(db, idea.id, settings.moderators_channel_id, row)
            return RaiseResult("review", idea)
        idea = await _publish(services, render, settings, idea)
    return RaiseResult("posted", idea)


async def _publish(services: Services, render: Render, settings: GuildSettings, idea: Idea) -> Idea:
    channel_id = settings.announcements_channel_id
    if channel_id is None:
        raise Refusal(text.NO_ANNOUNCEMENTS)
    db = services.db
    await repo.publish(db, idea.id, channel_id)
    opened = await repo.get(db, idea.id)
    assert opened is not None

    async def payload() -> Payload:
        return render.idea_post(opened, settings.ideas_threshold)

    await services.posts.publish(
        KIND,
        idea.id,
        guild_id=idea.guild_id,
        channel_id=channel_id,
        reach=await network_reach(services, idea),
        render=payload,
        dedupe_key=f"idea-post:{idea.id}",
    )
    found = await repo.get(db, idea.id)
    assert found is not None
    return found


async def network_reach(services: Services, idea: Idea) -> Audience | None:
    """Every linked server, for an idea raised with network:true (if still linked)."""
    if not idea.wants_network:
        return None
    try:
        return await audience(services.db, idea.guild_id, True)
    except Refusal:
        return None  # the server left its network while the idea was in review


# -- review ---------------------------------------------------------------------------------


async def reviewed_idea(services: Services, idea_id: int, guild_id: int) -> Idea:
    idea = await repo.get(services.db, idea_id)
    if idea is None or idea.guild_id != guild_id:
        raise Refusal(text.UNKNOWN_IDEA)
    return idea


async def publish_reviewed(
    services: Services, render: Render, settings: GuildSettings, idea_id: int
) -> Idea:
    async with services.db.transaction():
        idea = await reviewed_idea(services, idea_id, settings.guild_id)
        if idea.state != REVIEW:
            raise Refusal(text.NOT_IN_REVIEW)
        idea = await _publish(services, render, settings, idea)
        await refresh_review(services, render, idea)
        await tell_author(services, idea, render.published(idea), "published")
    return idea


async def refuse_reviewed(
    services: Services, render: Render, guild_id: int, idea_id: int, reason: str | None
) -> Idea:
    cleaned = check_refusal(reason)
    async with services.db.transaction():
        await reviewed_idea(services, idea_id, guild_id)
        if not await repo.refuse(services.db, idea_id, cleaned):
            raise Refusal(text.NOT_IN_REVIEW)
        refused = await repo.get(services.db, idea_id)
        assert refused is not None
        await refresh_review(services, render, refused)
        if refused.author_id is not None:
            await tell_author(services, refused, render.refused(refused), "refused")
    return refused


async def tell_author(services: Services, idea: Idea, payload: Payload, what: str) -> int:
    """The one place an idea's author is told something: a service message (rule 15),
    whatever DM kinds they chose; held while they are stepping back."""
    if idea.author_id is None:
        return 0
    letter = Letter(idea.guild_id, idea.author_id, payload, f"idea-{what}:{idea.id}")
    told = await services.delivery.tell_yes_sayers([letter])
    return told.total


async def own_server_idea(services: Services, guild_id: int, idea_id: int) -> Idea:
    return await reviewed_idea(services, idea_id, guild_id)


async def who_wrote(services: Services, guild_id: int, idea_id: int) -> int | None:
    idea = await reviewed_idea(services, idea_id, guild_id)
    return idea.author_id


# -- support -------------------------------------------------------------------------------


async def set_support(
    services: Services, render: Render, idea_id: int, guild_id: int, user_id: int, wants: bool
) -> repo.SupportResult:
    """Committed before the reply; the post shows the new count; the threshold, once."""
    db, now = services.db, services.clock.now()
    idea = await repo.get(db, idea_id)
    if idea is None:
        raise Refusal(text.UNKNOWN_IDEA)
    # One support per person across a network, from any server still linked to it.
    await require_answerable_from(db, idea.guild_id, idea.network_id, guild_id)
    settings = await get_settings(db, idea.guild_id)
    result = await repo.set_support(
        db, idea_id, guild_id, user_id, wants, settings.ideas_threshold, now
    )
    if result is None:
        raise Refusal(text.NOT_OPEN_FOR_SUPPORT)
    if result.changed:
        await refresh_posts(services, render, result.idea)
    if result.reached_threshold:
        await threshold_reached(services, render, settings, result.idea)
    return result


async def threshold_reached(
    services: Services, render: Render, settings: GuildSettings, idea: Idea
) -> None:
    """Tell organisers once (a dedupe key), and plan the one reminder (a job)."""
    assert idea.threshold_at is not None
    channel_id = organisers_channel(settings)
    if channel_id is not None:
        link = await services.posts.link_for(posted(idea), settings.guild_id)
        await services.delivery.post(
            guild_id=settings.guild_id,
            channel_id=channel_id,
            payload=render.threshold_notice(
                idea, settings.ideas_threshold, settings.ideas_answer_days, link
            ),
            dedupe_key=f"idea-threshold:{idea.id}",
        )
    await services.dispatcher.schedule(
        REMINDER_JOB,
        reminder_due(idea.threshold_at, settings.ideas_answer_days),
        {"idea_id": idea.id, "days": settings.ideas_answer_days},
        key=f"idea-reminder:{idea.id}",
        guild_id=settings.guild_id,
    )


async def reminder_job(services: Services, render: Render, job: Job) -> None:
    """Once, if it is still unanswered (the key makes a repeated run send nothing new)."""
    idea = await repo.get(services.db, int(job.payload["idea_id"]))
    if idea is None or idea.state != OPEN:
        return
    settings = await get_settings(services.db, idea.guild_id)
    channel_id = organisers_channel(settings)
    if channel_id is None:
        return
    link = await services.posts.link_for(posted(idea), idea.guild_id)
    await services.delivery.post(
        guild_id=idea.guild_id,
        channel_id=channel_id,
        payload=render.reminder(idea, int(job.payload["days"]), link),
        dedupe_key=f"idea-reminder:{idea.id}",
    )


# -- answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    idea: Idea
    supporters_queued: int


async def respond(
    services: Services,
    render: Render,
    guild_id: int,
    idea_id: int,
    answer: str,
    reason: str | None,
    summary: str | None,
) -> Answered:
    checked = check_answer(answer, reason, summary)
    db, now = services.db, services.clock.now()
    async with db.transaction():
        idea = await repo.get(db, idea_id)
        if idea is None or idea.guild_id != guild_id:
            raise Refusal(text.UNKNOWN_IDEA)
        if idea.state == ANSWERED:
            raise Refusal(text.ALREADY_ANSWERED)
        if not await repo.answer(
            db,
            idea_id,
            answer=checked.answer,
            reason=checked.reason,
            summary=checked.summary,
            now=now,
        ):
            raise Refusal(text.NOT_ANSWERABLE)
        done = await repo.get(db, idea_id)
        assert done is not None
        await services.dispatcher.cancel(f"idea-reminder:{idea_id}")
        await refresh_posts(services, render, done)
        await tell_author(services, done, render.answered(done, author=True), "answered")
        letters = [
            Letter(g, u, render.answered(done, author=False), f"idea-answer:{idea_id}:{g}:{u}")
            for g, u in await repo.supporters_to_tell(db, idea_id)
            if u != done.author_id
        ]
        # Only those who chose outcome messages, never while stepping back (the policy).
        queued = await services.delivery.dm_many(letters, purpose=PURPOSE_DM_OUTCOMES)
    return Answered(done, queued)


# -- the author's own ----------------------------------------------------------------------


async def own_idea(services: Services, guild_id: int, idea_id: int, user_id: int) -> Idea:
    idea = await repo.get(services.db, idea_id)
    if idea is None or idea.guild_id != guild_id:
        raise Refusal(text.UNKNOWN_IDEA)
    if idea.author_id != user_id:
        raise Refusal(text.NOT_YOURS)
    return idea


async def withdraw(
    services: Services, render: Render, guild_id: int, idea_id: int, user_id: int
) -> Idea:
    async with services.db.transaction():
        await own_idea(services, guild_id, idea_id, user_id)
        if not await repo.withdraw(services.db, idea_id, user_id):
            raise Refusal(text.CANNOT_WITHDRAW)
        idea = await repo.get(services.db, idea_id)
        assert idea is not None
        await services.dispatcher.cancel(f"idea-reminder:{idea_id}")
        await refresh_posts(services, render, idea)
        await refresh_review(services, render, idea)
    return idea


async def edit(
    services: Services,
    render: Render,
    guild_id: int,
    idea_id: int,
    user_id: int,
    typed: tuple[str, str, str | None, str | None],
) -> Idea:
    raised = check_raised(*typed)
    async with services.db.transaction():
        await own_idea(services, guild_id, idea_id, user_id)
        if not await repo.edit(
            services.db,
            idea_id,
            user_id,
            title=raised.title,
            body=raised.body,
            affects=raised.affects,
            content_note=raised.content_note,
        ):
            raise Refusal(text.CANNOT_EDIT)
        idea = await repo.get(services.db, idea_id)
        assert idea is not None
        await refresh_review(services, render, idea)
    return idea


# -- showing it again -------------------------------------------------------------------------


async def refresh_posts(services: Services, render: Render, idea: Idea) -> None:
    if idea.post_outbox_id is None and idea.message_id is None:
        return  # never posted
    settings = await get_settings(services.db, idea.guild_id)
    await services.posts.refresh(posted(idea), render.idea_post(idea, settings.ideas_threshold))


async def refresh_review(services: Services, render: Render, idea: Idea) -> None:
    message_id = await repo.review_message_id(services.db, idea)
    if message_id is None or idea.review_channel_id is None:
        return
    await services.delivery.edit(
        guild_id=idea.guild_id,
        channel_id=idea.review_channel_id,
        message_id=message_id,
        payload=render.review_post(idea),
    )


async def names_leave_posts(services: Services, render: Render, guild_id: int) -> None:
    """Someone here is being erased: their ideas now say "a member". Runs inside the
    erasure's transaction (`Services.on_leaving`), so these edits commit with it; the
    refresh jobs the erasure queued (for an erasure without this hook) are done here."""
    for key in sorted(await jobs.pending_keys(services.db, REFRESH_JOB)):
        idea = await repo.get(services.db, int(key.rsplit(":", 1)[1]))
        if idea is not None and idea.guild_id == guild_id:
            await refresh_posts(services, render, idea)
            await refresh_review(services, render, idea)
            await jobs.cancel(services.db, key)


async def refresh_job(services: Services, render: Render, job: Job) -> None:
    """After someone left: their name comes off the review and idea posts."""
    idea = await repo.get(services.db, int(job.payload["idea_id"]))
    if idea is None:
        return
    await refresh_posts(services, render, idea)
    await refresh_review(services, render, idea)


# -- lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    own: list[Idea]
    open: list[Idea]
    links: dict[int, str]


async def list_ideas(
    services: Services, guild_id: int, user_id: int, *, most_supported: bool
) -> Listing:
    db = services.db
    own = await repo.own_ideas(db, guild_id, user_id)
    opened = await repo.open_ideas(db, guild_id, most_supported=most_supported)
    links = {}
    for idea in [*own, *opened]:
        if idea.id not in links and (idea.post_outbox_id or idea.message_id):
            links[idea.id] = await services.posts.link_for(posted(idea), guild_id)
    return Listing(own, opened, links)


async def titles(
    services: Services, guild_id: int, states: tuple[str, ...]
) -> list[tuple[int, str]]:
    return await repo.titled(services.db, guild_id, states)


# -- the author's words on public pages (issue 25) ----------------------------------------


async def set_words_public(services: Services, idea_id: int, user_id: int, public: bool) -> Idea:
    """Only the author chooses whether their own title and text may be published."""
    if not await repo.set_words_public(services.db, idea_id, user_id, public, services.clock.now()):
        raise Refusal(pages_text.WORDS_NOT_YOURS)
    idea = await repo.get(services.db, idea_id)
    assert idea is not None
    return idea
