"""The TMF629 resource: ``customer``, the commercial relationship with a party."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core.db import db
from crm import consent, customers
from crm.models import ContactMedium, Customer
from web.api.auth import caller
from web.api.tmf.filters import by_id, by_text
from web.api.tmf.payload import get_str
from web.api.tmf.resource import model_resource
from web.api.tmf629_customer.api import API
from web.api.tmf629_customer.mapping import consents_from, customer_json, party_ref_from, profile_from
from web.api.tmf632_party.mapping import contact_media_from
from web.context import clock, events, settings


def _record_consents(customer: Customer, wanted: list[tuple[str, str, bool]]) -> None:
    for channel, purpose, granted in wanted:
        state = consent.consent_state(db.session, customer, channel, purpose)
        if state.decided_by is not None and state.granted == granted:
            continue  # resending the current state is not a change of mind
        consent.record_consent(db.session, clock(), customer=customer, channel=channel, purpose=purpose,
                               granted=granted, source="api", actor=caller(), events=events())


def create(body: dict) -> Customer:
    wanted = consents_from(body)
    profile = {k: v for k, v in profile_from(body).items() if v is not None}
    customer = customers.create_customer(
        db.session, clock(), name=get_str(body, "name", max_length=200), party_ref=party_ref_from(body),
        status=get_str(body, "status", max_length=20), contact_media=contact_media_from(body),
        default_region=settings().default_region, events=events(), **profile)
    _record_consents(customer, wanted)
    return customer


def update(customer: Customer, body: dict) -> Customer:
    wanted = consents_from(body)
    customers.update_customer(
        db.session, clock(), customer, name=get_str(body, "name", max_length=200), party_ref=party_ref_from(body),
        status=get_str(body, "status", max_length=20), contact_media=contact_media_from(body),
        default_region=settings().default_region, events=events(), **profile_from(body))
    _record_consents(customer, wanted)
    return customer


def delete(customer: Customer) -> None:
    customers.delete_customer(db.session, customer)


def _contact_filter(column):
    """Customers with a contact medium whose ``column`` is the value: finding a customer by
    phone number or e-mail is the lookup agents and systems make most."""
    def condition(value: str) -> sa.ColumnElement[bool]:
        return Customer.id.in_(sa.select(ContactMedium.customer_id).where(by_text(column)(value)))
    return condition


def _engaged_party_filter(value: str) -> sa.ColumnElement[bool]:
    return sa.or_(by_id(Customer.party_id)(value), by_text(Customer.party_ref_id)(value))


API.add(model_resource(
    Customer,
    name="customer",
    type_name="Customer",
    query=lambda: sa.select(Customer).options(selectinload(Customer.party), selectinload(Customer.contact_media))
    .order_by(Customer.id),
    find=lambda ident: customers.find_customer(db.session, ident),
    to_tmf=customer_json,
    create=create,
    update=update,
    delete=delete,
    filters={
        "name": by_text(Customer.name), "status": by_text(Customer.status),
        "engagedParty.id": _engaged_party_filter, "preferredChannel": by_text(Customer.preferred_channel),
        "customerCategory": by_text(Customer.category), "customerSegment": by_text(Customer.segment),
        "contactMedium.characteristic.phoneNumber": _contact_filter(ContactMedium.phone_number),
        "contactMedium.characteristic.emailAddress": _contact_filter(ContactMedium.email_address),
    },
    description="TMF629 customer: the commercial relationship with an individual or organization.",
))
