"""Who a message would ping, computed from its content and `allowed_mentions` as Discord does.

Without `allowed_mentions` Discord parses every kind of mention in the content. With it,
only the kinds in `parse` plus the ids listed in `users`/`roles` ping anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

USER = re.compile(r"<@!?(\d+)>")
ROLE = re.compile(r"<@&(\d+)>")
EVERYONE = re.compile(r"@(everyone|here)")


@dataclass
class Pings:
    users: list[int] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)
    everyone: bool = False

    @property
    def anyone(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


def compute_pings(content: str | None, allowed: dict[str, Any] | None) -> Pings:
    content = content or ""
    parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse") or [])
    allowed_users = {int(u) for u in (allowed or {}).get("users") or []}
    allowed_roles = {int(r) for r in (allowed or {}).get("roles") or []}
    users = []
    for match in USER.finditer(content):
        uid = int(match.group(1))
        if ("users" in parse or uid in allowed_users) and uid not in users:
            users.append(uid)
    roles = []
    for match in ROLE.finditer(content):
        rid = int(match.group(1))
        if ("roles" in parse or rid in allowed_roles) and rid not in roles:
            roles.append(rid)
    everyone = "everyone" in parse and bool(EVERYONE.search(content))
    return Pings(users, roles, everyone)
