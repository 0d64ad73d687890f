"""Comparing short texts the way a person reads them (pure; no discord, no database).

Two poll options, or two idea titles, are "the same" when a reader could not tell
them apart: ``Café`` typed on a phone (one character for ``é``) and pasted from a
document (``e`` plus a combining accent), ``CAFÉ``, and ``Ｃａｆé`` in full-width
letters all read as one word. :func:`same_text_key` gives each such text one key,
so a duplicate is found whatever form it came in; the text itself is always kept
and shown exactly as it was typed.
"""

from __future__ import annotations

import unicodedata

# Characters nobody can see, that a paste can leave inside a word (zero-width
# space and non-joiner, word joiner, byte-order mark, soft hyphen, direction marks).
# The zero-width joiner is kept: it changes how emoji sequences look.
_UNSEEN = dict.fromkeys(map(ord, "\u200b\u200c\u2060\ufeff\u00ad\u200e\u200f"))


def same_text_key(text: str) -> str:
    """One key for every way of writing what reads as the same text.

    NFKC normalisation (composed and decomposed accents, full-width and other
    compatibility forms become one), then casefolding (capitals, and ``ß``/``ss``),
    then NFKC again (casefolding can undo it), invisible characters dropped and
    every run of white space collapsed to one space, trimmed at both ends.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.translate(_UNSEEN).split())


def same_text(a: str, b: str) -> bool:
    """Whether a reader would take ``a`` and ``b`` for the same text."""
    return same_text_key(a) == same_text_key(b)
