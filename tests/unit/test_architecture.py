"""The shape DESIGN.md asks for, checked from the code's own imports so it stays true.

- `bot/domain` imports neither discord nor the database; `db/` no discord or cogs;
- no feature's `flows.py` imports `discord` (anywhere in it), or its own cog or ui;
- nothing in `bot/` imports `cogs` or `web`;
- no feature package imports another feature's package (or a `cogs/_*.py` file);
- no import cycle among the project's modules. Module-level and function-local
  imports both count; imports under `if TYPE_CHECKING:` do not (they never run);
- every feature package in cogs/ is in the client's list of extensions, and its
  `__init__.py` holds only `setup`, which imports the cog inside it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
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


PACKAGES = ("bot", "cogs", "db", "web")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else ():
            found[module_name(path)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run, leaving out `if TYPE_CHECKING:` bodies."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imported_names(name: str, path: Path) -> set[str]:
    """Every dotted name this module imports at run time (`from a import b` gives a, a.b)."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def is_ancestor(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports. A module's own parent packages are no
    edge: Python initialises them before the module runs, so naming one (`from
    cogs.polls import flows` inside cogs.polls.ui) never runs its code again."""
    modules = project_modules()
    return {
        name: {
            n
            for n in imported_names(name, path)
            if n in modules and n != name and not is_ancestor(n, name)
        }
        for name, path in modules.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "cogs" and len(parts) > 1 else None


def test_no_discord_in_the_domain_or_in_any_flows_module():
    modules = project_modules()
    domain = {n: p for n, p in project_modules().items() if n.startswith("bot.domain")}
    flows = {n: p for n, p in modules.items() if n.startswith("cogs.") and n.endswith(".flows")}
    assert flows, "every feature package has a flows.py"
    offenders = {
        name: sorted(i for i in imported_names(name, path) if i.split(".")[0] == "discord")
        for name, path in {**domain, **flows}.items()
    }
    assert {n: i for n, i in offenders.items() if i} == {}


def test_nothing_in_bot_imports_cogs_or_web():
    offenders = {
        name: sorted(n for n in targets if n.split(".")[0] in ("cogs", "web"))
        for name, targets in graph().items()
        if name.split(".")[0] == "bot"
    }
    assert {n: t for n, t in offenders.items() if t} == {}


def test_no_feature_imports_another_feature_or_a_private_cogs_module():
    offenders = {}
    for name, targets in graph().items():
        mine = feature_of(name)
        if mine is None:
            continue
        bad = sorted(t for t in targets if feature_of(t) not in (None, mine))
        if bad:
            offenders[name] = bad
    assert offenders == {}
    assert not [p.name for p in (ROOT / "cogs").glob("_*.py") if p.name != "__init__.py"]


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_the_cycle_finder_sees_a_cycle_through_a_function_local_import(tmp_path):
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bot.client import SpeakBack\n"
        "def f():\n    from cogs.polls import flows\n"
    )
    assert "bot.client" not in imported_names("x.m", source)
    assert {"cogs.polls", "cogs.polls.flows"} <= imported_names("x.m", source)


def test_every_feature_package_is_loaded_and_has_only_setup_at_its_door():
    from bot.client import FEATURES

    packages = sorted(
        f"cogs.{p.name}" for p in (ROOT / "cogs").iterdir() if (p / "__init__.py").is_file()
    )
    assert sorted(FEATURES) == packages
    for package in packages:
        door = ast.parse((ROOT / package.replace(".", "/") / "__init__.py").read_text())
        defined = [
            n.name for n in door.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        module_level_imports = [
            n
            for n in door.body
            if isinstance(n, ast.Import | ast.ImportFrom)
            and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")
        ]
        assert defined == ["setup"], package
        assert module_level_imports == [], f"{package} imports at module level"


FLOWS = sorted(p.parent.name for p in (ROOT / "cogs").glob("*/flows.py"))


def test_flows_import_neither_their_cog_nor_their_ui():
    for feature in FLOWS:
        name = f"cogs.{feature}.flows"
        imported = imported_names(name, ROOT / "cogs" / feature / "flows.py")
        assert not imported & {f"cogs.{feature}.cog", f"cogs.{feature}.ui"}, name


@pytest.mark.parametrize("feature", FLOWS)
def test_importing_a_features_flows_loads_nothing_else_of_cogs(feature):
    """web/ will read through the flows: importing them must not load any Discord UI."""
    probe = (
        f"import sys, cogs.{feature}.flows; "
        "print(sorted(m for m in sys.modules if m.startswith('cogs')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == str(["cogs", f"cogs.{feature}", f"cogs.{feature}.flows"])


WRITING_CALLS = {"execute", "executemany", "executescript", "transaction", "commit"}


def test_web_imports_neither_discord_nor_any_cogs_commands_or_ui():
    web = {n: p for n, p in project_modules().items() if n.split(".")[0] == "web"}
    assert "web.app" in web
    offenders = {
        name: sorted(
            i
            for i in imported_names(name, path)
            if i.split(".")[0] == "discord"
            or (i.startswith("cogs.") and i.split(".")[-1] in ("cog", "ui"))
        )
        for name, path in web.items()
    }
    assert {n: i for n, i in offenders.items() if i} == {}


def test_web_never_writes_to_the_database_itself():
    """The pages only read: what is published is written by flows and db/, never here."""
    offenders = {}
    for name, path in project_modules().items():
        if name.split(".")[0] != "web":
            continue
        calls = {
            node.func.attr
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        if calls & WRITING_CALLS:
            offenders[name] = sorted(calls & WRITING_CALLS)
    assert offenders == {}
