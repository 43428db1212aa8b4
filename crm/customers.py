"""Customers: the commercial relationship with a party, its lifecycle and its contact media."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.db import Base
from core.errors import Conflict, NotFound, ValidationError
from core.events import EventBus
from crm.contacts import ContactDetails, add_contact_medium, replace_contact_media
from crm.models import Customer, Party
from crm.parties import create_individual, find_party, row_id

# Lifecycle: where a customer may go from each status. Closed is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "Initialized": ("Approved", "Active", "Closed"),
    "Approved": ("Active", "Suspended", "Closed"),
    "Active": ("Suspended", "Closed"),
    "Suspended": ("Active", "Closed"),
    "Closed": (),
}
STATUSES = tuple(TRANSITIONS)
INITIAL_STATUSES = ("Initialized", "Approved", "Active")
CHANNELS = ("sms", "email", "telegram", "voice", "ussd", "whatsapp", "chat", "portal", "post")
PROFILE_FIELDS = ("status_reason", "valid_from", "valid_to", "preferred_channel", "preferred_language",
                  "category", "segment", "characteristics")
# TMF @referredType -> our party kind.
REFERRED_KINDS = {"individual": "individual", "organization": "organization", "organisation": "organization"}


@dataclass(frozen=True)
class PartyRef:
    """A TMF reference to the engaged party: local if ``id`` names one of our parties of the
    referred type, otherwise kept as an external reference."""

    id: str
    referred_type: str | None = None
    name: str | None = None
    href: str | None = None


def canonical_status(status: str) -> str:
    """``active`` -> ``Active``; unknown statuses are a ValidationError."""
    for known in STATUSES:
        if isinstance(status, str) and status.strip().lower() == known.lower():
            return known
    raise ValidationError(f"status must be one of {', '.join(STATUSES)}", field="status")


def _check_profile(details: dict[str, Any]) -> None:
    unknown = sorted(set(details) - set(PROFILE_FIELDS))
    if unknown:
        raise TypeError(f"unknown customer field(s): {', '.join(unknown)}")
    channel = details.get("preferred_channel")
    if channel is not None and channel not in CHANNELS:
        raise ValidationError(f"preferred channel must be one of {', '.join(CHANNELS)}", field="preferredChannel")


def _engage(session: Session, customer: Customer, ref: PartyRef) -> None:
    if not str(ref.id or "").strip():
        raise ValidationError("engagedParty needs an id", field="engagedParty.id")
    kind = REFERRED_KINDS.get((ref.referred_type or "").lower())
    local = find_party(session, ref.id, kind) if (kind or not ref.referred_type) else None
    if local is not None:
        customer.party = local
        customer.party_ref_id = customer.party_ref_type = customer.party_ref_name = customer.party_ref_href = None
    else:
        customer.party = None
        customer.party_id = None
        customer.party_ref_id = str(ref.id)
        customer.party_ref_type = ref.referred_type
        customer.party_ref_name = ref.name
        customer.party_ref_href = ref.href


def create_customer(session: Session, clock: Clock, *, name: str | None = None,
                    party: Party | None = None, party_ref: PartyRef | None = None, status: str | None = None,
                    contact_media: list[ContactDetails] | None = None, default_region: str,
                    events: EventBus | None = None, **profile: Any) -> Customer:
    """Create a customer engaging ``party`` (local) or ``party_ref`` (local or external).

    With neither, an individual party of the customer's name is created, so every customer
    has someone behind it. ``name`` defaults to the engaged party's name.
    """
    _check_profile(profile)
    if party is not None and party_ref is not None:
        raise TypeError("pass party or party_ref, not both")
    status = canonical_status(status) if status else "Initialized"
    if status not in INITIAL_STATUSES:
        raise ValidationError(f"a new customer's status must be one of {', '.join(INITIAL_STATUSES)}",
                              field="status")
    now = clock.now()
    # validFor given by the client wins; without it the relationship starts now.
    profile = {"valid_from": now, **{k: v for k, v in profile.items() if v is not None}}
    customer = Customer(status=status, created_at=now, updated_at=now, **profile)
    if party is not None:
        customer.party = party
    elif party_ref is not None:
        _engage(session, customer, party_ref)
    name = (name or "").strip() or (customer.party.display_name if customer.party else None) or (
        party_ref.name if party_ref else None)
    if not name:
        raise ValidationError("name is required", field="name")
    customer.name = name
    if customer.party is None and party_ref is None:
        customer.party = create_individual(session, clock, default_region=default_region, full_name=name)
    session.add(customer)
    session.flush()
    for medium in contact_media or ():
        add_contact_medium(session, clock, owner=customer, details=medium, default_region=default_region)
    if events is not None:
        events.publish("customer.created", customer_id=customer.id, status=customer.status)
    return customer


def get_customer(session: Session, customer_id: int | str) -> Customer:
    ident = row_id(customer_id)
    customer = None if ident is None else session.get(Customer, ident)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


def find_customer(session: Session, customer_id: int | str) -> Customer | None:
    try:
        return get_customer(session, customer_id)
    except NotFound:
        return None


def update_customer(session: Session, clock: Clock, customer: Customer, *, default_region: str,
                    name: str | None = None, party_ref: PartyRef | None = None, status: str | None = None,
                    contact_media: list[ContactDetails] | None = None, events: EventBus | None = None,
                    **profile: Any) -> Customer:
    """Change a customer. Arguments left out (or ``None`` for name, party and status) keep
    their value; ``profile`` fields given as ``None`` are cleared; lists replace."""
    _check_profile(profile)
    if customer.status == "Closed" and (name is not None or party_ref is not None or contact_media is not None
                                        or profile):
        raise Conflict(f"customer {customer.id} is Closed and cannot be changed")
    if name is not None:
        if not name.strip():
            raise ValidationError("name must not be empty", field="name")
        customer.name = name.strip()
    if party_ref is not None:
        _engage(session, customer, party_ref)
    for field_name, value in profile.items():
        setattr(customer, field_name, value)
    if customer.valid_from and customer.valid_to and customer.valid_to < customer.valid_from:
        raise ValidationError("validFor ends before it starts", field="validFor")
    if contact_media is not None:
        replace_contact_media(session, clock, owner=customer, media=contact_media, default_region=default_region)
    if status is not None:
        set_customer_status(session, clock, customer, status, reason=profile.get("status_reason"), events=events)
    customer.updated_at = clock.now()
    session.flush()
    return customer


def set_customer_status(session: Session, clock: Clock, customer: Customer, status: str, *,
                        reason: str | None = None, events: EventBus | None = None) -> Customer:
    """Move the customer along its lifecycle; a move ``TRANSITIONS`` does not allow is a Conflict."""
    target = canonical_status(status)
    if target == customer.status:
        return customer
    if target not in TRANSITIONS[customer.status]:
        raise Conflict(f"customer {customer.id} cannot go from {customer.status} to {target}", field="status")
    previous, customer.status = customer.status, target
    if reason is not None:
        customer.status_reason = reason
    now = clock.now()
    customer.updated_at = now
    if target == "Closed" and (customer.valid_to is None or customer.valid_to > now):
        customer.valid_to = now
    session.flush()
    if events is not None:
        events.publish("customer.status_changed", customer_id=customer.id, previous=previous, status=target,
                       reason=reason)
    return customer


def billing_account_count(session: Session, customer: Customer) -> int:
    """How many billing accounts the customer holds, if billing's table exists in this schema.

    Looked up by table name so the CRM does not depend on billing's models to decide this.
    """
    table = Base.metadata.tables.get("billing_account")
    if table is None or "customer_id" not in table.c:
        return 0
    return session.scalar(sa.select(sa.func.count()).select_from(table).where(table.c.customer_id == customer.id))


def delete_customer(session: Session, customer: Customer) -> None:
    """Delete a customer with no billing accounts (close it instead when it has some)."""
    accounts = billing_account_count(session, customer)
    if accounts:
        raise Conflict(f"customer {customer.id} has {accounts} billing account(s); close the customer instead")
    session.delete(customer)
    session.flush()


def is_active_on(customer: Customer, moment: dt.datetime) -> bool:
    """Is the customer in a serviceable state and inside its validity period at ``moment``?"""
    if customer.status in ("Suspended", "Closed"):
        return False
    return (customer.valid_from is None or customer.valid_from <= moment) and (
        customer.valid_to is None or moment < customer.valid_to)
