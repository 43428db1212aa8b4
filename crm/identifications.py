"""Identity documents of parties (national id, passport, company registration, ...)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import Conflict, ValidationError
from crm.models import Identification, Party

# Spellings clients send, mapped to the one we store; other types are kept as sent.
TYPES = {
    "nationalid": "nationalId", "national_id": "nationalId", "id": "nationalId", "idcard": "nationalId",
    "passport": "passport", "drivinglicence": "drivingLicence", "drivinglicense": "drivingLicence",
    "driving_licence": "drivingLicence", "companyregistration": "companyRegistration",
    "registration": "companyRegistration", "taxid": "taxId",
}
# Documents that identify exactly one party: a second party with the same one is a KYC problem.
UNIQUE_TYPES = ("nationalId", "passport", "companyRegistration", "taxId")


@dataclass
class IdentificationDetails:
    identification_type: str
    number: str
    issuing_authority: str | None = None
    issuing_country: str | None = None
    issued_at: dt.datetime | None = None
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None


def _clean(details: IdentificationDetails) -> IdentificationDetails:
    kind = (details.identification_type or "").strip()
    number = (details.number or "").strip()
    if not kind:
        raise ValidationError("identificationType is required", field="identificationType")
    if not number:
        raise ValidationError("identificationId is required", field="identificationId")
    country = (details.issuing_country or "").strip().upper() or None
    if country is not None and len(country) != 2:
        raise ValidationError("issuingCountry must be an ISO 3166 alpha-2 code", field="issuingCountry")
    if details.valid_from and details.valid_to and details.valid_to < details.valid_from:
        raise ValidationError("validFor ends before it starts", field="validFor")
    # Document numbers are compared without spaces and case, as they are read off cards.
    number = "".join(number.split()).upper()
    return IdentificationDetails(TYPES.get(kind.lower(), kind), number, details.issuing_authority, country,
                                 details.issued_at, details.valid_from, details.valid_to)


def _check_unique(session: Session, party: Party, details: IdentificationDetails) -> None:
    if details.identification_type not in UNIQUE_TYPES:
        return
    stmt = sa.select(Identification.party_id).where(
        Identification.identification_type == details.identification_type,
        Identification.number == details.number,
        Identification.party_id != party.id)
    if details.issuing_country:
        stmt = stmt.where(sa.or_(Identification.issuing_country.is_(None),
                                 Identification.issuing_country == details.issuing_country))
    other = session.scalar(stmt.limit(1))
    if other is not None:
        raise Conflict(f"{details.identification_type} {details.number} already belongs to party {other}",
                       field="identificationId")


def add_identification(session: Session, clock: Clock, *, party: Party,
                       details: IdentificationDetails) -> Identification:
    """Record an identity document; the same national id or passport on two parties is a Conflict."""
    clean = _clean(details)
    _check_unique(session, party, clean)
    document = Identification(identification_type=clean.identification_type, number=clean.number,
                              issuing_authority=clean.issuing_authority, issuing_country=clean.issuing_country,
                              issued_at=clean.issued_at, valid_from=clean.valid_from, valid_to=clean.valid_to)
    party.identifications.append(document)
    if clean.identification_type == "companyRegistration" and party.kind == "organization":
        party.registration_number = clean.number
    party.updated_at = clock.now()
    session.flush()
    return document


def replace_identifications(session: Session, clock: Clock, *, party: Party,
                            documents: list[IdentificationDetails]) -> list[Identification]:
    """Replace all documents of ``party``; all are validated before any is removed."""
    clean = [_clean(d) for d in documents]
    for document in clean:
        _check_unique(session, party, document)
    party.identifications.clear()
    session.flush()
    return [add_identification(session, clock, party=party, details=d) for d in clean]
