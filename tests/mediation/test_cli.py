"""``flask mediation`` as an operator drives it: sources with inboxes, runs, rejects, generate."""
from __future__ import annotations

import json
import shutil

import pytest
import sqlalchemy as sa

from mediation.models import MediationFile, RejectedRecord
from tests.mediation.conftest import ASTERISK_OPTIONS, FIXTURES, usage_rows


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def invoke(runner, *args, input=None):
    result = runner.invoke(args=["mediation", *args], input=input)
    return result


@pytest.mark.smoke
def test_source_inbox_run_archives_and_exports(runner, session, tmp_path):
    inbox, export = tmp_path / "pbx1", tmp_path / "export"
    options = {**ASTERISK_OPTIONS, "export_dir": str(export), "file_sequence_pattern": r"-(\d+)\.csv$"}
    result = invoke(runner, "sources", "add", "pbx1", "--format", "asterisk-csv", "--inbox", str(inbox),
                    "--pattern", "Master-*.csv", "--options", json.dumps(options))
    assert result.exit_code == 0, result.output
    shutil.copy(FIXTURES / "asterisk-Master.csv", inbox / "Master-0001.csv")
    shutil.copy(FIXTURES / "asterisk-Master-16col.csv", inbox / "Master-0004.csv")
    (inbox / "notes.txt").write_text("not a CDR file")
    result = invoke(runner, "run", "--json")
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert [(r["file"], r["received"], r["distributed"], r["balanced"]) for r in reports] == [
        ("Master-0001.csv", 10, 3, True), ("Master-0004.csv", 2, 1, True)]
    assert reports[1]["sequence_gap"] == "missing 2-3"
    assert sorted(p.name for p in (inbox / "archive").iterdir()) == ["Master-0001.csv", "Master-0004.csv"]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["notes.txt"]
    assert not list((inbox / "work").iterdir())
    exported = (export / "Master-0001.csv.usage.csv").read_text().splitlines()
    assert exported[0].startswith("usage_id,msisdn,service") and len(exported) == 4
    assert ",+254712345678,voice,out,+254733111222,2026-03-01T05:15:02.000Z,60," in exported[1]

    # The same file dropped again is refused and set aside, not processed twice.
    shutil.copy(FIXTURES / "asterisk-Master.csv", inbox / "Master-0005.csv")
    result = invoke(runner, "run")
    assert result.exit_code == 0, result.output
    assert "refused" in result.output and "already done" in result.output
    assert (inbox / "quarantine" / "Master-0005.csv").exists()
    assert session.scalar(sa.select(sa.func.count()).select_from(MediationFile)) == 2


def test_run_named_files_prints_a_table(runner, session):
    result = invoke(runner, "run", "--format", "freeswitch-csv", str(FIXTURES / "freeswitch-Master.csv"))
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()[:2]
    assert header.split() == ["file", "state", "received", "distributed", "rejected", "filtered", "duplicates",
                              "held", "records_out", "balanced"]
    assert row.split() == ["freeswitch-Master.csv", "done", "6", "3", "1", "2", "0", "0", "3", "yes"]
    assert (FIXTURES / "freeswitch-Master.csv").exists()  # named files stay where they are


def test_run_needs_a_format_for_named_files(runner):
    result = invoke(runner, "run", str(FIXTURES / "generic.jsonl"))
    assert result.exit_code == 2 and "--format" in result.output
    result = invoke(runner, "run", "--format", "cisco-cdr", str(FIXTURES / "generic.jsonl"))
    assert result.exit_code == 2 and "unknown format" in result.output


