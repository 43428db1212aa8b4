"""Events from lower layers become messages on the customer's preferred channel.

The handlers run inside the publisher's transaction, so they only queue the message (an
outbound interaction in ``queued``); it is sent by ``OutboundRegistry.dispatch`` once that
transaction has committed, so a rolled-back order never texts the customer.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.models import BillingAccount, Subscription
from core.clock import Clock
from core.events import Event, EventBus
from core.money import Money
from crm.conversations.outbound import OutboundRegistry
from crm.i18n.catalogs import language_or_default, translate
from crm.i18n.formats import Formats
from crm.models import ContactMedium, Customer

log = logging.getLogger(__name__)

TEXT_CHANNELS = ("sms",)  # channels that can carry a notification to an MSISDN

# Rating raises these events inside a prepaid call's debit, so the recipient is read in one
# statement of plain columns: the customer's channel and language and the mobile number
# ``crm.contacts.preferred_medium`` would pick (the customer's own media first, then its
# party's; the preferred one, else the first).
_C, _M = Customer.__table__.c, ContactMedium.__table__
_MOBILE = (sa.select(_M.c.phone_number)
           .where(_M.c.medium_type == "mobile", sa.or_(_M.c.customer_id == _C.id, _M.c.party_id == _C.party_id))
           .order_by(_M.c.customer_id.is_(None), sa.not_(_M.c.preferred), _M.c.id)
           .limit(1).scalar_subquery())
_RECIPIENT = sa.select(_C.id, _C.preferred_channel, _C.preferred_language, _MOBILE)
_BY_CUSTOMER = _RECIPIENT.where(_C.id == sa.bindparam("customer_id"))
_S, _A = Subscription.__table__.c, BillingAccount.__table__.c
_BY_LINE = (sa.select(_S.msisdn, _A.customer_id)
            .select_from(Subscription.__table__.join(BillingAccount.__table__, _A.id == _S.billing_account_id))
            .where(_S.id == sa.bindparam("subscription_id")))


class Notifier:
    """``region`` and ``timezone`` are the operator's: with the customer's language they decide
    how amounts and times read (a value given as a function of ``Formats`` is rendered so)."""

    def __init__(self, session: Callable[[], Session], clock: Callable[[], Clock], registry: OutboundRegistry, *,
                 region: str = "KE", timezone: str = "Africa/Nairobi"):
        self._session, self._clock, self.registry = session, clock, registry
        self.region, self.timezone = region, timezone

    def subscribe(self, events: EventBus) -> None:
        for name, handler in (("order.completed", self.order_completed),
                              ("bucket.threshold_crossed", self.bucket_threshold),
                              ("bucket.expiring", self.bucket_expiring),
                              ("balance.low", self.balance_low),
                              ("voucher.redeemed", self.voucher_redeemed)):
            events.subscribe(name, self._safely(handler))

    @staticmethod
    def _safely(handler):
        # A message we fail to queue must not undo the order or the rating that announced it.
        def run(event: Event) -> None:
            try:
                handler(event)
            except Exception:
                log.exception("could not queue a message for %s", event.name)
        return run

    # -- handlers --------------------------------------------------------------------------

    def order_completed(self, event: Event) -> None:
        if event.payload.get("channel") in ("ussd", "sms"):
            return  # the customer was told in the same session
        msisdn = next((item.get("msisdn") for item in event.payload.get("items", []) if item.get("msisdn")), None)
        self._notify(event.payload.get("customer_id"), msisdn, "notify.order_completed",
                     order=event.payload.get("order_id"))

    def bucket_threshold(self, event: Event) -> None:
        customer_id, msisdn = self._line_owner(event)
        self._notify(customer_id, msisdn, "notify.bucket_threshold",
                     percent=event.payload.get("percent", event.payload.get("threshold", "")),
                     service=event.payload.get("service", ""))

    def bucket_expiring(self, event: Event) -> None:
        customer_id, msisdn = self._line_owner(event)
        valid_to = event.payload.get("valid_to")
        if valid_to is None:
            return
        hours = max(1, math.ceil((valid_to - self._clock().now()).total_seconds() / 3600))
        self._notify(customer_id, msisdn, "notify.bucket_expiring", count=hours,
                     service=event.payload.get("service", ""), expiry=lambda fmt: fmt.day_month_time(valid_to))

    def balance_low(self, event: Event) -> None:
        # Rating names the account, not a line: the customer's preferred mobile number is told.
        balance = Money(Decimal(event.payload["balance"]), event.payload["currency"])
        self._notify(event.payload.get("customer_id"), None, "notify.balance_low",
                     balance=lambda fmt: fmt.money(balance))

    def _line_owner(self, event: Event) -> tuple[int | None, str | None]:
        """(customer id, MSISDN) of the line an event names; billing's events carry only the line."""
        msisdn, customer_id = event.payload.get("msisdn"), event.payload.get("customer_id")
        if event.payload.get("subscription_id") and (msisdn is None or customer_id is None):
            row = self._session().execute(_BY_LINE, {"subscription_id": event.payload["subscription_id"]}).first()
            if row is not None:
                msisdn, customer_id = msisdn or row[0], customer_id if customer_id is not None else row[1]
        return customer_id, msisdn

    def voucher_redeemed(self, event: Event) -> None:
        # Top-ups made over USSD/SMS are confirmed in the session; one made by an agent is not.
        msisdn = event.payload.get("msisdn")
        if msisdn is not None:
            return
        amount = Money(Decimal(event.payload["amount"]), event.payload["currency"])
        self._notify(event.payload.get("customer_id"), None, "notify.voucher_redeemed",
                     amount=lambda fmt: fmt.money(amount))

    # -- the one path --------------------------------------------------------------------

    def _notify(self, customer_id: int | None, msisdn: str | None, key: str, **values) -> None:
        session = self._session()
        found = session.execute(_BY_CUSTOMER, {"customer_id": customer_id}).first() if customer_id else None
        preferred_channel, language, mobile = found[1:] if found is not None else (None, None, None)
        channel = preferred_channel if preferred_channel in TEXT_CHANNELS else "sms"
        msisdn = msisdn or mobile
        if msisdn is None:
            log.info("no number to tell customer %s about %s", customer_id, key)
            return
        language = language_or_default(language)
        fmt = Formats(language, self.region, self.timezone)
        text = translate(language, key, **{name: value(fmt) if callable(value) else value
                                           for name, value in values.items()})
        self.registry.enqueue(session, self._clock(), channel=channel, address=msisdn, text=text,
                              customer_id=customer_id if found is not None else None)
