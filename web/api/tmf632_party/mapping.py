"""TMF632 JSON <-> ``crm.parties``: individuals and organizations, and the shapes the customer
API (TMF629) shares with them: ``ContactMedium``, identifications and dates."""
from __future__ import annotations

import datetime as dt
from typing import Any

from core.clock import UTC, isoformat_z
from core.errors import ValidationError
from crm import parties
from crm.contacts import ContactDetails
from crm.identifications import IdentificationDetails
from crm.models import ContactMedium, Identification, Party
from web.api.tmf.payload import at, get_bool, get_datetime, get_obj, get_objects, get_period, get_str
from web.api.tmf.render import drop_empty, period

# MediumCharacteristic attribute -> ContactDetails field.
CHARACTERISTIC_FIELDS = {
    "contactType": "contact_type", "phoneNumber": "phone_number", "faxNumber": "fax_number",
    "emailAddress": "email_address", "socialNetworkId": "social_network_id", "street1": "street1",
    "street2": "street2", "city": "city", "stateOrProvince": "state_or_province", "postCode": "post_code",
    "country": "country",
}
# TMF attribute -> (Party column, maximum length), for plain strings.
INDIVIDUAL_STRINGS = {
    "givenName": ("given_name", 100), "middleName": ("middle_name", 100), "familyName": ("family_name", 100),
    "fullName": ("full_name", 200), "formattedName": ("formatted_name", 200), "title": ("title", 30),
    "gender": ("gender", 20), "nationality": ("nationality", 60), "maritalStatus": ("marital_status", 30),
}
ORGANIZATION_STRINGS = {
    "name": ("name", 200), "tradingName": ("trading_name", 200), "organizationType": ("organization_type", 60),
    "registrationNumber": ("registration_number", 60),
}


def date_as_datetime(day: dt.date | None) -> str | None:
    """TMF632 dates are date-times; a calendar date is sent as its midnight UTC."""
    return None if day is None else isoformat_z(dt.datetime.combine(day, dt.time(), UTC))


def get_date(body: dict, field: str) -> dt.date | None:
    """A calendar date from ``1990-05-12`` or a date-time; the date as written, before any
    time-zone shift, because a birthday does not move with the client's offset."""
    value = get_str(body, field)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ValidationError(f"is not an ISO 8601 date: {value!r}", field=field) from None


def contact_media_from(body: dict, field: str = "contactMedium") -> list[ContactDetails] | None:
    """``contactMedium`` as service arguments; None when the attribute is absent."""
    if body.get(field) is None:
        return None
    media = []
    for index, item in enumerate(get_objects(body, field)):
        with at(f"{field}[{index}]"):
            characteristic = get_obj(item, "characteristic") or {}
            with at("characteristic"):
                values = {}
                for name, attribute in CHARACTERISTIC_FIELDS.items():
                    # Telegram ids arrive as numbers from bots; accept them as text.
                    raw = characteristic.get(name)
                    if name == "socialNetworkId" and isinstance(raw, int) and not isinstance(raw, bool):
                        raw = str(raw)
                    values[attribute] = get_str({name: raw}, name, max_length=254)
            start, end = get_period(item)
            media.append(ContactDetails(medium_type=get_str(item, "mediumType", required=True, max_length=30),
                                        preferred=get_bool(item, "preferred", default=False),
                                        valid_from=start, valid_to=end, **values))
    return media


def contact_medium_json(medium: ContactMedium) -> dict:
    characteristic = {name: getattr(medium, attribute) for name, attribute in CHARACTERISTIC_FIELDS.items()
                      if getattr(medium, attribute) is not None}
    out = {"mediumType": medium.medium_type, "preferred": medium.preferred, "characteristic": characteristic}
    valid_for = period(medium.valid_from, medium.valid_to)
    if valid_for:
        out["validFor"] = valid_for
    return out


