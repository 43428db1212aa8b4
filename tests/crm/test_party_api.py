"""TMF632 individual and organization through the HTTP client."""
import pytest

from core.db import db
from crm.models import ContactMedium, Identification

INDIVIDUAL = "/tmf-api/party/v4/individual"
ORGANIZATION = "/tmf-api/party/v4/organization"
CUSTOMER = "/tmf-api/customerManagement/v4/customer"

AMINA = {
    "givenName": "Amina", "familyName": "Otieno", "title": "Ms", "gender": "female",
    "birthDate": "1990-05-12T00:00:00.000Z", "nationality": "KE",
    "languageAbility": [{"languageCode": "sw", "isFavouriteLanguage": True}],
    "contactMedium": [{"mediumType": "mobile", "preferred": True, "characteristic": {"phoneNumber": "+254712345678"}}],
    "individualIdentification": [{"identificationType": "nationalId", "identificationId": "12345678",
                                  "issuingAuthority": "NRB", "issuingCountry": "KE",
                                  "validFor": {"endDateTime": "2035-01-01T00:00:00.000Z"}}],
}


@pytest.mark.smoke
def test_individual_round_trip(api):
    response = api.post(INDIVIDUAL, json=AMINA)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["@type"] == "Individual" and body["href"].endswith(f"/individual/{body['id']}")
    for key, value in AMINA.items():
        if key != "individualIdentification":
            assert body[key] == value, key
    document = body["individualIdentification"][0]
    assert document["identificationId"] == "12345678" and document["issuingCountry"] == "KE"
    assert document["validFor"] == {"endDateTime": "2035-01-01T00:00:00.000Z"}
    assert body["fullName"] == "Amina Otieno" and body["status"] == "initialized"
    assert api.get(f"{INDIVIDUAL}/{body['id']}").get_json() == body


def test_birth_date_keeps_the_calendar_date_written(api):
    body = api.post(INDIVIDUAL, json={"givenName": "A", "familyName": "B",
                                      "birthDate": "1990-05-12T00:00:00+03:00"}).get_json()
    assert body["birthDate"] == "1990-05-12T00:00:00.000Z"
    assert api.post(INDIVIDUAL, json={"givenName": "A", "birthDate": "12/05/1990"}).status_code == 400


def test_individual_needs_a_name(api):
    response = api.post(INDIVIDUAL, json={"gender": "female"})
    assert response.status_code == 400 and "givenName" in response.get_json()["reason"]
    assert api.post(INDIVIDUAL, json={"fullName": "Amina Otieno"}).status_code == 201


def test_individual_list_filters_and_fields(api):
    api.post(INDIVIDUAL, json=AMINA)
    api.post(INDIVIDUAL, json={"givenName": "Brian", "familyName": "Kamau"})
    api.post(ORGANIZATION, json={"tradingName": "Acme"})
    listing = api.get(INDIVIDUAL)
    assert listing.headers["X-Total-Count"] == "2"
    assert [p["givenName"] for p in api.get(f"{INDIVIDUAL}?familyName=Kamau").get_json()] == ["Brian"]
    assert [p["givenName"] for p in api.get(f"{INDIVIDUAL}?givenName=Amina,Brian").get_json()] == ["Amina", "Brian"]
    by_phone = api.get(INDIVIDUAL, query_string={"contactMedium.characteristic.phoneNumber": "+254712345678"})
    assert [p["givenName"] for p in by_phone.get_json()] == ["Amina"]
    projected = api.get(f"{INDIVIDUAL}?fields=givenName&familyName=Otieno").get_json()
    assert set(projected[0]) == {"id", "href", "givenName"}


