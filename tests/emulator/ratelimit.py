"""Discord's rate limits: one global bucket (50 requests/s per bot) and per-route buckets.

Interaction callbacks and interaction webhooks are exempt from the global limit, as on
Discord. Per-route buckets are fixed windows keyed by the route's bucket and its major
parameter (channel, guild or webhook), answered with real `X-RateLimit-*` headers.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

# (method, route template) -> (limit, window in seconds). Unlisted routes: DEFAULT.
ROUTE_LIMITS: dict[tuple[str, str], tuple[int, float]] = {
    ("POST", "/channels/{channel_id}/messages"): (5, 5.0),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): (5, 5.0),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}"): (5, 1.0),
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"): (5, 2.0),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): (5, 2.0),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): (5, 2.0),
    ("POST", "/guilds/{guild_id}/scheduled-events"): (10, 10.0),
}
DEFAULT = (50, 1.0)
GLOBAL_PER_SECOND = 50
MAJOR = ("channel_id", "guild_id", "webhook_id", "interaction_id")


def is_global_exempt(template: str) -> bool:
    return template.startswith(("/interactions/", "/webhooks/{webhook_id}/{webhook_token}"))


@dataclass
class Bucket:
    limit: int
    per: float
    remaining: int
    resets_at: float
    name: str


@dataclass
class Decision:
    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, object] | None = None
    is_global: bool = False


class RateLimiter:
    def __init__(
        self,
        global_per_second: int = GLOBAL_PER_SECOND,
        route_limits: dict[tuple[str, str], tuple[int, float]] | None = None,
        enabled: bool = True,
    ) -> None:
        self.global_per_second = global_per_second
        self.route_limits = dict(ROUTE_LIMITS if route_limits is None else route_limits)
        self.enabled = enabled
        self._global_reset = 0.0  # the global bucket is a fixed one-second window
        self._global_count = 0
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def check(self, method: str, template: str, params: dict[str, str]) -> Decision:
        if not self.enabled:
            return Decision(True)
        now = time.monotonic()
        if not is_global_exempt(template):
            if now >= self._global_reset:
                self._global_reset, self._global_count = now + 1.0, 0
            if self._global_count >= self.global_per_second:
                retry = round(max(0.001, self._global_reset - now), 3)
                return Decision(
                    False,
                    headers={
                        "Retry-After": str(max(1, round(retry))),
                        "X-RateLimit-Global": "true",
                        "X-RateLimit-Scope": "global",
                    },
                    body={
                        "message": "You are being rate limited.",
                        "retry_after": retry,
                        "global": True,
                    },
                    is_global=True,
                )
        limit, per = self.route_limits.get((method, template), DEFAULT)
        name = hashlib.md5(f"{method} {template}".encode()).hexdigest()[:16]
        major = "+".join(params.get(k, "") for k in MAJOR if k in params)
        key = (name, major)
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket.resets_at:
            bucket = Bucket(limit, per, limit, now + per, name)
            self._buckets[key] = bucket
        reset_after = round(max(0.0, bucket.resets_at - now), 3)
        headers = {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket.name,
        }
        if bucket.remaining <= 0:
            headers.update(
                {
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Scope": "user",
                    "Retry-After": str(max(1, round(reset_after))),
                }
            )
            body = {
                "message": "You are being rate limited.",
                "retry_after": max(reset_after, 0.001),
                "global": False,
            }
            return Decision(False, headers=headers, body=body)
        bucket.remaining -= 1
        headers["X-RateLimit-Remaining"] = str(bucket.remaining)
        if not is_global_exempt(template):
            self._global_count += 1
        return Decision(True, headers=headers)
