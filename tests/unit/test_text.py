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
