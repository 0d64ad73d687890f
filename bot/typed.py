"""What people type is cleaned once, as it arrives, before any command or form sees it.

Every slash option and every form field reaches the bot in an INTERACTION_CREATE
event. Cleaning the event's text there (bot/domain/text.clean_typed) means titles,
options, notes, descriptions, names and support text are stored and shown without
control characters or bidirectional overrides, with no call site to forget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.text import clean_typed

STRING_OPTION = 3  # application command option type
TEXT_INPUT = 4  # component type (a form field)
APPLICATION_COMMAND, AUTOCOMPLETE, MODAL_SUBMIT = 2, 4, 5  # interaction types


def _clean_options(options: list[dict[str, Any]]) -> None:
    for option in options:
        if option.get("type") == STRING_OPTION and isinstance(option.get("value"), str):
            # A slash option is one line: a pasted line break becomes a space.
            option["value"] = clean_typed(option["value"], line_breaks=False)
        _clean_options(option.get("options") or [])


def _clean_components(components: list[dict[str, Any]]) -> None:
    for component in components:
        if component.get("type") == TEXT_INPUT and isinstance(component.get("value"), str):
            component["value"] = clean_typed(component["value"])  # paragraphs keep lines
        _clean_components(component.get("components") or [])
        if isinstance(component.get("component"), dict):  # a field inside a label
            _clean_components([component["component"]])


def clean_interaction(data: dict[str, Any]) -> dict[str, Any]:
    """The INTERACTION_CREATE payload with every typed text cleaned (in place)."""
    inner = data.get("data")
    if not isinstance(inner, dict):
        return data
    if data.get("type") in (APPLICATION_COMMAND, AUTOCOMPLETE):
        _clean_options(inner.get("options") or [])
    elif data.get("type") == MODAL_SUBMIT:
        _clean_components(inner.get("components") or [])
    return data


def cleaning(parse: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap the gateway's INTERACTION_CREATE parser so it only ever sees cleaned text."""

    def parse_cleaned(data: Any) -> None:
        parse(clean_interaction(data))

    return parse_cleaned
