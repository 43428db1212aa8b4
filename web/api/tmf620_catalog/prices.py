"""TMF620 ``productOfferingPrice``: JSON <-> ``catalog.prices``.

Shape (TMF ProductOfferingPrice)::

    {"name": "Smart 500 monthly fee", "priceType": "recurring",   # recurring | oneTime | usage
     "recurringChargePeriodType": "month", "recurringChargePeriodLength": 1,
     "price": {"unit": "KES", "value": 500},                      # Money; value exact, never float
     "unitOfMeasure": {"amount": 60, "units": "sec"},             # usage prices: per how much
     "lifecycleStatus": "Active", "isBundle": false, "validFor": {...}}

A price that belongs to an offering already in market keeps its commercial terms: PATCH of
``price``/``priceType``/period/unit answers 409; change the offering's prices instead.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalog import prices as price_service
from catalog.models import ProductOfferingPrice
from core.clock import isoformat_z
from core.db import db
from core.errors import ValidationError
from core.money import minor_units, to_decimal
from web.api.tmf.payload import at, get_bool, get_int, get_obj, get_str
from web.api.tmf.render import compact, period
from web.api.tmf620_catalog.lifecycle import named_changes, period_changes
from web.context import clock


def amount_json(amount: Decimal | None, currency: str | None, price_type: str) -> Decimal | None:
    """The amount with the currency's places (more only where a usage rate has them)."""
    if amount is None:
        return None
    places = minor_units(currency) if currency else 2
    rounded = amount.quantize(Decimal(1).scaleb(-places))
    if rounded == amount:
        return rounded
    return amount.normalize() if price_type == "usage" else amount


def price_values(price: ProductOfferingPrice) -> dict[str, Any]:
    """The commercial attributes of a price, as embedded in offerings too."""
    out: dict[str, Any] = {"priceType": price.price_type}
    if price.price_type == "recurring":
        out["recurringChargePeriodType"] = price.recurring_period
        out["recurringChargePeriodLength"] = price.recurring_period_length
    if price.amount is not None or price.currency is not None:
        out["price"] = compact({"unit": price.currency,
                                       "value": amount_json(price.amount, price.currency, price.price_type)})
    if price.unit_of_measure is not None or price.unit_quantity is not None:
        out["unitOfMeasure"] = compact({"amount": _plain(price.unit_quantity), "units": price.unit_of_measure})
    return out


def _plain(number: Decimal | None) -> Decimal | None:
    if number is None:
        return None
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def to_tmf(price: ProductOfferingPrice) -> dict[str, Any]:
    out = {
        "@type": "ProductOfferingPrice",
        "name": price.name,
        "description": price.description,
        "version": price.version,
        "lastUpdate": isoformat_z(price.last_update),
        "lifecycleStatus": price.lifecycle_status,
        "isBundle": price.is_bundle,
        "validFor": period(price.valid_from, price.valid_to),
        **price_values(price),
    }
    if price.is_bundle:
        out["bundledPopRelationship"] = []
    return compact(out)


def terms_kwargs(body: dict, *, partial: bool) -> dict[str, Any]:
    """The commercial attributes of a price body, as ``catalog.prices`` keyword arguments."""
    out: dict[str, Any] = {}
    if not partial or "priceType" in body:
        out["price_type"] = get_str(body, "priceType", default="recurring", column=ProductOfferingPrice.price_type)
    if "recurringChargePeriodType" in body:
        out["recurring_period"] = get_str(body, "recurringChargePeriodType",
                                          column=ProductOfferingPrice.recurring_period)
    if "recurringChargePeriodLength" in body:
        out["recurring_period_length"] = get_int(body, "recurringChargePeriodLength", minimum=1)
    if "price" in body:
        money = get_obj(body, "price") or {}
        out["amount"] = None if money.get("value") is None else to_decimal(money["value"], field="price.value")
        with at("price"):
            currency = get_str(money, "unit", column=ProductOfferingPrice.currency)
        out["currency"] = currency
        if out["amount"] is not None and currency is None:
            raise ValidationError("a price value needs its currency", field="price.unit")
    if "unitOfMeasure" in body:
        quantity = get_obj(body, "unitOfMeasure") or {}
        amount = quantity.get("amount")
        out["unit_quantity"] = None if amount is None else to_decimal(amount, field="unitOfMeasure.amount")
        with at("unitOfMeasure"):
            units = get_str(quantity, "units", column=ProductOfferingPrice.unit_of_measure)
        out["unit_of_measure"] = units
    return out


def _kwargs(body: dict, *, partial: bool) -> dict[str, Any]:
    out = terms_kwargs(body, partial=partial)
    out.update(named_changes(body, ProductOfferingPrice, (("description", "description"),
                                                          ("lifecycleStatus", "lifecycle_status"),
                                                          ("version", "version")), partial=partial))
    if "isBundle" in body:
        out["is_bundle"] = get_bool(body, "isBundle", default=False)
    period_changes(body, out)
    return out


def load(ident: int) -> ProductOfferingPrice | None:
    return price_service.get_price(db.session, ident)


def create(body: dict) -> ProductOfferingPrice:
    return price_service.create_price(db.session, clock(), **_kwargs(body, partial=False))


def update(price: ProductOfferingPrice, body: dict) -> ProductOfferingPrice:
    # Merge-patch: {"price": {"value": 9}} keeps the currency the price already has.
    current = price_values(price)
    merged = dict(body)
    for key in ("price", "unitOfMeasure"):
        if isinstance(body.get(key), dict):
            merged[key] = {**current.get(key, {}), **body[key]}
    return price_service.update_price(db.session, clock(), price, **_kwargs(merged, partial=True))


def delete(price: ProductOfferingPrice) -> None:
    price_service.delete_price(db.session, price)
