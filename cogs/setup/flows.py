"""/setup's logic for editing the membership notice (issue 19). No Discord here.

A wording fix is saved at once (the consent version stays); a real change is
proposed, shown with what it changes and its effect, and saved only on confirm.
Saving queues timed work (`NOTICE_CHANGED_JOB`) in the same transaction: membership
runs it and tells the members who have reminders planned (one service message each).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.consent import default_notice
from bot.domain.errors import Refusal
from bot.domain.notice_edits import EDIT_WORDING, NoticeDiff, notice_diff, plan_notice_edit
from bot.domain.publishing import REPORTS, check_kinds, next_snapshot_at
from bot.domain.settings import GuildSettings
from bot.services import Services
from bot.strings import setup as text
from db import jobs, pages
from db import members as members_db
from db import reports as reports_db
from db import settings as repo
from db.jobs import Job
from db.networks import network_of
from db.pages import Publication


@dataclass(frozen=True)
class WordingSaved:
    settings: GuildSettings


@dataclass(frozen=True)
class ChangeProposed:
    revision: int  # the proposal's number, carried by Save / Keep
    version: int  # the version it becomes
    diff: NoticeDiff
    members_asked: int  # members who will get no optional messages until they agree


async def edit_notice(
    services: Services, guild_id: int, new_text: str, kind: str
) -> WordingSaved | ChangeProposed:
    """The notice form was sent: save a wording fix, or propose a real change."""
    db, now = services.db, services.clock.now()
    current = await repo.get_settings(db, guild_id)
    old_text = current.notice_text or default_notice()
    edit = plan_notice_edit(old_text, new_text, kind, current.notice_version)
    if edit.kind == EDIT_WORDING:
        return WordingSaved(await repo.save_wording_fix(db, current, new_text, now))
    revision = await repo.propose_notice_change(db, current, new_text, now)
    asked = await members_db.on_notice_count(db, guild_id, current.notice_version)
    return ChangeProposed(revision, edit.version, notice_diff(old_text, new_text), asked)


async def confirm_change(services: Services, guild_id: int, revision: int) -> GuildSettings:
    """**Save the new version**: put it in force, once. The work that tells members
    with reminders is queued with it (`NOTICE_CHANGED_JOB`, run by membership)."""
    saved = await repo.confirm_notice_change(services.db, guild_id, revision, services.clock.now())
    if saved is None:
        raise Refusal(text.NOTICE_CHANGE_GONE)
    await services.dispatcher.rearm()
    return saved


async def keep_notice(services: Services, guild_id: int, revision: int) -> None:
    """**Keep the current notice**: the proposal is set aside; nothing changes."""
    await repo.drop_proposal(services.db, guild_id, revision)


# -- publishing beyond Discord (issue 25, rule 16) ------------------------------------------


@dataclass(frozen=True)
class Published:
    publication: Publication
    page_url: str | None  # None without WEB_BASE_URL: the pages are not reachable yet
    network_url: str | None  # the network's page, when this server is in a network


def page_url(base_url: str | None, slug: str) -> str | None:
    return f"{base_url}/s/{slug}" if base_url else None


def network_page_url(base_url: str | None, slug: str) -> str | None:
    return f"{base_url}/n/{slug}" if base_url else None


async def publishing(services: Services, guild_id: int, base_url: str | None) -> Published | None:
    """What this server publishes now (None: it never has)."""
    found = await pages.get_publication(services.db, guild_id)
    if found is None:
        return None
    return await _published(services, found, base_url)


async def publish(
    services: Services, guild_id: int, chosen: list[str], base_url: str | None
) -> Published:
    """Publish these kinds (nothing chosen is unpublishing). A first publication, or a
    change of kinds, takes the server's snapshot now so the page is not empty till tomorrow.
    Leaving out reports withdraws every report link still working, for good."""
    kinds = check_kinds(chosen)
    db, now = services.db, services.clock.now()
    async with db.transaction():
        saved = await pages.set_kinds(db, guild_id, kinds, now)
        if REPORTS not in kinds:
            await reports_db.withdraw_all(db, guild_id, now)
    if saved.published:
        await take_snapshot(services, guild_id)
        network = await network_of(db, guild_id)
        if network is not None:
            await pages.ensure_network_slug(db, network.id)
    else:
        await pages.drop_snapshot(db, guild_id)
    return await _published(services, saved, base_url)


async def unpublish(services: Services, guild_id: int, base_url: str | None) -> Published:
    return await publish(services, guild_id, [], base_url)


async def _published(services: Services, found: Publication, base_url: str | None) -> Published:
    network = await network_of(services.db, found.guild_id)
    slug = await pages.network_slug(services.db, network.id) if network is not None else None
    return Published(
        found,
        page_url(base_url, found.slug),
        network_page_url(base_url, slug) if slug is not None else None,
    )


async def take_snapshot(services: Services, guild_id: int) -> None:
    now = services.clock.now()
    figures = await pages.collect_figures(services.db, guild_id, now)
    await pages.save_snapshot(services.db, guild_id, now.date(), now, figures)


async def snapshot_job(services: Services, job: Job) -> None:
    """The daily snapshot of every publishing server, then the next one is planned.

    Idempotent (a snapshot is replaced), so a re-run after a crash is harmless; a bot
    that was down runs it once, late, and plans the next from now."""
    for guild_id in await pages.published_guild_ids(services.db):
        await take_snapshot(services, guild_id)
    await plan_next_snapshot(services)


async def plan_next_snapshot(services: Services) -> None:
    when = next_snapshot_at(services.clock.now())
    await services.dispatcher.schedule(
        pages.SNAPSHOT_JOB, when, {}, f"pages-snapshot:{when.date().isoformat()}"
    )


async def ensure_snapshot_job(services: Services) -> None:
    """At start-up: one daily snapshot job is pending (the table is the truth)."""
    if not await jobs.pending_keys(services.db, pages.SNAPSHOT_JOB):
        await plan_next_snapshot(services)
