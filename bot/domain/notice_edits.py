"""Editing the membership notice: a wording fix or a real change (rule 1, issue 19).

Pure: no Discord, no database. A moderator who saves the notice says what the edit
changes. A **wording fix** (a typo, clearer words, nothing about what is stored, why,
who sees it or how to leave) keeps the consent version: members' agreement still
stands, so nothing they asked for stops. It is stored as a dated text revision, and
each member's record says which revision they last saw. A **real change** raises the
version: members get no optional messages until they agree again, so it is shown as a
diff with its effect and saved only when confirmed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.domain.errors import Refusal

EDIT_WORDING = "wording"
EDIT_CHANGE = "change"
EDIT_KINDS = (EDIT_WORDING, EDIT_CHANGE)

NOTICE_CHANGED_JOB = "notice_changed"
"""The timed work that tells members with reminders planned that the notice changed:
queued in the same transaction as the new version, so a crash cannot lose it."""


def notice_changed_key(guild_id: int, version: int) -> str:
    return f"notice-changed:{guild_id}:{version}"


NOTHING_CHANGED = (
    "That is the notice as it already reads, so there is nothing to save. Nothing was changed."
)
NO_KIND = (
    "Please say what this edit changes: a wording fix, or a real change that members "
    "agree to again. Nothing was saved."
)


@dataclass(frozen=True)
class NoticeEdit:
    """What saving an edit does: the consent version after it, and whether members
    are asked to agree again (only a real change asks)."""

    kind: str
    version: int
    asks_again: bool


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def plan_notice_edit(current_text: str, new_text: str, kind: str, version: int) -> NoticeEdit:
    """The edit a moderator asked for, from the notice now in force (`version`).

    A wording fix keeps `version`; a real change is `version + 1`. Text that reads the
    same as now (spacing aside) is refused either way: there is nothing to save, and a
    new version would ask every member to agree again to the words they agreed to.
    """
    if kind not in EDIT_KINDS:
        raise Refusal(NO_KIND)
    if _same_words(current_text, new_text):
        raise Refusal(NOTHING_CHANGED)
    if kind == EDIT_WORDING:
        return NoticeEdit(kind, version, asks_again=False)
    return NoticeEdit(kind, version + 1, asks_again=True)


def still_current(
    proposed_from: int, version_now: int, revision_from: int | None, revision_now: int | None
) -> bool:
    """A confirmed real change is saved only over the notice it was written against:
    if someone saved the notice meanwhile (a new version or a new wording), the
    moderator must look again rather than overwrite words they have not seen."""
    return proposed_from == version_now and revision_from == revision_now


def wording_changed_since(seen_revision: int | None, current_revision: int | None) -> bool:
    """Has the notice's wording been fixed since this member last saw it?

    Revisions are numbered in the order they were saved; None is the wording from
    before any revision was kept (the first one), so a member who saw None has not
    seen any saved revision."""
    if current_revision is None:
        return False
    return seen_revision is None or seen_revision < current_revision


# -- what changed, in words ------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


@dataclass(frozen=True)
class NoticeDiff:
    """Sentences taken out and sentences added, in the order they appear."""

    removed: tuple[str, ...]
    added: tuple[str, ...]


def notice_diff(old: str, new: str) -> NoticeDiff:
    """What a real change changes, sentence by sentence (a sentence edited in place is
    one taken out and one added, so both wordings can be read side by side)."""
    before, after = _sentences(old), _sentences(new)
    removed: list[str] = []
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed.extend(before[i1:i2])
        if tag in ("replace", "insert"):
            added.extend(after[j1:j2])
    return NoticeDiff(tuple(removed), tuple(added))
