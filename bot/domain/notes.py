"""Organisers' notes to the people who said yes (issue 20): what a note may be.

Pure: `note_problem` says what is wrong with a note, or None; the words for each
problem are in bot.strings.notes.
"""

from __future__ import annotations

from datetime import timedelta

MAX_NOTE = 1500
"""Characters in a note: enough for details, short enough to read on a phone."""
MAX_CONTACT = 200
NOTES_PER_DAY = 3
"""Notes per item in any 24 hours: a note is a service message, and people who said
yes should not be flooded."""
NOTE_WINDOW = timedelta(days=1)


def note_problem(note: str, contact: str, sent_in_last_day: int) -> str | None:
    """ "empty", "too_long", "no_contact", "contact_too_long", "too_many", or None."""
    if not note.strip():
        return "empty"
    if len(note.strip()) > MAX_NOTE:
        return "too_long"
    if not contact.strip():
        return "no_contact"
    if len(contact.strip()) > MAX_CONTACT:
        return "contact_too_long"
    if sent_in_last_day >= NOTES_PER_DAY:
        return "too_many"
    return None
