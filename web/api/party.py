"""Party Management (TMF632) API: ``individual`` and ``organization``, both views on ``party``."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core.db import db
from crm import parties
from crm.models import Party
from web.api.filters import by_id, by_text
from web.api.party_mapping import (
    contact_media_from,
    contact_medium_json,
    date_as_datetime,
    get_date,
    identification_json,
    identifications_from,
)
from web.api.payload import get_bool, get_objects, get_period, get_str
from web.api.render import drop_empty, period
from web.api.tmf import Resource, TmfApi
from web.context import clock, settings

API = TmfApi(
    "party",
    title="Party Management (TMF632)",
    spec_file="TMF632-PartyManagement-v4.0.0.swagger.json",
)

# TMF attribute -> Party column, for plain strings.
INDIVIDUAL_STRINGS = {
    "givenName": ("given_name", 100), "middleName": ("middle_name", 100), "familyName": ("family_name", 100),
    "fullName": ("full_name", 200), "formattedName": ("formatted_name", 200), "title": ("title", 30),
    "gender": ("gender", 20), "nationality": ("nationality", 60), "maritalStatus": ("marital_status", 30),
}
ORGANIZATION_STRINGS = {
    "name": ("name", 200), "tradingName": ("trading_name", 200), "organizationType": ("organization_type", 60),
    "registrationNumber": ("registration_number", 60),
}


def _strings(body: dict, mapping: dict[str, tuple[str, int]]) -> dict[str, Any]:
    return {column: get_str(body, name, max_length=size) for name, (column, size) in mapping.items() if name in body}


def _favourite_language(body: dict) -> str | None:
    abilities = get_objects(body, "languageAbility")
    chosen = next((a for a in abilities if a.get("isFavouriteLanguage") is True), abilities[0] if abilities else None)
    return None if chosen is None else get_str(chosen, "languageCode", max_length=10)


def _individual_changes(body: dict) -> dict[str, Any]:
    changes = _strings(body, INDIVIDUAL_STRINGS)
    if "birthDate" in body:
        changes["birth_date"] = get_date(body, "birthDate")
    if "status" in body:
        changes["status"] = get_str(body, "status", choices=parties.STATUSES["individual"])
    if "languageAbility" in body:
        changes["preferred_language"] = _favourite_language(body)
    return changes


def _organization_changes(body: dict) -> dict[str, Any]:
    changes = _strings(body, ORGANIZATION_STRINGS)
    for name, column in (("isLegalEntity", "is_legal_entity"), ("isHeadOffice", "is_head_office")):
        if name in body:
            changes[column] = get_bool(body, name)
    if "existsDuring" in body:
        changes["valid_from"], changes["valid_to"] = get_period(body, "existsDuring")
    if "status" in body:
        changes["status"] = get_str(body, "status", choices=parties.STATUSES["organization"])
    return changes


def _create(kind: str):
    def create(body: dict) -> Party:
        details = _individual_changes(body) if kind == "individual" else _organization_changes(body)
        create_party = parties.create_individual if kind == "individual" else parties.create_organization
        return create_party(db.session, clock(), default_region=settings().default_region,
                            contact_media=contact_media_from(body),
                            identifications=identifications_from(body, f"{kind}Identification"),
                            **{k: v for k, v in details.items() if v is not None})

    return create


def _update(kind: str):
    def update(party: Party, body: dict) -> Party:
        changes = _individual_changes(body) if kind == "individual" else _organization_changes(body)
        return parties.update_party(db.session, clock(), party, default_region=settings().default_region,
                                    contact_media=contact_media_from(body),
                                    identifications=identifications_from(body, f"{kind}Identification"),
                                    **changes)

    return update


def _delete(party: Party) -> None:
    parties.delete_party(db.session, party)


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


def _resource(kind: str) -> Resource:
    individual = kind == "individual"
    columns = INDIVIDUAL_STRINGS if individual else ORGANIZATION_STRINGS
    filters = {name: by_text(getattr(Party, column)) for name, (column, _size) in columns.items()}
    filters.update({"id": by_id(Party.id), "status": by_text(Party.status)})
    return Resource(
        name=kind,
        type_name="Individual" if individual else "Organization",
        query=lambda: sa.select(Party).where(Party.kind == kind).order_by(Party.id)
        .options(selectinload(Party.contact_media), selectinload(Party.identifications)),
        load=lambda ident: parties.find_party(db.session, ident, kind),
        to_tmf=individual_json if individual else organization_json,
        create=_create(kind),
        update=_update(kind),
        delete=_delete,
        filters=filters,
        description=f"TMF632 {kind}: a {'person' if individual else 'company or institution'} the operator "
                    "deals with, with contact media and identity documents.",
    )


INDIVIDUAL = API.add(_resource("individual"))
ORGANIZATION = API.add(_resource("organization"))


def party_href(party: Party) -> str:
    """Where the TMF632 API serves this party (for references from other APIs)."""
    return API.href(party.kind, str(party.id))
