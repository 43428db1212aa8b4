"""Unit buckets: granting a plan's allowance or a bundle's units to a line, and reading them.

Consumption belongs to rating (``billing.rating``), which locks the buckets it draws from.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.models import BUCKET_SERVICES, BUCKET_UNITS, Bucket, Subscription
from catalog.models import ProductOfferingVersion
from core.clock import Clock
from core.errors import Conflict, ValidationError
from core.events import EventBus

SECONDS_PER_MINUTE = 60
BYTES_PER_MB = 1024 * 1024
SOURCES = ("plan", "bundle", "adjustment", "promotion")


def grant_bucket(session: Session, clock: Clock, events: EventBus, *, subscription: Subscription, service: str,
                 amount: int, source: str, valid_from: dt.datetime | None = None,
                 valid_to: dt.datetime | None = None, scope: str | None = None, priority: int = 100,
                 offering_version_id: int | None = None, reference: str | None = None) -> Bucket:
    """Give ``amount`` base units (seconds, messages, bytes) of ``service`` to a line."""
    if service not in BUCKET_SERVICES:
        raise ValidationError(f"service must be one of {', '.join(BUCKET_SERVICES)}", field="service")
    if source not in SOURCES:
        raise ValidationError(f"source must be one of {', '.join(SOURCES)}", field="source")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError("a bucket needs a positive whole number of units", field="amount")
    if subscription.status == "terminated":
        raise Conflict(f"line {subscription.msisdn} is terminated; no units can be added")
    now = clock.now()
    start = valid_from or now
    if valid_to is not None and valid_to <= start:
        raise ValidationError("a bucket must end after it starts", field="valid_to")
    bucket = Bucket(subscription_id=subscription.id, service=service, unit=BUCKET_UNITS[service], initial=amount,
                    remaining=amount, scope=scope, priority=priority, valid_from=start, valid_to=valid_to,
                    offering_version_id=offering_version_id, source=source, reference=reference,
                    status="active", created_at=now, updated_at=now)
    session.add(bucket)
    session.flush()
    events.publish("bucket.granted", bucket_id=bucket.id, subscription_id=subscription.id,
                   msisdn=subscription.msisdn, service=service, amount=amount, valid_to=valid_to,
                   source=source, reference=reference)
    return bucket


def grant_allowances(session: Session, clock: Clock, events: EventBus, *, subscription: Subscription,
                     version: ProductOfferingVersion, source: str, valid_from: dt.datetime | None = None,
                     reference: str | None = None, priority: int = 100) -> list[Bucket]:
    """One bucket per allowance of an offering version (minutes, SMS, MB), valid for its
    ``validity_days`` from ``valid_from``; an offering without allowances grants nothing."""
    start = valid_from or clock.now()
    end = start + dt.timedelta(days=version.validity_days) if version.validity_days else None
    wanted = (("voice", version.voice_minutes, SECONDS_PER_MINUTE), ("sms", version.sms_count, 1),
              ("data", version.data_mb, BYTES_PER_MB))
    return [grant_bucket(session, clock, events, subscription=subscription, service=service,
                         amount=quantity * factor, source=source, valid_from=start, valid_to=end,
                         scope=version.allowance_scope, priority=priority, offering_version_id=version.id,
                         reference=reference)
            for service, quantity, factor in wanted if quantity]


def live_buckets(session: Session, subscription_id: int, at: dt.datetime, service: str | None = None
                 ) -> list[Bucket]:
    """Buckets a line can draw from at ``at``, in consumption order: scoped before unscoped,
    then the earliest expiry, then priority."""
    stmt = sa.select(Bucket).where(
        Bucket.subscription_id == subscription_id, Bucket.status == "active", Bucket.remaining > 0,
        Bucket.valid_from <= at, sa.or_(Bucket.valid_to.is_(None), Bucket.valid_to > at))
    if service is not None:
        stmt = stmt.where(Bucket.service == service)
    buckets = list(session.scalars(stmt))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(buckets, key=lambda b: (b.scope is None, b.valid_to or far, b.priority, b.id))


def revoke_bucket(session: Session, clock: Clock, bucket: Bucket) -> Bucket:
    """Take a bucket out of use (an order rolled back, a bundle refunded); its history stays."""
    bucket.status = "revoked"
    bucket.updated_at = clock.now()
    session.flush()
    return bucket
