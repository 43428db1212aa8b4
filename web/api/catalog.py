"""Product Catalog Management (TMF620) API: catalog, category, productOffering,
productOfferingPrice and productSpecification, each mapped in its ``catalog_*`` module."""
from __future__ import annotations

from web.api import catalog_categories, catalog_offerings, catalog_prices, catalog_specifications
from web.api.tmf import TmfApi

API = TmfApi(
    "productCatalogManagement",
    title="Product Catalog Management (TMF620)",
    spec_file="TMF620-ProductCatalog-v4.0.0.swagger.json",
)

API.add(catalog_categories.CATALOG)
API.add(catalog_categories.CATEGORY)
API.add(catalog_offerings.RESOURCE)
API.add(catalog_prices.RESOURCE)
API.add(catalog_specifications.RESOURCE)
