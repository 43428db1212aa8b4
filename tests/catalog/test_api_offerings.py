"""TMF620 productOffering through HTTP: the shapes, versioning, filters and errors."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalog.models import ProductOffering
from catalog.versions import current_version
from tests.catalog.conftest import BASE

URL = f"{BASE}/productOffering"

SMART = {
    "name": "Smart 500",
    "code": "PRE-SMART-500",
    "kind": "plan",
    "paymentType": "prepaid",
    "lifecycleStatus": "Launched",
    "validFor": {"startDateTime": "2026-01-01T00:00:00Z"},
    "productOfferingPrice": [{"name": "Monthly fee", "priceType": "recurring",
                              "recurringChargePeriodType": "month", "price": {"unit": "KES", "value": 500}}],
    "allowance": {"voiceMinutes": 500, "sms": 100, "dataMB": 2048, "scope": "national"},
    "validityDays": 30,
}


@pytest.mark.smoke
def test_post_then_get_round_trips_the_telecom_terms(api):
    created = api.post(URL, json=SMART)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["href"].endswith(f"{URL}/{body['id']}") and created.headers["Location"] == body["href"]
    assert body["@type"] == "ProductOffering" and body["version"] == "1"
    assert body["lastUpdate"] == "2026-03-02T09:30:00.000Z"
    assert body["validFor"] == {"startDateTime": "2026-01-01T00:00:00.000Z"}

    fetched = api.get(f"{URL}/{body['id']}").json
    assert fetched == body
    for key in ("code", "kind", "paymentType", "allowance", "validityDays", "lifecycleStatus", "name"):
        assert fetched[key] == SMART[key]
    [price] = fetched["productOfferingPrice"]
    assert price["price"] == {"unit": "KES", "value": 500}
    assert '"value": 500.00' in api.get(f"{URL}/{body['id']}").get_data(as_text=True)
    assert price["href"].endswith(f"/productOfferingPrice/{price['id']}")


def test_minimal_post_gets_defaults_and_keeps_a_foreign_specification(api):
    spec_ref = {"id": "9881", "href": "https://mycsp.com:8080/tmf-api/productCatalogManagement/v4/productSpecification/9881",
                "version": "1.1", "name": "Robotics999", "@referredType": "DeviceSpecification"}
    body = api.post(URL, json={"name": "aProductOffering", "productSpecification": spec_ref}).json
    assert body["lifecycleStatus"] == "In design" and body["isBundle"] is False and body["isSellable"] is True
    assert body["kind"] == "plan" and body["paymentType"] == "any" and body["code"]
    assert body["productSpecification"] == spec_ref


def test_local_specification_and_category_references(api):
    spec = api.post(f"{BASE}/productSpecification", json={"name": "Mobile line"}).json
    category = api.post(f"{BASE}/category", json={"name": "Plans"}).json
    body = api.post(URL, json={"name": "Smart", "productSpecification": {"id": spec["id"]},
                               "category": [{"href": category["href"]}]}).json
    assert body["productSpecification"]["href"] == spec["href"]
    assert [c["id"] for c in body["category"]] == [category["id"]]
    in_category = api.get(f"{BASE}/category/{category['id']}").json
    assert [o["id"] for o in in_category["productOffering"]] == [body["id"]]


@pytest.mark.smoke
def test_patch_price_of_launched_offering_opens_version_two(api, session):
    body = api.post(URL, json=SMART).json
    old_price = body["productOfferingPrice"][0]
    changed = {"id": old_price["id"], "price": {"value": "550.00"}}
    patched = api.patch(f"{URL}/{body['id']}", json={"productOfferingPrice": [changed]})
    assert patched.status_code == 200, patched.json
    assert patched.json["version"] == "2"
    [new_price] = patched.json["productOfferingPrice"]
    assert new_price["id"] != old_price["id"] and new_price["price"]["value"] == 550
    # The old price still says what version 1 was sold at.
    assert api.get(f"{BASE}/productOfferingPrice/{old_price['id']}").json["price"]["value"] == 500
    assert patched.json["allowance"] == SMART["allowance"]


def test_patch_with_the_same_price_reference_keeps_the_version(api):
    body = api.post(URL, json=SMART).json
    patched = api.patch(f"{URL}/{body['id']}", json={"productOfferingPrice": body["productOfferingPrice"],
                                                     "name": "Smart 500 Plus"}).json
    assert patched["version"] == "1" and patched["name"] == "Smart 500 Plus"


def test_patch_allowance_and_lifecycle(api):
    body = api.post(URL, json={**SMART, "lifecycleStatus": "In design"}).json
    patched = api.patch(f"{URL}/{body['id']}", json={"allowance": {"dataMB": 4096, "scope": None},
                                                     "lifecycleStatus": "Active"})
    assert patched.status_code == 200
    assert patched.json["allowance"] == {"voiceMinutes": 500, "sms": 100, "dataMB": 4096}
    assert patched.json["version"] == "1"  # still in design when the terms changed: edited in place
    ended = api.patch(f"{URL}/{body['id']}", json={"validFor": {"endDateTime": "2027-01-01T00:00:00Z"}}).json
    assert ended["validFor"] == {"startDateTime": "2026-01-01T00:00:00.000Z", "endDateTime": "2027-01-01T00:00:00.000Z"}
    assert ended["version"] == "1"
    illegal = api.patch(f"{URL}/{body['id']}", json={"lifecycleStatus": "In study"})
    assert illegal.status_code == 409 and illegal.json["@type"] == "Error"


def test_list_filters_and_fields(api):
    first = api.post(URL, json=SMART).json
    api.post(URL, json={"name": "Biz", "paymentType": "postpaid", "lifecycleStatus": "Active"})
    api.post(URL, json={"name": "Draft"})

    listed = api.get(URL)
    assert listed.headers["X-Total-Count"] == "3" and len(listed.json) == 3
    by_id = api.get(f"{URL}?id={first['id']}")
    assert [o["id"] for o in by_id.json] == [first["id"]]
    assert [o["name"] for o in api.get(f"{URL}?lifecycleStatus=Active,Launched").json] == ["Smart 500", "Biz"]
    assert [o["name"] for o in api.get(f"{URL}?paymentType=postpaid").json] == ["Biz"]
    assert len(api.get(f"{URL}?lastUpdate={first['lastUpdate']}").json) == 3
    assert api.get(f"{URL}?lastUpdate=2020-01-01T00:00:00.000Z").json == []
    assert [o["name"] for o in api.get(f"{URL}?allowance.dataMB=2048").json] == ["Smart 500"]
    assert api.get(f"{URL}?id=not-a-number").json == []
    page = api.get(f"{URL}?offset=1&limit=1")
    assert page.headers["X-Total-Count"] == "3" and page.headers["X-Result-Count"] == "1"
    assert [o["name"] for o in page.json] == ["Biz"]
    assert api.get(f"{URL}?fields=name").json[0] == {"id": first["id"], "href": first["href"], "name": "Smart 500"}


def test_delete_then_404(api, session):
    body = api.post(URL, json=SMART).json
    assert api.delete(f"{URL}/{body['id']}").status_code == 204
    assert api.get(f"{URL}/{body['id']}").status_code == 404
    assert api.delete(f"{URL}/{body['id']}").status_code == 404


def test_delete_sold_offering_is_409(api, session, sales_table):
    body = api.post(URL, json=SMART).json
    offering = session.get(ProductOffering, int(body["id"]))
    session.execute(sa.insert(sales_table).values(version_id=current_version(session, offering).id))
    session.commit()
    refused = api.delete(f"{URL}/{body['id']}")
    assert refused.status_code == 409 and refused.json["code"] == "referenced"
    assert api.get(f"{URL}/{body['id']}").status_code == 200


@pytest.mark.parametrize(("payload", "reason"), [
    ({"name": 5}, "name"),
    ({}, "name"),
    ({"name": "X", "isSellable": "yes"}, "isSellable"),
    ({"name": "X", "validityDays": "thirty"}, "validityDays"),
    ({"name": "X", "allowance": [500]}, "allowance"),
    ({"name": "X", "allowance": {"voiceMinutes": -1}}, "voiceMinutes"),
    ({"name": "X", "productOfferingPrice": {"id": "1"}}, "productOfferingPrice"),
    ({"name": "X", "productOfferingPrice": [{"id": "77"}]}, "productOfferingPrice[0]"),
    ({"name": "X", "productOfferingPrice": [{"price": {"unit": "KES", "value": 1.234}}]}, "price.value"),
    ({"name": "X", "productOfferingPrice": [{"price": {"unit": "KES", "value": True}}]}, "price.value"),
    ({"name": "X", "productOfferingPrice": [{"price": {"unit": "ZZZ", "value": 1}}]}, "currency"),
    ({"name": "X", "validFor": {"startDateTime": "yesterday"}}, "startDateTime"),
    ({"name": "X", "kind": "toaster"}, "kind"),
    ({"name": "X", "validityDays": 10**12}, "validityDays"),
    ({"name": "X", "allowance": {"dataMB": 10**12}}, "dataMB"),
    ({"name": "X", "productOfferingPrice": [{"price": {"unit": "KES", "value": "1e20"}}]}, "price.value"),
    ({"name": "X", "category": [{"id": "abc"}]}, "category[0]"),
])
def test_bad_input_is_400_with_the_reason(api, payload, reason):
    response = api.post(URL, json=payload)
    assert response.status_code == 400, response.json
    assert reason in response.json["reason"]


@pytest.mark.smoke
def test_malformed_json_and_unknown_ids(api):
    bad = api.post(URL, data="{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json["@type"] == "Error"
    assert api.post(URL, json=[SMART]).status_code == 400
    assert api.get(f"{URL}/123").status_code == 404
    assert api.get(f"{URL}/99999999999999999999").status_code == 404
    assert api.get(f"{URL}?id=99999999999999999999").json == []
    assert api.get(f"{URL}/1ab18f13-2bd2-434d-9788-4b72ec11fe8a").status_code == 404
    assert api.patch(f"{URL}/123", json={"name": "x"}).status_code == 404


def test_duplicate_code_is_409(api):
    api.post(URL, json=SMART)
    assert api.post(URL, json={**SMART, "name": "Again"}).status_code == 409


def test_bundle_offering_lists_its_members(api):
    plan = api.post(URL, json=SMART).json
    addon = api.post(URL, json={"name": "Night data", "kind": "addon"}).json
    bundle = api.post(URL, json={"name": "Pack", "bundledProductOffering": [{"id": plan["id"]}, {"id": addon["id"]}]})
    assert bundle.status_code == 201
    assert bundle.json["isBundle"] is True
    assert [m["id"] for m in bundle.json["bundledProductOffering"]] == [plan["id"], addon["id"]]
    assert bundle.json["bundledProductOffering"][0]["lifecycleStatus"] == "Launched"


def test_changes_are_published_as_events(api, events):
    body = api.post(URL, json=SMART).json
    api.patch(f"{URL}/{body['id']}", json={"validityDays": 28})
    api.patch(f"{URL}/{body['id']}", json={"lifecycleStatus": "Retired"})
    [created] = events.named("catalog.offering_version_created")
    assert created.payload["code"] == "PRE-SMART-500" and created.payload["version"] == 2
    [retired] = events.named("catalog.offering_status_changed")
    assert (retired.payload["from_status"], retired.payload["to_status"]) == ("Launched", "Retired")
