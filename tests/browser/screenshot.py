"""Regenerates docs/pages-you-said-we-did.png: the "you said, we did" page in Chromium.

    .venv/bin/python -m tests.browser.screenshot            # writes docs/pages-you-said-we-did.png
    .venv/bin/python -m tests.browser.screenshot --phone    # as a 375 px phone shows it

It starts the real bot against the Discord emulator, seeds the same network the browser
tests read (tests/browser/published.py: a closed poll, an answered idea, meetings), lets
the daily snapshot run, and photographs the server's page in Debian's Chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from tests.browser import published
from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS, PHONE, missing_browser_reason

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "pages-you-said-we-did.png"
WIDTH = 900  # a laptop window a commissioner might read in; the page's column is narrower


async def photograph(output: Path, *, phone: bool) -> Path:
    with tempfile.TemporaryDirectory(prefix="speakback-screenshot-") as scratch:
        world = await published.start(Path(scratch))
        try:
            site = await published.seed(world, hostile=False)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    viewport = PHONE if phone else {"width": WIDTH, "height": 700}
                    context = await browser.new_context(
                        viewport=viewport, is_mobile=phone, device_scale_factor=1
                    )
                    page = await context.new_page()
                    await page.goto(site.url("server"), wait_until="load")
                    await page.screenshot(path=str(output), full_page=True)
                finally:
                    await browser.close()
        finally:
            await world.close()
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.browser.screenshot")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--phone", action="store_true", help="a 375 px phone's view")
    args = parser.parse_args(argv)
    reason = missing_browser_reason()
    if reason:
        sys.stderr.write(reason + "\n")
        return 1
    written = asyncio.run(photograph(args.output, phone=args.phone))
    sys.stdout.write(f"wrote {written} ({written.stat().st_size // 1024} KiB)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
