"""Contact media: how a party or customer is reached, normalised so channels can find them.

Phone numbers are stored in E.164, e-mail addresses lower-cased and Telegram user ids as
their digits; those three are what ``crm.lookups`` matches inbound senders against.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import ValidationError
from core.msisdn import normalise
from crm.models import ContactMedium, Customer, Party

PHONE_TYPES = ("mobile", "phone", "telephone", "landline", "sms", "whatsapp")
# Spellings clients send, mapped to the one we store.
MEDIUM_TYPES = {
    "mobile": "mobile", "phone": "phone", "telephone": "phone", "landline": "phone",
    "email": "email", "e-mail": "email", "telegram": "telegram", "fax": "fax",
    "postaladdress": "postalAddress", "postal": "postalAddress", "address": "postalAddress",
    "whatsapp": "whatsapp", "sms": "mobile",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TELEGRAM_ID = re.compile(r"^-?\d{1,20}$")
_TELEGRAM_USERNAME = re.compile(r"^@?[A-Za-z][A-Za-z0-9_]{4,31}$")


@dataclass
class ContactDetails:
    """What a caller says about one contact medium, before normalisation."""

    medium_type: str
    preferred: bool = False
    contact_type: str | None = None
    phone_number: str | None = None
    fax_number: str | None = None
    email_address: str | None = None
    social_network_id: str | None = None
    street1: str | None = None
    street2: str | None = None
    city: str | None = None
    state_or_province: str | None = None
    post_code: str | None = None
    country: str | None = None
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None


def clean_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if not _EMAIL.match(email):
        raise ValidationError(f"not an e-mail address: {raw!r}", field="emailAddress")
    return email


def clean_telegram_id(raw: str | int) -> str:
    """A Telegram user id (digits, what the Bot API sends) or an ``@username``."""
    text = str(raw).strip()
    if _TELEGRAM_ID.match(text):
        return str(int(text))
    if _TELEGRAM_USERNAME.match(text):
        return "@" + text.lstrip("@").lower()
    raise ValidationError(f"not a Telegram user id or @username: {raw!r}", field="socialNetworkId")


def normalised(details: ContactDetails, default_region: str) -> ContactDetails:
    """A copy of ``details`` in stored form, or ``ValidationError`` saying what is wrong."""
    values = {f.name: getattr(details, f.name) for f in fields(details)}
    kind = (details.medium_type or "").strip()
    if not kind:
        raise ValidationError("mediumType is required", field="mediumType")
    kind = MEDIUM_TYPES.get(kind.lower(), kind)
    values["medium_type"] = kind
    for name in ("phone_number", "fax_number"):
        if values[name]:
            values[name] = normalise(values[name], default_region)
    if values["email_address"]:
        values["email_address"] = clean_email(values["email_address"])
    if values["social_network_id"] and kind == "telegram":
        values["social_network_id"] = clean_telegram_id(values["social_network_id"])
    if values["country"] and len(values["country"].strip()) == 2:
        values["country"] = values["country"].strip().upper()
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        raise ValidationError("validFor ends before it starts", field="validFor")

    required = {"email": "email_address", "telegram": "social_network_id", "fax": "fax_number"}
    if kind in PHONE_TYPES and not values["phone_number"]:
        raise ValidationError(f"a {kind} contact needs a phoneNumber", field="phoneNumber")
    if kind in required and not values[required[kind]]:
        attribute = {"email_address": "emailAddress", "social_network_id": "socialNetworkId",
                     "fax_number": "faxNumber"}[required[kind]]
        raise ValidationError(f"a {kind} contact needs {attribute}", field=attribute)
    if kind == "postalAddress" and not any(values[k] for k in ("street1", "city", "post_code", "country")):
        raise ValidationError("a postal address needs at least street1, city, postCode or country",
                              field="characteristic")
    return ContactDetails(**values)


def _owner_media(owner: Party | Customer) -> list[ContactMedium]:
    if not isinstance(owner, (Party, Customer)):
        raise TypeError(f"contact media belong to a Party or Customer, not {type(owner).__name__}")
    return owner.contact_media


def add_contact_medium(session: Session, clock: Clock, *, owner: Party | Customer, details: ContactDetails,
                       default_region: str) -> ContactMedium:
    """Attach one normalised contact medium to a party or a customer."""
    clean = normalised(details, default_region)
    medium = ContactMedium(**{f.name: getattr(clean, f.name) for f in fields(clean)})
    _owner_media(owner).append(medium)
    owner.updated_at = clock.now()
    session.flush()
    return medium


def replace_contact_media(session: Session, clock: Clock, *, owner: Party | Customer,
                          media: list[ContactDetails], default_region: str) -> list[ContactMedium]:
    """Replace all contact media of ``owner`` (TMF PATCH replaces arrays whole).

    Everything is validated before anything is removed, so a bad entry changes nothing.
    """
    clean = [normalised(details, default_region) for details in media]
    current = _owner_media(owner)
    current.clear()
    session.flush()
    for details in clean:
        current.append(ContactMedium(**{f.name: getattr(details, f.name) for f in fields(details)}))
    owner.updated_at = clock.now()
    session.flush()
    return list(current)


def preferred_medium(owner: Party | Customer, medium_type: str) -> ContactMedium | None:
    """The preferred medium of a type, else the first one of that type."""
    matching = [m for m in _owner_media(owner) if m.medium_type == medium_type]
    return next((m for m in matching if m.preferred), matching[0] if matching else None)
