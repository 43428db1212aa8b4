"""The TMF632 resources: ``individual`` and ``organization``, both views on ``crm`` parties."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core.db import db
from crm import parties
from crm.models import Party
from web.api.tmf.filters import by_text
from web.api.tmf.resource import Resource, model_resource
from web.api.tmf632_party.api import API
from web.api.tmf632_party.mapping import (
    INDIVIDUAL_STRINGS,
    ORGANIZATION_STRINGS,
    contact_media_from,
    identifications_from,
    individual_changes,
    individual_json,
    organization_changes,
    organization_json,
)
from web.context import clock, settings


def _create(kind: str):
    def create(body: dict) -> Party:
        details = individual_changes(body) if kind == "individual" else organization_changes(body)
        create_party = parties.create_individual if kind == "individual" else parties.create_organization
        return create_party(db.session, clock(), default_region=settings().default_region,
                            contact_media=contact_media_from(body),
                            identifications=identifications_from(body, f"{kind}Identification"),
                            **{k: v for k, v in details.items() if v is not None})

    return create


def _update(kind: str):
    def update(party: Party, body: dict) -> Party:
        changes = individual_changes(body) if kind == "individual" else organization_changes(body)
        return parties.update_party(db.session, clock(), party, default_region=settings().default_region,
                                    contact_media=contact_media_from(body),
                                    identifications=identifications_from(body, f"{kind}Identification"),
                                    **changes)

    return update


def _delete(party: Party) -> None:
    parties.delete_party(db.session, party)


def _resource(kind: str) -> Resource:
    individual = kind == "individual"
    columns = INDIVIDUAL_STRINGS if individual else ORGANIZATION_STRINGS
    filters = {name: by_text(getattr(Party, column)) for name, (column, _size) in columns.items()}
    filters["status"] = by_text(Party.status)
    return model_resource(
        Party,
        name=kind,
        type_name="Individual" if individual else "Organization",
        query=lambda: sa.select(Party).where(Party.kind == kind).order_by(Party.id)
        .options(selectinload(Party.contact_media), selectinload(Party.identifications)),
        find=lambda ident: parties.find_party(db.session, ident, kind),
        to_tmf=individual_json if individual else organization_json,
        create=_create(kind),
        update=_update(kind),
        delete=_delete,
        filters=filters,
        description=f"TMF632 {kind}: a {'person' if individual else 'company or institution'} the operator "
                    "deals with, with contact media and identity documents.",
    )


API.add(_resource("individual"))
API.add(_resource("organization"))
