"""The certificate PDF: one page, the name read back exactly in any script, only the
activities given, and nothing of the name anywhere but on the page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf

from bot.certificate import certificate_pdf
from bot.domain.records import Activity

NAME = "Siân Ŵyn Ó Dónaill-ŷá 王小明 山田花子 김민준 Ελένη Ольга"
LONGEST = "Gwenllian Ŵyn Ó Dónaill ap Dafydd " + "王小明" * 15


def read(data: bytes) -> tuple[pypdf.PdfReader, str]:
    document = pypdf.PdfReader(io.BytesIO(data))
    return document, "\n".join(page.extract_text() for page in document.pages)


def test_every_script_reads_back_exactly_and_the_name_is_not_in_the_metadata():
    activities = [
        Activity(date(2026, 11, 20), "Interview panel", "panel member", 3),
        Activity(date(2026, 12, 3), "Champions catch-up", said_going=True),
    ]
    made = certificate_pdf(
        name=NAME, server="Speak Back Cymru", activities=activities, issued=date(2026, 12, 5)
    )
    document, printed = read(made.data)
    assert len(document.pages) == 1 and made.unprinted == ""
    assert NAME in printed.splitlines()
    assert "took part in the work of Speak Back Cymru:" in printed
    assert "20 November 2026: Interview panel (panel member, 3 hours)" in printed
    assert "3 December 2026: Champions catch-up (said going)" in printed
    assert "Issued on 5 December 2026" in printed
    long = certificate_pdf(name=LONGEST, server="S", activities=activities, issued=date(2026, 1, 1))
    lines = read(long.data)[1].splitlines()
    name_lines = lines[
        lines.index("This is to say that") + 1 : lines.index("took part in the work of S:")
    ]
    assert "".join(name_lines).replace(" ", "") == LONGEST.replace(" ", "")  # wrapped, whole
    metadata = " ".join(str(v) for v in (document.metadata or {}).values())
    assert "Siân" not in metadata and "王" not in metadata


def test_right_to_left_names_read_back_in_order():
    for name in ("שלום כהן", "محمد علي"):
        made = certificate_pdf(
            name=name,
            server="S",
            activities=[Activity(date(2026, 1, 1), "x")],
            issued=date(2026, 1, 2),
        )
        assert name in read(made.data)[1].splitlines()


def test_many_activities_stay_on_one_page_with_the_most_recent_shown():
    activities = [
        Activity(date(2026, 1, 1) + timedelta(days=n), f"Session {n:03d}") for n in range(60)
    ]
    made = certificate_pdf(name="Ana", server="S", activities=activities, issued=date(2026, 12, 5))
    document, printed = read(made.data)
    assert len(document.pages) == 1
    assert "Session 059" in printed and "Session 000" not in printed
    shown = printed.count("Session ")
    assert f"…and {60 - shown} earlier activities" in printed


def test_letters_no_font_has_are_reported_not_hidden():
    made = certificate_pdf(
        name="Sam 🌻",
        server="S",
        activities=[Activity(date(2026, 1, 1), "x")],
        issued=date(2026, 1, 2),
    )
    assert made.unprinted == "🌻"
