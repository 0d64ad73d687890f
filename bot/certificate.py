"""The member's certificate (issue 24): a one-page PDF of their own record.

Built with fpdf2 and fonts bundled in `bot/fonts` (the built-in PDF fonts are
Latin-1 only): DejaVu Sans for Latin, Greek, Cyrillic and the Welsh and Irish
letters (ŵ, ŷ, Ó, á), Arabic and Hebrew (shaped by HarfBuzz, right to left), with
Droid Sans Fallback behind it for Chinese, Japanese and Korean, so any name a person types prints as typed and reads back as text. The whole
fonts are bundled and fpdf2 embeds, per document, just the letters that document
uses, so a name is never limited to a fixed set of letters. Building one takes about a second of CPU (reading the fonts):
call it off the event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib import resources

from fpdf import FPDF

from bot.domain.records import Activity, day_text, hours_text, line, total_hours
from bot.strings import records as text

# fpdf2 warns of letters a font lacks by quoting them, and here they are someone's
# name: never logged (bot/log.py keeps this floor too; the member is told instead).
logging.getLogger("fpdf").setLevel(logging.ERROR)

FONT = "DejaVu"
FALLBACK = "DroidFallback"
PAGE_BOTTOM = 262  # mm: below this the footer goes (A4 is 297 mm tall)
GAP = 1  # mm between activities


def _fonts(pdf: FPDF) -> None:
    folder = resources.files("bot") / "fonts"
    for family, style, filename in (
        (FONT, "", "DejaVuSans.ttf"),
        (FONT, "B", "DejaVuSans-Bold.ttf"),
        (FALLBACK, "", "DroidSansFallback.ttf"),
    ):
        # One file at a time: a file on disk is used where it is (as_file of a folder
        # needs Python 3.12).
        with resources.as_file(folder / filename) as path:
            pdf.add_font(family, style, str(path))
    # exact_match=False: bold text in a CJK script uses the regular fallback.
    pdf.set_fallback_fonts([FALLBACK], exact_match=False)
    # HarfBuzz shaping (uharfbuzz): Arabic letters joined, Hebrew and Arabic right to left.
    pdf.set_text_shaping(True)


@dataclass(frozen=True)
class Certificate:
    data: bytes
    unprinted: str
    """Characters of the name no bundled font has (an emoji, say): left blank, and the
    person is told which (never logged: the fpdf logger is kept at ERROR)."""


def certificate_pdf(
    *, name: str, server: str, activities: Sequence[Activity], issued: date
) -> Certificate:
    """One A4 page: the name, the server, each activity (oldest first), the total hours.

    If they do not all fit, the most recent are shown, after a line saying how many
    earlier ones were left off (all of them are in /me record and /me export)."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(datetime.combine(issued, time(), tzinfo=UTC))
    pdf.set_title(text.PDF_TITLE)  # the document's title: never the person's name
    pdf.set_creator("Speak Back")
    _fonts(pdf)
    pdf.set_margins(22, 22, 22)  # before the page, so its first line starts at 22 mm too
    pdf.add_page()
    pdf.set_y(30)

    def centred(words: str, size: float, style: str = "", gap: float = 4) -> None:
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(0, size * 0.5, words, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    centred(text.PDF_TITLE, 26, "B", 10)
    centred(text.PDF_THIS_IS_TO_SAY, 13)
    centred(name, _fitting(pdf, name, 22, 14), "B", 6)
    centred(text.PDF_TOOK_PART.format(server=server), 13, gap=8)

    size = 11 if len(activities) <= 18 else 9
    pdf.set_font(FONT, "", size)
    height = size * 0.5
    lines = ["\u2022  " + line(activity, text.SAID_GOING) for activity in activities]
    shown = _most_recent_that_fit(pdf, lines, height, room=PAGE_BOTTOM - pdf.get_y())
    if len(shown) < len(lines):
        more = text.PDF_MORE.format(count=len(lines) - len(shown))
        pdf.multi_cell(0, height, more, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(GAP)
    for words in shown:
        pdf.multi_cell(0, height, words, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(GAP)

    hours = total_hours(activities)
    if hours:
        pdf.ln(2)
        pdf.set_font(FONT, "B", size)
        pdf.multi_cell(0, height, text.PDF_TOTAL_HOURS.format(hours=hours_text(hours)))

    pdf.set_y(PAGE_BOTTOM + 4)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        0, 4.5, text.PDF_ISSUED.format(day=day_text(issued), server=server),
        align="C", new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    if any(a.said_going for a in activities):
        pdf.multi_cell(0, 4.5, text.PDF_SAID_GOING_NOTE, align="C")
    data = bytes(pdf.output())
    return Certificate(data, _unprinted(pdf, name))


def _unprinted(pdf: FPDF, name: str) -> str:
    """The characters of `name` that none of the fonts has (spaces and joiners aside)."""
    covered = [font.cmap for font in pdf.fonts.values() if hasattr(font, "cmap")]
    return "".join(
        char
        for char in dict.fromkeys(name)
        if not char.isspace()
        and unicodedata.category(char) not in ("Cf", "Mn")
        and not any(ord(char) in cmap for cmap in covered)
    )


def _fitting(pdf: FPDF, words: str, largest: float, smallest: float) -> float:
    """The largest bold size (down to `smallest`) at which `words` fit on one line; a
    longer name still wraps at that size."""
    size = largest
    while size > smallest:
        pdf.set_font(FONT, "B", size)
        if len(pdf.multi_cell(0, size * 0.5, words, dry_run=True, output="LINES")) <= 1:
            break
        size -= 1
    return size


def _most_recent_that_fit(pdf: FPDF, lines: list[str], height: float, room: float) -> list[str]:
    """The last lines that fit in `room` mm (with a line and the hours kept free)."""
    room -= 3 * height + 2 * GAP + 2

    def needed(words: str) -> float:
        wrapped = pdf.multi_cell(0, height, words, dry_run=True, output="LINES")
        return len(wrapped) * height + GAP

    if sum(needed(words) for words in lines) <= room + height + GAP:
        return lines  # all of them (no "...and N more" line needed)
    kept: list[str] = []
    for words in reversed(lines):
        room -= needed(words)
        if room < 0:
            break
        kept.append(words)
    return kept[::-1]
