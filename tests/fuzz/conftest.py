"""A small operator for hostile input to land on: one of every resource the API serves, made
through the API where clients make them (the interaction through the CRM, as a channel would),
so ids 1, 2... that a fuzzer tries name real rows and their answers get rendered and checked."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.db import db
from crm.conversations.interactions import record_outbound

CATALOG = "/tmf-api/productCatalogManagement/v4"
CUSTOMER = "/tmf-api/customerManagement/v4/customer"
PARTY = "/tmf-api/party/v4"
ACCOUNT = "/tmf-api/accountManagement/v4/billingAccount"
PRODUCT = "/tmf-api/productInventory/v4/product"
ORDER = "/tmf-api/productOrderingManagement/v4/productOrder"
CONSUMPTION = "/tmf-api/usageConsumption/v4/queryUsageConsumption"
INTERACTION = "/tmf-api/partyInteraction/v4/partyInteraction"
MSISDN = "+254711000001"


@dataclass
class World:
    ids: dict[str, str]


def _made(response, url: str) -> str:
    assert response.status_code == 201, (url, response.get_json())
    return response.get_json()["id"]


@pytest.fixture
def world(api, clock) -> World:
    """One catalog, specification, offering, price, individual, organization, customer,
    billing account, product (line), order, consumption query and interaction."""
    def post(url: str, body: dict) -> str:
        return _made(api.post(url, json=body), url)

    ids = {
        "catalog": post(f"{CATALOG}/catalog", {"name": "Retail", "version": "1.0"}),
        "category": post(f"{CATALOG}/category", {"name": "Plans"}),
        "productSpecification": post(f"{CATALOG}/productSpecification", {
            "name": "Mobile line", "productSpecCharacteristic": [{"name": "MSISDN", "valueType": "string"}]}),
    }
    ids["productOffering"] = post(f"{CATALOG}/productOffering", {
        "name": "Smart 500", "lifecycleStatus": "Launched", "isSellable": True, "code": "SMART-500",
        "paymentType": "prepaid", "productSpecification": {"id": ids["productSpecification"]},
        "category": [{"id": ids["category"]}],
        "productOfferingPrice": [{"name": "Monthly", "priceType": "recurring", "recurringChargePeriodType": "month",
                                  "price": {"unit": "KES", "value": 500}}]})
    offering = api.get(f"{CATALOG}/productOffering/{ids['productOffering']}").get_json()
    ids["productOfferingPrice"] = offering["productOfferingPrice"][0]["id"]
    ids["individual"] = post(f"{PARTY}/individual", {"givenName": "Amina", "familyName": "Otieno"})
    ids["organization"] = post(f"{PARTY}/organization", {"tradingName": "Acme Ltd"})
    ids["customer"] = post(CUSTOMER, {"name": "Amina Otieno", "engagedParty": {
        "id": ids["individual"], "@referredType": "Individual"}, "characteristic": [{"name": "tier", "value": 1.5}]})
    ids["billingAccount"] = post(ACCOUNT, {"name": "Amina prepaid", "paymentType": "prepaid", "relatedParty": [
        {"id": ids["customer"], "role": "customer", "@referredType": "Customer"}]})
    ids["product"] = post(PRODUCT, {
        "status": "active", "productOffering": {"id": ids["productOffering"]},
        "billingAccount": {"id": ids["billingAccount"]},
        "productCharacteristic": [{"name": "MSISDN", "value": MSISDN}]})
    ids["productOrder"] = post(ORDER, {
        "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "999"}}],
        "relatedParty": [{"id": "someone-else", "role": "customer"}],
        "channel": [{"name": "store"}], "note": [{"text": "walk-in"}]})
    ids["queryUsageConsumption"] = post(CONSUMPTION, {"searchCriteria": {"product": [{"id": ids["product"]}]}})
    ids["partyInteraction"] = str(record_outbound(db.session, clock, channel="sms", address=MSISDN, text="Hello",
                                                  customer_id=int(ids["customer"])).id)
    db.session.commit()
    return World(ids)
