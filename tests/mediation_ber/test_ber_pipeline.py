"""A generated 3GPP BER file through the whole mediation pipeline: every CDR is accounted for."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from devtools.testdata.ber_files import generate_ber_file
from mediation.models import RejectedRecord, UsageRecord
from mediation.service import process_path
from mediation.sources import SourceConfig


@pytest.mark.smoke
def test_ber_file_balances_through_the_pipeline(tmp_path, session, clock, events):
    summary = generate_ber_file(tmp_path / "MSC01_0007.dat", records=600, seed=21, bad_share=0.03,
                                duplicate_share=0.03, partial_share=0.2, file_sequence=7,
                                start=clock.now() - dt.timedelta(days=1))
    source = SourceConfig("msc01", "3gpp-ber", options={"home_plmn": "63902"})
    report = process_path(session, clock, events, source, str(summary.path), region="KE",
                          operator_tz="Africa/Nairobi", commit=session.commit, in_place=True)
    assert report["state"] == "done" and report["balanced"], report
    assert report["received"] == summary.records == 600
    assert report["rejected"] == summary.bad
    assert 0 < report["duplicates"] <= summary.duplicates
    assert report["held"] == 0  # every session closed inside the file
    # each merged session gives one usage record out of several CDRs
    assert report["records_out"] < report["distributed"]
    rejects = session.scalars(sa.select(RejectedRecord)).all()
    assert {r.reason_code for r in rejects} == {"asn1_decode_error", "bad_timestamp", "missing_field"}
    data = summary.path.read_bytes()
    for reject in rejects:
        assert data[reject.record_offset:reject.record_offset + len(reject.raw) // 2].hex() == reject.raw
    services = set(session.scalars(sa.select(UsageRecord.service).distinct()))
    assert services == {"voice", "sms", "data"}


def test_corrected_ber_reject_is_recycled_into_usage(tmp_path, session, clock, events):
    from mediation import rejects

    start = clock.now() - dt.timedelta(days=1)
    summary = generate_ber_file(tmp_path / "MSC01_0008.dat", records=60, seed=4, bad_share=0.1, start=start)
    source = SourceConfig("msc01", "3gpp-ber")
    process_path(session, clock, events, source, str(summary.path), region="KE", commit=session.commit,
                 in_place=True)
    undated = session.scalars(sa.select(RejectedRecord).where(RejectedRecord.reason_code == "bad_timestamp")).first()
    assert undated is not None
    # an operator fixes the month 13 in the hex of the TimeStamp and sends the record round again
    month = start.astimezone(dt.timezone(dt.timedelta(hours=3))).month  # the MSC writes local time
    fixed = undated.raw.replace("890926" + "13", "890926" + f"{month:02d}", 1)  # originationTime [9]
    assert fixed != undated.raw
    rejects.correct(session, clock, undated.id, fixed)
    outcome = rejects.recycle(session, clock, events, [undated.id], region="KE")
    session.commit()
    assert outcome["distributed"] == 1
    usage = session.scalars(sa.select(UsageRecord).where(UsageRecord.record_offset == undated.record_offset)).one()
    assert usage.service == "sms" and usage.file_id == undated.file_id
