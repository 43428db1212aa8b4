"""Product offering prices (TMF ProductOfferingPrice): recurring, one-time and usage charges.

A price may stand alone (defined before any offering uses it) or belong to offering versions.
Once a version it belongs to is in market, its commercial terms (amount, currency, type,
period, unit) are history: changing them means giving the offering a new version with a new
price (``catalog.offerings.new_version``), never editing this row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from catalog import lifecycle
from catalog.models import CHARGE_PERIODS, PRICE_TYPES, ProductOfferingPrice
from catalog.references import external_references
from catalog.validation import MAX_INT, as_id, check_keys, check_period, one_of, require_name
from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError
from core.money import minor_units, to_decimal

COMMERCIAL = frozenset({"price_type", "amount", "currency", "recurring_period", "recurring_period_length",
                        "unit_of_measure", "unit_quantity"})
EDITABLE = COMMERCIAL | {"name", "description", "lifecycle_status", "is_bundle", "valid_from", "valid_to",
                         "version"}
# Usage rates go below the currency's minor unit (0.0125 per second); ExactDecimal keeps six places.
USAGE_PLACES = 6
# ExactDecimal(20, 6) holds 14 integer digits.
MAX_AMOUNT = Decimal(10) ** 14
_PERIOD_WORDS = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annually": "year"}


@dataclass(frozen=True)
class PriceTerms:
    """A price to create, as offering services receive it."""

    name: str
    price_type: str = "recurring"
    amount: Decimal | str | int | None = None
    currency: str | None = None
    recurring_period: str | None = None
    recurring_period_length: int | None = None
    unit_of_measure: str | None = None
    unit_quantity: Decimal | str | int | None = None
    description: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def get_price(session: Session, price_id: int | str) -> ProductOfferingPrice | None:
    ident = as_id(price_id)
    return None if ident is None else session.get(ProductOfferingPrice, ident)


def require_price(session: Session, price_id: int | str) -> ProductOfferingPrice:
    price = get_price(session, price_id)
    if price is None:
        raise NotFound(f"product offering price {price_id} not found", field="productOfferingPrice")
    return price


def create_price(session: Session, clock: Clock, *, name: str, price_type: str = "recurring",
                 amount: Any = None, currency: str | None = None, recurring_period: str | None = None,
                 recurring_period_length: int | None = None, unit_of_measure: str | None = None,
                 unit_quantity: Any = None, description: str | None = None,
                 lifecycle_status: str | None = None, is_bundle: bool = False,
                 valid_from: dt.datetime | None = None, valid_to: dt.datetime | None = None,
                 version: str | None = None) -> ProductOfferingPrice:
    """A new price. A recurring price with no period is monthly; an amount needs a currency."""
    check_period(valid_from, valid_to)
    price = ProductOfferingPrice(
        name=require_name(name), description=description, is_bundle=bool(is_bundle),
        lifecycle_status=lifecycle.checked_status(lifecycle_status), valid_from=valid_from, valid_to=valid_to,
        version=version or "1.0", last_update=clock.now())
    _apply_terms(price, {"price_type": price_type, "amount": amount, "currency": currency,
                         "recurring_period": recurring_period, "recurring_period_length": recurring_period_length,
                         "unit_of_measure": unit_of_measure, "unit_quantity": unit_quantity})
    session.add(price)
    session.flush()
    return price


def create_from_terms(session: Session, clock: Clock, terms: PriceTerms,
                      lifecycle_status: str | None = None) -> ProductOfferingPrice:
    return create_price(session, clock, lifecycle_status=lifecycle_status, **terms.as_kwargs())


def is_frozen(price: ProductOfferingPrice) -> bool:
    """Whether some offering version in market uses this price."""
    return any(version.offering.is_frozen for version in price.versions)


def update_price(session: Session, clock: Clock, price: ProductOfferingPrice, **changes: Any) -> ProductOfferingPrice:
    """Change a price; commercial terms of a price already sold are refused (Conflict)."""
    check_keys(changes, EDITABLE, "ProductOfferingPrice")
    terms = {k: v for k, v in changes.items() if k in COMMERCIAL}
    if terms and is_frozen(price):
        current = {k: getattr(price, k) for k in terms}
        if _normalised(terms, price) != current:
            raise Conflict("this price belongs to an offering in market; change the offering's prices to "
                           "create a new version instead", code="price_in_market")
    if "name" in changes:
        price.name = require_name(changes["name"])
    if "description" in changes:
        price.description = changes["description"]
    if "is_bundle" in changes:
        price.is_bundle = bool(changes["is_bundle"])
    if changes.get("version"):
        price.version = str(changes["version"])
    if "lifecycle_status" in changes and changes["lifecycle_status"] is not None:
        price.lifecycle_status = lifecycle.check_transition(price.lifecycle_status, changes["lifecycle_status"])
    price.valid_from = changes.get("valid_from", price.valid_from)
    price.valid_to = changes.get("valid_to", price.valid_to)
    check_period(price.valid_from, price.valid_to)
    if terms:
        merged = {k: getattr(price, k) for k in COMMERCIAL}
        merged.update(terms)
        _apply_terms(price, merged)
    price.last_update = clock.now()
    session.flush()
    return price


def delete_price(session: Session, price: ProductOfferingPrice) -> None:
    """Delete a price no offering in market uses; unlaunched offerings simply lose it."""
    if is_frozen(price):
        raise Conflict("this price belongs to an offering in market and cannot be deleted", code="price_in_market")
    users = external_references(session, ProductOfferingPrice.__tablename__, [price.id])
    if users:
        raise Conflict(f"this price is referenced by {', '.join(users)}", code="referenced")
    price.versions.clear()
    session.delete(price)
    session.flush()


def same_terms(price: ProductOfferingPrice, terms: PriceTerms) -> bool:
    """Whether ``terms`` describes ``price`` exactly (so a new version can share the row)."""
    wanted = _normalised(terms.as_kwargs(), price)
    return price.name == terms.name and all(getattr(price, k) == v for k, v in wanted.items()
                                            if k in COMMERCIAL)


def _normalised(terms: dict[str, Any], price: ProductOfferingPrice) -> dict[str, Any]:
    probe = ProductOfferingPrice()
    merged = {k: getattr(price, k) for k in COMMERCIAL}
    merged.update({k: v for k, v in terms.items() if k in COMMERCIAL})
    _apply_terms(probe, merged)
    return {k: getattr(probe, k) for k in terms if k in COMMERCIAL}


def _apply_terms(price: ProductOfferingPrice, terms: dict[str, Any]) -> None:
    price_type = one_of(terms.get("price_type") or "recurring", PRICE_TYPES, "priceType")
    currency, amount = terms.get("currency"), terms.get("amount")
    if currency is not None:
        currency = str(currency).strip().upper()
        minor_units(currency)  # refuses unknown currencies
    if amount is not None:
        amount = to_decimal(amount, field="price.value")
        if not 0 <= amount < MAX_AMOUNT:
            raise ValidationError(f"must be from 0 to below {MAX_AMOUNT}", field="price.value")
        if currency is None:
            raise ValidationError("a price amount needs its currency (price.unit)", field="price.unit")
        places = USAGE_PLACES if price_type == "usage" else minor_units(currency)
        if -amount.as_tuple().exponent > places and amount != amount.quantize(Decimal(1).scaleb(-places)):
            raise ValidationError(f"has more than {places} decimal places for {currency}", field="price.value")
    period, length = terms.get("recurring_period"), terms.get("recurring_period_length")
    if price_type == "recurring":
        word = (period or "month").strip().lower()
        period = one_of(_PERIOD_WORDS.get(word, word), CHARGE_PERIODS, "recurringChargePeriodType")
        if length is not None and (isinstance(length, bool) or not isinstance(length, int)
                                   or not 1 <= length <= MAX_INT):
            raise ValidationError("must be a whole number of at least 1", field="recurringChargePeriodLength")
        length = length or 1
    else:
        period, length = None, None
    quantity = terms.get("unit_quantity")
    if quantity is not None:
        quantity = to_decimal(quantity, field="unitOfMeasure.amount")
        if not 0 < quantity < MAX_AMOUNT:
            raise ValidationError("must be positive", field="unitOfMeasure.amount")
    unit = terms.get("unit_of_measure")
    price.price_type, price.amount, price.currency = price_type, amount, currency
    price.recurring_period, price.recurring_period_length = period, length
    price.unit_of_measure = unit.strip() if isinstance(unit, str) and unit.strip() else None
    price.unit_quantity = quantity
