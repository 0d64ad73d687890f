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
from bot.domain.settings import GuildSettings
from bot.services import Services
from bot.strings import setup as text
from db import members as members_db
from db import settings as repo


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
