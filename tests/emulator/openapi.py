"""Request bodies checked against Discord's published OpenAPI description.

The description (OpenAPI 3.1, so JSON Schema Draft 2020-12) is loaded once, lazily,
and one validator per route is compiled on first use and cached. Verdicts are
memoised per (route, body): validation is a pure function of the two, and a bot
sends the same body many times over (500 people opening the same ballot), so
the emulator's own cost stays out of what benchmarks measure. Discord accepts
snowflakes as JSON integers too (discord.py sends some that way), so `SnowflakeType`
is widened to allow non-negative integers; nothing else is changed.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path("/work/shared/discord-openapi/openapi.json")
_SPEC_URI = "urn:discord-openapi"
_lock = threading.Lock()


def _find_spec() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "discord-openapi" / "openapi.json"
        if candidate.exists():
            return candidate
    return SPEC_PATH


@cache
def _spec() -> dict[str, Any]:
    spec = json.loads(_find_spec().read_text(encoding="utf-8"))
    original = spec["components"]["schemas"]["SnowflakeType"]
    spec["components"]["schemas"]["SnowflakeType"] = {
        "anyOf": [original, {"type": "integer", "minimum": 0}]
    }
    return spec


@cache
def _registry() -> Registry:
    resource = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    return Registry().with_resource(_SPEC_URI, resource)


@cache
def _routes() -> list[tuple[str, re.Pattern[str], str]]:
    """(method, compiled path regex, template) for every operation in the spec."""
    routes = []
    for template, item in _spec()["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        regex = re.compile(f"^{pattern}$")
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                routes.append((method.upper(), regex, template))
    # Literal segments beat parameters: "/messages/@original" before "/messages/{id}".
    routes.sort(key=lambda r: r[2].count("{"))
    return routes


def route_template(method: str, path: str) -> str | None:
    for route_method, regex, template in _routes():
        if route_method == method and regex.match(path):
            return template
    return None


@cache
def _validator(method: str, template: str) -> jsonschema.protocols.Validator | None:
    operation = _spec()["paths"][template][method.lower()]
    content = (operation.get("requestBody") or {}).get("content") or {}
    schema = (content.get("application/json") or {}).get("schema")
    if schema is None:
        return None
    return jsonschema.Draft202012Validator(_rebase(schema), registry=_registry())


def _rebase(node: Any) -> Any:
    """Point the spec's local `#/...` refs at the registered spec resource."""
    if isinstance(node, dict):
        return {
            key: (
                f"{_SPEC_URI}{value}" if key == "$ref" and value.startswith("#") else _rebase(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebase(item) for item in node]
    return node


def validate_body(method: str, path: str, body: Any) -> str | None:
    """None when the body fits the route's schema, else a readable error."""
    template = route_template(method, path)
    if template is None:
        return None
    try:
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return _verdict(method, template, body)
    return _remembered_verdict(method, template, text)


@lru_cache(maxsize=4096)
def _remembered_verdict(method: str, template: str, text: str) -> str | None:
    return _verdict(method, template, json.loads(text))


def _verdict(method: str, template: str, body: Any) -> str | None:
    with _lock:
        validator = _validator(method, template)
    if validator is None:
        return None
    errors = list(validator.iter_errors(body))
    if not errors:
        return None
    error = _most_specific(errors)
    where = "/".join(str(p) for p in error.absolute_path) or "(body)"
    return f"{method} {template}: at {where}: {error.message[:500]}"


def _leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


def _most_specific(errors: list[jsonschema.ValidationError]) -> jsonschema.ValidationError:
    """Inside unions (anyOf over component kinds), report the branch that got furthest.

    A branch that failed only on its `type` discriminator is the wrong branch, not the
    error; the deepest remaining failure is the one a person needs to see.
    """
    leaves = [
        leaf
        for error in errors
        for leaf in _leaves(error)
        if not (leaf.validator in ("enum", "const") and list(leaf.absolute_path)[-1:] == ["type"])
    ]
    if not leaves:
        return jsonschema.exceptions.best_match(errors)
    return max(leaves, key=lambda leaf: len(leaf.absolute_path))
