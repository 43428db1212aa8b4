"""Real-time authorise-and-debit latency, as a prepaid call would see it.

    .venv/bin/python -m bench.rating_realtime [--db sqlite,postgresql] [--lines 200] [--calls 2000]

For each database: an operator of ``--lines`` lines (30% with buckets), then ``--calls`` calls
on random lines, each: ``authorize`` 60 seconds, ``debit`` the call record, commit (its own
transaction, as the charging front end would). Prints p50/p99/max of the whole, and of
authorise alone and debit+commit alone; the batch path's time per record measured in the same
run on the same number of records is the baseline. Also prints, per call: this process's CPU
time (the database server's not counted), steadier than wall-clock figures on a shared machine;
the statements sent (a ``before_cursor_execute`` count: BEGIN, COMMIT and the pool's
``pool_pre_ping`` are not statements there, so the connection checkouts are counted apart: on
PostgreSQL each costs a ping round trip); the load average before and after; and apart, the
calls whose debit crossed the low-balance line or a bucket threshold, which also run the CRM's
notice handler in the same transaction.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

import sqlalchemy as sa

from bench.rating_common import build_operator, database, generate_usage, make_app
from billing.rating import authorize, debit, rate_usage
from core.clock import FixedClock
from core.db import db

NOTICES = ("balance.low", "bucket.threshold_crossed")  # the events the CRM tells the customer about


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class _Counter:
    """Statements and connection checkouts seen by one engine while ``on``."""

    def __init__(self, engine: sa.Engine):
        self.on = False
        self.statements = self.checkouts = 0
        self.auth_statements = self.debit_statements = 0
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        sa.event.listen(engine.pool, "checkout", self._checkout)

    def _statement(self, *_args) -> None:
        if self.on:
            self.statements += 1

    def _checkout(self, *_args) -> None:
        if self.on:
            self.checkouts += 1


def measure(kind: str, args) -> dict:
    clock = FixedClock(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    with database(kind) as url:
        app = make_app(url, clock)
        with app.app_context():
            events = app.extensions["bss.events"]
            numbers = build_operator(db.session, clock, events, args.lines)
            calls = generate_usage(numbers, args.calls, 1, seed=11)
            calls.sort(key=lambda e: (e.started_at, e.usage_id))
            # Warm the tariff cache and the connection the way a running server is warm.
            authorize(db.session, clock, msisdn=numbers[0], service="voice", requested=60,
                      other_party="+254722000000")
            db.session.rollback()
            counter = _Counter(db.engine)
            # Calls that crossed the low-balance line or a bucket threshold also run the CRM's
            # notice (a message queued in the same transaction): reported apart, as they weigh
            # on the p99.
            noticed: list[str] = []
            for name in NOTICES:
                events.subscribe(name, lambda event: noticed.append(event.name))
            notice_calls, plain_calls = [], []
            load_before = os.getloadavg()[0]
            total, auth, charge = [], [], []
            auth_statements = 0
            counter.on = True
            cpu_began = time.process_time()
            for call in calls:
                began = time.perf_counter()
                before = counter.statements
                authorize(db.session, clock, msisdn=call.msisdn, service=call.service, requested=60,
                          other_party=call.other_party, roaming=call.roaming, visited_network=call.visited_network,
                          at=call.started_at)
                auth_statements += counter.statements - before
                middle = time.perf_counter()
                debit(db.session, clock, events, call, source="bench")
                db.session.commit()
                done = time.perf_counter()
                total.append(done - began)
                if noticed:
                    notice_calls.append(done - began)
                    noticed.clear()
                else:
                    plain_calls.append(done - began)
                auth.append(middle - began)
                charge.append(done - middle)
            cpu = (time.process_time() - cpu_began) / len(calls)
            counter.on = False
            load_after = os.getloadavg()[0]
            batch = generate_usage(numbers, args.calls, args.calls + 1, seed=12)
            began = time.perf_counter()
            rate_usage(db.session, clock, events, batch, source="bench")
            db.session.commit()
            per_record = (time.perf_counter() - began) / len(batch)
            db.session.remove()
            db.engine.dispose()
    calls_made = len(calls)
    return {"db": kind, "p50": _percentile(total, 0.5), "p99": _percentile(total, 0.99), "max": max(total),
            "auth_p99": _percentile(auth, 0.99), "debit_p99": _percentile(charge, 0.99),
            "mean": statistics.mean(total), "batch": per_record, "cpu": cpu,
            "statements": counter.statements / calls_made, "auth_statements": auth_statements / calls_made,
            "checkouts": counter.checkouts / calls_made, "load": (load_before, load_after),
            "notices": len(notice_calls), "notice_p50": _percentile(notice_calls, 0.5) if notice_calls else 0.0,
            "plain_p99": _percentile(plain_calls, 0.99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    print(f"Real-time authorise + debit + commit, {args.calls:,} calls on {args.lines:,} lines")
    for kind in args.db.split(","):
        r = measure(kind, args)
        ms = 1000
        print(f"{r['db']:<11} p50 {r['p50'] * ms:.2f} ms  p99 {r['p99'] * ms:.2f} ms  max {r['max'] * ms:.1f} ms  "
              f"(authorise p99 {r['auth_p99'] * ms:.2f} ms, debit+commit p99 {r['debit_p99'] * ms:.2f} ms)  "
              f"Python CPU {r['cpu'] * ms:.2f} ms per call  "
              f"statements per call {r['statements']:.2f} (authorise {r['auth_statements']:.2f}; "
              f"+ COMMIT; {r['checkouts']:.2f} connection checkouts)  "
              f"load average {r['load'][0]:.2f} -> {r['load'][1]:.2f}  "
              f"[{r['notices']} calls sent a customer notice, p50 {r['notice_p50'] * ms:.2f} ms; "
              f"p99 of the others {r['plain_p99'] * ms:.2f} ms]  "
              f"| batch path {r['batch'] * ms:.3f} ms per record -> real-time p50 is x{r['p50'] / r['batch']:.0f}")


if __name__ == "__main__":
    main()
