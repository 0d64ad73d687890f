"""The demo transcript is what people really see; a golden file keeps it honest.

Regenerate after a deliberate change of wording: `UPDATE_GOLDEN=1 make test`
(then read the diff: every line is something a member, organiser or moderator sees).
"""

import os
import re
from pathlib import Path

from tests.demo import run_demo
from tests.demo_pages import DEMO_ENV

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "demo.txt"
RANDOM_PARTS = [
    (re.compile(r"SB-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"), "SB-CODE-CODE-CODE"),
    (re.compile(r"/(s|n)/[a-z0-9]{12}\b"), r"/\1/SLUG"),
    (re.compile(r"/reports/[A-Za-z0-9_.-]+"), "/reports/SIGNED-LINK"),
    (re.compile(r"/calendar/[A-Za-z0-9_-]+\.ics"), "/calendar/PRIVATE-TOKEN.ics"),
]


def normalised(text: str) -> str:
    """Network link codes, page addresses and private links are random by design;
    everything else is deterministic."""
    for pattern, replacement in RANDOM_PARTS:
        text = pattern.sub(replacement, text)
    return text


async def test_the_demo_transcript_matches_the_golden_file(make_world, tmp_path):
    world = await make_world(env=DEMO_ENV)
    text = normalised(await run_demo(world, output=tmp_path))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
    assert "Traceback" not in text
    assert "something went wrong" not in text.lower()
