"""cogs/opportunities keeps the feature shape: flows without Discord, no other feature."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "cogs" / "opportunities"


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_flows_imports_no_discord_anywhere():
    found = _imported(PACKAGE / "flows.py")
    assert not {n for n in found if n == "discord" or n.startswith("discord.")}


def test_the_package_imports_no_other_feature():
    for path in PACKAGE.glob("*.py"):
        others = {
            n
            for n in _imported(path)
            if n.startswith("cogs") and not n.startswith("cogs.opportunities")
        }
        assert others == set(), path.name


def test_importing_flows_pulls_in_no_discord_ui():
    code = (
        "import sys, cogs.opportunities.flows; "
        "print(sorted(m for m in sys.modules if m.startswith('cogs.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parents[1],
    )
    assert out.stdout.strip() == "['cogs.opportunities', 'cogs.opportunities.flows']"
