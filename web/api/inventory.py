"""Product Inventory (TMF637) API."""
from __future__ import annotations

from web.api.tmf import TmfApi

API = TmfApi(
    "productInventory",
    title="Product Inventory (TMF637)",
    spec_file="TMF637-ProductInventory-v4.0.0.swagger.json",
)
