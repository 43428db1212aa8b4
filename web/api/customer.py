"""Customer Management (TMF629) API.

Beyond the spec's attributes a customer carries ``preferredChannel``, ``preferredLanguage``,
``customerCategory``, ``customerSegment`` and ``marketingConsent`` (the consent in force per
channel; sending entries records a change with source ``api``). TMF allows such extensions
and clients that do not know them ignore them.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import selectinload

from core.clock import isoformat_z
from core.db import db
from crm import consent, customers
from crm.models import Customer
from web.api.filters import by_id, by_text
from web.api.party import party_href
from web.api.party_mapping import at, contact_media_from, contact_medium_json
from web.api.payload import get_bool, get_list, get_obj, get_objects, get_period, get_str, ref_id
from web.api.render import drop_empty, period
from web.api.tmf import Resource, TmfApi
from web.context import clock, events, settings

API = TmfApi(
    "customerManagement",
    title="Customer Management (TMF629)",
    spec_file="TMF629-CustomerManagement-v4.0.0.swagger.json",
)

# TMF attribute -> (Customer column, maximum length), for plain strings.
PROFILE_STRINGS = {
    "statusReason": ("status_reason", 200), "preferredChannel": ("preferred_channel", 20),
    "preferredLanguage": ("preferred_language", 10), "customerCategory": ("category", 40),
    "customerSegment": ("segment", 40),
}


def _party_ref(body: dict) -> customers.PartyRef | None:
    ref = get_obj(body, "engagedParty")
    if ref is None:
        return None
    with at("engagedParty"):
        return customers.PartyRef(id=ref_id(ref, "id"), referred_type=get_str(ref, "@referredType", max_length=50),
                                  name=get_str(ref, "name", max_length=200), href=get_str(ref, "href", max_length=500))


def _characteristics(body: dict) -> list[dict] | None:
    items = get_objects(body, "characteristic")
    for index, item in enumerate(items):
        with at(f"characteristic[{index}]"):
            get_str(item, "name", required=True, max_length=100)
    return items


def _profile(body: dict) -> dict[str, Any]:
    profile = {column: get_str(body, name, max_length=size)
               for name, (column, size) in PROFILE_STRINGS.items() if name in body}
    if "validFor" in body:
        profile["valid_from"], profile["valid_to"] = get_period(body)
    if "characteristic" in body:
        profile["characteristics"] = _characteristics(body) or None
    return profile


def _consents(body: dict) -> list[tuple[str, str, bool]]:
    """``marketingConsent`` entries as (channel, purpose, granted); validated before any write."""
    if get_list(body, "marketingConsent") is None:
        return []
    wanted = []
    for index, item in enumerate(get_objects(body, "marketingConsent")):
        with at(f"marketingConsent[{index}]"):
            granted = get_bool(item, "granted")
            if granted is None:
                get_str(item, "granted", required=True)  # the missing-attribute error, worded the same way
            wanted.append((get_str(item, "channel", required=True, choices=consent.CHANNELS),
                           get_str(item, "purpose", default="marketing", choices=consent.PURPOSES), granted))
    return wanted


def _record_consents(customer: Customer, wanted: list[tuple[str, str, bool]]) -> None:
    for channel, purpose, granted in wanted:
        state = consent.consent_state(db.session, customer, channel, purpose)
        if state.decided_by is not None and state.granted == granted:
            continue  # resending the current state is not a change of mind
        consent.record_consent(db.session, clock(), customer=customer, channel=channel, purpose=purpose,
                               granted=granted, source="api", actor=f"api:{g.get('api_key_name', 'anonymous')}",
                               events=events())


def create(body: dict) -> Customer:
    wanted = _consents(body)
    profile = {k: v for k, v in _profile(body).items() if v is not None}
    customer = customers.create_customer(
        db.session, clock(), name=get_str(body, "name", max_length=200), party_ref=_party_ref(body),
        status=get_str(body, "status", max_length=20), contact_media=contact_media_from(body),
        default_region=settings().default_region, events=events(), **profile)
    _record_consents(customer, wanted)
    return customer


def update(customer: Customer, body: dict) -> Customer:
    wanted = _consents(body)
    customers.update_customer(
        db.session, clock(), customer, name=get_str(body, "name", max_length=200), party_ref=_party_ref(body),
        status=get_str(body, "status", max_length=20), contact_media=contact_media_from(body),
        default_region=settings().default_region, events=events(), **_profile(body))
    _record_consents(customer, wanted)
    return customer


def delete(customer: Customer) -> None:
    customers.delete_customer(db.session, customer)


def engaged_party_json(customer: Customer) -> dict | None:
    if customer.party is not None:
        party = customer.party
        return {"id": str(party.id), "href": party_href(party), "name": party.display_name,
                "@referredType": "Individual" if party.kind == "individual" else "Organization"}
    if customer.party_ref_id is None:
        return None
    return drop_empty({"id": customer.party_ref_id, "href": customer.party_ref_href,
                      "name": customer.party_ref_name, "@referredType": customer.party_ref_type})


def customer_json(customer: Customer) -> dict:
    consents = [{"channel": s.channel, "purpose": s.purpose, "granted": s.granted,
                 "recordedAt": isoformat_z(s.decided_by.recorded_at), "source": s.decided_by.source}
                for s in consent.consent_overview(db.session, customer) if s.decided_by is not None]
    return drop_empty({
        "@type": "Customer",
        "name": customer.name,
        "status": customer.status,
        "statusReason": customer.status_reason,
        "engagedParty": engaged_party_json(customer),
        "validFor": period(customer.valid_from, customer.valid_to),
        "contactMedium": [contact_medium_json(m) for m in customer.contact_media],
        "characteristic": customer.characteristics,
        "preferredChannel": customer.preferred_channel,
        "preferredLanguage": customer.preferred_language,
        "customerCategory": customer.category,
        "customerSegment": customer.segment,
        "marketingConsent": consents,
    })


def _engaged_party_filter(value: str) -> sa.ColumnElement[bool]:
    return sa.or_(by_id(Customer.party_id)(value), by_text(Customer.party_ref_id)(value))


CUSTOMER = API.add(Resource(
    name="customer",
    type_name="Customer",
    query=lambda: sa.select(Customer).options(selectinload(Customer.party), selectinload(Customer.contact_media))
    .order_by(Customer.id),
    load=lambda ident: customers.find_customer(db.session, ident),
    to_tmf=customer_json,
    create=create,
    update=update,
    delete=delete,
    filters={
        "id": by_id(Customer.id), "name": by_text(Customer.name), "status": by_text(Customer.status),
        "engagedParty.id": _engaged_party_filter, "preferredChannel": by_text(Customer.preferred_channel),
        "customerCategory": by_text(Customer.category), "customerSegment": by_text(Customer.segment),
    },
    description="TMF629 customer: the commercial relationship with an individual or organization.",
))
