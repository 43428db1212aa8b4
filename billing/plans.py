"""Which catalog offerings may be sold as a line's plan, and on which terms."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from catalog.lifecycle import IN_MARKET
from catalog.models import ProductOffering, ProductOfferingVersion
from catalog.versions import current_version
from core.errors import Conflict, ValidationError


def sellable_plan(session: Session, offering_id: int, payment_type: str, *, at: dt.datetime
                  ) -> tuple[ProductOffering, ProductOfferingVersion]:
    """The offering and its version in effect if it can be sold as a plan on an account of
    ``payment_type`` at ``at``; otherwise ValidationError (wrong thing) or Conflict (not now)."""
    offering = session.get(ProductOffering, offering_id)
    if offering is None:
        raise ValidationError(f"there is no product offering {offering_id}", field="product_offering")
    if offering.kind != "plan":
        raise ValidationError(f"product offering {offering.code} is a {offering.kind}, not a plan",
                              field="product_offering")
    if offering.payment_type not in ("any", payment_type):
        raise ValidationError(f"product offering {offering.code} is a {offering.payment_type} plan and cannot be "
                              f"sold on a {payment_type} account", field="product_offering")
    if not offering.is_sellable:
        raise Conflict(f"product offering {offering.code} is not sellable", field="product_offering")
    if offering.lifecycle_status not in IN_MARKET:
        raise Conflict(f"product offering {offering.code} is {offering.lifecycle_status}, not in market",
                       field="product_offering")
    if (offering.valid_from and offering.valid_from > at) or (offering.valid_to and offering.valid_to <= at):
        raise Conflict(f"product offering {offering.code} is not on sale at {at.isoformat()}",
                       field="product_offering")
    version = current_version(session, offering, at)
    if version is None:
        raise Conflict(f"product offering {offering.code} has no terms in effect at {at.isoformat()}",
                       field="product_offering")
    return offering, version
