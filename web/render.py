"""Jinja2 templates (autoescaped: user text is inert whatever it holds) and `render`."""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web

TEMPLATES = web.AppKey("templates", jinja2.Environment)


def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html_of(env: jinja2.Environment, template: str, /, **context: Any) -> str:
    """The page as text (plain Python: the pages make theirs in the database's thread,
    with their read, so it is made once for every request that shared the read)."""
    return env.get_template(template).render(**context)


def html_response(html: str, *, status: int = 200) -> web.Response:
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def render(
    request: web.Request, template: str, /, *, status: int = 200, **context: Any
) -> web.Response:
    return html_response(html_of(request.app[TEMPLATES], template, **context), status=status)
