"""The TMF666 resource: ``billingAccount`` over ``billing.accounts``."""
from __future__ import annotations

from billing import accounts as service
from billing.models import BillingAccount
from core.db import db
from web import context
from web.api.auth import caller
from web.api.tmf.filters import by_id, by_text
from web.api.tmf.resource import model_resource
from web.api.tmf666_account.api import API
from web.api.tmf666_account.mapping import account_changes, new_account, to_tmf


def create(body: dict) -> BillingAccount:
    return service.create_account(db.session, context.clock(), context.events(),
                                  default_currency=context.settings().currency, **new_account(body))


def update(account: BillingAccount, body: dict) -> BillingAccount:
    return service.update_account(db.session, context.clock(), context.events(), account, reason=caller(),
                                  **account_changes(account, body))


def delete(account: BillingAccount) -> None:
    service.delete_account(db.session, account)


API.add(model_resource(
    BillingAccount,
    name="billingAccount",
    type_name="BillingAccount",
    to_tmf=to_tmf,
    create=create,
    update=update,
    delete=delete,
    filters={
        "name": by_text(BillingAccount.name),
        "state": by_text(BillingAccount.state),
        "accountType": by_text(BillingAccount.payment_type, str.lower),
        "paymentType": by_text(BillingAccount.payment_type, str.lower),
        "currency": by_text(BillingAccount.currency, str.upper),
        "relatedParty.id": by_id(BillingAccount.customer_id),
    },
    description="Billing accounts: who pays for subscriptions, prepaid or postpaid.",
))