def identifications_from(body: dict, field: str) -> list[IdentificationDetails] | None:
    if body.get(field) is None:
        return None
    documents = []
    for index, item in enumerate(get_objects(body, field)):
        with at(f"{field}[{index}]"):
            start, end = get_period(item)
            documents.append(IdentificationDetails(
                identification_type=get_str(item, "identificationType", required=True, max_length=40),
                number=get_str(item, "identificationId", required=True, max_length=60),
                issuing_authority=get_str(item, "issuingAuthority", max_length=100),
                issuing_country=get_str(item, "issuingCountry", max_length=2),
                issued_at=get_datetime(item, "issuingDate"), valid_from=start, valid_to=end))
    return documents


def identification_json(document: Identification, type_name: str) -> dict:
    out = {"identificationType": document.identification_type, "identificationId": document.number,
           "@type": type_name}
    if document.issuing_authority:
        out["issuingAuthority"] = document.issuing_authority
    if document.issuing_country:
        out["issuingCountry"] = document.issuing_country
    if document.issued_at:
        out["issuingDate"] = isoformat_z(document.issued_at)
    valid_for = period(document.valid_from, document.valid_to)
    if valid_for:
        out["validFor"] = valid_for
    return out


def _strings(body: dict, mapping: dict[str, tuple[str, int]]) -> dict[str, Any]:
    return {column: get_str(body, name, max_length=size) for name, (column, size) in mapping.items() if name in body}


def _favourite_language(body: dict) -> str | None:
    abilities = get_objects(body, "languageAbility")
    chosen = next((a for a in abilities if a.get("isFavouriteLanguage") is True), abilities[0] if abilities else None)
    return None if chosen is None else get_str(chosen, "languageCode", max_length=10)


def individual_changes(body: dict) -> dict[str, Any]:
    """``crm.parties`` keyword arguments from an individual's body: only what it mentions."""
    changes = _strings(body, INDIVIDUAL_STRINGS)
    if "birthDate" in body:
        changes["birth_date"] = get_date(body, "birthDate")
    if "status" in body:
        changes["status"] = get_str(body, "status", choices=parties.STATUSES["individual"])
    if "languageAbility" in body:
        changes["preferred_language"] = _favourite_language(body)
    return changes


def organization_changes(body: dict) -> dict[str, Any]:
    """``crm.parties`` keyword arguments from an organization's body: only what it mentions."""
    changes = _strings(body, ORGANIZATION_STRINGS)
    for name, column in (("isLegalEntity", "is_legal_entity"), ("isHeadOffice", "is_head_office")):
        if name in body:
            changes[column] = get_bool(body, name)
    if "existsDuring" in body:
        changes["valid_from"], changes["valid_to"] = get_period(body, "existsDuring")
    if "status" in body:
        changes["status"] = get_str(body, "status", choices=parties.STATUSES["organization"])
    return changes


def individual_json(party: Party) -> dict:
    body = {
        "@type": "Individual",
        "givenName": party.given_name, "middleName": party.middle_name, "familyName": party.family_name,
        "fullName": party.full_name or party.display_name, "formattedName": party.formatted_name,
        "title": party.title, "gender": party.gender, "birthDate": date_as_datetime(party.birth_date),
        "nationality": party.nationality, "maritalStatus": party.marital_status, "status": party.status,
        "contactMedium": [contact_medium_json(m) for m in party.contact_media],
        "individualIdentification": [identification_json(d, "IndividualIdentification")
                                     for d in party.identifications],
    }
    if party.preferred_language:
        body["languageAbility"] = [{"languageCode": party.preferred_language, "isFavouriteLanguage": True}]
    return drop_empty(body)


def organization_json(party: Party) -> dict:
    return drop_empty({
        "@type": "Organization",
        "name": party.name, "tradingName": party.trading_name, "organizationType": party.organization_type,
        "registrationNumber": party.registration_number, "isLegalEntity": party.is_legal_entity,
        "isHeadOffice": party.is_head_office, "existsDuring": period(party.valid_from, party.valid_to),
        "status": party.status,
        "contactMedium": [contact_medium_json(m) for m in party.contact_media],
        "organizationIdentification": [identification_json(d, "OrganizationIdentification")
                                       for d in party.identifications],
    })
