"""The Product Inventory (TMF637) API, and references to its products (subscriptions)."""
from __future__ import annotations

from typing import Any

from web.api.tmf.api import TmfApi

API = TmfApi(
    "productInventory",
    title="Product Inventory (TMF637)",
    spec_file="TMF637-ProductInventory-v4.0.0.swagger.json",
)


def product_ref(subscription_id: int, **attributes: Any) -> dict[str, Any]:
    """A reference to a line (a subscription), with ``attributes`` such as its ``name``."""
    return API.reference("product", subscription_id, "Product", **attributes)
