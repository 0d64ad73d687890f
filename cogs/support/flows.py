"""The automatic reply to DMs (rule 12), kept no longer than it is needed (rule 14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.delivery import AUTO_REPLY
from bot.services import Services
from db import outbox

DM_REPLY_EVERY = timedelta(hours=6)  # answer a person's DMs at most once in six hours


async def auto_reply(
    services: Services, user_id: int, payload: dict[str, Any], *, secret: bytes
) -> bool:
    """Queue the automatic reply unless one went to this person in the last six hours.

    The window is a keyed hash of the person (`outbox.auto_reply_key`) that expires;
    the outbox row itself is deleted once sent. Returns whether one was queued."""
    db, now = services.db, services.clock.now()
    async with db.transaction():
        if not await outbox.claim_auto_reply(db, secret, user_id, now, now + DM_REPLY_EVERY):
            return False
        await services.delivery.dm(
            guild_id=None,
            user_id=user_id,
            purpose=AUTO_REPLY,
            payload=payload,
            dedupe_key=None,
            urgent=True,
        )
    return True
