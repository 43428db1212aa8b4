"""The harness itself: the token reaches every request, and a failing kit says what failed."""
from __future__ import annotations

import json

import pytest

from tests.conformance.newman import run_collection, with_bearer_token


def _request(name: str, url: str, headers: list[dict] | None = None, tests: list[str] | None = None) -> dict:
    item = {"name": name, "request": {"method": "GET", "url": url, "header": headers or []}}
    if tests:
        item["event"] = [{"listen": "test", "script": {"type": "text/javascript", "exec": tests}}]
    return item


def test_bearer_token_is_set_on_nested_requests_replacing_any_other():
    collection = {"item": [
        {"name": "folder", "item": [_request("a", "{{base}}x", [{"key": "authorization", "value": "Bearer old"},
                                                                 {"key": "Accept", "value": "application/json"}])]},
        {"name": "b", "request": "{{base}}y"},
    ]}
    out = with_bearer_token(collection, "bss_t")
    nested = out["item"][0]["item"][0]["request"]["header"]
    assert nested == [{"key": "Accept", "value": "application/json"},
                      {"key": "Authorization", "value": "Bearer bss_t", "type": "text"}]
    assert out["item"][1]["request"]["header"] == [{"key": "Authorization", "value": "Bearer bss_t", "type": "text"}]


@pytest.mark.ctk
def test_a_failing_collection_reports_the_assertion_and_the_response(newman, live_server, tmp_path):
    collection = {
        "info": {"name": "harness-check",
                 "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [_request("authorized list", "{{base}}customerManagement/v4/customer",
                          tests=["pm.test('Status code is 200', function () { pm.response.to.have.status(200); });"]),
                 _request("unknown path", "{{base}}customerManagement/v4/noSuchResource",
                          tests=["pm.test('Status code is 200', function () { pm.response.to.have.status(200); });"])],
    }
    source = tmp_path / "source"
    source.mkdir()
    (source / "check.postman_collection.json").write_text(json.dumps(collection))
    (source / "env.postman_environment.json").write_text(json.dumps({"name": "env", "values": []}))
    work = tmp_path / "work"
    work.mkdir()

    run = run_collection(newman, source / "check.postman_collection.json", source / "env.postman_environment.json",
                         {"base": f"{live_server.url}/tmf-api/"}, live_server.token, work)

    assert run.returncode == 1
    summary = run.summary()
    assert "assertions: 2 total, 1 failed" in summary
    assert "[unknown path] Status code is 200" in summary
    assert "/tmf-api/customerManagement/v4/noSuchResource -> 404" in summary
    assert "authorized list" not in summary  # the token got through, so that request passed
