"""The stock orders sell from: MSISDNs in the number pool and SIM cards.

Each item moves ``available -> reserved`` (held by an order) ``-> assigned`` (on a line) and,
when the line ends, ``-> quarantined``. A quarantined number becomes sellable again when its
quarantine ends (callers must not reach a new customer on a number people still dial for the
old one); a SIM that has been in service is never resold, so its quarantine has no end.
Releasing an order's reservations puts them back to ``available``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.subscriptions import ICCID_LENGTHS, IMSI_LENGTHS
from core.clock import Clock
from core.errors import Conflict, ValidationError
from core.msisdn import normalise
from orders.models import PoolNumber, SimCard

NUMBER_QUARANTINE_DAYS = 90
MAX_RANGE = 100_000  # one import; larger ranges are several imports

Stock = TypeVar("Stock", PoolNumber, SimCard)


def import_number_range(session: Session, clock: Clock, *, first: str, last: str, default_region: str,
                        batch: str | None = None, category: str = "standard") -> int:
    """Add every number from ``first`` to ``last`` (inclusive, same length) to the pool as
    available; numbers already in the pool are left as they are. Returns how many were added."""
    start, end = normalise(first, default_region), normalise(last, default_region)
    if len(start) != len(end) or int(end[1:]) < int(start[1:]):
        raise ValidationError(f"{last} does not end a range starting at {first}", field="last")
    count = int(end[1:]) - int(start[1:]) + 1
    if count > MAX_RANGE:
        raise ValidationError(f"a range holds at most {MAX_RANGE} numbers, not {count}", field="last")
    width = len(start) - 1
    wanted = [f"+{int(start[1:]) + offset:0{width}d}" for offset in range(count)]
    return _add_new(session, clock, PoolNumber, "msisdn", wanted,
                    lambda msisdn: {"msisdn": msisdn, "category": category, "batch": batch})


def import_sims(session: Session, clock: Clock, sims: Iterable[tuple[str, str]], *, batch: str | None = None,
                location: str | None = None) -> int:
    """Add SIM cards given as ``(iccid, imsi)``; ICCIDs already in stock are skipped."""
    cards = {}
    for index, (iccid, imsi) in enumerate(sims):
        iccid, imsi = str(iccid).strip().upper().removesuffix("F"), str(imsi).strip()
        if not iccid.isdigit() or len(iccid) not in ICCID_LENGTHS:
            raise ValidationError(f"row {index + 1}: ICCID {iccid!r} is not 18 to 22 digits", field="iccid")
        if not imsi.isdigit() or len(imsi) not in IMSI_LENGTHS:
            raise ValidationError(f"row {index + 1}: IMSI {imsi!r} is not 6 to 15 digits", field="imsi")
        cards[iccid] = imsi
    return _add_new(session, clock, SimCard, "iccid", list(cards),
                    lambda iccid: {"iccid": iccid, "imsi": cards[iccid], "batch": batch, "location": location})


def _add_new(session: Session, clock: Clock, model, key: str, wanted: list[str], values) -> int:
    column = getattr(model, key)
    have: set[str] = set()
    for start in range(0, len(wanted), 1000):  # stay under every database's bound-parameter limit
        have |= set(session.scalars(sa.select(column).where(column.in_(wanted[start:start + 1000]))))
    now = clock.now()
    rows = [{**values(v), "state": "available", "updated_at": now} for v in wanted if v not in have]
    if rows:
        session.execute(sa.insert(model), rows)
        session.flush()
    return len(rows)


def _sellable(model, now: dt.datetime) -> sa.ColumnElement[bool]:
    return sa.or_(model.state == "available",
                  sa.and_(model.state == "quarantined", model.quarantined_until.is_not(None),
                          model.quarantined_until <= now))


def _reserve(session: Session, clock: Clock, model: type[Stock], order_id: int, key: str,
             wanted: str | None, what: str) -> Stock:
    now = clock.now()
    stmt = sa.select(model).where(_sellable(model, now))
    if wanted is not None:
        stmt = stmt.where(getattr(model, key) == wanted)
    # SKIP LOCKED: two orders taking "the next free number" at once each get a different one.
    found = session.scalar(stmt.order_by(model.id).limit(1).with_for_update(skip_locked=True))
    if found is None:
        if wanted is not None:
            raise Conflict(f"{what} {wanted} is not available", code="not_available", field=key)
        raise Conflict(f"no {what} left in stock", code="out_of_stock", field=key)
    found.state, found.order_id, found.quarantined_until, found.updated_at = "reserved", order_id, None, now
    session.flush()
    return found


def reserve_number(session: Session, clock: Clock, order_id: int, wanted: str | None = None) -> PoolNumber:
    """Hold a number for an order: ``wanted`` (E.164) if the customer chose one, else the next free."""
    return _reserve(session, clock, PoolNumber, order_id, "msisdn", wanted, "MSISDN")


def reserve_sim(session: Session, clock: Clock, order_id: int, wanted: str | None = None) -> SimCard:
    """Hold a SIM for an order: ``wanted`` (the ICCID handed over in a store) or the next in stock."""
    return _reserve(session, clock, SimCard, order_id, "iccid", wanted, "SIM")


def assign(session: Session, clock: Clock, model: type[Stock], key: str, subscription_id: int) -> None:
    """The reserved number (by MSISDN) or SIM (by ICCID) now serves ``subscription_id``."""
    column = PoolNumber.msisdn if model is PoolNumber else SimCard.iccid
    found = session.scalar(sa.select(model).where(column == key, model.state == "reserved"))
    if found is not None:
        found.state, found.subscription_id, found.order_id = "assigned", subscription_id, None
        found.updated_at = clock.now()
        session.flush()


def release_order(session: Session, clock: Clock, order_id: int) -> int:
    """Put everything an order holds in reserve back in stock; returns how many items."""
    count = 0
    for model in (PoolNumber, SimCard):
        result = session.execute(sa.update(model).where(model.order_id == order_id, model.state == "reserved")
                                 .values(state="available", order_id=None, updated_at=clock.now()))
        count += result.rowcount or 0
    session.flush()
    return count


def quarantine_number(session: Session, clock: Clock, msisdn: str, *, days: int = NUMBER_QUARANTINE_DAYS) -> None:
    """A line ended: its number rests before it is sold again (numbers sold outside the pool stay out)."""
    number = session.scalar(sa.select(PoolNumber).where(PoolNumber.msisdn == msisdn))
    if number is not None:
        now = clock.now()
        number.state, number.subscription_id, number.order_id = "quarantined", None, None
        number.quarantined_until, number.updated_at = now + dt.timedelta(days=days), now
        session.flush()


def quarantine_sim(session: Session, clock: Clock, iccid: str | None) -> None:
    """A SIM left service (swapped out, line ended): it is never handed out again."""
    sim = session.scalar(sa.select(SimCard).where(SimCard.iccid == iccid)) if iccid else None
    if sim is not None:
        sim.state, sim.subscription_id, sim.order_id = "quarantined", None, None
        sim.quarantined_until, sim.updated_at = None, clock.now()
        session.flush()


def stock_counts(session: Session) -> dict[str, dict[str, int]]:
    """``{"msisdn": {"available": n, ...}, "sim": {...}}`` for dashboards and the CLI."""
    out = {}
    for name, model in (("msisdn", PoolNumber), ("sim", SimCard)):
        out[name] = dict(session.execute(sa.select(model.state, sa.func.count()).group_by(model.state))
                         .tuples().all())
    return out
