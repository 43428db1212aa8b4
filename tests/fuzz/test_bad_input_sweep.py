"""The hostile inputs the fuzzer found, swept over every resource: each value in every attribute
of every POST and PATCH body, every filter and every id. Never a 5xx; every refusal a TMF Error."""
from __future__ import annotations

import json

import pytest

from web.api import APIS
from web.openapi.document import build_document

pytestmark = pytest.mark.smoke

DOCUMENT = build_document(APIS, "http://localhost")
SCHEMAS = DOCUMENT["components"]["schemas"]
# Raw JSON text, so numbers arrive exactly as a client wrote them.
POISON = {
    "nul": '"a\\u0000b"', "surrogate": '"\\ud800"', "unicode digit": '"\\u00b2"', "double minus": '"--5"',
    "5000 digits": '"' + "9" * 5000 + '"', "beyond integer": '"2147483648"', "beyond bigint": '"' + "9" * 20 + '"',
    "long text": '"' + "x" * 5000 + '"', "decimal": "1.5", "huge exponent": "1e400",
    "edge of time": '"9999-12-31T23:59:59.999999Z"', "before time": '"0001-01-01T00:00:00+05:00"',
    "deep": "[" * 200 + "]" * 200, "object id": '{"id": {"id": []}}', "list of ids": '[{"id": "\\u00b2"}]',
}


def _operations(method: str) -> list[tuple[str, list[str]]]:
    found = []
    for path, operations in DOCUMENT["paths"].items():
        operation = operations.get(method)
        if operation is None or "requestBody" not in operation:
            continue
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        properties = SCHEMAS[ref.rsplit("/", 1)[-1]].get("properties", {})
        found.append((path.removeprefix("http://localhost"), [p for p in properties if not p.startswith("@")]))
    return found


def _refused_properly(response) -> None:
    assert response.status_code < 500, response.get_json()
    if response.status_code >= 400:
        body = response.get_json()
        assert body["@type"] == "Error" and body["code"] and body["reason"]


@pytest.mark.parametrize(("path", "attributes"), _operations("post"), ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("poison", POISON)
def test_post_bodies(api, world, path, attributes, poison):
    for attribute in attributes:
        raw = '{"name": "Sweep", ' + json.dumps(attribute) + ": " + POISON[poison] + "}"
        _refused_properly(api.post(path, data=raw, content_type="application/json"))


@pytest.mark.parametrize(("path", "attributes"), _operations("patch"), ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("poison", ["nul", "surrogate", "unicode digit", "beyond integer", "long text", "decimal",
                                    "edge of time", "object id"])
def test_patch_bodies(api, world, path, attributes, poison):
    url = path.replace("{id}", world.ids[path.split("/")[-2]])
    for attribute in attributes:
        raw = "{" + json.dumps(attribute) + ": " + POISON[poison] + "}"
        _refused_properly(api.patch(url, data=raw, content_type="application/merge-patch+json"))


@pytest.mark.parametrize("path", [p for p, ops in DOCUMENT["paths"].items() if "{id}" not in p and "get" in ops])
def test_filters_and_ids(api, world, path):
    names = [p["name"] for p in DOCUMENT["paths"][path]["get"]["parameters"] if "name" in p] + ["href", "x.y"]
    for value in ("a\x00b", "²", "--5", "9" * 5000, "2147483648", "9" * 20, "9999-12-31T23:59:59.999999Z",
                  "0001-01-01T00:00:00+05:00", "x" * 5000, "a,²,--5"):
        for name in names:
            _refused_properly(api.get(path, query_string={name: value}))
        for ident in (value, "%C2%B2", "%00"):
            if "\x00" not in ident:
                _refused_properly(api.get(f"{path}/{ident}"))
