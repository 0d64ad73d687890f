"""`/help` is built from the command tree itself, so it never lists what does not exist.

Each command says who it is for with `extras={"audience": ...}`: one of
`everyone` (the default), `member`, `organiser`, `moderator`.
"""

from __future__ import annotations

from collections.abc import Iterable

from discord import app_commands

AUDIENCES = ("everyone", "member", "organiser", "moderator")


def audience_of(command: app_commands.Command) -> str:
    audience = command.extras.get("audience")
    parent = command.parent
    while audience is None and parent is not None:
        audience = parent.extras.get("audience")
        parent = parent.parent
    return audience or "everyone"


def commands_by_audience(
    commands: Iterable[app_commands.Command | app_commands.Group],
) -> dict[str, list[str]]:
    """{audience: ["`/name` - description", ...]} for every runnable command."""
    found: dict[str, list[str]] = {a: [] for a in AUDIENCES}
    for command in commands:
        if isinstance(command, app_commands.Group):
            leaves = [c for c in command.walk_commands() if isinstance(c, app_commands.Command)]
        else:
            leaves = [command]
        for leaf in leaves:
            found[audience_of(leaf)].append(f"`/{leaf.qualified_name}` - {leaf.description}")
    for lines in found.values():
        lines.sort()
    return found
