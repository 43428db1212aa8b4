"""What rating needs to know about a record's line, account and tariff, fetched in bulk.

Both the batch and the real-time path resolve through these, so they agree on which line a
number was at a moment, which tariff version applied, and why a record cannot be rated.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.models import BillingAccount, Subscription
from billing.usage import SERVICES, UsageEvent
from catalog.tariffs.compiled import CompiledTariff, compile_version
from catalog.tariffs.models import PlanTariff, TariffVersion

# Why a record was not rated; counted per run and kept on ``rating_error``.
UNKNOWN_SUBSCRIBER = "unknown_subscriber"
ACCOUNT_CLOSED = "account_closed"
NO_TARIFF = "no_tariff"
NO_TARIFF_VERSION = "no_tariff_version"
UNKNOWN_DESTINATION = "unknown_destination"
NO_RATE = "no_rate"
INVALID_USAGE = "invalid_usage"
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Line:
    id: int
    msisdn: str
    account_id: int
    offering_id: int
    start: dt.datetime
    end: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    customer_id: int
    payment_type: str
    currency: str
    state: str
    balance: Decimal | None = None  # the prepaid balance when read with the line (``snapshot.read``), else None


@dataclass(frozen=True, slots=True)
class VersionRef:
    """What identifies a tariff version and its compiled form (``compile_version`` takes it
    in place of the ORM object): the cache key is (id, stamp). The real-time path reads it
    with the record (``snapshot.read``, which chose it as in effect at the record's start)."""

    id: int
    tariff_id: int
    version: int
    stamp: str


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def lines_by_msisdn(session: Session, msisdns: Iterable[str]) -> dict[str, list[Line]]:
    found: dict[str, list[Line]] = {}
    for chunk in _chunks(sorted(set(msisdns))):
        rows = session.execute(sa.select(
            Subscription.id, Subscription.msisdn, Subscription.billing_account_id, Subscription.offering_id,
            Subscription.activated_at, Subscription.created_at, Subscription.terminated_at)
            .where(Subscription.msisdn.in_(chunk)))
        for sid, msisdn, account_id, offering_id, activated, created, terminated in rows:
            found.setdefault(msisdn, []).append(Line(sid, msisdn, account_id, offering_id, activated or created,
                                                     terminated))
    return found


def line_at(lines: list[Line] | None, at: dt.datetime) -> Line | None:
    """The line that had the number at ``at`` (numbers are recycled after termination)."""
    if not lines:
        return None
    if len(lines) == 1:
        line = lines[0]
        return line if line.start <= at and (line.end is None or line.end > at) else None
    live = [x for x in lines if x.start <= at and (x.end is None or x.end > at)]
    return max(live, key=lambda x: x.start) if live else None


def accounts_by_id(session: Session, ids: Iterable[int]) -> dict[int, Account]:
    found: dict[int, Account] = {}
    for chunk in _chunks(sorted(set(ids))):
        for row in session.execute(sa.select(BillingAccount.id, BillingAccount.customer_id,
                                             BillingAccount.payment_type, BillingAccount.currency,
                                             BillingAccount.state).where(BillingAccount.id.in_(chunk))):
            found[row[0]] = Account(*row)
    return found


class TariffBook:
    """Plans' tariffs and their versions, loaded once per run, compiled on first use."""

    def __init__(self, session: Session, offering_ids: Iterable[int], *, known: dict[int, int | None] | None = None):
        """``known`` maps plans to tariffs already looked up (None: the plan has none)."""
        self.session = session
        ids = sorted(set(offering_ids) - set(known or ()))
        self.tariff_of_plan: dict[int, int] = {k: v for k, v in (known or {}).items() if v is not None}
        for chunk in _chunks(ids):
            self.tariff_of_plan.update(session.execute(sa.select(PlanTariff.offering_id, PlanTariff.tariff_id)
                                                       .where(PlanTariff.offering_id.in_(chunk))).tuples().all())
        self.versions: dict[int, list[TariffVersion]] = {}
        tariff_ids = sorted(set(self.tariff_of_plan.values()))
        if tariff_ids:
            for version in session.scalars(sa.select(TariffVersion).where(TariffVersion.tariff_id.in_(tariff_ids))
                                           .order_by(TariffVersion.version)):
                self.versions.setdefault(version.tariff_id, []).append(version)
        self._compiled: dict[int, CompiledTariff] = {}
        # Plain tuples, newest first: called once per record, ORM attribute access would dominate.
        self._spans = {tariff_id: [(v.effective_from, v.effective_to, v) for v in reversed(versions)]
                       for tariff_id, versions in self.versions.items()}

    def version_at(self, offering_id: int, at: dt.datetime) -> tuple[str | None, TariffVersion | None]:
        """(error reason or None, the tariff version in effect at ``at``)."""
        tariff_id = self.tariff_of_plan.get(offering_id)
        if tariff_id is None:
            return NO_TARIFF, None
        for start, end, version in self._spans.get(tariff_id, ()):
            if start <= at and (end is None or end > at):
                return None, version
        return NO_TARIFF_VERSION, None

    def compiled(self, version: TariffVersion | VersionRef) -> CompiledTariff:
        found = self._compiled.get(version.id)
        if found is None:
            found = self._compiled[version.id] = compile_version(self.session, version)
        return found


def quantity_of(event: UsageEvent) -> int:
    if event.service == "voice":
        return event.duration_s
    if event.service == "sms":
        return event.messages
    return event.volume


def check_event(event: UsageEvent) -> str | None:
    """A reason the event cannot be rated whatever the tariff, or None."""
    if event.service not in SERVICES or event.direction not in ("in", "out"):
        return INVALID_USAGE
    if event.started_at.tzinfo is None or quantity_of(event) < 0:
        return INVALID_USAGE
    return None


def event_json(event: UsageEvent) -> dict:
    """The event as JSON, to keep with a rating error for re-rating."""
    return {"usage_id": event.usage_id, "msisdn": event.msisdn, "service": event.service,
            "direction": event.direction, "started_at": event.started_at.isoformat(),
            "other_party": event.other_party, "duration_s": event.duration_s, "messages": event.messages,
            "volume_up": event.volume_up, "volume_down": event.volume_down, "roaming": event.roaming,
            "visited_network": event.visited_network, "location": event.location,
            "record_type": event.record_type}


def event_from_json(data: dict) -> UsageEvent:
    values = dict(data)
    values["started_at"] = dt.datetime.fromisoformat(values["started_at"])
    return UsageEvent(**values)
