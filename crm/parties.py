"""Parties: individuals and organisations, with their contact media and identity documents."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError
from crm.contacts import ContactDetails, add_contact_medium, replace_contact_media
from crm.identifications import IdentificationDetails, add_identification, replace_identifications
from crm.models import Customer, Party

INDIVIDUAL_FIELDS = ("given_name", "middle_name", "family_name", "full_name", "formatted_name", "title",
                     "gender", "birth_date", "nationality", "marital_status", "preferred_language", "status")
ORGANIZATION_FIELDS = ("name", "trading_name", "organization_type", "registration_number", "is_legal_entity",
                       "is_head_office", "valid_from", "valid_to", "status")
# TMF632 IndividualStateType and OrganizationStateType ("deceaded" is the spec's spelling).
STATUSES = {"individual": ("initialized", "validated", "deceaded"),
            "organization": ("initialized", "validated", "closed")}
# Our primary keys are INTEGER columns: a larger number names no row of ours (and PostgreSQL would
# refuse it as a parameter), though it may well be another system's id.
MAX_ROW_ID = 2**31 - 1


def row_id(value: int | str) -> int | None:
    """``value`` as one of our row ids (ASCII digits, within INTEGER), or None when it cannot be one."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ROW_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ROW_ID else None


def _check_fields(kind: str, details: dict[str, Any]) -> None:
    allowed = INDIVIDUAL_FIELDS if kind == "individual" else ORGANIZATION_FIELDS
    unknown = sorted(set(details) - set(allowed))
    if unknown:
        raise TypeError(f"unknown {kind} field(s): {', '.join(unknown)}")
    status = details.get("status")
    if status is not None and status not in STATUSES[kind]:
        raise ValidationError(f"status must be one of {', '.join(STATUSES[kind])}", field="status")
    birth_date = details.get("birth_date")
    if birth_date is not None and not isinstance(birth_date, dt.date):
        raise TypeError("birth_date must be a date")


def _create(session: Session, clock: Clock, kind: str, details: dict[str, Any],
            contact_media: list[ContactDetails] | None, identifications: list[IdentificationDetails] | None,
            default_region: str) -> Party:
    _check_fields(kind, details)
    now = clock.now()
    party = Party(kind=kind, created_at=now, updated_at=now,
                  **{k: v for k, v in details.items() if v is not None})
    party.status = party.status or "initialized"
    session.add(party)
    session.flush()
    for medium in contact_media or ():
        add_contact_medium(session, clock, owner=party, details=medium, default_region=default_region)
    for document in identifications or ():
        add_identification(session, clock, party=party, details=document)
    return party


def create_individual(session: Session, clock: Clock, *, default_region: str,
                      contact_media: list[ContactDetails] | None = None,
                      identifications: list[IdentificationDetails] | None = None,
                      **details: Any) -> Party:
    """Create an individual. ``details`` are ``INDIVIDUAL_FIELDS``; a name of some kind is needed."""
    if not any(details.get(k) for k in ("given_name", "family_name", "full_name", "formatted_name")):
        raise ValidationError("an individual needs givenName and familyName (or fullName)", field="givenName")
    return _create(session, clock, "individual", details, contact_media, identifications, default_region)


def create_organization(session: Session, clock: Clock, *, default_region: str,
                        contact_media: list[ContactDetails] | None = None,
                        identifications: list[IdentificationDetails] | None = None,
                        **details: Any) -> Party:
    """Create an organisation. ``details`` are ``ORGANIZATION_FIELDS``; name or trading name is needed."""
    if not (details.get("name") or details.get("trading_name")):
        raise ValidationError("an organization needs tradingName or name", field="tradingName")
    details.setdefault("name", None)
    details["name"] = details["name"] or details.get("trading_name")
    return _create(session, clock, "organization", details, contact_media, identifications, default_region)


def get_party(session: Session, party_id: int | str, kind: str | None = None) -> Party:
    """The party with this id (and kind, when given), or ``NotFound``."""
    ident = row_id(party_id)
    party = None if ident is None else session.get(Party, ident)
    if party is None or (kind is not None and party.kind != kind):
        raise NotFound(f"{kind or 'party'} {party_id} not found")
    return party


def find_party(session: Session, party_id: int | str, kind: str | None = None) -> Party | None:
    try:
        return get_party(session, party_id, kind)
    except NotFound:
        return None


def update_party(session: Session, clock: Clock, party: Party, *, default_region: str,
                 contact_media: list[ContactDetails] | None = None,
                 identifications: list[IdentificationDetails] | None = None,
                 **changes: Any) -> Party:
    """Apply changes; ``None`` clears a field. Lists, when given, replace the current ones."""
    _check_fields(party.kind, changes)
    if "status" in changes and changes["status"] is None:
        raise ValidationError("status cannot be cleared", field="status")
    for name, value in changes.items():
        setattr(party, name, value)
    if party.kind == "organization" and not (party.name or party.trading_name):
        raise ValidationError("an organization needs tradingName or name", field="name")
    if party.kind == "organization" and not party.name:
        party.name = party.trading_name
    if party.kind == "individual" and not any(
            (party.given_name, party.family_name, party.full_name, party.formatted_name)):
        raise ValidationError("an individual needs a name", field="givenName")
    if contact_media is not None:
        replace_contact_media(session, clock, owner=party, media=contact_media, default_region=default_region)
    if identifications is not None:
        replace_identifications(session, clock, party=party, documents=identifications)
    party.updated_at = clock.now()
    session.flush()
    return party


def delete_party(session: Session, party: Party) -> None:
    """Delete a party that no customer engages; its contacts and documents go with it."""
    engaged = session.scalar(sa.select(sa.func.count()).select_from(Customer).where(Customer.party_id == party.id))
    if engaged:
        raise Conflict(f"party {party.id} is the engaged party of {engaged} customer(s); delete those first")
    session.delete(party)
    session.flush()
