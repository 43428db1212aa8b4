"""``flask rating rerate``: after a tariff correction, charges follow the corrected tariff, once."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.models import Balance, Bucket, Charge
from billing.rating import rate_usage
from billing.rating.models import RatedUsage, RatingError, RatingRun
from catalog.tariffs import service as tariffs
from catalog.tariffs.models import TariffRate, TariffVersion


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _correct_offnet_peak(session, clock, price: str) -> None:
    rate = session.scalar(sa.select(TariffRate).where(TariffRate.service == "voice", TariffRate.zone_code == "offnet",
                                                      TariffRate.band_code == "peak"))
    rate.price = Decimal(price)
    tariffs.touch(clock, session.get(TariffVersion, rate.version_id))
    session.commit()


def _state(session):
    balances = dict(session.execute(sa.select(Balance.billing_account_id, Balance.amount)).tuples().all())
    live = session.scalar(sa.select(sa.func.count(RatedUsage.id)).where(RatedUsage.status == "rated"))
    charged = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Charge.amount), 0)))
    buckets = dict(session.execute(sa.select(Bucket.id, Bucket.remaining)).tuples().all())
    return balances, live, Decimal(charged), buckets


@pytest.mark.smoke
def test_rerate_applies_the_corrected_tariff_idempotently(runner, session, clock, events, operator):
    prepaid, postpaid = operator.line(balance="100"), operator.line("postpaid")
    bucket = operator.bucket(prepaid, "voice", 30)
    usage = [operator.usage(prepaid, seconds=90), operator.usage(postpaid, seconds=60),
             operator.usage(prepaid, seconds=60, to="+999")]
    rate_usage(session, clock, events, usage)
    session.commit()
    assert _state(session)[0][prepaid.billing_account_id] == Decimal("95.70")  # 60 s paid at 4.30

    _correct_offnet_peak(session, clock, "6.00")
    result = runner.invoke(args=["rating", "rerate", "--from", "2026-03-01", "--to", "2026-03-02"])
    assert result.exit_code == 0, result.output
    assert "2 rated records reversed, 2 rated" in result.output and "unknown_destination 1" in result.output
    balances, live, charged, buckets = _state(session)
    assert balances[prepaid.billing_account_id] == Decimal("94.00")
    assert charged == Decimal("6.00") and live == 2 and buckets[bucket.id] == 0

    again = runner.invoke(args=["rating", "rerate", "--from", "2026-03-01", "--to", "2026-03-02"])
    assert again.exit_code == 0, again.output
    assert _state(session) == (balances, live, charged, buckets)
    runs = list(session.scalars(sa.select(RatingRun).where(RatingRun.kind == "rerate").order_by(RatingRun.id)))
    assert [(r.reversed, r.rated, r.errors) for r in runs] == [(2, 2, 1), (2, 2, 1)]
    assert runs[0].params["from"].startswith("2026-03-01") and runs[0].source == "cli"
    reversed_rows = list(session.scalars(sa.select(RatedUsage).where(RatedUsage.status == "reversed")))
    assert {r.reversed_by_run_id for r in reversed_rows} == {runs[0].id, runs[1].id}


def test_rerate_one_account_and_resolve_errors(runner, session, clock, events, operator):
    first, second = operator.line(balance="100"), operator.line(balance="100")
    rate_usage(session, clock, events, [operator.usage(first, seconds=60), operator.usage(second, seconds=60)])
    session.commit()
    _correct_offnet_peak(session, clock, "6.00")
    result = runner.invoke(args=["rating", "rerate", "--from", "2026-03-02", "--to", "2026-03-02",
                                 "--account", str(first.billing_account_id)])
    assert result.exit_code == 0, result.output
    balances = _state(session)[0]
    assert balances[first.billing_account_id] == Decimal("94.00")
    assert balances[second.billing_account_id] == Decimal("95.70")


def test_rerate_retries_open_errors_after_the_tariff_is_fixed(runner, session, clock, events, operator):
    line = operator.line(balance="100")
    rate_usage(session, clock, events, [operator.usage(line, seconds=60, to="+61212345678")])  # Australia: no zone
    session.commit()
    assert session.scalar(sa.select(RatingError)).reason == "unknown_destination"
    version = session.scalar(sa.select(TariffVersion))
    tariffs.load_prefixes(session, clock, version, [("61", "intl-world")])
    session.commit()
    assert runner.invoke(args=["rating", "rerate", "--from", "2026-03-02", "--to", "2026-03-02"]).exit_code == 0
    assert session.scalar(sa.select(RatingError)).status == "resolved"
    assert session.scalar(sa.select(RatedUsage)).amount == Decimal("27.00")


def test_rerate_refuses_a_bad_window(runner):
    result = runner.invoke(args=["rating", "rerate", "--from", "2026-03-05", "--to", "2026-03-01"])
    assert result.exit_code != 0 and "must end after it starts" in result.output
    result = runner.invoke(args=["rating", "rerate", "--from", "yesterday", "--to", "2026-03-01"])
    assert result.exit_code != 0 and "is not a date" in result.output
