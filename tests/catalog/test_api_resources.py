"""TMF620 productOfferingPrice, productSpecification, category and catalog through HTTP."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.catalog.conftest import BASE

PRICES = f"{BASE}/productOfferingPrice"


@pytest.mark.smoke
def test_price_crud(api):
    created = api.post(PRICES, json={"name": "Recurring Charge for Business Firewall", "isBundle": False,
                                     "priceType": "recurring"})
    assert created.status_code == 201
    body = created.json
    for key in ("id", "href", "lastUpdate", "lifecycleStatus", "name", "priceType"):
        assert isinstance(body[key], str)
    assert body["recurringChargePeriodType"] == "month"

    usage = api.post(PRICES, json={"name": "Data", "priceType": "usage", "price": {"unit": "KES", "value": "0.0125"},
                                   "unitOfMeasure": {"amount": 1, "units": "MB"}}).json
    assert usage["price"] == {"unit": "KES", "value": Decimal("0.0125")} and usage["unitOfMeasure"] == {"amount": 1,
                                                                                              "units": "MB"}
    assert "recurringChargePeriodType" not in usage

    assert [p["id"] for p in api.get(f"{PRICES}?priceType=usage").json] == [usage["id"]]
    assert [p["id"] for p in api.get(f"{PRICES}?price.unit=KES").json] == [usage["id"]]
    renamed = api.patch(f"{PRICES}/{body['id']}", json={"name": "Renamed", "price": {"unit": "EUR", "value": 9}})
    assert renamed.status_code == 200
    assert renamed.json["name"] == "Renamed" and renamed.json["price"] == {"unit": "EUR", "value": 9}
    revalued = api.patch(f"{PRICES}/{body['id']}", json={"price": {"value": "9.50"}}).json
    assert revalued["price"] == {"unit": "EUR", "value": Decimal("9.50")}
    assert api.delete(f"{PRICES}/{body['id']}").status_code == 204
    assert api.get(f"{PRICES}/{body['id']}").status_code == 404


def test_price_in_market_refuses_new_amount(api):
    offering = api.post(f"{BASE}/productOffering", json={
        "name": "Smart", "lifecycleStatus": "Launched",
        "productOfferingPrice": [{"name": "Fee", "price": {"unit": "KES", "value": 500}}]}).json
    price_url = offering["productOfferingPrice"][0]["href"].split("localhost", 1)[1]
    refused = api.patch(price_url, json={"price": {"unit": "KES", "value": 600}})
    assert refused.status_code == 409 and refused.json["code"] == "price_in_market"
    assert api.delete(price_url).status_code == 409


@pytest.mark.parametrize("payload", [
    {"name": "X", "priceType": "barter"},
    {"name": "X", "price": {"unit": "KES", "value": "ten"}},
    {"name": "X", "price": {"value": 10}},
    {"name": "X", "price": "10 KES"},
    {"name": "X", "recurringChargePeriodLength": "often"},
    {"name": "X", "isBundle": "no"},
    {"name": ""},
])
def test_bad_price_is_400(api, payload):
    response = api.post(PRICES, json=payload)
    assert response.status_code == 400 and response.json["@type"] == "Error"


def test_specification_crud_and_filters(api):
    url = f"{BASE}/productSpecification"
    spec = api.post(url, json={"name": "Mobile line", "brand": "Acme", "productNumber": "ML-1",
                               "productSpecCharacteristic": [{"name": "msisdn", "valueType": "string"}]})
    assert spec.status_code == 201
    body = spec.json
    assert body["productSpecCharacteristic"] == [{"name": "msisdn", "valueType": "string"}]
    api.post(url, json={"name": "SIM"})
    assert [s["name"] for s in api.get(f"{url}?brand=Acme").json] == ["Mobile line"]
    assert [s["name"] for s in api.get(f"{url}?name=SIM").json] == ["SIM"]
    assert [s["name"] for s in api.get(f"{url}?productSpecCharacteristic.name=msisdn").json] == ["Mobile line"]
    patched = api.patch(f"{url}/{body['id']}", json={"lifecycleStatus": "Active", "version": "2.0"}).json
    assert patched["lifecycleStatus"] == "Active" and patched["version"] == "2.0"
    assert api.get(f"{url}?fields=lifecycleStatus").json[0] == {"id": body["id"], "href": body["href"],
                                                                "lifecycleStatus": "Active"}
    assert api.post(url, json={"name": "X", "productSpecCharacteristic": "msisdn"}).status_code == 400
    assert api.delete(f"{url}/{body['id']}").status_code == 204


def test_category_and_catalog(api):
    root = api.post(f"{BASE}/category", json={"name": "Mobile"}).json
    child = api.post(f"{BASE}/category", json={"name": "Prepaid", "parentId": root["id"]}).json
    assert root["isRoot"] is True and child["isRoot"] is False and child["parentId"] == root["id"]
    assert [c["id"] for c in api.get(f"{BASE}/category/{root['id']}").json["subCategory"]] == [child["id"]]
    assert [c["name"] for c in api.get(f"{BASE}/category?isRoot=false").json] == ["Prepaid"]
    assert api.post(f"{BASE}/category", json={"name": "X", "parentId": "999"}).status_code == 404
    assert api.post(f"{BASE}/category", json={"name": "X", "parentId": {"id": 1}}).status_code == 400
    assert api.delete(f"{BASE}/category/{root['id']}").status_code == 409

    catalog = api.post(f"{BASE}/catalog", json={"name": "Retail", "category": [{"id": root["id"]}]})
    assert catalog.status_code == 201
    assert catalog.json["catalogType"] == "ProductCatalog"
    assert [c["id"] for c in catalog.json["category"]] == [root["id"]]
    patched = api.patch(f"{BASE}/catalog/{catalog.json['id']}", json={"category": [], "lifecycleStatus": "Launched"})
    assert patched.json["category"] == [] and patched.json["lifecycleStatus"] == "Launched"
    assert api.get(f"{BASE}/catalog?lifecycleStatus=Launched").headers["X-Total-Count"] == "1"
    assert api.delete(f"{BASE}/catalog/{catalog.json['id']}").status_code == 204
    assert api.get(f"{BASE}/catalog/{catalog.json['id']}").status_code == 404


def test_requires_a_token(client):
    assert client.get(f"{BASE}/productOffering").status_code == 401
