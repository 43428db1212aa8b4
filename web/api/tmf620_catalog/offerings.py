"""TMF620 ``productOffering``: JSON <-> ``catalog.offerings``.

The telecom terms travel as extension attributes beside the TMF ones, and come back as sent::

    {"name": "Smart 500", "lifecycleStatus": "Launched", "isSellable": true, "isBundle": false,
     "validFor": {"startDateTime": "2026-01-01T00:00:00Z"},
     "productSpecification": {"id": "3"},          # ours, or another catalog's reference, kept as sent
     "category": [{"id": "1"}], "bundledProductOffering": [{"id": "7"}],
     "productOfferingPrice": [                      # refs to existing prices, or inline values
        {"id": "12"},
        {"name": "Monthly fee", "priceType": "recurring", "recurringChargePeriodType": "month",
         "price": {"unit": "KES", "value": 500}}],
     "code": "PRE-SMART-500",                       # extensions from here on
     "kind": "plan",                                # plan | bundle | addon
     "paymentType": "prepaid",                      # prepaid | postpaid | any
     "allowance": {"voiceMinutes": 500, "sms": 100, "dataMB": 2048, "scope": "national"},
     "validityDays": 30}

Responses render prices as references carrying their values (``id``, ``href``, ``name``,
``priceType``, ``price``, ...) and ``version`` is the number of the current terms version.
Prices, allowance and validity are the offering's versioned terms: changing them on an
offering that has been in market opens a new version; the previous one stays for what was sold.
"""
from __future__ import annotations

from typing import Any

from catalog import offerings as offering_service
from catalog import prices as price_service
from catalog.models import Category, ProductOffering, ProductOfferingPrice, ProductOfferingVersion
from catalog.specifications import get_specification
from catalog.versions import Allowances, open_version
from core.clock import isoformat_z
from core.db import db
from core.errors import ValidationError
from web.api.tmf.payload import at, get_bool, get_int, get_obj, get_objects, get_str, ref_id
from web.api.tmf.render import compact, period
from web.api.tmf620_catalog.api import local_id, local_ids, ref
from web.api.tmf620_catalog.lifecycle import named_changes, period_changes
from web.api.tmf620_catalog.prices import price_values, terms_kwargs
from web.context import clock, events

_REFERENCE_KEYS = ("id", "href", "name", "version", "@referredType", "@type")


def to_tmf(offering: ProductOffering) -> dict[str, Any]:
    version = open_version(db.session, offering)
    out: dict[str, Any] = {
        "@type": "ProductOffering",
        "name": offering.name,
        "description": offering.description,
        "version": str(version.version),
        "lastUpdate": isoformat_z(offering.last_update),
        "lifecycleStatus": offering.lifecycle_status,
        "statusReason": offering.status_reason,
        "isBundle": offering.is_bundle,
        "isSellable": offering.is_sellable,
        "validFor": period(offering.valid_from, offering.valid_to),
    }
    # TMF's ProductSpecificationRef is an object: an offering without one leaves it out, never null.
    out["productSpecification"] = _specification_json(offering)
    out = compact(out)
    out["category"] = [ref("category", c, "Category") for c in offering.categories]
    out["bundledProductOffering"] = [ref("productOffering", b, "ProductOffering", lifecycleStatus=b.lifecycle_status)
                                     for b in offering.bundled]
    out["productOfferingPrice"] = [_price_ref(p) for p in version.prices]
    out.update(code=offering.code, kind=offering.kind, paymentType=offering.payment_type)
    allowance = _allowance_json(version)
    if allowance:
        out["allowance"] = allowance
    if version.validity_days is not None:
        out["validityDays"] = version.validity_days
    return out


def _specification_json(offering: ProductOffering) -> dict[str, Any] | None:
    spec = offering.specification
    if spec is not None:
        return ref("productSpecification", spec, "ProductSpecification", version=spec.version)
    return offering.external_specification


def _price_ref(price: ProductOfferingPrice) -> dict[str, Any]:
    return {**ref("productOfferingPrice", price, "ProductOfferingPrice"), **price_values(price)}


def _allowance_json(version: ProductOfferingVersion) -> dict[str, Any]:
    return compact({"voiceMinutes": version.voice_minutes, "sms": version.sms_count,
                           "dataMB": version.data_mb, "scope": version.allowance_scope})


def _allowances(body: dict, current: dict[str, Any] | None = None) -> Allowances | None:
    """The ``allowance`` object; on PATCH merged into ``current`` (``null`` removes a key)."""
    allowance = get_obj(body, "allowance")
    if allowance is None:
        return None
    if current is not None:
        allowance = {k: v for k, v in {**current, **allowance}.items() if v is not None}
    return Allowances(voice_minutes=get_int(allowance, "voiceMinutes", minimum=0),
                      sms_count=get_int(allowance, "sms", minimum=0),
                      data_mb=get_int(allowance, "dataMB", minimum=0),
                      scope=get_str(allowance, "scope", max_length=40))


