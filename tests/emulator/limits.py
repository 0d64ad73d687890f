"""Discord's message, embed, component and modal limits, with its 400 error body.

The OpenAPI description does not encode all of them (it allows 4,000 characters of
content and 40 modal components; Discord allows bots 2,000 and modals 5), so they
are checked here. Errors use Discord's shape::

    {"code": 50035, "message": "Invalid Form Body",
     "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", ...}]}}}
"""

from __future__ import annotations

from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
LABEL = 80
CUSTOM_ID = 100
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100
PLACEHOLDER = 150
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000
CHOICES = 25
CHOICE_NAME = 100


class Errors:
    """Collects errors keyed by their path, rendered in Discord's nested form."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple[str, ...], str, str]] = []

    def add(self, path: tuple[Any, ...], code: str, message: str) -> None:
        self.items.append((tuple(str(p) for p in path), code, message))

    def max_length(self, path: tuple[Any, ...], value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def between(self, path: tuple[Any, ...], items: Any, low: int, high: int) -> None:
        if isinstance(items, list | str) and not low <= len(items) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def body(self) -> dict[str, Any] | None:
        if not self.items:
            return None
        tree: dict[str, Any] = {}
        for path, code, message in self.items:
            node = tree
            for part in path:
                node = node.setdefault(part, {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return {"code": 50035, "message": "Invalid Form Body", "errors": tree}

    def summary(self) -> str:
        return "; ".join(f"{'.'.join(p)}: {m}" for p, _, m in self.items)


def check_message(body: dict[str, Any], errors: Errors, at: tuple[Any, ...] = ()) -> None:
    errors.max_length((*at, "content"), body.get("content"), CONTENT)
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        errors.add((*at, "embeds"), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS} or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        total += _check_embed(embed, errors, (*at, "embeds", i))
    if total > EMBED_TOTAL:
        errors.add(
            (*at, "embeds"),
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL}",
        )
    check_components(body.get("components"), errors, (*at, "components"))


def _check_embed(embed: dict[str, Any], errors: Errors, at: tuple[Any, ...]) -> int:
    size = 0
    for key, limit in (("title", EMBED_TITLE), ("description", EMBED_DESCRIPTION)):
        errors.max_length((*at, key), embed.get(key), limit)
        size += len(embed.get(key) or "")
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        errors.add(
            (*at, "fields"), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBED_FIELDS} or fewer in length."
        )
    for i, field in enumerate(fields):
        errors.max_length((*at, "fields", i, "name"), field.get("name"), FIELD_NAME)
        errors.max_length((*at, "fields", i, "value"), field.get("value"), FIELD_VALUE)
        size += len(field.get("name") or "") + len(field.get("value") or "")
    footer = embed.get("footer") or {}
    errors.max_length((*at, "footer", "text"), footer.get("text"), FOOTER_TEXT)
    author = embed.get("author") or {}
    errors.max_length((*at, "author", "name"), author.get("name"), AUTHOR_NAME)
    return size + len(footer.get("text") or "") + len(author.get("name") or "")


def check_components(rows: Any, errors: Errors, at: tuple[Any, ...]) -> None:
    if not rows:
        return
    legacy = all(row.get("type") == 1 for row in rows)
    if legacy and len(rows) > ACTION_ROWS:
        errors.between(at, rows, 1, ACTION_ROWS)
    for i, row in enumerate(rows):
        _check_component(row, errors, (*at, i))


def _check_component(component: dict[str, Any], errors: Errors, at: tuple[Any, ...]) -> None:
    kind = component.get("type")
    errors.max_length((*at, "custom_id"), component.get("custom_id"), CUSTOM_ID)
    if kind == 1:
        children = component.get("components") or []
        buttons = [c for c in children if c.get("type") == 2]
        if len(buttons) > BUTTONS_PER_ROW or not children:
            errors.between((*at, "components"), children, 1, BUTTONS_PER_ROW)
        for i, child in enumerate(children):
            _check_component(child, errors, (*at, "components", i))
    elif kind == 2:
        errors.max_length((*at, "label"), component.get("label"), LABEL)
    elif kind in (3, 5, 6, 7, 8):
        errors.max_length((*at, "placeholder"), component.get("placeholder"), PLACEHOLDER)
        options = component.get("options")
        if kind == 3:
            errors.between((*at, "options"), options or [], 1, SELECT_OPTIONS)
            for i, option in enumerate(options or []):
                for key in ("label", "value", "description"):
                    errors.max_length((*at, "options", i, key), option.get(key), SELECT_OPTION_TEXT)
    elif kind == 4:
        errors.max_length((*at, "label"), component.get("label"), TEXT_INPUT_LABEL)
        errors.max_length((*at, "value"), component.get("value"), TEXT_INPUT_VALUE)
        errors.max_length((*at, "placeholder"), component.get("placeholder"), 100)
    elif kind == 18:  # label (modals)
        errors.max_length((*at, "label"), component.get("label"), TEXT_INPUT_LABEL)
        child = component.get("component")
        if isinstance(child, dict):
            _check_component(child, errors, (*at, "component"))
    for key in ("components",):
        if kind not in (1,) and isinstance(component.get(key), list):
            for i, child in enumerate(component[key]):
                _check_component(child, errors, (*at, key, i))


def check_modal(data: dict[str, Any], errors: Errors, at: tuple[Any, ...]) -> None:
    errors.max_length((*at, "title"), data.get("title"), MODAL_TITLE)
    errors.max_length((*at, "custom_id"), data.get("custom_id"), CUSTOM_ID)
    components = data.get("components") or []
    errors.between((*at, "components"), components, 1, MODAL_COMPONENTS)
    for i, component in enumerate(components):
        _check_component(component, errors, (*at, "components", i))


def check_choices(data: dict[str, Any], errors: Errors, at: tuple[Any, ...]) -> None:
    choices = data.get("choices") or []
    if len(choices) > CHOICES:
        errors.add(
            (*at, "choices"), "BASE_TYPE_MAX_LENGTH", f"Must be {CHOICES} or fewer in length."
        )
    for i, choice in enumerate(choices):
        errors.between((*at, "choices", i, "name"), choice.get("name"), 1, CHOICE_NAME)
        value = choice.get("value")
        errors.max_length((*at, "choices", i, "value"), value, CHOICE_NAME)


def check_callback(body: dict[str, Any]) -> Errors:
    errors = Errors()
    data = body.get("data") or {}
    kind = body.get("type")
    if kind in (4, 7):
        check_message(data, errors, ("data",))
    elif kind == 9:
        check_modal(data, errors, ("data",))
    elif kind == 8:
        check_choices(data, errors, ("data",))
    return errors


def message_errors(body: dict[str, Any]) -> Errors:
    errors = Errors()
    check_message(body, errors)
    return errors


MESSAGE_ROUTES = {
    ("POST", "/channels/{channel_id}/messages"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
}


def check_route(method: str, template: str, body: Any) -> Errors | None:
    """Discord's limits for the routes that carry messages, modals or choices."""
    if not isinstance(body, dict):
        return None
    if (method, template) in MESSAGE_ROUTES:
        errors = message_errors(body)
    elif template == "/interactions/{interaction_id}/{interaction_token}/callback":
        errors = check_callback(body)
    else:
        return None
    return errors if errors.items else None
