"""What rating needs to know about a record's line, account and tariff, fetched in bulk.

Both the batch and the real-time path resolve through these, so they agree on which line a
number was at a moment, which tariff version applied, and why a record cannot be rated.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.models import Balance, BillingAccount, Subscription
from billing.rating.models import RatedUsage
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
    balance: Decimal | None = None  # the prepaid balance when read with the line (unlocked), else None


@dataclass(frozen=True, slots=True)
class VersionRef:
    """What identifies a tariff version and its compiled form (``compile_version`` takes it
    in place of the ORM object): the cache key is (id, stamp)."""

    id: int
    tariff_id: int
    version: int
    stamp: str
    effective_from: dt.datetime
    effective_to: dt.datetime | None


@functools.cache
def _line_account_version_statement(with_rated: bool) -> sa.Select:
    # Built once: a statement object reused keeps its cache key, which SQLAlchemy otherwise
    # recomputes (with the column coercions) on every call.
    stmt = (sa.select(Subscription.id, Subscription.msisdn, Subscription.billing_account_id, Subscription.offering_id,
                      Subscription.activated_at, Subscription.created_at, Subscription.terminated_at,
                      BillingAccount.customer_id, BillingAccount.payment_type, BillingAccount.currency,
                      BillingAccount.state, PlanTariff.tariff_id, TariffVersion.id, TariffVersion.version,
                      TariffVersion.stamp, TariffVersion.effective_from, TariffVersion.effective_to, Balance.amount)
            .join(BillingAccount, BillingAccount.id == Subscription.billing_account_id)
            .outerjoin(Balance, Balance.billing_account_id == Subscription.billing_account_id)
            .outerjoin(PlanTariff, PlanTariff.offering_id == Subscription.offering_id)
            .outerjoin(TariffVersion, TariffVersion.tariff_id == PlanTariff.tariff_id)
            .where(Subscription.msisdn == sa.bindparam("msisdn")))
    if with_rated:  # the duplicate check rides along: one round trip fewer per debit
        stmt = stmt.add_columns(sa.exists().where(RatedUsage.usage_id == sa.bindparam("usage_id"),
                                                  RatedUsage.status == "rated"))
    return stmt


def line_account_version(session: Session, msisdn: str, at: dt.datetime, *, usage_id: int | None = None
                         ) -> tuple[str | None, Line | None, Account | None, VersionRef | None, bool | None]:
    """(error reason or None, line, account, tariff version, rated) for one record, in one statement:
    the line that had ``msisdn`` at ``at``, its account (with its prepaid balance as read, not
    locked), and its plan's tariff version in effect at ``at`` chosen as ``TariffBook.version_at``
    chooses. The version's ``stamp`` comes with it, so the compiled-tariff cache sees a tariff
    change on the next record without a query of its own. With ``usage_id``, ``rated`` says
    whether that record is rated already (as ``rated_usage_ids``); it is None when unknown
    (no line has the number, or no ``usage_id``)."""
    params = {"msisdn": msisdn} if usage_id is None else {"msisdn": msisdn, "usage_id": usage_id}
    rows = session.execute(_line_account_version_statement(usage_id is not None), params).all()
    rated = bool(rows[0][18]) if rows and usage_id is not None else None
    lines = {r[0]: Line(r[0], r[1], r[2], r[3], r[4] or r[5], r[6]) for r in rows}
    line = line_at(list(lines.values()), at)
    if line is None:
        return UNKNOWN_SUBSCRIBER, None, None, None, rated
    mine = [r for r in rows if r[0] == line.id]
    first = mine[0]
    account = Account(line.account_id, first[7], first[8], first[9], first[10], first[17])
    if account.state == "Closed":
        return ACCOUNT_CLOSED, line, account, None, rated
    if first[11] is None:
        return NO_TARIFF, line, account, None, rated
    for r in sorted((r for r in mine if r[12] is not None), key=lambda r: r[13], reverse=True):
        if r[15] <= at and (r[16] is None or r[16] > at):
            return None, line, account, VersionRef(r[12], r[11], r[13], r[14], r[15], r[16]), rated
    return NO_TARIFF_VERSION, line, account, None, rated


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
