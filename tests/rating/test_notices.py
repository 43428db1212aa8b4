"""Bucket expiry notices and the demo tariffs."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from billing.models import Subscription
from billing.rating import rate_usage
from billing.rating.allowance import notify_expiring
from billing.rating.models import RatedUsage
from billing.usage import UsageEvent
from catalog.tariffs.models import PlanTariff


def test_expiring_buckets_are_announced_once(session, clock, events, operator):
    line = operator.line()
    soon = operator.bucket(line, "data", 1000, days=1)
    operator.bucket(line, "voice", 60, days=10)
    assert notify_expiring(session, clock, events, within=dt.timedelta(hours=30)) == 1
    assert [e.payload["bucket_id"] for e in events.named("bucket.expiring")] == [soon.id]
    assert notify_expiring(session, clock, events, within=dt.timedelta(hours=30)) == 0


def test_demo_plans_have_tariffs_that_rate_their_lines(app, session, clock, events):
    from core.settings import Settings
    from gateway.demo import seed_demo

    settings = app.extensions["bss.settings"]
    assert isinstance(settings, Settings)
    seed_demo(session, clock, settings, events)
    assert session.scalar(sa.select(sa.func.count(PlanTariff.id))) == 6
    line = session.scalar(sa.select(Subscription).where(Subscription.status == "active").order_by(Subscription.id))
    call = UsageEvent(usage_id=1, msisdn=line.msisdn, service="voice", direction="out",
                      started_at=clock.now() + dt.timedelta(minutes=1), other_party="+254712345678", duration_s=45)
    summary = rate_usage(session, clock, events, [call])
    assert summary.rated == 1, summary.errors
    assert session.scalar(sa.select(RatedUsage)).zone == "onnet"
