"""The Product Ordering (TMF622) API."""
from __future__ import annotations

from web.api.tmf.api import TmfApi

API = TmfApi(
    "productOrderingManagement",
    title="Product Ordering (TMF622)",
    spec_file="TMF622-ProductOrdering-v4.0.0.swagger.json",
)