def _prices(body: dict) -> list[ProductOfferingPrice | price_service.PriceTerms]:
    """Each entry: a reference to an existing price, or the values of a price to create.
    A reference sent back with changed values means a new price with those values."""
    wanted: list[ProductOfferingPrice | price_service.PriceTerms] = []
    for index, entry in enumerate(get_objects(body, "productOfferingPrice")):
        field = f"productOfferingPrice[{index}]"
        existing = None
        if entry.get("id") is not None or entry.get("href") is not None:
            existing = price_service.get_price(db.session, local_id(entry, field, ProductOfferingPrice))
            if existing is None:
                raise ValidationError("refers to no known productOfferingPrice", field=field)
            current = price_values(existing)
            entry = {**entry, **{key: {**current.get(key, {}), **entry[key]} for key in ("price", "unitOfMeasure")
                                 if isinstance(entry.get(key), dict)}}
        terms = terms_kwargs(entry, partial=True)
        if existing is not None:
            merged = {k: getattr(existing, k) for k in price_service.COMMERCIAL} | terms
            candidate = price_service.PriceTerms(name=get_str(entry, "name", column=ProductOfferingPrice.name)
                                                 or existing.name,
                                                 description=existing.description, **merged)
            wanted.append(existing if price_service.same_terms(existing, candidate) else candidate)
            continue
        name = get_str(entry, "name", column=ProductOfferingPrice.name) or \
            f"{body.get('name') or 'Offering'} {terms.get('price_type', 'price')}"[:200]
        wanted.append(price_service.PriceTerms(name=name, description=get_str(entry, "description"), **terms))
    return wanted


def _specification(body: dict, changes: dict[str, Any]) -> None:
    if "productSpecification" not in body:
        return
    reference = get_obj(body, "productSpecification")
    changes["specification_id"], changes["external_specification"] = None, None
    if reference is None:
        return
    ident = ref_id(reference, "productSpecification") if reference.get("id") or reference.get("href") else ""
    local = get_specification(db.session, ident)
    if local is not None:
        changes["specification_id"] = local.id
    elif ident or reference.get("href"):
        with at("productSpecification"):
            changes["external_specification"] = {k: get_str(reference, k, max_length=500) for k in _REFERENCE_KEYS
                                                 if reference.get(k) is not None}
    else:
        raise ValidationError("reference needs an id or href", field="productSpecification")


def _kwargs(body: dict, offering: ProductOffering | None = None) -> dict[str, Any]:
    """Service keyword arguments from a POST body, or from a PATCH body of ``offering``."""
    out = named_changes(body, ProductOffering, (("description", "description"), ("code", "code"),
                                                ("statusReason", "status_reason"),
                                                ("lifecycleStatus", "lifecycle_status")), partial=offering is not None)
    for key, attribute in (("kind", "kind"), ("paymentType", "payment_type")):
        if key in body and body[key] is not None:
            out[attribute] = get_str(body, key, column=getattr(ProductOffering, attribute))
    for key, attribute in (("isBundle", "is_bundle"), ("isSellable", "is_sellable")):
        if key in body and body[key] is not None:
            out[attribute] = get_bool(body, key)
    period_changes(body, out)
    _specification(body, out)
    if "category" in body:
        out["category_ids"] = local_ids(get_objects(body, "category"), "category", Category)
    if "bundledProductOffering" in body:
        out["bundled_offering_ids"] = local_ids(get_objects(body, "bundledProductOffering"),
                                                "bundledProductOffering", ProductOffering)
    if "productOfferingPrice" in body:
        out["prices"] = _prices(body)
    if "allowance" in body:
        current = _allowance_json(open_version(db.session, offering)) if offering is not None else None
        out["allowances"] = _allowances(body, current)
    if "validityDays" in body:
        out["validity_days"] = get_int(body, "validityDays", minimum=1)
    return out


def load(ident: int) -> ProductOffering | None:
    return offering_service.get_offering(db.session, ident)


def create(body: dict) -> ProductOffering:
    kwargs = _kwargs(body)
    for name in ("kind", "payment_type", "code"):
        if kwargs.get(name) is None:
            kwargs.pop(name, None)
    return offering_service.create_offering(db.session, clock(), **kwargs)


def update(offering: ProductOffering, body: dict) -> ProductOffering:
    return offering_service.update_offering(db.session, clock(), offering, events=events(),
                                            **_kwargs(body, offering))


def delete(offering: ProductOffering) -> None:
    offering_service.delete_offering(db.session, offering)
