"""Each page type in a real browser, as a commissioner would read it (issue 25).

One network, seeded once through the running bot for this module (tests/browser/published.py):
the server's "you said, we did" page, a closed poll's page, the ideas page and the
network's page, each scanned by axe-core (0 serious or critical), read on a 375 px phone,
printed, read with JavaScript off, and never asking anything of another host.
"""

from __future__ import annotations

import io
import re
import sys
import unicodedata
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from pypdf import PdfReader

from tests.browser import published
from tests.browser.pages import (
    assert_accessible,
    assert_fits,
    assert_no_problems,
    assert_prints_cleanly,
    assert_stayed_local,
    navigation_words_in,
)
from tests.browser.published import Site

PAGES = ("server", "poll", "ideas", "network")
HEADINGS = {
    "server": "you said, we did",
    "poll": published.QUESTION,
    "ideas": "ideas and their answers",
    "network": "you said, we did",
}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def site(tmp_path_factory, browser) -> AsyncIterator[Site]:
    # `browser` first: without Chromium these tests skip before seeding anything.
    world = await published.start(tmp_path_factory.mktemp("published"))
    try:
        yield await published.seed(world)
    except BaseException:
        print(f"\n----- bot log -----\n{world.bot_log()}", file=sys.stderr)
        raise
    finally:
        problems = world.problems()
        await world.close()
        if problems:
            pytest.fail("Discord (emulated) saw problems:\n  " + "\n  ".join(problems))


@pytest.mark.parametrize("page", PAGES)
async def test_each_page_has_no_serious_or_critical_accessibility_problem(
    browser_pages, site, page
):
    visit = await browser_pages.open(site.url(page))
    assert visit.status == 200
    assert HEADINGS[page] in await visit.page.locator("h1").inner_text()
    await assert_accessible(visit.page)
    assert_no_problems(visit)  # nothing refused by the Content-Security-Policy, nothing broken
    assert_stayed_local(visit)


@pytest.mark.parametrize("page", PAGES)
async def test_each_page_reads_on_a_phone_without_sideways_scrolling(browser_pages, site, page):
    visit = await browser_pages.open(site.url(page), phone=True)
    await assert_fits(visit.page)
    assert await visit.page.locator("h1").is_visible()


@pytest.mark.parametrize("page", PAGES)
async def test_each_page_prints_without_navigation_or_buttons(browser_pages, site, page):
    visit = await browser_pages.open(site.url(page))
    await assert_prints_cleanly(visit.page)
    pdf = PdfReader(io.BytesIO(await visit.page.pdf()))  # "print to PDF", as a reader would
    printed = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pdf.pages))
    printed = " ".join(printed.split())  # the PDF breaks lines where the paper ends them
    assert HEADINGS[page].split(":")[0] in printed
    assert not navigation_words_in(printed), printed  # no "Back to", no "Skip to"
    if page in ("server", "poll"):  # what came of the poll, on paper too
        assert published.DECIDED.split(",")[0] in printed and "60% done" in printed
    if page == "poll":
        assert "Updates, newest first" in printed and published.UPDATES[0][0] in printed


@pytest.mark.parametrize("page", PAGES)
async def test_each_page_works_without_javascript(browser_pages, site, page):
    visit = await browser_pages.open(site.url(page), javascript=False)
    assert visit.status == 200
    assert HEADINGS[page] in await visit.page.locator("h1").inner_text()
    assert await visit.page.locator("main").inner_text()
    assert_stayed_local(visit)


async def test_the_page_for_a_wrong_address_is_plain_accessible_and_local(browser_pages, site):
    visit = await browser_pages.open(site.base + "/s/nosuchpage", phone=True)
    assert visit.status == 404
    assert "There is no page at this address" in await visit.page.locator("main").inner_text()
    await assert_accessible(visit.page)
    await assert_fits(visit.page)
    assert_stayed_local(visit)


