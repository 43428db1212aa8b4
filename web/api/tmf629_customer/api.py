"""The Customer Management (TMF629) API, and references to its customers."""
from __future__ import annotations

from core.db import db
from crm.models import Customer
from web.api.tmf.api import TmfApi

API = TmfApi(
    "customerManagement",
    title="Customer Management (TMF629)",
    spec_file="TMF629-CustomerManagement-v4.0.0.swagger.json",
)


def customer_ref(customer_id: int) -> dict:
    """The TMF ``RelatedParty`` for a customer, as billing and ordering resources show it."""
    found = db.session.get(Customer, customer_id)
    return API.reference("customer", customer_id, "Customer", name=found.name if found else None, role="customer")
