"""TMF shapes shared by the party (TMF632) and customer (TMF629) APIs: ``ContactMedium``,
identifications, ``TimePeriod`` and references, to and from the CRM's service arguments."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from core.clock import UTC, isoformat_z
from core.errors import ValidationError
from crm.contacts import ContactDetails
from crm.identifications import IdentificationDetails
from crm.models import ContactMedium, Identification
from web.api.payload import get_bool, get_datetime, get_obj, get_objects, get_period, get_str
from web.api.render import period

# MediumCharacteristic attribute -> ContactDetails field.
CHARACTERISTIC_FIELDS = {
    "contactType": "contact_type", "phoneNumber": "phone_number", "faxNumber": "fax_number",
    "emailAddress": "email_address", "socialNetworkId": "social_network_id", "street1": "street1",
    "street2": "street2", "city": "city", "stateOrProvince": "state_or_province", "postCode": "post_code",
    "country": "country",
}


@contextmanager
def at(prefix: str) -> Iterator[None]:
    """Name the enclosing attribute in errors raised inside (``contactMedium[1].phoneNumber``)."""
    try:
        yield
    except ValidationError as error:
        error.field = f"{prefix}.{error.field}" if error.field else prefix
        raise


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
