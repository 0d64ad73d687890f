"""Discord snowflakes: 64-bit ids whose top 42 bits are milliseconds since 2015."""

from __future__ import annotations

from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


class Snowflakes:
    """Hands out strictly increasing ids stamped with the emulator's (driven) time."""

    def __init__(self) -> None:
        self._last = 0

    def next(self, when: datetime) -> int:
        ms = int(when.timestamp() * 1000) - DISCORD_EPOCH_MS
        candidate = max(ms, 0) << 22
        self._last = max(self._last + 1, candidate)
        return self._last

    def next_own_millisecond(self, when: datetime) -> int:
        """An id in a millisecond of its own, as servers made at different times have.

        Sharding reads the millisecond (`(guild_id >> 22) % shards`), so servers made
        together in one driven instant would otherwise all land on one shard.
        """
        ms = int(when.timestamp() * 1000) - DISCORD_EPOCH_MS
        self._last = max(((self._last >> 22) + 1) << 22, max(ms, 0) << 22)
        return self._last
