"""Readable flattenings of what a person sees: messages, embeds, components, modals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.emulator.models import Message

STYLE = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium"}


def walk(components: list[dict[str, Any]] | None) -> Iterator[dict[str, Any]]:
    """Every component, depth first (action rows, containers, sections, labels)."""
    for component in components or []:
        yield component
        yield from walk(component.get("components"))
        if isinstance(component.get("component"), dict):
            yield from walk([component["component"]])
        if isinstance(component.get("accessory"), dict):
            yield from walk([component["accessory"]])


def component_lines(components: list[dict[str, Any]] | None) -> list[str]:
    lines = []
    for row in components or []:
        if row.get("type") == 1:
            parts = [_component_text(c) for c in row.get("components") or []]
            lines.append("  ".join(p for p in parts if p))
        else:
            lines.extend(p for p in (_component_text(c) for c in walk([row])) if p)
    return lines


def _component_text(c: dict[str, Any]) -> str:
    kind = c.get("type")
    if kind == 2:
        emoji = (c.get("emoji") or {}).get("name")
        label = " ".join(x for x in (emoji, c.get("label")) if x)
        return f"[{label}{' (disabled)' if c.get('disabled') else ''}]"
    if kind == 3:
        options = " | ".join(o.get("label", "") for o in c.get("options") or [])
        return f"<select {c.get('placeholder') or c.get('custom_id')}: {options}>"
    if kind in (5, 6, 7, 8):
        return f"<select {c.get('placeholder') or c.get('custom_id')}>"
    if kind == 10:
        return str(c.get("content", ""))
    return ""


def embed_lines(embed: dict[str, Any]) -> list[str]:
    lines = []
    if (embed.get("author") or {}).get("name"):
        lines.append(embed["author"]["name"])
    if embed.get("title"):
        lines.append(f"## {embed['title']}")
    if embed.get("description"):
        lines.append(embed["description"])
    for field in embed.get("fields") or []:
        lines.append(f"{field.get('name')}: {field.get('value')}")
    if embed.get("image"):
        lines.append(f"(image {embed['image'].get('url')})")
    if (embed.get("footer") or {}).get("text"):
        lines.append(f"-- {embed['footer']['text']}")
    return lines


def message_text(message: Message) -> str:
    lines = [message.content] if message.content else []
    for embed in message.embeds:
        lines.extend(embed_lines(embed))
    lines.extend(component_lines(message.components))
    lines.extend(f"(attachment {a.filename})" for a in message.attachments)
    return "\n".join(lines)


def modal_text(modal: dict[str, Any]) -> str:
    lines = [f"# {modal.get('title', '')}"]
    for c in walk(modal.get("components")):
        if c.get("type") == 18:
            lines.append(f"{c.get('label')}: ({c['component'].get('custom_id')})")
        elif c.get("type") == 4 and c.get("label"):
            lines.append(f"{c.get('label')}: ({c.get('custom_id')})")
        elif c.get("type") == 10:
            lines.append(str(c.get("content", "")))
    return "\n".join(lines)


def buttons(message: Message) -> list[dict[str, Any]]:
    return [c for c in walk(message.components) if c.get("type") == 2]


def selects(message: Message) -> list[dict[str, Any]]:
    return [c for c in walk(message.components) if c.get("type") in (3, 5, 6, 7, 8)]
