"""The landing page and the API docs page, through the Flask test client."""
from __future__ import annotations

import re

import pytest

from web.api import APIS
from web.pages import consoles

OFF_HOST = re.compile(r'(?:src|href)="(?:https?:)?//', re.IGNORECASE)


def test_landing_page_says_what_this_is_and_where_to_go(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "open-source telecom" in html.lower()
    assert 'href="/api/docs"' in html and 'href="/api/openapi.json"' in html
    assert "flask --app wsgi apikeys create" in html
    for api in APIS:
        assert api.title in html and api.prefix in html
        for name in api.resources:
            assert f"<code>{name}</code>" in html


def test_landing_page_links_consoles_that_exist_only(app, client, monkeypatch):
    app.add_url_rule("/test-console", "test_console", lambda: "console")
    monkeypatch.setitem(consoles._consoles, "test_console",
                        consoles.Console("Agent console", "test_console", "Where agents work."))
    monkeypatch.setitem(consoles._consoles, "nowhere.index",
                        consoles.Console("Kiosk that is not built", "nowhere.index", "Not served."))
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/test-console">Agent console</a>' in html
    assert "Kiosk that is not built" not in html
    on_the_way = re.search(r"On the way: ([^.]*)\.", html).group(1)
    assert "Agent console" not in on_the_way and "Store kiosk" in on_the_way


def test_docs_page_serves_swagger_ui_from_this_host(client):
    html = client.get("/api/docs").get_data(as_text=True)
    assert 'data-spec-url="/api/openapi.json"' in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts
    for url in scripts + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("path", ["/", "/api/docs"])
def test_pages_load_nothing_from_other_hosts(client, path):
    html = client.get(path).get_data(as_text=True)
    assert not OFF_HOST.search(html)
    css = client.get("/assets/css/site.css").get_data(as_text=True)
    assert "@import" not in css and "url(http" not in css
