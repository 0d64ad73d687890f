"""Calendar feeds over HTTP (issue 26).

    /calendar/<token>.ics      a member's private feed (`/me calendar`)
    /s/<slug>/meetings.ics     a server's public meetings calendar, if published

A member's private address: the token is looked up by its hash; an unknown token
(a replaced link, a member who left) is a plain 404, the same as any missing page,
so the answer says nothing about whether an address ever existed. Feeds are not
cached by shared caches (`private`), and the address is kept out of the log.
"""

from __future__ import annotations

import logging
import re

from aiohttp import web

from bot.domain.publishing import CALENDAR, CALENDAR_PATH
from cogs.meetings import feeds
from web import model
from web.site import site_of

log = logging.getLogger("speakback.web")
routes = web.RouteTableDef()

CONTENT_TYPE = "text/calendar"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
CACHE = "private, max-age=300"  # a calendar app asks every few hours; 5 minutes is plenty


def calendar_response(data: bytes, filename: str) -> web.Response:
    response = web.Response(body=data, content_type=CONTENT_TYPE, charset="utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = CACHE
    return response


@routes.get("/calendar/{token}.ics")
async def member_feed(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    if not TOKEN.fullmatch(token):
        raise web.HTTPNotFound()
    site = site_of(request)
    try:
        data = await feeds.feed_for_token(site.db, site.clock.now(), token)
    except Exception:
        # Logged here without the path: the path is the member's private address.
        log.exception("A member's calendar feed failed")
        raise web.HTTPInternalServerError() from None
    if data is None:
        raise web.HTTPNotFound()
    return calendar_response(data, "speak-back-meetings.ics")


PUBLIC_CACHE = "public, max-age=900"


@routes.get("/s/{slug}" + CALENDAR_PATH)
async def public_feed(request: web.Request) -> web.Response:
    """A server's public meetings calendar, if its moderators chose to publish it
    (`/setup publish`): 410 once they stop, 404 for an unknown address."""
    site = site_of(request)
    try:
        pub = await model.publication(site.db, request.match_info["slug"], CALENDAR)
    except model.Gone:
        raise web.HTTPGone() from None
    except model.NotFound:
        raise web.HTTPNotFound() from None
    data = await feeds.public_feed(site.db, site.clock.now(), pub.guild_id)
    response = calendar_response(data, "meetings.ics")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response
