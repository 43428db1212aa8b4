"""The pipeline end to end on real files: every record lands in exactly one place and each
file balances; duplicates are caught across files; partials merge; sessions split at midnight."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
import sqlalchemy as sa

from mediation.models import DedupKey, MediationFile, PartialRecord
from mediation.service import flush_partials
from tests.mediation.conftest import ASTERISK_OPTIONS, FIXTURES, counters, file_row, reject_rows, usage_rows

UTC = dt.UTC


@pytest.mark.smoke
def test_asterisk_file_balances_and_keeps_lineage(run_file, session, events):
    report = run_file("asterisk-csv", FIXTURES / "asterisk-Master.csv", ASTERISK_OPTIONS)
    assert report["state"] == "done" and report["balanced"]
    assert counters(report) == {"received": 10, "distributed": 3, "rejected": 3, "filtered": 3,
                                "duplicates": 1, "held": 0, "records_out": 3}
    assert report["filtered_by"] == {"unanswered": 1, "internal": 1, "test_number": 1}
    rows = usage_rows(session)
    assert [(r.msisdn, r.direction, r.other_party, r.duration_s, r.record_offset) for r in rows] == [
        ("+254712345678", "out", "+254733111222", 60, 1),
        ("+254712345678", "in", "+254733000111", 180, 3),
        ("+254798765432", "out", "+254112233445", 900, 10),
    ]
    assert all(r.file_id == report["file_id"] and r.state == "distributed" for r in rows)
    assert rows[0].started_at == dt.datetime(2026, 3, 1, 5, 15, 2, tzinfo=UTC)
    rejects = reject_rows(session)
    assert [(r.record_offset, r.reason_code) for r in rejects] == [
        (6, "bad_field_count"), (7, "negative_duration"), (8, "bad_timestamp")]
    assert rejects[0].raw.startswith('"","0798765432","0733111222"') and rejects[0].file_id == report["file_id"]
    assert events.named("mediation.file_processed")[0].payload["received"] == 10


def test_freeswitch_b_leg_filtered_and_generic_json(run_file, session):
    fs = run_file("freeswitch-csv", FIXTURES / "freeswitch-Master.csv")
    assert counters(fs) == {"received": 6, "distributed": 3, "rejected": 1, "filtered": 2, "duplicates": 0,
                            "held": 0, "records_out": 3}
    assert fs["filtered_by"] == {"non_billable_type": 1, "unanswered": 1}
    js = run_file("generic-json", FIXTURES / "generic.jsonl")
    assert counters(js) == {"received": 6, "distributed": 3, "rejected": 2, "filtered": 1, "duplicates": 0,
                            "held": 0, "records_out": 3}
    sms = usage_rows(session, file_id=js["file_id"], service="sms")[0]
    assert (sms.msisdn, sms.messages, sms.direction) == ("+254712345678", 2, "in")
    data = usage_rows(session, file_id=js["file_id"], service="data")[0]
    assert data.roaming and data.visited_network == "23415" and (data.volume_up, data.volume_down) == (1024, 4096)


@pytest.mark.smoke
def test_partials_merge_across_files_and_split_at_local_midnight(run_file, session):
    day1 = run_file("generic-csv", FIXTURES / "generic-day1.csv")
    assert counters(day1) == {"received": 10, "distributed": 3, "rejected": 4, "filtered": 1, "duplicates": 0,
                              "held": 2, "records_out": 3}
    assert {r.reason_code for r in reject_rows(session)} == {
        "missing_subscriber", "unknown_record_type", "absurd_volume_up", "timestamp_out_of_range"}
    assert session.scalar(sa.select(sa.func.count()).select_from(PartialRecord)) == 2

    day2 = run_file("generic-csv", FIXTURES / "generic-day2.csv")
    assert counters(day2) == {"received": 3, "distributed": 2, "rejected": 0, "filtered": 0, "duplicates": 1,
                              "held": 0, "records_out": 3}
    first = file_row(session, day1["file_id"])
    assert (first.held, first.distributed, first.balanced) == (0, 5, True)  # held parts moved on merge
    assert session.scalar(sa.select(sa.func.count()).select_from(PartialRecord)) == 0
    pieces = usage_rows(session, msisdn="+254798765432")
    # 20:40Z + 5400 s crosses midnight in Nairobi (21:00Z): two records, volumes in proportion.
    assert [(p.started_at, p.duration_s, p.volume_up, p.volume_down, p.split, p.parts) for p in pieces] == [
        (dt.datetime(2026, 3, 1, 20, 40, tzinfo=UTC), 1200, 777777, 6222222, "1/2", 3),
        (dt.datetime(2026, 3, 1, 21, 0, tzinfo=UTC), 4200, 2722223, 21777778, "2/2", 3),
    ]
    assert pieces[0].file_id == day1["file_id"] and pieces[0].record_offset == 4  # lineage: first part


def test_split_at_tariff_band_start(run_file, session, tmp_path):
    path = tmp_path / "band.csv"
    path.write_text("B-1,254712345678,data,out,,2026-03-01T03:30:00Z,3600,,3600,7200,0,,,,,,\n")
    run_file("generic-csv", path, {"split_at": ["07:00"]})  # 06:30-07:30 Nairobi time
    pieces = usage_rows(session)
    assert [(p.duration_s, p.volume_up, p.volume_down) for p in pieces] == [(1800, 1800, 3600), (1800, 1800, 3600)]


def test_timed_out_partials_are_flushed(run_file, session, clock, events):
    day1 = run_file("generic-csv", FIXTURES / "generic-day1.csv")
    assert flush_partials(session, clock, events, timeout=dt.timedelta(hours=4), region="KE") == 0
    clock.advance(hours=5)
    produced = flush_partials(session, clock, events, timeout=dt.timedelta(hours=4), region="KE",
                              operator_tz="Africa/Nairobi")
    session.commit()
    # Two parts merged as they are: 20:40Z + 3600 s, cut at Nairobi midnight (21:00Z).
    assert produced == 2
    first = file_row(session, day1["file_id"])
    assert (first.held, first.distributed, first.records_out, first.balanced) == (0, 5, 5, True)
    pieces = usage_rows(session, msisdn="+254798765432")
    assert [p.parts for p in pieces] == [2, 2] and sum(p.volume_down for p in pieces) == 24000000
    assert sum(p.duration_s for p in pieces) == 3600
    assert events.named("mediation.partial_flushed")[0].payload["parts"] == 2


@pytest.mark.smoke
def test_same_content_is_refused_and_duplicates_caught_across_files(run_file, session, tmp_path):
    first = run_file("asterisk-csv", FIXTURES / "asterisk-Master.csv", ASTERISK_OPTIONS)
    copy = tmp_path / "Master-again.csv"
    shutil.copy(FIXTURES / "asterisk-Master.csv", copy)
    again = run_file("asterisk-csv", copy, ASTERISK_OPTIONS)
    assert again["state"] == "refused" and f"file {first['file_id']}" in again["reason"]
    # The same records in a different file (one extra line): all already seen are duplicates.
    changed = tmp_path / "Master-2.csv"
    lines = (FIXTURES / "asterisk-Master.csv").read_text().splitlines()
    changed.write_text("\n".join([lines[0], lines[2], lines[9]]) + "\n")
    report = run_file("asterisk-csv", changed, ASTERISK_OPTIONS)
    assert counters(report) == {"received": 3, "distributed": 0, "rejected": 0, "filtered": 0,
                                "duplicates": 3, "held": 0, "records_out": 0}
    assert len(usage_rows(session)) == 3
    # Keys are taken by distributed records only (filtered and rejected ones take none).
    assert session.scalar(sa.select(sa.func.count()).select_from(DedupKey)) == 3


def test_unreadable_file_is_quarantined(run_file, session, tmp_path, events):
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x00\x01\x02binary junk")
    report = run_file("generic-csv", path)
    assert report["state"] == "quarantined" and "binary" in report["reason"]
    assert report["received"] == 0 and report["balanced"]
    assert events.named("mediation.file_quarantined")


def test_small_batches_give_the_same_totals(run_file, session, tmp_path):
    shutil.copy(FIXTURES / "asterisk-Master.csv", tmp_path / "a.csv")
    report = run_file("asterisk-csv", tmp_path / "a.csv", ASTERISK_OPTIONS, batch_size=3)
    assert counters(report) == {"received": 10, "distributed": 3, "rejected": 3, "filtered": 3,
                                "duplicates": 1, "held": 0, "records_out": 3}
    assert file_row(session, report["file_id"]).checkpoint == 10


def test_a_batch_that_fails_rolls_back_whole_and_the_rerun_resumes(run_file, session, tmp_path):
    """The sink (rating) failing mid-file leaves only whole committed batches; the rerun
    resumes at the checkpoint and ends with the totals of an uninterrupted run."""
    path = tmp_path / "day1.csv"
    shutil.copy(FIXTURES / "generic-day1.csv", path)
    handed: list[int] = []

    def flaky(_session, usage_events):
        if handed:
            raise RuntimeError("rating is down")
        handed.extend(e.usage_id for e in usage_events)

    with pytest.raises(RuntimeError):
        run_file("generic-csv", path, batch_size=2, sink=flaky)
    session.rollback()
    [file] = session.scalars(sa.select(MediationFile)).all()
    # Batch 1 was handed over, batch 2 only held partials, batch 3 failed and left nothing.
    assert (file.state, file.checkpoint, file.received, file.held) == ("processing", 4, 4, 2)
    assert len(usage_rows(session)) == 2 == len(handed)

    report = run_file("generic-csv", path, batch_size=2, sink=lambda s, e: handed.extend(x.usage_id for x in e))
    assert report["file_id"] == file.id
    assert counters(report) == {"received": 10, "distributed": 3, "rejected": 4, "filtered": 1, "duplicates": 0,
                                "held": 2, "records_out": 3}
    assert sorted(handed) == sorted({r.id for r in usage_rows(session)})  # each handed over once


def test_duplicate_keys_are_purged_after_the_retention_window(run_file, session, clock):
    from mediation.service import purge_dedup_keys

    run_file("asterisk-csv", FIXTURES / "asterisk-Master.csv", ASTERISK_OPTIONS)
    assert purge_dedup_keys(session, clock, retention=dt.timedelta(days=60)) == 0
    clock.advance(days=61)  # the records started on 1 March
    assert purge_dedup_keys(session, clock, retention=dt.timedelta(days=60)) == 3
    assert session.scalar(sa.select(sa.func.count()).select_from(DedupKey)) == 0


def test_a_second_worker_on_the_same_file_stands_back(session, clock, events):
    """Two workers holding one file: the one whose checkpoint is stale must not account the
    same records again."""
    from types import SimpleNamespace

    from mediation.collect import register
    from mediation.pipeline import FileBusy, Pipeline
    from mediation.sources import SourceConfig

    file, _ = register(session, events, clock.now(), SourceConfig("cli", "generic-json"),
                       str(FIXTURES / "generic.jsonl"))
    file.checkpoint = 4  # the other worker's committed progress
    session.commit()
    stale = SimpleNamespace(id=file.id, checkpoint=0, format="generic-json", filtered_by={})
    with pytest.raises(FileBusy):
        Pipeline(session, clock, events, {}, "KE").batch(stale, [])
    session.rollback()
    assert file_row(session, file.id).received == 0
