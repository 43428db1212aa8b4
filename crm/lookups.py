"""Who is writing to us? Find the customer behind an inbound sender on any channel.

A sender matches a contact medium held on the customer itself or on its engaged party.
When several customers share a number (a family, a company's lines), a live customer wins
over a suspended one and a suspended over a closed one, then the oldest; callers that must
disambiguate use ``customers_by_msisdn``.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.errors import ValidationError
from crm.contacts import clean_email, clean_telegram_id
from crm.models import ContactMedium, Customer

_STATUS_RANK = sa.case((Customer.status == "Closed", 2), (Customer.status == "Suspended", 1), else_=0)


def _customers_matching(session: Session, condition: sa.ColumnElement[bool]) -> list[Customer]:
    media = sa.select(ContactMedium.customer_id, ContactMedium.party_id).where(condition).subquery()
    stmt = (sa.select(Customer)
            .where(sa.or_(Customer.id.in_(sa.select(media.c.customer_id).where(media.c.customer_id.is_not(None))),
                          Customer.party_id.in_(sa.select(media.c.party_id).where(media.c.party_id.is_not(None)))))
            .order_by(_STATUS_RANK, Customer.id))
    return list(session.scalars(stmt))


def customers_by_msisdn(session: Session, e164: str) -> list[Customer]:
    """Every customer reachable on this E.164 number, best match first."""
    if not isinstance(e164, str) or not e164.startswith("+"):
        raise ValidationError(f"expected an E.164 number, got {e164!r}", field="msisdn")
    return _customers_matching(session, ContactMedium.phone_number == e164)


def find_customer_by_msisdn(session: Session, e164: str) -> Customer | None:
    """The customer behind an E.164 number (normalise with ``core.msisdn`` first)."""
    found = customers_by_msisdn(session, e164)
    return found[0] if found else None


def find_customer_by_email(session: Session, email: str) -> Customer | None:
    """The customer behind an e-mail address (compared lower-cased)."""
    try:
        address = clean_email(email)
    except ValidationError:
        return None
    found = _customers_matching(session, ContactMedium.email_address == address)
    return found[0] if found else None


def find_customer_by_telegram_id(session: Session, tid: int | str) -> Customer | None:
    """The customer behind a Telegram user id (as the Bot API's ``from.id``) or ``@username``."""
    try:
        ident = clean_telegram_id(tid)
    except ValidationError:
        return None
    found = _customers_matching(session, sa.and_(ContactMedium.medium_type == "telegram",
                                                 ContactMedium.social_network_id == ident))
    return found[0] if found else None
