"""The landing page and the API docs in headless Chromium (Debian's, from `make browser-deps`).

Every request the browser makes is checked: anything not for the live server is blocked and
fails the test, so the pages must work with no internet.
"""
from __future__ import annotations

import os
import pathlib
from urllib.parse import urlsplit

import pytest

from tests.live_server import unavailable
from web.api import APIS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture
def page(live_server, tmp_path):
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} not installed: run `make browser-deps`")
    from playwright.sync_api import sync_playwright

    off_host: list[str] = []
    own = urlsplit(live_server.url).netloc

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == own:
            route.continue_()
        else:
            off_host.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        context.close()
        browser.close()
    assert not off_host, f"pages tried to reach other hosts: {off_host}"
    assert not errors, f"JavaScript errors: {errors}"


def shoot(page, name: str, tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_landing_page_leads_to_api_docs_listing_the_tmf_apis(page, live_server, tmp_path):
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().strip()
    assert "open-source telecom" in page.content().lower()
    shoot(page, "landing", tmp_path)

    page.get_by_role("link", name="Browse the API docs").click()
    page.wait_for_url(f"{live_server.url}/api/docs")
    served = [api for api in APIS if api.resources]
    assert served, "no TMF resource is registered"
    page.locator(".opblock").first.wait_for()  # Swagger UI has rendered operations
    tags = page.locator(".opblock-tag").all_inner_texts()
    for api in served:
        assert any(api.title in tag for tag in tags), f"{api.title} not among {tags}"
        for name in api.resources:
            assert page.locator(".opblock-summary-path", has_text=f"{api.prefix}/{name}").count() >= 1
    shoot(page, "api-docs", tmp_path)


def test_api_docs_try_it_out_with_a_bearer_token(page, live_server, tmp_path):
    api = next(api for api in APIS if api.resources)
    name = next(iter(api.resources))
    page.goto(f"{live_server.url}/api/docs")
    page.locator(".opblock").first.wait_for()

    page.locator("button.authorize").first.click()
    page.locator(".modal-ux input").first.fill(live_server.token)
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()

    operation = page.locator(".opblock-get", has=page.locator(
        ".opblock-summary-path", has_text=f"{api.prefix}/{name}")).first
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    shoot(page, "try-it-out", tmp_path)
    assert status.inner_text().strip().startswith("200")
