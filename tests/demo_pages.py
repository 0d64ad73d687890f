"""The demo's "seen beyond Discord" scene: pages, a report and a calendar address.

Plugged into `tests.demo.SCENES` last. A moderator chooses what the server publishes;
the transcript then shows the public page as a commissioner reads it (as plain text,
from the bot's own web server); an organiser makes a report for commissioners; Alice
makes her private calendar address. The demo's bot has a public address
(`DEMO_ENV`), so replies carry links, as a real deployment's would.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING

from tests.database import rows
from tests.e2e import steps

if TYPE_CHECKING:
    from tests.demo import Transcript
    from tests.emulator.world import World

DEMO_BASE_URL = "https://pages.speakback.example"
DEMO_ENV = {"WEB_BASE_URL": DEMO_BASE_URL}
PUBLISHED = ["polls", "ideas", "outcomes", "meetings", "reports"]


class PageText(HTMLParser):
    """A page's words as a reader meets them: headings marked, a line per paragraph,
    list item, table row or label and value; no navigation links."""

    BREAKS = {"p", "li", "tr", "dt", "h1", "h2", "h3", "h4", "caption", "figcaption", "footer"}
    SKIPPED = {"nav", "head", "style", "script"}
    VOID = {"img", "br", "hr", "meta", "link", "input", "source"}  # no end tag

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.current = ""
        self.skipping = 0

    def _break(self) -> None:
        line = " ".join(self.current.split())
        if line:
            self.lines.append(line)
        self.current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        skipped = tag in self.SKIPPED or "skip" in (dict(attrs).get("class") or "")
        if self.skipping or skipped:
            self.skipping += tag not in self.VOID
        elif tag in self.BREAKS:
            self._break()
            if tag in ("h1", "h2", "h3", "h4"):
                self.current = "#" * int(tag[1]) + " "
            elif tag == "li":
                self.current = "- "
        elif tag in ("dd", "td", "th"):
            self.current = self.current.rstrip() + (": " if tag == "dd" else " | ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current += f"[picture: {alt}]"

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= tag not in self.VOID
        elif (tag in self.BREAKS and tag != "dt") or tag == "dd":
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current += data

    @classmethod
    def of(cls, html: str) -> str:
        reader = cls()
        reader.feed(html)
        reader._break()
        return "\n".join(reader.lines)


async def show_page(t: Transcript, world: World, path: str, who: str) -> None:
    status, _headers, html = await steps.get_page(world, path)
    assert status == 200, html
    t.page(f"  {who} opens {DEMO_BASE_URL}{path} (shown as plain text):", PageText.of(html))


async def scene_seen_beyond_discord(t: Transcript, world: World) -> None:
    t.scene("Seen beyond Discord: a public page, a report for commissioners, a calendar address")
    mod, olu, alice = world.mod, world.user("olu", organiser=True), world.user("alice")
    shown = await t.slash(mod, "setup publish")
    await t.select(
        mod, shown, "setup:publish:kinds", PUBLISHED,
        "poll results, ideas' answers, outcomes, meetings held and reports",
    )  # fmt: skip
    (slug,) = rows(world, "SELECT slug FROM published_pages WHERE kinds != ''")[0]
    await show_page(t, world, f"/s/{slug}", "A commissioner, not on Discord,")
    await t.slash(olu, "report", period="this year")
    await t.slash(alice, "me calendar")