async def test_the_poll_page_shows_its_chart_with_a_text_alternative_and_the_table(
    browser_pages, site
):
    visit = await browser_pages.open(site.url("poll"), javascript=False)
    chart = visit.page.locator("main figure img")
    assert await chart.evaluate("img => img.complete && img.naturalWidth > 0")  # it loaded
    alt = await chart.get_attribute("alt")
    assert alt and alt.startswith("Bar chart")
    caption = await visit.page.locator("main figure figcaption").inner_text()
    assert "no bars" in caption  # 4, 1 and 1 of 6: no figure here can be shown exactly
    assert any(url.endswith(f"/polls/{site.poll_id}/chart.svg") for url in visit.requests)
    table = visit.page.locator("main table")
    assert "Results by option" in await table.locator("caption").inner_text()
    options = await table.locator("tbody th[scope=row]").all_inner_texts()
    assert [o.split(". ", 1)[1] for o in options] == [
        "Shorter waiting times",
        "Peer support at night",
        "A crisis line that answers",
    ]
    figures = " ".join(await table.locator("tbody td").all_inner_texts())
    assert "fewer than 5" in figures  # 1 and 1 of 6: never shown exactly
    assert not any(cell.strip() in ("1", "4") for cell in figures.split("  "))


async def test_a_hostile_poll_question_is_shown_as_text_and_never_runs(browser_pages, site):
    visit = await browser_pages.open(site.url("poll"))
    dialogs = []
    visit.page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await visit.page.reload()
    heading = await visit.page.locator("h1").inner_text()
    assert "<script>alert(1)</script>" in heading  # shown literally
    assert await visit.page.locator("main script").count() == 0
    assert await visit.page.locator("main a[href*='evil.example']").count() == 0
    assert await visit.page.locator("main strong, main b", has_text="bold").count() == 0
    assert dialogs == []


async def test_the_poll_page_shows_what_came_of_it_status_progress_and_timeline(
    browser_pages, site
):
    visit = await browser_pages.open(site.url("poll"), phone=True)
    outcome = visit.page.locator("main section.outcome")
    said = await outcome.inner_text()
    assert published.DECIDED in said
    assert "In progress" in await outcome.locator(".status").inner_text()
    assert "60% done" in said and "by March" in said
    timeline = await outcome.locator("ol.timeline li").all_inner_texts()  # in the section
    latest, earlier = published.UPDATES[1][0], published.UPDATES[0][0]
    assert latest in timeline[0] and "60% done" in timeline[0]  # newest first
    assert earlier in timeline[1] and "40% done" in timeline[1]
    assert "In progress" in timeline[0] and "In progress" in timeline[1]
    await assert_fits(visit.page)


async def test_a_hostile_outcome_update_is_shown_as_text_and_never_runs(browser_pages, site):
    visit = await browser_pages.open(site.url("poll"))
    dialogs = []
    visit.page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await visit.page.reload()
    [latest] = [
        t
        for t in await visit.page.locator("main ol.timeline li").all_inner_texts()
        if published.UPDATES[1][0] in t
    ]
    assert published.HOSTILE in latest  # every character shown literally: not HTML, not markdown
    timeline = visit.page.locator("main ol.timeline")
    assert await timeline.locator("script, a, b, em, i").count() == 0
    assert await timeline.locator("strong", has_text="bold").count() == 0
    assert dialogs == []


async def test_the_server_page_shows_the_outcome_under_its_poll(browser_pages, site):
    visit = await browser_pages.open(site.url("server"), phone=True)
    item = visit.page.locator("main article.item", has_text=published.QUESTION)
    outcome = await item.locator("section.outcome").inner_text()
    assert published.DECIDED in outcome and "In progress" in outcome and "60% done" in outcome


async def test_the_network_page_says_how_many_servers_its_figures_come_from(browser_pages, site):
    visit = await browser_pages.open(site.url("network"), phone=True)
    text = await visit.page.locator("main").inner_text()
    assert "of 3 servers" in text


async def test_no_page_shows_a_name_or_an_id(browser_pages, site):
    seen = []
    for page in PAGES:
        visit = await browser_pages.open(site.url(page))
        seen.append(await visit.page.locator("body").inner_text())
        seen.append(await visit.page.content())
    everything = "\n".join(seen)
    assert published.PREFERRED_NAME not in everything
    assert "My own private words" not in everything  # its author has not agreed
    for person in site.world.state.users.values():
        assert str(person.id) not in everything
    for name in (*published.VOTERS, "olu"):
        assert not re.search(rf"\b{name}\b", everything, re.IGNORECASE), name
