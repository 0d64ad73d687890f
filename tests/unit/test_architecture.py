"""The shape DESIGN.md asks for, checked so it stays true."""

import ast
from pathlib import Path

import discord
from discord import app_commands

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_DOMAIN = {"discord", "aiosqlite", "apscheduler", "cogs", "db"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_domain_imports_neither_discord_nor_the_database():
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN_IN_DOMAIN)
        for path in (ROOT / "bot" / "domain").rglob("*.py")
        if _imports(path) & FORBIDDEN_IN_DOMAIN
    }
    assert offenders == {}


def test_db_does_not_import_discord_or_cogs():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "db").rglob("*.py")
        if _imports(p) & {"discord", "cogs"}
    ]
    assert offenders == []


async def test_every_command_and_option_is_described_and_names_are_unique(loaded_bot):
    seen: set[str] = set()
    for command in loaded_bot.tree.walk_commands():
        assert command.qualified_name not in seen, f"two commands named /{command.qualified_name}"
        seen.add(command.qualified_name)
        assert command.description and command.description != "…", command.qualified_name
        assert len(command.description) <= 100
        if isinstance(command, app_commands.Command):
            for param in command.parameters:
                assert param.description and param.description != "…", (
                    f"/{command.qualified_name} option {param.name} has no description"
                )


async def test_client_never_pings_by_default(loaded_bot):
    mentions = loaded_bot.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == discord.AllowedMentions.none().to_dict()


async def test_no_privileged_intents(loaded_bot):
    intents = loaded_bot.intents
    assert not (intents.members or intents.presences or intents.message_content)
