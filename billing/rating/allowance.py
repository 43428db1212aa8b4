"""Drawing units from buckets and telling the customer when a bucket runs low.

Consumption order is the one ``billing.buckets.live_buckets`` defines: scoped before
unscoped (most specific first), then the earliest expiry, then priority. A bucket's scope
names zone kinds (``catalog.tariffs.models.SCOPE_KINDS``); an unknown scope matches the zone
kind of the same name.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from billing.models import Bucket
from catalog.tariffs.models import SCOPE_KINDS
from core.clock import Clock
from core.events import EventBus

THRESHOLDS = (80, 100)  # percent of a bucket used that the customer hears about
FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(slots=True)
class BucketState:
    id: int
    subscription_id: int
    service: str
    scope: str | None
    priority: int
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    initial: int
    remaining: int
    start_remaining: int

    @property
    def order(self) -> tuple:
        return (self.scope is None, self.valid_to or FAR, self.priority, self.id)

    def covers(self, at: dt.datetime, zone_kind: str) -> bool:
        if self.remaining <= 0 or self.valid_from > at or (self.valid_to is not None and self.valid_to <= at):
            return False
        return self.scope is None or zone_kind in SCOPE_KINDS.get(self.scope, (self.scope,))


@functools.cache
def _bucket_statement(lock: bool) -> sa.Select:
    # Built once (an expanding IN): the real-time path runs it for every record.
    stmt = (sa.select(Bucket.id, Bucket.subscription_id, Bucket.service, Bucket.scope, Bucket.priority,
                      Bucket.valid_from, Bucket.valid_to, Bucket.initial, Bucket.remaining)
            .where(Bucket.subscription_id.in_(sa.bindparam("ids", expanding=True)), Bucket.status == "active",
                   Bucket.remaining > 0)
            .order_by(Bucket.id))
    return stmt.with_for_update() if lock else stmt


@functools.cache
def bucket_save_statement() -> sa.Update:
    table = Bucket.__table__
    return (sa.update(table).where(table.c.id == sa.bindparam("bucket_id"))
            .values(remaining=sa.bindparam("remaining"), updated_at=sa.bindparam("now")))


def load_bucket_states(session: Session, subscription_ids: list[int], *, lock: bool = True
                       ) -> dict[tuple[int, str], list[BucketState]]:
    """Active buckets with units left, locked (PostgreSQL) unless only read, grouped by
    (line, service) in consumption order."""
    grouped: dict[tuple[int, str], list[BucketState]] = {}
    ids = sorted(set(subscription_ids))
    for start in range(0, len(ids), 5000):
        for row in session.execute(_bucket_statement(lock), {"ids": ids[start:start + 5000]}):
            state = BucketState(*row, start_remaining=row[-1])
            grouped.setdefault((state.subscription_id, state.service), []).append(state)
    for states in grouped.values():
        states.sort(key=lambda b: b.order)
    return grouped


def draw(states: list[BucketState] | None, at: dt.datetime, zone_kind: str, units: int) -> list[list[int]]:
    """Take up to ``units`` from the buckets in order; returns ``[[bucket_id, units], ...]``."""
    taken: list[list[int]] = []
    if not states or units <= 0:
        return taken
    for state in states:
        if units <= 0:
            break
        if not state.covers(at, zone_kind):
            continue
        part = min(units, state.remaining)
        state.remaining -= part
        units -= part
        taken.append([state.id, part])
    return taken


def save_bucket_states(session: Session, clock: Clock, events: EventBus, states: list[BucketState],
                       msisdn_of: dict[int, str]) -> None:
    """Write back the buckets that changed and publish threshold crossings."""
    changed = [s for s in states if s.remaining != s.start_remaining]
    if not changed:
        return
    now = clock.now()
    session.execute(bucket_save_statement(),
                    [{"bucket_id": s.id, "remaining": s.remaining, "now": now} for s in changed])
    # The bulk update bypasses objects already in the session; make them reload.
    for state in changed:
        loaded = session.identity_map.get(identity_key(Bucket, state.id))
        if loaded is not None:
            session.expire(loaded)
    for state in changed:
        publish_thresholds(events, state, msisdn_of.get(state.subscription_id))
        state.start_remaining = state.remaining


def publish_thresholds(events: EventBus, state: BucketState, msisdn: str | None) -> None:
    before = state.initial - state.start_remaining
    after = state.initial - state.remaining
    for threshold in THRESHOLDS:
        if before * 100 < threshold * state.initial <= after * 100:
            events.publish("bucket.threshold_crossed", bucket_id=state.id, subscription_id=state.subscription_id,
                           msisdn=msisdn, service=state.service, threshold=threshold, remaining=state.remaining,
                           initial=state.initial)


def notify_expiring(session: Session, clock: Clock, events: EventBus, *,
                    within: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Publish ``bucket.expiring`` once for each bucket with units left that ends within
    ``within``; returns how many. Run it from a periodic task."""
    now = clock.now()
    due = list(session.scalars(sa.select(Bucket).where(
        Bucket.status == "active", Bucket.remaining > 0, Bucket.expiry_notified_at.is_(None),
        Bucket.valid_to.is_not(None), Bucket.valid_to > now, Bucket.valid_to <= now + within)
        .order_by(Bucket.id).with_for_update()))
    for bucket in due:
        bucket.expiry_notified_at = now
        events.publish("bucket.expiring", bucket_id=bucket.id, subscription_id=bucket.subscription_id,
                       service=bucket.service, remaining=bucket.remaining, valid_to=bucket.valid_to)
    session.flush()
    return len(due)
