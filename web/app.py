"""The aiohttp application: one list of page modules, templates, security headers.

To add pages, write a module in web/ with `routes = web.RouteTableDef()` and add it
to `PAGE_MODULES` below (reports and calendar feeds do the same). Handlers read
through db/ and the flows and render with `web.render.render(request, "name.html", **context)`.
Every response gets a strict Content-Security-Policy (nothing external, no
scripts, no inline styles) and `X-Robots-Tag: noindex`; errors get a plain page,
never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from types import ModuleType

from aiohttp import web

from web import feeds, health, pages, reports
from web.render import TEMPLATES, render, templates
from web.site import SITE, Site

log = logging.getLogger("speakback.web")

# Each module exposes `routes: web.RouteTableDef`. Order does not matter.
PAGE_MODULES: list[ModuleType] = [health, pages, feeds, reports]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
STATIC_FILES = {"style.css": "text/css"}


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        response = _error_page(request, error.status, error.reason)
    except Exception:
        log.exception("A page failed (%s)", request.path)  # the path holds no personal data
        response = _error_page(request, 500, "Something went wrong")
    response.headers.update(SECURITY_HEADERS)
    return response


ERROR_TEXT = {
    404: "There is no page at this address. Please check the link you were given.",
    410: "This community no longer publishes this page.",
    500: "Something went wrong on our side. Please try again later.",
}


def _error_page(request: web.Request, status: int, reason: str) -> web.Response:
    return render(
        request,
        "error.html",
        status=status,
        title=reason,
        message=ERROR_TEXT.get(status, reason),
    )


def _static_routes() -> web.RouteTableDef:
    routes = web.RouteTableDef()
    files = resources.files("web") / "static"
    for name, content_type in STATIC_FILES.items():
        body = (files / name).read_bytes()

        async def serve(_: web.Request, body: bytes = body, ct: str = content_type) -> web.Response:
            response = web.Response(body=body, content_type=ct)
            response.headers["Cache-Control"] = "public, max-age=3600"
            return response

        routes.get(f"/static/{name}")(serve)
    return routes


def create_app(site: Site) -> web.Application:
    app = web.Application(middlewares=[security_headers])
    app[SITE] = site
    app[TEMPLATES] = templates()
    app.add_routes(_static_routes())
    for module in PAGE_MODULES:
        app.add_routes(module.routes)
    return app
