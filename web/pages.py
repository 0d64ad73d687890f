"""The public pages: a server's and a network's "you said, we did", closed polls, ideas.

    /                          what these pages are (no list of communities)
    /s/<slug>                  a server's page, newest first
    /s/<slug>/polls/<id>       one closed poll: result table, chart, outcome timeline
    /s/<slug>/polls/<id>/chart.svg
    /s/<slug>/ideas            ideas and their answers
    /n/<slug>                  a network's page ("results from N of M servers")

An unpublished server's pages (or a kind it no longer publishes) answer 410 Gone at
once; an unknown address 404. Everything is read through web.model, each page's reads
in one hand-off to the database's thread (`Database.read_at_once`): during a burst of
votes a page costs one wait for the event loop, not one per query. The page is rendered
in the same hand-off, and requests for the same page that arrive before its next read
begins share that read and its HTML (web.shared): each answer still comes from a read
begun after its request arrived.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

import jinja2
from aiohttp import web

from bot.charts import render_results_svg
from bot.domain.publishing import CALENDAR, IDEAS, MEETINGS, OPPORTUNITIES, OUTCOMES, POLLS
from bot.strings import pages as text
from db.database import Database
from web import model
from web.render import TEMPLATES, html_of, html_response, render
from web.site import site_of

routes = web.RouteTableDef()
CHART_CACHE_SIZE = 64
_charts: OrderedDict[str, bytes] = OrderedDict()


def _raise_for(error: Exception) -> None:
    if isinstance(error, model.Gone):
        raise web.HTTPGone()
    raise web.HTTPNotFound()


async def _page(
    request: web.Request, make: Callable[..., Awaitable[str]], *args: Hashable
) -> web.Response:
    """`make(db, templates, *args)`, its reads and its rendering, in one hand-off to the
    database's thread, shared with the requests for the same page that arrive before it
    begins (web.shared). A page that is gone or never was raises 410 or 404."""
    site = site_of(request)
    try:
        html = await site.shared.read(site.db, make, request.app[TEMPLATES], *args)
    except (model.Gone, model.NotFound) as error:
        _raise_for(error)
    return html_response(html)


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    return render(request, "index.html", title="Speak Back pages")


@routes.get("/s/{slug}")
async def server(request: web.Request) -> web.Response:
    return await _page(request, _server_html, request.match_info["slug"])


async def _server_html(db: Database, env: jinja2.Environment, slug: str) -> str:
    page = await model.server_page(db, slug)
    return html_of(
        env,
        "server.html",
        title=f"{page.name}: you said, we did",
        page=page,
        POLLS=POLLS,
        IDEAS=IDEAS,
        OUTCOMES=OUTCOMES,
        OPPORTUNITIES=OPPORTUNITIES,
        MEETINGS=MEETINGS,
        CALENDAR=CALENDAR,
    )


@routes.get("/s/{slug}/polls/{poll_id:[0-9]{1,12}}")
async def poll(request: web.Request) -> web.Response:
    poll_id = int(request.match_info["poll_id"])
    return await _page(request, _poll_html, request.match_info["slug"], poll_id)


async def _poll_html(db: Database, env: jinja2.Environment, slug: str, poll_id: int) -> str:
    pub, view, as_of = await model.poll_page(db, slug, poll_id)
    return html_of(
        env,
        "poll.html",
        title=view.question,
        poll=view,
        as_of=as_of,
        back=f"/s/{pub.slug}",
        value_heading=text.VALUE_WORDS.get(view.figures.value_label, "Figures"),
    )


@routes.get("/s/{slug}/polls/{poll_id:[0-9]{1,12}}/chart.svg")
async def chart(request: web.Request) -> web.Response:
    site = site_of(request)
    db = site.db
    try:
        question, figures, key = await site.shared.read(
            db, model.chart_data, request.match_info["slug"], int(request.match_info["poll_id"])
        )
    except (model.Gone, model.NotFound) as error:
        _raise_for(error)
    svg = _charts.get(key)
    if svg is None:
        svg = await asyncio.to_thread(
            render_results_svg,
            question,
            [o.label for o in figures.options],
            [o.value for o in figures.options],
            [o.words for o in figures.options],
            figures.value_label,
        )
        _charts[key] = svg
        while len(_charts) > CHART_CACHE_SIZE:
            _charts.popitem(last=False)
    response = web.Response(body=svg, content_type="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@routes.get("/s/{slug}/ideas")
async def ideas(request: web.Request) -> web.Response:
    return await _page(request, _ideas_html, request.match_info["slug"])


async def _ideas_html(db: Database, env: jinja2.Environment, slug: str) -> str:
    pub, views, name, as_of = await model.ideas_page(db, slug)
    return html_of(
        env,
        "ideas.html",
        title=f"{name}: ideas and answers",
        name=name,
        ideas=views,
        as_of=as_of,
        back=f"/s/{pub.slug}",
    )


@routes.get("/n/{slug}")
async def network(request: web.Request) -> web.Response:
    return await _page(request, _network_html, request.match_info["slug"])


async def _network_html(db: Database, env: jinja2.Environment, slug: str) -> str:
    page = await model.network_page(db, slug)
    return html_of(
        env,
        "network.html",
        title=f"{page.name}: you said, we did",
        page=page,
        POLLS=POLLS,
        IDEAS=IDEAS,
        OUTCOMES=OUTCOMES,
        OPPORTUNITIES=OPPORTUNITIES,
        MEETINGS=MEETINGS,
    )
