"""Comparing short texts the way a person reads them (pure; no discord, no database).

Two poll options, or two idea titles, are "the same" when a reader could not tell
them apart: ``Café`` typed on a phone (one character for ``é``) and pasted from a
document (``e`` plus a combining accent), ``CAFÉ``, and ``Ｃａｆé`` in full-width
letters all read as one word. :func:`same_text_key` gives each such text one key,
so a duplicate is found whatever form it came in; the text itself is always kept
and shown exactly as it was typed.

:func:`clean_typed` is applied to everything a person types (slash options and form
fields, before any command sees them; bot/typed.py) and again to whatever is shown:
it removes what could hide or disguise text rather than say something.
"""

from __future__ import annotations

import re
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


# -- text that cannot hide anything --------------------------------------------------

# Bidirectional embeddings, overrides and isolates: U+202E makes "txt.exe" show as
# "exe.txt", and a pasted one can turn the rest of a post around.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Terminal escape sequences go whole (ESC [ 31 m, and OSC ... BEL links), not only
# their ESC, so no "[31m" is left behind; then every other control character goes.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
_LINE_ENDINGS = re.compile(r"\r\n?")


def clean_typed(text: str, *, line_breaks: bool = True) -> str:
    """``text`` without control characters or bidirectional overrides and isolates.

    NUL, BEL, terminal escape sequences and every other control character
    (Unicode category Cc) are removed, and so are U+202A-U+202E and U+2066-U+2069.
    Line breaks (``\\r\\n`` and ``\\r`` become ``\\n``) and tabs are kept where
    ``line_breaks`` allows them, else each becomes a space. Everything else, emoji
    joiners and right-to-left letters included, is kept exactly as typed.
    """
    text = _ESCAPE_SEQUENCE.sub("", _LINE_ENDINGS.sub("\n", text))
    kept = []
    for char in text:
        if char in "\n\t":
            kept.append(char if line_breaks else " ")
        elif char not in BIDI_CONTROLS and unicodedata.category(char) != "Cc":
            kept.append(char)
    return "".join(kept)


def cut(words: str, limit: int) -> str:
    """`words`, ending in "…" if it had to be shortened to fit `limit` characters."""
    return words if len(words) <= limit else words[: limit - 1] + "…"
