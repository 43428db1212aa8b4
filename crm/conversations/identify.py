"""Who is on the other end: the line, account and customer behind a sender address.

The dialogs mostly need a few facts (ids, prepaid or not, currency, language), read as plain
columns in the same statement that finds the session's conversation; the ORM entities load
on first use, for the dialogs that change them (a language choice, a consent, a purchase).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.models import BillingAccount, Subscription
from crm.conversations.messages import Inbound
from crm.conversations.models import Conversation
from crm.conversations.state import READ_COLUMNS, ConversationRecord, latest_of_session
from crm.lookups import find_customer_by_msisdn
from crm.models import Customer

# Plain table columns, not mapped attributes: the statements stay Core, with no ORM compile
# step on each execution.
_LINE, _ACCOUNT, _CUSTOMER, _CONVERSATION = (Subscription.__table__.c, BillingAccount.__table__.c,
                                             Customer.__table__.c, Conversation.__table__.c)
_LINE_FACTS = (_LINE.id, _LINE.status, _ACCOUNT.id, _ACCOUNT.payment_type, _ACCOUNT.currency, _CUSTOMER.id,
               _CUSTOMER.preferred_language)
_OWNER = (Subscription.__table__
          .join(BillingAccount.__table__, _ACCOUNT.id == _LINE.billing_account_id)
          .join(Customer.__table__, _CUSTOMER.id == _ACCOUNT.customer_id))
_THE_LINE = sa.and_(_LINE.msisdn == sa.bindparam("msisdn"), _LINE.status != "terminated")
_LINE_OWNER = sa.select(*_LINE_FACTS).select_from(_OWNER).where(_THE_LINE).limit(1)

# A USSD hop needs both the caller and the session's newest conversation: one round trip for
# both when the number holds a line (the line owner, outer-joined to the session's conversations).
_LINE_OWNER_AND_SESSION = (
    sa.select(*_LINE_FACTS, *READ_COLUMNS)
    .select_from(_OWNER.outerjoin(Conversation.__table__, sa.and_(
        _CONVERSATION.channel == sa.bindparam("channel"), _CONVERSATION.session_ref == sa.bindparam("session_ref"))))
    .where(_THE_LINE)
    .order_by(_CONVERSATION.id.desc())
    .limit(1))


@dataclass
class Caller:
    """The sender, and the line, account and customer behind it when there are any.

    ``customer``, ``subscription`` and ``account`` are the ORM entities, loaded on first use.
    """

    address: str
    session: Session | None = field(default=None, repr=False)
    customer_id: int | None = None
    preferred_language: str | None = None
    subscription_id: int | None = None
    line_status: str | None = None
    account_id: int | None = None
    payment_type: str | None = None
    currency: str | None = None
    _loaded: dict = field(default_factory=dict, repr=False)

    @classmethod
    def of_line(cls, session: Session, address: str, facts) -> Caller:
        subscription_id, line_status, account_id, payment_type, currency, customer_id, language = facts
        return cls(address, session, customer_id=customer_id, preferred_language=language,
                   subscription_id=subscription_id, line_status=line_status, account_id=account_id,
                   payment_type=payment_type, currency=currency)

    @classmethod
    def of_customer(cls, session: Session, address: str, customer: Customer | None) -> Caller:
        caller = cls(address, session)
        if customer is not None:
            caller.customer_id, caller.preferred_language = customer.id, customer.preferred_language
            caller._loaded["customer"] = customer
        return caller

    def _entity(self, name: str, model, ident: int | None):
        if ident is None:
            return None
        if name not in self._loaded:
            self._loaded[name] = self.session.get(model, ident)
        return self._loaded[name]

    @property
    def customer(self) -> Customer | None:
        return self._entity("customer", Customer, self.customer_id)

    @property
    def subscription(self) -> Subscription | None:
        return self._entity("subscription", Subscription, self.subscription_id)

    @property
    def account(self) -> BillingAccount | None:
        return self._entity("account", BillingAccount, self.account_id)

    @property
    def known(self) -> bool:
        return self.customer_id is not None

    @property
    def has_line(self) -> bool:
        return self.subscription_id is not None and self.line_status == "active" and self.account_id is not None

    @property
    def prepaid(self) -> bool:
        return self.payment_type == "prepaid"


def identify_msisdn(session: Session, e164: str) -> Caller:
    """The line holding ``e164`` and its customer; else a customer with that contact number; else
    nobody (an unknown number still gets a polite answer and a way to a human)."""
    # One round trip for the line, its account and customer: this runs on every USSD hop, so the
    # statement is built once (``_LINE_OWNER``) and only its parameter changes.
    row = session.execute(_LINE_OWNER, {"msisdn": e164}).first()
    if row is not None:
        return Caller.of_line(session, e164, row)
    return Caller.of_customer(session, e164, find_customer_by_msisdn(session, e164))


def identify_in_session(session: Session, inbound: Inbound) -> tuple[Caller, ConversationRecord | None]:
    """The caller (as ``identify_msisdn``) and the newest conversation of the inbound's channel
    session whatever its status (as ``state.latest_of_session``), in one statement for a line."""
    row = session.execute(_LINE_OWNER_AND_SESSION, {"msisdn": inbound.sender, "channel": inbound.channel,
                                                    "session_ref": inbound.session_id}).first()
    if row is not None:
        facts, conversation = row[:len(_LINE_FACTS)], row[len(_LINE_FACTS):]
        found = ConversationRecord.from_row(conversation, inbound) if conversation[0] is not None else None
        return Caller.of_line(session, inbound.sender, facts), found
    # No line on this number (rare: an unknown caller or a contact number): the two reads apart.
    return (Caller.of_customer(session, inbound.sender, find_customer_by_msisdn(session, inbound.sender)),
            latest_of_session(session, inbound))
