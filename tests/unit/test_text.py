"""Texts compared as a person reads them (bot/domain/text.py), and poll options by it."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.ballots import PollSetupError, parse_options
from bot.domain.text import same_text, same_text_key

NFC = unicodedata.normalize("NFC", "Café")
NFD = unicodedata.normalize("NFD", "Café")
FULL_WIDTH = "Ｃａｆé"  # full-width C, a, f; then é


def test_the_two_unicode_forms_of_an_accent_are_different_strings_but_one_key():
    assert NFC != NFD and len(NFC) == 4 and len(NFD) == 5
    assert same_text_key(NFC) == same_text_key(NFD) == "café"


@pytest.mark.parametrize(
    "variant",
    [NFD, "CAFÉ", "café", FULL_WIDTH, "  Café  ", "Ca\u200bfé", "CAFE\u0301"],
)
def test_look_alikes_read_the_same(variant):
    assert same_text(NFC, variant)


def test_spacing_collapses_and_sharp_s_folds():
    assert same_text_key("Peer   support\tgroups") == "peer support groups"
    assert same_text("Straße", "STRASSE")


@pytest.mark.parametrize("other", ["Cafe", "Cafés", "Caff", "Ca fé"])
def test_texts_a_reader_tells_apart_stay_apart(other):
    assert not same_text(NFC, other)


@given(st.text(max_size=40))
def test_the_key_is_stable(text):
    key = same_text_key(text)
    assert same_text_key(key) == key
    assert same_text_key(unicodedata.normalize("NFD", text)) == key


@pytest.mark.parametrize("variant", [NFD, "CAFÉ", FULL_WIDTH])
def test_a_look_alike_option_is_refused_kindly_naming_both_lines(variant):
    with pytest.raises(PollSetupError) as refused:
        parse_options(f"{NFC}\nTea\n{variant}")
    message = str(refused.value)
    assert f"Line 3 (“{variant}”) reads the same as line 1 (“{NFC}”)" in message
    assert "Please remove one of them or reword it." in message


def test_options_are_kept_as_typed():
    assert parse_options(f"{NFD}\nＴｅａ") == [NFD, "Ｔｅａ"]


# -- text that cannot hide anything (issue 29) ---------------------------------------

from bot.domain.text import BIDI_CONTROLS, clean_typed  # noqa: E402


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Tea\x00 time\x07", "Tea time"),
        ("\x1b[31mRed\x1b[0m alert", "Red alert"),
        ("\x1b[1;4;38;5;196mloud\x1b[m", "loud"),
        ("\x1b]8;;https://example.com\x07link\x1b]8;;\x07", "link"),
        ("\x9b31mC1\x85 controls", "C1 controls"),
        ("file\u202etxt.exe", "filetxt.exe"),
        ("\u2066isolated\u2069 \u202aembedded\u202c", "isolated embedded"),
        ("line one\r\nline two\rthree\n\tindented", "line one\nline two\nthree\n\tindented"),
        ("שלום عربي 漢字 🙂 👩\u200d👩\u200d👧 Café", "שלום عربي 漢字 🙂 👩\u200d👩\u200d👧 Café"),
    ],
)
def test_clean_typed_removes_what_hides_and_keeps_what_says(typed, kept):
    assert clean_typed(typed) == kept


def test_where_line_breaks_are_not_allowed_they_become_spaces():
    assert clean_typed("one\ntwo\tthree\r\n", line_breaks=False) == "one two three "


def _hides(text: str, *, line_breaks: bool) -> bool:
    allowed = "\n\t" if line_breaks else ""
    return any(
        c in BIDI_CONTROLS or (unicodedata.category(c) == "Cc" and c not in allowed) for c in text
    )


HIDING = st.sampled_from(
    ["\x00", "\x07", "\x1b", "\x1b[", "\x1b[31m", "\x1b]", "\r", "\x9b", "\x7f", *BIDI_CONTROLS]
)


@given(st.lists(st.one_of(st.text(max_size=8), HIDING), max_size=12), st.booleans())
def test_clean_text_never_contains_controls_or_overrides(parts, line_breaks):
    cleaned = clean_typed("".join(parts), line_breaks=line_breaks)
    assert not _hides(cleaned, line_breaks=line_breaks)
    assert clean_typed(cleaned, line_breaks=line_breaks) == cleaned


@given(st.text(st.characters(exclude_categories=("Cc",))))
def test_text_with_nothing_hidden_is_kept_exactly(text):
    if not any(c in BIDI_CONTROLS for c in text):
        assert clean_typed(text) == text