@pytest.mark.smoke
def test_rejects_list_correct_and_recycle(runner, session):
    result = invoke(runner, "run", "--json", "--format", "generic-csv", str(FIXTURES / "generic-day1.csv"))
    [report] = json.loads(result.stdout)
    result = invoke(runner, "rejects", "list", "--json")
    found = {r["reason_code"]: r for r in json.loads(result.stdout)}
    assert set(found) == {"missing_subscriber", "unknown_record_type", "absurd_volume_up", "timestamp_out_of_range"}
    missing = found["missing_subscriber"]
    assert missing["offset"] == 8 and missing["raw"].startswith("G-0007,,voice")

    fixed = missing["raw"].replace("G-0007,,", "G-0007,254712345678,")
    assert invoke(runner, "rejects", "correct", str(missing["id"]), fixed).exit_code == 0
    result = invoke(runner, "rejects", "recycle", str(missing["id"]), str(found["unknown_record_type"]["id"]))
    assert result.exit_code == 0, result.output
    assert "distributed 1" in result.output and "rejected 1" in result.output
    session.expire_all()
    file = session.get(MediationFile, report["file_id"])
    assert (file.distributed, file.rejected, file.balanced) == (4, 3, True)  # 10 = 4 + 3 + 1 filtered + 2 held
    recycled = session.get(RejectedRecord, missing["id"])
    assert (recycled.state, recycled.outcome) == ("recycled", "distributed")
    assert recycled.original_raw.startswith("G-0007,,voice")
    [usage] = [u for u in usage_rows(session) if u.record_offset == 8]
    assert usage.file_id == report["file_id"] and usage.msisdn == "+254712345678"
    # The fax record failed again: a fresh reject with the reason, the old one closed.
    again = session.scalars(sa.select(RejectedRecord).where(RejectedRecord.state == "open",
                                                             RejectedRecord.record_offset == 9)).all()
    assert len(again) == 1 and again[0].reason_code == "unknown_record_type"
    # A recycled record cannot be recycled twice.
    result = invoke(runner, "rejects", "recycle", str(missing["id"]))
    assert result.exit_code == 1 and "already recycled" in result.output
    result = invoke(runner, "rejects", "discard", str(again[0].id))
    assert result.exit_code == 0
    assert "discarded" in invoke(runner, "rejects", "show", str(again[0].id)).output


@pytest.mark.parametrize("fmt", ["asterisk-csv", "freeswitch-csv", "generic-csv", "generic-json"])
def test_generate_then_run_balances(runner, tmp_path, fmt):
    result = invoke(runner, "generate", "--format", fmt, "--records", "3000", "--out", str(tmp_path),
                    "--files", "2", "--bad", "0.02", "--duplicates", "0.02")
    assert result.exit_code == 0, result.output
    paths = result.stdout.split()
    assert len(paths) == 2
    result = invoke(runner, "run", "--json", "--format", fmt, *paths)
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert sum(r["received"] for r in reports) == 3000
    assert all(r["balanced"] and r["state"] == "done" for r in reports)
    assert sum(r["rejected"] for r in reports) >= 30 and sum(r["duplicates"] for r in reports) >= 30
    assert sum(r["distributed"] for r in reports) > 2000


def test_sources_list_and_remove(runner, tmp_path):
    invoke(runner, "sources", "add", "sms1", "--format", "generic-json", "--inbox", str(tmp_path / "in"))
    assert "sms1" in invoke(runner, "sources", "list").output
    result = invoke(runner, "sources", "add", "sms1", "--format", "generic-json", "--inbox", str(tmp_path))
    assert result.exit_code == 1 and "already exists" in result.output
    result = invoke(runner, "sources", "add", "x", "--format", "nope", "--inbox", str(tmp_path))
    assert result.exit_code == 1 and "unknown format" in result.output
    assert invoke(runner, "sources", "remove", "sms1").exit_code == 0
    assert "sms1" not in invoke(runner, "sources", "list").output


def test_sources_with_unusable_options_are_refused(runner, tmp_path):
    for options, reason in (('{"split_at": ["25:00"]}', "bad source options"),
                            ('{"timezone": "Mars/Olympus"}', "unknown time zone"),
                            ('{"max_age_days": "soon"}', "bad source options"),
                            ('{"file_sequence_pattern": "(["}', "bad source options")):
        result = invoke(runner, "sources", "add", "bad", "--format", "generic-csv", "--inbox", str(tmp_path),
                        "--options", options)
        assert result.exit_code == 1 and reason in result.output, (options, result.output)


def test_a_recycled_record_is_read_with_the_options_of_its_file(runner, session, tmp_path):
    """The file keeps the options it was read with, so recycling reads the record the same way
    even after its source is gone."""
    invoke(runner, "sources", "add", "pbx", "--format", "asterisk-csv", "--inbox", str(tmp_path),
           "--options", json.dumps(ASTERISK_OPTIONS))
    result = invoke(runner, "run", "--json", "--source", "pbx", str(FIXTURES / "asterisk-Master.csv"))
    assert result.exit_code == 0, result.output
    assert invoke(runner, "sources", "remove", "pbx").exit_code == 0
    [reject] = [r for r in json.loads(invoke(runner, "rejects", "list", "--json").stdout)
                if r["reason_code"] == "bad_timestamp"]
    fixed = reject["raw"].replace('"01/03/2026 10:20"', '"2026-03-01 10:20:00"')
    assert fixed != reject["raw"]
    invoke(runner, "rejects", "correct", str(reject["id"]), fixed)
    assert "distributed 1" in invoke(runner, "rejects", "recycle", str(reject["id"])).output
    [usage] = [u for u in usage_rows(session) if u.record_offset == 8]
    assert usage.started_at.isoformat() == "2026-03-01T07:20:00+00:00"  # 10:20 in Nairobi, as the file said
