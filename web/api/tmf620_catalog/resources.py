"""The TMF620 resources: catalog, category, productOffering, productOfferingPrice and
productSpecification, each mapped in its own module."""
from __future__ import annotations

from catalog.models import Catalog, Category, ProductOffering, ProductOfferingPrice, ProductSpecification
from web.api.tmf.filters import by_flag, by_id, by_text
from web.api.tmf.resource import model_resource
from web.api.tmf620_catalog import categories, offerings, prices, specifications
from web.api.tmf620_catalog.api import API
from web.api.tmf620_catalog.lifecycle import lifecycle_filters

API.add(model_resource(
    Catalog,
    name="catalog",
    type_name="Catalog",
    find=categories.load_catalog,
    to_tmf=categories.catalog_json,
    create=categories.create_catalog,
    update=categories.update_catalog,
    delete=categories.delete_catalog,
    filters={
        **lifecycle_filters(Catalog),
        "version": by_text(Catalog.version),
        "catalogType": by_text(Catalog.catalog_type),
    },
    description="Catalogs: named sets of root categories.",
))

API.add(model_resource(
    Category,
    name="category",
    type_name="Category",
    find=categories.load_category,
    to_tmf=categories.category_json,
    create=categories.create_category,
    update=categories.update_category,
    delete=categories.delete_category,
    filters={
        **lifecycle_filters(Category),
        "version": by_text(Category.version),
        "isRoot": by_flag(Category.is_root),
        "parentId": by_id(Category.parent_id),
    },
    description="Categories that group offerings into a tree.",
))

API.add(model_resource(
    ProductOffering,
    name="productOffering",
    type_name="ProductOffering",
    find=offerings.load,
    to_tmf=offerings.to_tmf,
    create=offerings.create,
    update=offerings.update,
    delete=offerings.delete,
    filters={
        **lifecycle_filters(ProductOffering),
        "code": by_text(ProductOffering.code),
        "kind": by_text(ProductOffering.kind),
        "paymentType": by_text(ProductOffering.payment_type),
        "isBundle": by_flag(ProductOffering.is_bundle),
        "isSellable": by_flag(ProductOffering.is_sellable),
    },
    description="Offerings: prepaid and postpaid plans, bundles and add-ons, with versioned terms.",
))

API.add(model_resource(
    ProductOfferingPrice,
    name="productOfferingPrice",
    type_name="ProductOfferingPrice",
    find=prices.load,
    to_tmf=prices.to_tmf,
    create=prices.create,
    update=prices.update,
    delete=prices.delete,
    filters={
        **lifecycle_filters(ProductOfferingPrice),
        "priceType": by_text(ProductOfferingPrice.price_type),
        "isBundle": by_flag(ProductOfferingPrice.is_bundle),
        "price.unit": by_text(ProductOfferingPrice.currency),
    },
    description="Prices (recurring, one-time, usage) that offerings charge.",
))

API.add(model_resource(
    ProductSpecification,
    name="productSpecification",
    type_name="ProductSpecification",
    find=specifications.load,
    to_tmf=specifications.to_tmf,
    create=specifications.create,
    update=specifications.update,
    delete=specifications.delete,
    filters={
        **lifecycle_filters(ProductSpecification),
        "version": by_text(ProductSpecification.version),
        "brand": by_text(ProductSpecification.brand),
        "productNumber": by_text(ProductSpecification.product_number),
        "isBundle": by_flag(ProductSpecification.is_bundle),
    },
    description="What a product is (a mobile line, a SIM), apart from its price.",
))
