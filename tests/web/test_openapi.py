"""GET /api/openapi.json: a valid OpenAPI document generated from the TmfApi registry."""
from __future__ import annotations

import json
import os
import pathlib

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from web.api import APIS
from web.api.tmf.api import TmfApi
from web.api.tmf.resource import Resource
from web.openapi import vendor_schemas
from web.openapi.document import build_document, vendored

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")  # public: no token needed to read the contract
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_document_is_valid_openapi(document):
    assert document["openapi"].startswith("3.0")
    validate(document)


def test_every_registered_resource_has_its_paths(document):
    paths = document["paths"]
    for api in APIS:
        for resource in api.resources.values():
            collection = paths[f"{api.prefix}/{resource.name}"]
            one = paths[f"{api.prefix}/{resource.name}/{{id}}"]
            assert "get" in collection and "get" in one
            assert ("post" in collection) == (resource.create is not None)
            assert ("patch" in one) == (resource.update is not None)
            assert ("delete" in one) == (resource.delete is not None)


def test_bearer_security_applies_to_every_operation(document):
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearerAuth": []}]


def test_servers_point_at_this_host(document):
    assert document["servers"] == [{"url": "http://localhost"}]


def _resource(**kw) -> Resource:
    return Resource(query=lambda: sa.select(sa.literal(1)), load=lambda ident: None, to_tmf=lambda m: {}, **kw)


def test_a_new_resource_appears_with_tmf_schemas_and_conventions():
    api = TmfApi("productCatalogManagement", title="Product Catalog Management (TMF620)",
                 spec_file="TMF620-ProductCatalog-v4.0.0.swagger.json")
    api.add(_resource(name="productOffering", type_name="ProductOffering", create=lambda body: None,
                      filters={"lifecycleStatus": lambda value: sa.true()}))
    doc = build_document([api], "http://bss.example")
    validate(doc)

    listing = doc["paths"]["/tmf-api/productCatalogManagement/v4/productOffering"]["get"]
    params = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in listing["parameters"]}
    assert {"fields", "offset", "limit", "lifecycleStatus"} <= params
    ok = listing["responses"]["200"]
    assert set(ok["headers"]) == {"X-Total-Count", "X-Result-Count"}
    assert ok["content"]["application/json"]["schema"]["items"] == {"$ref": "#/components/schemas/ProductOffering"}
    assert listing["responses"]["400"] == {"$ref": "#/components/responses/400"}

    create = doc["paths"]["/tmf-api/productCatalogManagement/v4/productOffering"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProductOffering_Create"}
    one = doc["paths"]["/tmf-api/productCatalogManagement/v4/productOffering/{id}"]
    assert "patch" not in one and "delete" not in one  # not implemented, so not advertised

    schemas = doc["components"]["schemas"]
    assert "lifecycleStatus" in schemas["ProductOffering"]["properties"]
    assert schemas["ProductOffering_Create"]["required"] == ["name"]
    assert {"code", "reason"} <= set(schemas["Error"]["properties"])
    # Referenced TMF types come along, so every $ref resolves.
    assert "ProductOfferingPriceRef" in schemas and "TimePeriod" in schemas


def test_a_type_tm_forum_does_not_define_gets_a_plain_object():
    api = TmfApi("lab", title="Lab")
    api.add(_resource(name="gadget", type_name="Gadget", description="A lab gadget."))
    doc = build_document([api])
    validate(doc)
    assert doc["components"]["schemas"]["Gadget"]["type"] == "object"


def test_vendored_schemas_cover_every_registered_spec():
    files = {api.spec_file for api in APIS if api.spec_file}
    assert files <= set(vendored()["names"]), "run .venv/bin/python -m web.openapi.vendor_schemas"
    for api in APIS:
        for resource in api.resources.values():
            if api.spec_file:
                assert (resource.schema or resource.type_name) in vendored()["names"][api.spec_file], (
                    f"{resource.type_name} is not a TM Forum type of {api.spec_file}; set Resource.schema")


def test_vendored_file_matches_a_fresh_extraction():
    shared = pathlib.Path(os.environ.get("SHARED_DIR") or REPO.parent / "shared")
    if not (shared / "tmf").is_dir():
        pytest.skip(f"TM Forum specs not found at {shared / 'tmf'}")
    fresh = vendor_schemas.vendor(shared / "tmf", vendor_schemas.spec_files())
    committed = json.loads(vendor_schemas.OUTPUT.read_text())
    assert fresh == committed, "tmf_schemas.json is stale: run .venv/bin/python -m web.openapi.vendor_schemas"
