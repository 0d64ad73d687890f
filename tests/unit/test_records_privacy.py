"""No command lets anyone see another person's record (issue 24, rule 2), by construction:
/me record takes no option, Get a certificate carries nobody's id, and only this
feature's flows read a record, always for the person asking."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = {"record_of": {"cogs/records/flows.py"}, "going_answers_of": {"cogs/records/flows.py"}}


async def test_me_record_takes_no_option_so_it_can_only_be_your_own(loaded_bot):
    command = loaded_bot.tree.get_command("me").get_command("record")
    assert command is not None and command.parameters == []


def test_the_certificate_button_carries_nobodys_id():
    from cogs.records.ui import CertificateButton

    assert CertificateButton().custom_id == "record:certificate"


def test_only_the_record_feature_reads_a_record():
    found: dict[str, set[str]] = {name: set() for name in READERS}
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("cogs/**/*.py"), *ROOT.glob("web/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in READERS:
                found[node.attr].add(str(path.relative_to(ROOT)))
    assert found == READERS


async def test_the_record_flows_take_only_the_person_asking():
    import inspect

    from cogs.records import flows

    for function in (flows.my_record, flows.certificate):
        people = [p for p in inspect.signature(function).parameters if p.endswith("user_id")]
        assert people == ["user_id"]  # one person: the one whose record it is
