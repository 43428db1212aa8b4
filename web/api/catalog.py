"""Product Catalog Management (TMF620) API."""
from __future__ import annotations

from web.api.tmf import TmfApi

API = TmfApi(
    "productCatalogManagement",
    title="Product Catalog Management (TMF620)",
    spec_file="TMF620-ProductCatalog-v4.0.0.swagger.json",
)
