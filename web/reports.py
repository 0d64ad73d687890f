"""`GET /reports/<token>`: a report's private page, and its CSV, for commissioners.

The token is the link's random id and its signature (`bot.domain.reports`); a token
we did not sign, or a link that no longer exists, is a 404. A link that was
withdrawn, has passed its 7 days, or whose server no longer allows reports is a
410 that says which. The page shows the figures as they were when the link was
made (already suppressed, rule 9): it reads them, never computes them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from bot.domain.reports import SUPPRESSION_NOTE, about_rows, read_token, report_zip, zip_name
from cogs.reports.flows import allows_reports
from db import reports as repo
from web.render import render
from web.site import site_of

routes = web.RouteTableDef()

WITHDRAWN = (
    "This report link was withdrawn by the community's organisers. "
    "If you still need the figures, please ask them for a new link."
)
EXPIRED = (
    "This report link has expired: links last 7 days. "
    "If you still need the figures, please ask the community's organisers for a new one."
)
NOT_ALLOWED = "This community no longer shares reports, so this link has stopped working."


def _day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


async def _link(request: web.Request) -> dict[str, Any] | web.Response:
    site = site_of(request)
    link_id = read_token(site.secret, request.match_info["token"]) if site.secret else None
    link = await repo.get_link(site.db, link_id) if link_id else None
    if link is None:
        raise web.HTTPNotFound()
    now = site.clock.now()
    stopped = None
    if not await allows_reports(site.db, link["guild_id"]):
        stopped = NOT_ALLOWED  # first: taking reports out withdraws every link too
    elif link["withdrawn_at"] is not None:
        stopped = WITHDRAWN
    elif now >= link["expires_at"]:
        stopped = EXPIRED
    if stopped is not None:
        return render(
            request,
            "error.html",
            status=410,
            title="This link has stopped working",
            message=stopped,
        )
    return link


@routes.get("/reports/{token}")
async def report_page(request: web.Request) -> web.Response:
    found = await _link(request)
    if isinstance(found, web.Response):
        return found
    report = found["figures"]
    period = report["period"]
    response = render(
        request,
        "report.html",
        title=f"Report: {period['label']}",
        report=report,
        first=_day(period["first"]),
        last=_day(period["last"]),
        made_on=_day(report["made_on"]),
        expires_on=f"{found['expires_at'].day} {found['expires_at']:%B %Y}",
        about=about_rows(report),
        suppression=SUPPRESSION_NOTE,
        csv_href=f"/reports/{request.match_info['token']}/csv",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@routes.get("/reports/{token}/csv")
async def report_csv(request: web.Request) -> web.Response:
    found = await _link(request)
    if isinstance(found, web.Response):
        return found
    report = found["figures"]
    response = web.Response(body=report_zip(report), content_type="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{zip_name(report)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
