"""Offering versions: the commercial terms (prices, allowances, validity) over time.

Every offering has exactly one open version (``effective_to`` is None). Before launch, terms
are edited on that version; after launch, a change closes it at the moment of the change and
opens the next, so subscriptions referencing an older version keep their exact terms.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog import prices as price_service
from catalog.models import ProductOffering, ProductOfferingPrice, ProductOfferingVersion
from catalog.validation import MAX_INT, non_negative_int
from core.clock import Clock
from core.errors import ValidationError
from core.events import EventBus

UNCHANGED: Any = object()

PriceInput = ProductOfferingPrice | price_service.PriceTerms


@dataclass(frozen=True)
class Allowances:
    """What a plan or bundle gives: minutes, SMS and megabytes (None = not part of it)."""

    voice_minutes: int | None = None
    sms_count: int | None = None
    data_mb: int | None = None
    scope: str | None = None  # where they apply, e.g. "national", "onnet"; None = anywhere

    def __post_init__(self):
        non_negative_int(self.voice_minutes, "allowance.voiceMinutes")
        non_negative_int(self.sms_count, "allowance.sms")
        non_negative_int(self.data_mb, "allowance.dataMB")

    @classmethod
    def of(cls, version: ProductOfferingVersion) -> Allowances:
        return cls(version.voice_minutes, version.sms_count, version.data_mb, version.allowance_scope)

    @property
    def is_empty(self) -> bool:
        return self.voice_minutes is None and self.sms_count is None and self.data_mb is None


def current_version(session: Session, offering: ProductOffering,
                    at: dt.datetime | None = None) -> ProductOfferingVersion | None:
    """The version in effect at ``at``; without ``at``, the open (latest) version."""
    stmt = sa.select(ProductOfferingVersion).where(ProductOfferingVersion.offering_id == offering.id)
    if at is None:
        stmt = stmt.where(ProductOfferingVersion.effective_to.is_(None))
    else:
        stmt = stmt.where(ProductOfferingVersion.effective_from <= at,
                          sa.or_(ProductOfferingVersion.effective_to.is_(None),
                                 ProductOfferingVersion.effective_to > at))
    return session.scalar(stmt.order_by(ProductOfferingVersion.version.desc()).limit(1))


def open_version(session: Session, offering: ProductOffering) -> ProductOfferingVersion:
    version = current_version(session, offering)
    if version is None:  # only a damaged database gets here; the services always keep one open
        raise ValidationError(f"offering {offering.id} has no open version", code="no_version")
    return version


def add_first_version(session: Session, clock: Clock, offering: ProductOffering, *,
                      prices: Sequence[PriceInput] = (), allowances: Allowances | None = None,
                      validity_days: int | None = None,
                      effective_from: dt.datetime | None = None) -> ProductOfferingVersion:
    version = ProductOfferingVersion(offering=offering, version=1, effective_from=effective_from or clock.now(),
                                     created_at=clock.now())
    session.add(version)
    _set_terms(session, clock, offering, version, prices, allowances or Allowances(), validity_days, base=None)
    session.flush()
    return version


def new_version(session: Session, clock: Clock, offering: ProductOffering, *,
                prices: Sequence[PriceInput] | Any = UNCHANGED, allowances: Allowances | Any = UNCHANGED,
                validity_days: int | Any | None = UNCHANGED,
                events: EventBus | None = None) -> ProductOfferingVersion:
    """Close the open version now and open the next, copying whatever is ``UNCHANGED``.

    Prices given as ``PriceTerms`` equal to one of the previous version's prices share that
    row; others become new price rows. The previous version and its prices are not touched.
    Publishes ``catalog.offering_version_created`` on ``events`` when given.
    """
    # Two changes racing on one offering would both number their version N+1; the row lock
    # makes the second wait and see the first (SQLite serialises writers anyway).
    session.execute(sa.select(ProductOffering.id).where(ProductOffering.id == offering.id).with_for_update())
    previous = open_version(session, offering)
    now = clock.now()
    # A version dated in the future that never took effect is closed where it began.
    previous.effective_to = max(now, previous.effective_from)
    version = ProductOfferingVersion(offering=offering, version=previous.version + 1,
                                     effective_from=previous.effective_to, created_at=now)
    session.add(version)
    _set_terms(session, clock, offering, version,
               list(previous.prices) if prices is UNCHANGED else prices,
               Allowances.of(previous) if allowances is UNCHANGED else (allowances or Allowances()),
               previous.validity_days if validity_days is UNCHANGED else validity_days,
               base=previous)
    offering.last_update = now
    session.flush()
    if events is not None:
        events.publish("catalog.offering_version_created", offering_id=offering.id, code=offering.code,
                       version_id=version.id, version=version.version, previous_version_id=previous.id,
                       effective_from=version.effective_from)
    return version


def change_terms(session: Session, clock: Clock, offering: ProductOffering, *,
                 prices: Sequence[PriceInput] | Any = UNCHANGED, allowances: Allowances | Any = UNCHANGED,
                 validity_days: int | Any | None = UNCHANGED,
                 events: EventBus | None = None) -> ProductOfferingVersion:
    """Apply new terms: in place before launch, as a new version after; no-op if nothing differs."""
    version = open_version(session, offering)
    if not _differs(version, prices, allowances, validity_days):
        return version
    if offering.is_frozen:
        return new_version(session, clock, offering, prices=prices, allowances=allowances,
                           validity_days=validity_days, events=events)
    _set_terms(session, clock, offering, version,
               list(version.prices) if prices is UNCHANGED else prices,
               Allowances.of(version) if allowances is UNCHANGED else (allowances or Allowances()),
               version.validity_days if validity_days is UNCHANGED else validity_days,
               base=version)
    offering.last_update = clock.now()
    session.flush()
    return version


def _differs(version: ProductOfferingVersion, prices: Any, allowances: Any, validity_days: Any) -> bool:
    if validity_days is not UNCHANGED and validity_days != version.validity_days:
        return True
    if allowances is not UNCHANGED and (allowances or Allowances()) != Allowances.of(version):
        return True
    if prices is UNCHANGED:
        return False
    unmatched = list(version.prices)
    for wanted in prices:
        match = next((p for p in unmatched if (p is wanted if isinstance(wanted, ProductOfferingPrice)
                                               else price_service.same_terms(p, wanted))), None)
        if match is None:
            return True
        unmatched.remove(match)
    return bool(unmatched)


def _set_terms(session: Session, clock: Clock, offering: ProductOffering, version: ProductOfferingVersion,
               prices: Sequence[PriceInput], allowances: Allowances, validity_days: int | None,
               base: ProductOfferingVersion | None) -> None:
    if validity_days is not None and (isinstance(validity_days, bool) or not isinstance(validity_days, int)
                                      or not 1 <= validity_days <= MAX_INT):
        raise ValidationError("must be a whole number of days, at least 1", field="validityDays")
    rows: list[ProductOfferingPrice] = []
    for item in prices:
        if isinstance(item, ProductOfferingPrice):
            row = item
        else:
            reusable = [p for p in (base.prices if base else []) if price_service.same_terms(p, item)]
            row = reusable[0] if reusable else price_service.create_from_terms(
                session, clock, item, lifecycle_status=offering.lifecycle_status)
        if row not in rows:
            rows.append(row)
    version.prices = rows
    version.voice_minutes, version.sms_count = allowances.voice_minutes, allowances.sms_count
    version.data_mb, version.allowance_scope = allowances.data_mb, allowances.scope
    version.validity_days = validity_days
