"""Events from lower layers become messages on the customer's preferred channel.

The handlers run inside the publisher's transaction, so they only queue the message (an
outbound interaction in ``queued``); it is sent by ``OutboundRegistry.dispatch`` once that
transaction has committed, so a rolled-back order never texts the customer.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy.orm import Session

from billing.models import BillingAccount, Subscription
from core.clock import Clock
from core.events import Event, EventBus
from core.money import Money
from crm.contacts import preferred_medium
from crm.conversations.i18n import language_or_default, translate
from crm.conversations.outbound import OutboundRegistry
from crm.models import Customer

log = logging.getLogger(__name__)

TEXT_CHANNELS = ("sms",)  # channels that can carry a notification to an MSISDN


class Notifier:
    def __init__(self, session: Callable[[], Session], clock: Callable[[], Clock], registry: OutboundRegistry):
        self._session, self._clock, self.registry = session, clock, registry

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
        self._notify(customer_id, msisdn, "notify.bucket_expiring", service=event.payload.get("service", ""),
                     expiry=f"{valid_to:%d/%m %H:%M} UTC" if valid_to else "")

    def balance_low(self, event: Event) -> None:
        # Rating names the account, not a line: the customer's preferred mobile number is told.
        balance = Money(Decimal(event.payload["balance"]), event.payload["currency"]).format()
        self._notify(event.payload.get("customer_id"), None, "notify.balance_low", balance=balance)

    def _line_owner(self, event: Event) -> tuple[int | None, str | None]:
        """(customer id, MSISDN) of the line an event names; billing's events carry only the line."""
        line = None
        if event.payload.get("subscription_id"):
            line = self._session().get(Subscription, event.payload["subscription_id"])
        msisdn = event.payload.get("msisdn") or (line.msisdn if line else None)
        customer_id = event.payload.get("customer_id")
        if customer_id is None and line is not None:
            account = self._session().get(BillingAccount, line.billing_account_id)
            customer_id = account.customer_id if account else None
        return customer_id, msisdn

    def voucher_redeemed(self, event: Event) -> None:
        # Top-ups made over USSD/SMS are confirmed in the session; one made by an agent is not.
        msisdn = event.payload.get("msisdn")
        if msisdn is not None:
            return
        amount = Money(Decimal(event.payload["amount"]), event.payload["currency"]).format()
        self._notify(event.payload.get("customer_id"), None, "notify.voucher_redeemed", amount=amount)

    # -- the one path --------------------------------------------------------------------

    def _notify(self, customer_id: int | None, msisdn: str | None, key: str, **values) -> None:
        session = self._session()
        customer = session.get(Customer, customer_id) if customer_id else None
        channel = (customer.preferred_channel if customer and customer.preferred_channel in TEXT_CHANNELS
                   else "sms")
        if msisdn is None and customer is not None:
            medium = preferred_medium(customer, "mobile") or (
                preferred_medium(customer.party, "mobile") if customer.party else None)
            msisdn = medium.phone_number if medium else None
        if msisdn is None:
            log.info("no number to tell customer %s about %s", customer_id, key)
            return
        text = translate(language_or_default(customer.preferred_language if customer else None), key, **values)
        self.registry.queue(session, self._clock(), channel=channel, address=msisdn, text=text,
                            customer_id=customer_id)
