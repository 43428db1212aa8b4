"""Who is on the other end: the line, account and customer behind a sender address."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, load_only

from billing.models import BillingAccount, Subscription
from crm.conversations.messages import Inbound
from crm.conversations.models import Conversation
from crm.conversations.state import latest_of_session
from crm.lookups import find_customer_by_msisdn
from crm.models import Customer

# The dialogs read only these columns of the customer; the rest loads on first use.
_LINE_OWNER = (
    sa.select(Subscription, BillingAccount, Customer)
    .join(BillingAccount, BillingAccount.id == Subscription.billing_account_id)
    .join(Customer, Customer.id == BillingAccount.customer_id)
    .where(Subscription.msisdn == sa.bindparam("msisdn"), Subscription.status != "terminated")
    .options(load_only(Customer.id, Customer.name, Customer.status, Customer.preferred_language,
                       Customer.preferred_channel))
    .limit(1))

# A USSD hop needs both the caller and the session's newest conversation: one round trip for
# both when the number holds a line (the line owner, outer-joined to the session's conversations).
_LINE_OWNER_AND_SESSION = (
    sa.select(Subscription, BillingAccount, Customer, Conversation)
    .join(BillingAccount, BillingAccount.id == Subscription.billing_account_id)
    .join(Customer, Customer.id == BillingAccount.customer_id)
    .outerjoin(Conversation, sa.and_(Conversation.channel == sa.bindparam("channel"),
                                     Conversation.session_ref == sa.bindparam("session_ref")))
    .where(Subscription.msisdn == sa.bindparam("msisdn"), Subscription.status != "terminated")
    .options(load_only(Customer.id, Customer.name, Customer.status, Customer.preferred_language,
                       Customer.preferred_channel))
    .order_by(Conversation.id.desc())
    .limit(1))


@dataclass
class Caller:
    address: str
    customer: Customer | None = None
    subscription: Subscription | None = None
    account: BillingAccount | None = None

    @property
    def known(self) -> bool:
        return self.customer is not None

    @property
    def has_line(self) -> bool:
        return self.subscription is not None and self.subscription.status == "active"

    @property
    def prepaid(self) -> bool:
        return self.account is not None and self.account.is_prepaid


def identify_msisdn(session: Session, e164: str) -> Caller:
    """The line holding ``e164`` and its customer; else a customer with that contact number; else
    nobody (an unknown number still gets a polite answer and a way to a human)."""
    # One round trip for the line, its account and customer: this runs on every USSD hop, so the
    # statement is built once (``_LINE_OWNER``) and only its parameter changes.
    row = session.execute(_LINE_OWNER, {"msisdn": e164}).first()
    if row is not None:
        subscription, account, customer = row
        return Caller(e164, customer, subscription, account)
    return Caller(e164, find_customer_by_msisdn(session, e164))


def identify_in_session(session: Session, inbound: Inbound) -> tuple[Caller, Conversation | None]:
    """The caller (as ``identify_msisdn``) and the newest conversation of the inbound's channel
    session whatever its status (as ``state.latest_of_session``), in one statement for a line."""
    row = session.execute(_LINE_OWNER_AND_SESSION, {"msisdn": inbound.sender, "channel": inbound.channel,
                                                    "session_ref": inbound.session_id}).first()
    if row is not None:
        subscription, account, customer, conversation = row
        return Caller(inbound.sender, customer, subscription, account), conversation
    # No line on this number (rare: an unknown caller or a contact number): the two reads apart.
    return (Caller(inbound.sender, find_customer_by_msisdn(session, inbound.sender)),
            latest_of_session(session, inbound))
