"""The Account Management (TMF666) API, and references to its billing accounts."""
from __future__ import annotations

from billing.models import BillingAccount
from web.api.tmf.api import TmfApi

API = TmfApi(
    "accountManagement",
    title="Account Management (TMF666)",
    spec_file="TMF666-AccountManagement-v4.0.0.swagger.json",
)


def account_ref(account: BillingAccount) -> dict:
    return API.reference("billingAccount", account.id, "BillingAccount", name=account.name)
