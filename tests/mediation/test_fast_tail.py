"""The shared tail's shortcuts give exactly what the plain code gives: splitting a batch with
the cut instants computed once, the duplicate-check keys' COPY path and its fallback, and the
remembered timestamp texts."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from mediation import bulk
from mediation.bulk import BulkWriter
from mediation.models import DedupKey, MediationFile
from mediation.records import Usage, split, split_all

UTC = dt.UTC
# Nairobi has no DST; the others change their clocks, Santiago and Havana at local midnight.
ZONES = ("Africa/Nairobi", "Europe/London", "America/Santiago", "America/Havana", "Pacific/Chatham")
CUTS = ((dt.time(0, 0),), (dt.time(0, 0), dt.time(7, 0), dt.time(19, 30)), (dt.time(0, 0), dt.time(0, 30)))


def _usage(rng: random.Random, offset: int, start: dt.datetime) -> Usage:
    service = rng.choice(("data", "data", "data", "voice", "sms"))
    duration = rng.choice((0, 1, 59, 3600, 7200, 86_399, 86_400, 200_000)) if service != "sms" else 0
    return Usage(offset, "+254712345678", service, "out", None,
                 start + dt.timedelta(seconds=rng.randrange(0, 400 * 86_400)), duration,
                 1 if service == "sms" else 0, rng.randrange(0, 10**9), rng.randrange(0, 10**9), False, None, None,
                 "pGWRecord")


@pytest.mark.parametrize("zone", ZONES)
def test_split_all_gives_the_pieces_split_gives_record_by_record(zone):
    rng = random.Random(zone)
    tz = ZoneInfo(zone)
    start = dt.datetime(2025, 1, 1, tzinfo=UTC)
    for cuts in CUTS:
        records = [(rng.randrange(1, 4), _usage(rng, i, start)) for i in range(3000)]
        # sessions that start exactly on a cut or end exactly on one (strictly between only)
        for day in range(0, 400, 7):
            at = dt.datetime.combine(start.date() + dt.timedelta(days=day), cuts[-1], tzinfo=tz).astimezone(UTC)
            records.append((1, records[0][1]._replace(service="data", started_at=at, duration_s=3600)))
            records.append((1, records[0][1]._replace(service="data", started_at=at - dt.timedelta(hours=1),
                                                      duration_s=3600)))
        expected = [(file_id, piece) for file_id, usage in records for piece in split(usage, tz, cuts)]
        assert split_all(records, tz, cuts) == expected
        assert any(piece.split for _, piece in expected)  # the cases include real splits


def test_pg_and_sqlite_time_texts_are_isoformat_remembered():
    moments = [dt.datetime(2026, 11, 24, 20, 49, s % 60, tzinfo=UTC) for s in range(200)]
    moments.append(dt.datetime(2026, 11, 24, 23, 49, tzinfo=ZoneInfo("Africa/Nairobi")))
    for moment in moments * 2:
        assert bulk.pg_time(moment) == moment.isoformat() or (
            dt.datetime.fromisoformat(bulk.pg_time(moment)) == moment)  # an equal instant, same timestamptz
        assert bulk.sqlite_time(moment) == moment.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def _file(session) -> int:
    now = dt.datetime(2026, 11, 24, tzinfo=UTC)
    file = MediationFile(source="t", format="3gpp-ber", name="t", path="t", size=0, checksum="t" * 64,
                         claimed_at=now)
    session.add(file)
    session.flush()
    return file.id


def _key(i: int) -> bytes:
    return hashlib.blake2b(i.to_bytes(4, "big"), digest_size=16).digest()


def test_claim_keys_inserts_the_new_and_reports_the_seen(session):
    file_id = _file(session)
    at = dt.datetime(2026, 11, 24, 8, tzinfo=UTC)
    writer = BulkWriter(session)
    assert writer.claim_keys([(_key(i), at) for i in range(500)], file_id) == {_key(i) for i in range(500)}
    session.commit()
    writer = BulkWriter(session)
    fresh = writer.claim_keys([(_key(i), at) for i in range(400, 900)], file_id)
    assert fresh == {_key(i) for i in range(500, 900)}
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(DedupKey)) == 900


def test_claim_keys_falls_back_when_the_copy_meets_a_key_already_there(session):
    if session.connection().dialect.name != "postgresql":
        pytest.skip("the COPY path and its fallback are PostgreSQL's")
    # A key the look-up did not see (here: the same key twice in one call, as when a concurrent
    # worker commits it between the look-up and the COPY) makes PostgreSQL's COPY fail; the
    # savepoint is rolled back and INSERT ... ON CONFLICT claims each key exactly once.
    file_id = _file(session)
    at = dt.datetime(2026, 11, 24, 8, tzinfo=UTC)
    keys = [(_key(i), at) for i in range(300)]
    writer = BulkWriter(session)
    fresh = writer.claim_keys([*keys, keys[7]], file_id)
    assert fresh == {key for key, _ in keys}
    session.commit()
    stored = session.execute(sa.select(DedupKey.key, DedupKey.file_id)).all()
    assert sorted(bytes(key) for key, _ in stored) == sorted(key for key, _ in keys)
    assert {file for _, file in stored} == {file_id}