def test_individual_patch_and_delete(api):
    ident = api.post(INDIVIDUAL, json=AMINA).get_json()["id"]
    patched = api.patch(f"{INDIVIDUAL}/{ident}", json={
        "familyName": "Wanjiru", "status": "validated", "title": None,
        "contactMedium": [{"mediumType": "email", "characteristic": {"emailAddress": "A@B.CO"}}]})
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert body["familyName"] == "Wanjiru" and body["status"] == "validated" and "title" not in body
    assert body["contactMedium"] == [{"mediumType": "email", "preferred": False,
                                      "characteristic": {"emailAddress": "a@b.co"}}]
    assert body["individualIdentification"], "identifications untouched when not sent"
    assert api.patch(f"{INDIVIDUAL}/{ident}", json={"status": "happy"}).status_code == 400

    assert api.delete(f"{INDIVIDUAL}/{ident}").status_code == 204
    assert api.get(f"{INDIVIDUAL}/{ident}").status_code == 404
    assert db.session.query(ContactMedium).count() == 0 and db.session.query(Identification).count() == 0


def test_individual_is_not_served_as_organization(api):
    ident = api.post(INDIVIDUAL, json=AMINA).get_json()["id"]
    assert api.get(f"{ORGANIZATION}/{ident}").status_code == 404
    assert api.get(f"{INDIVIDUAL}/abc").status_code == 404


def test_party_engaged_by_a_customer_cannot_be_deleted(api):
    ident = api.post(INDIVIDUAL, json=AMINA).get_json()["id"]
    api.post(CUSTOMER, json={"name": "Amina", "engagedParty": {"id": ident, "@referredType": "Individual"}})
    response = api.delete(f"{INDIVIDUAL}/{ident}")
    assert response.status_code == 409 and response.get_json()["@type"] == "Error"


def test_duplicate_national_id_is_409(api):
    assert api.post(INDIVIDUAL, json=AMINA).status_code == 201
    other = {"givenName": "Eve", "familyName": "X", "individualIdentification": [
        {"identificationType": "nationalId", "identificationId": "1234 5678"}]}
    assert api.post(INDIVIDUAL, json=other).status_code == 409


@pytest.mark.smoke
def test_organization_round_trip(api):
    sent = {"name": "Acme Kenya Ltd", "tradingName": "Acme", "organizationType": "company", "isLegalEntity": True,
            "existsDuring": {"startDateTime": "2010-01-01T00:00:00.000Z"},
            "organizationIdentification": [{"identificationType": "companyRegistration",
                                            "identificationId": "cpr/2010/123"}],
            "contactMedium": [{"mediumType": "email", "characteristic": {"emailAddress": "billing@acme.co.ke"}}]}
    response = api.post(ORGANIZATION, json=sent)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["@type"] == "Organization"
    for key in ("name", "tradingName", "organizationType", "isLegalEntity", "existsDuring", "contactMedium"):
        assert body[key] == (sent[key] if key != "contactMedium" else [
            {"mediumType": "email", "preferred": False, "characteristic": {"emailAddress": "billing@acme.co.ke"}}])
    assert body["registrationNumber"] == "CPR/2010/123"
    assert [o["name"] for o in api.get(f"{ORGANIZATION}?tradingName=Acme").get_json()] == ["Acme Kenya Ltd"]


def test_organization_defaults_name_from_trading_name(api):
    body = api.post(ORGANIZATION, json={"tradingName": "Moon FC"}).get_json()
    assert body["name"] == "Moon FC"
    response = api.post(ORGANIZATION, json={"organizationType": "club"})
    assert response.status_code == 400 and "tradingName" in response.get_json()["reason"]


@pytest.mark.parametrize("url, body, field", [
    (INDIVIDUAL, {"givenName": 7}, "givenName"),
    (INDIVIDUAL, {"givenName": "A", "contactMedium": [{"mediumType": "mobile", "characteristic": {}}]}, "phoneNumber"),
    (INDIVIDUAL, {"givenName": "A", "individualIdentification": [{"identificationType": "passport"}]},
     "individualIdentification[0].identificationId"),
    (INDIVIDUAL, {"givenName": "A", "languageAbility": "sw"}, "languageAbility"),
    (ORGANIZATION, {"tradingName": "A", "isLegalEntity": "yes"}, "isLegalEntity"),
    (ORGANIZATION, {"tradingName": "A", "existsDuring": {"startDateTime": 5}}, "startDateTime"),
])
def test_party_wrong_types_are_400(api, url, body, field):
    response = api.post(url, json=body)
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["reason"]
