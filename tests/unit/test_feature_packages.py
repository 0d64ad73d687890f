"""Each feature package in cogs/ keeps the shape DESIGN.md asks for ("Architecture").

Checked for every package present, so a feature converted later is held to it too.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(p.parent for p in (ROOT / "cogs").glob("*/__init__.py"))


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports (absolute names; relative ones resolved), anywhere in it."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_there_are_feature_packages():
    assert {p.name for p in PACKAGES} >= {"membership", "networks", "setup", "status", "support"}


def test_flows_never_import_discord():
    offenders = {
        str(flows.relative_to(ROOT)): sorted(
            m for m in _imported_modules(flows) if m == "discord" or m.startswith("discord.")
        )
        for package in PACKAGES
        if (flows := package / "flows.py").exists()
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_flows_import_neither_the_cog_nor_the_ui():
    for package in PACKAGES:
        flows = package / "flows.py"
        if flows.exists():
            own = f"cogs.{package.name}"
            assert not _imported_modules(flows) & {f"{own}.cog", f"{own}.ui"}, flows


def test_no_feature_imports_another_or_a_private_cogs_module():
    offenders = []
    for package in PACKAGES:
        own = f"cogs.{package.name}"
        for path in package.rglob("*.py"):
            for module in _imported_modules(path):
                if module.startswith("cogs.") and not (
                    module == own or module.startswith(own + ".")
                ):
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_init_only_sets_up_the_cog_lazily():
    for package in PACKAGES:
        tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
        assert [type(node).__name__ for node in tree.body] == ["AsyncFunctionDef"], package
        assert tree.body[0].name == "setup", package
