"""What an organiser's note may be (bot/domain/notes.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.notes import MAX_CONTACT, MAX_NOTE, NOTES_PER_DAY, note_problem


def test_each_problem_is_named():
    assert note_problem("  \n ", "me@example.org", 0) == "empty"
    assert note_problem("x" * (MAX_NOTE + 1), "me@example.org", 0) == "too_long"
    assert note_problem("Hello", " ", 0) == "no_contact"
    assert note_problem("Hello", "x" * (MAX_CONTACT + 1), 0) == "contact_too_long"
    assert note_problem("Hello", "me@example.org", NOTES_PER_DAY) == "too_many"
    assert note_problem("x" * MAX_NOTE, "me@example.org", NOTES_PER_DAY - 1) is None


@given(st.text(min_size=1, max_size=MAX_NOTE).filter(str.strip), st.integers(0, 10))
def test_a_fine_note_is_refused_only_for_the_days_limit(note, sent):
    problem = note_problem(note, "me@example.org", sent)
    assert problem == ("too_many" if sent >= NOTES_PER_DAY else None)
