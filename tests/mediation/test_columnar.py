"""The column-at-a-time ``generic-csv`` path gives exactly what the per-record path gives on the
same file: the same usage records, rejects (reason codes, offsets, raw text), counters and
filter counts; and it really takes most records of an ordinary file."""
from __future__ import annotations

import datetime as dt

from devtools.testdata.cdr_files import generate
from mediation import columnar
from mediation.rules import Rules
from tests.mediation.conftest import both_ways

UTC = dt.UTC
OPTIONS = {"test_numbers": ["+254700000001", "+2547000009*"], "internal_numbers": ["7001"],
           "split_at": ["07:00", "19:00"], "max_volume": 10**11}

# Lines meant for the edges of the fast path's rules (start times are filled in relative to the clock).
EDGE_LINES = [
    "E-01,254712345678,voice,out,0733111222,{t},60,,,,0,,63902-1-1,,,,",
    "E-02,254712345678,voice,out,00447700900123,{t},61,,,,0,,,,,,",
    "E-03,+254712345678,voice,in,+447700900123,{t},62,,,,true,23415,,,,,",
    "E-04,0712345678,voice,out,123,{t},63,,,,0,,,,,,",
    "E-05,254712345678,Voice,OUT,0733111222,{t},64,,,,0,,,,,,",
    "E-06,254712345678,voice,out,0733111222,{t},0,,,,0,,,,,,",
    "E-07,254712345678,data,out,,{t},600,,0,0,0,,,,,,",
    "E-08,254700000001,voice,out,0733111222,{t},65,,,,0,,,,,,",
    "E-09,254700000912,sms,out,0733111222,{t},,2,,,0,,,,,,",
    "E-10,254712345678,voice,out,7001,{t},66,,,,0,,,,,,",
    "E-11,254712345678,voice,out,201,{t},67,,,,0,,,,,,",
    "E-12,254712345678,voice,out,0733111222,2025-01-01T00:00:00Z,68,,,,0,,,,,,",
    "E-13,254712345678,voice,out,0733111222,{t},12.0,,,,0,,,,,,",
    "E-14,254712345678,voice,out,0733111222,{t},-5,,,,0,,,,,,",
    "E-15,254712345678,data,out,,{t},90000,,1,1,0,,,,,,",
    "E-16,254712345678,data,out,,{t},600,,200000000000,1,0,,,,,,",
    "E-17,1234567,voice,out,0733111222,{t},69,,,,0,,,,,,",
    "E-18,999,voice,out,0733111222,{t},70,,,,0,,,,,,",
    "E-19,254712345678,voice,out,0733111222,not-a-time,71,,,,0,,,,,,",
    "E-20,254712345678,voice,out,0733111222,{t},72,,,,0,,,,,",
    "E-21,254712345678,sms,in,0733111222,{t},,,,,0,,,generic-sms,,,",
    "E-22,254712345678,sms,in,0733111222,{t},,,,,0,,,freeswitch-bleg,,,",
    "E-23,254712345678,sms,in,0733111222,{t},,,,,0,,,telex,,,",
    "E-24,254712345678,data,out,,{late},7200,,5000,9000,0,,,,S-1,1,0",
    "E-25,254712345678,data,out,,{late},3600,,100,200,0,,,,S-1,2,1",
    "E-26,254712345678,data,out,,{late},7200,,5000,9000,yes,,,,,,",
    "E-01,254712345678,voice,out,0733111222,{t},60,,,,0,,63902-1-1,,,,",
    ",254712345678,voice,out,0733111222,{t},73,,,,0,,,,,,",
    "   ",
    "E-27,254712345678,voice,in,0733111222,{t}.5,74,,,,0,,,,,,",
    "E-28,254712345678,voice,in,0733111222,2026-03-01T09:00:00+03:00,75,,,,0,,,,,,",
    "E-29,254712345678,voice,,0733111222,{t},76,,,,1,,,,,,",
]


def test_edge_cases_land_where_the_per_record_path_puts_them(run_file, session, clock, tmp_path):
    now = clock.now()
    at = (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    late = (now - dt.timedelta(hours=5)).replace(hour=20, minute=30).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = "record_id,msisdn,service,direction,other_party,start,duration,messages,volume_up,volume_down," \
             "roaming,visited_network,location,record_type,session_id,sequence,final"
    path = tmp_path / "edges.csv"
    path.write_text("\n".join([header, *(line.format(t=at, late=late) for line in EDGE_LINES)]) + "\n")
    fast, slow = both_ways(run_file, session, path, OPTIONS, batch_size=7)
    assert fast == slow
    assert {code for _, code, _, _ in fast["rejects"]} >= {"bad_field_count", "bad_timestamp", "negative_duration",
                                                         "absurd_duration", "timestamp_out_of_range",
                                                         "unparseable_number", "unknown_record_type"}


def test_generated_file_gives_identical_results(run_file, session, clock, tmp_path):
    [path] = generate("generic-csv", 3000, str(tmp_path), seed=31, bad=0.03, duplicates=0.03, partials=0.05,
                      start=clock.now() - dt.timedelta(days=1))
    fast, slow = both_ways(run_file, session, path, OPTIONS, batch_size=700)
    assert fast == slow
    assert len(fast["usage"]) > 2500


def test_most_records_of_an_ordinary_file_take_the_column_path(clock, tmp_path):
    [path] = generate("generic-csv", 2000, str(tmp_path), seed=32, start=clock.now() - dt.timedelta(days=1))
    numbers, lines, rows = columnar.read_lines(path)
    assert rows is None
    assert len(lines) == 2000 and numbers[0] == 2  # the header is line 1
    items, ready = columnar.prepare(Rules.from_options({}, "KE"), "KE", clock.now(), numbers, lines)
    assert len(items) + len(ready) == 2000
    assert len(ready) > 1600  # partial records (about 11% here) and bad ones go record by record
    assert all(usage.started_at.tzinfo is UTC for _key, usage in ready)


def test_files_the_line_reader_cannot_number_go_the_ordinary_way(tmp_path):
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('"G-1",254712345678,voice,out,,2026-03-01T10:00:00Z,1,,,,0,,,,,,\n')
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(b"G-1,254712345678,voice,out,,2026-03-01T10:00:00Z,1,,,,0,,,,,,\r\n")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"G-1,254712345678,voice,out,,2026-03-01T10:00:00Z,1,,,,0,,Caf\xe9,,,,\n")
    assert columnar.read_lines(str(quoted)) is None
    assert columnar.read_lines(str(quoted), "generic-csv", {"columnar": False}) is None
    spanning = tmp_path / "spanning.csv"
    spanning.write_text('"","0712345678","0733111222","from-internal","two\nlines"\n')
    assert columnar.read_lines(str(spanning), "asterisk-csv", {"columnar": True}) is None
    assert columnar.read_lines(str(spanning), "asterisk-csv", {"columnar": True, "timezone": "Mars/Olympus"}) is None
    assert columnar.read_lines(str(quoted), "asterisk-csv") is None  # opt-in for Asterisk
    assert columnar.read_lines(str(crlf)) is None
    assert columnar.read_lines(str(latin)) is None


ASTERISK_EDGES = [
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,60,"ANSWERED","BILLING","1.1","","","1.1",0',
    '"","0712345678","0733111222","from-trunk","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,61,"ANSWERED","BILLING","1.2","","","1.2",1',
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","","{t}",70,0,"NO ANSWER","BILLING","1.3","","","1.3",2',
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,62,"answered","BILLING","1.4","","","1.4",3',
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,63,"ANSWERED","BILLING","1.5","","","",4',
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"2026-10-25 01:30:00","{t}","{t}",70,64,"ANSWERED","BILLING","1.6","","","1.6",5',
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,65.0,"ANSWERED","BILLING","1.7","","","1.7",6',
    '"","0712345678","0733111222","from-internal","extra","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,66,"ANSWERED","BILLING","1.8","","","1.8",7',
    '"","","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,67,"ANSWERED","BILLING","1.9","","","1.9",8',
    '"","0700000001","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,68,"ANSWERED","BILLING","1.10","","","1.10",9',
    '"","201","202","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,69,"ANSWERED","BILLING","1.11","","","1.11",10',
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"{t}","{t}","{t}",70,60,"ANSWERED","BILLING","1.1","","","1.1",0',
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial","",'
    '"20X6-01-01 00:00:00","{t}","{t}",70,60,"ANSWERED","BILLING","1.12","","","1.12",11',
    '"","0712345678","0733111222","from-internal","x","PJSIP/a","PJSIP/b","Dial",""',
]


def test_asterisk_edge_cases_land_where_the_per_record_path_puts_them(run_file, session, clock, tmp_path):
    at = (clock.now() - dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S")
    path = tmp_path / "Master.csv"
    path.write_text("\n".join(line.format(t=at) for line in ASTERISK_EDGES) + "\n")
    options = {"timezone": "Europe/London", "test_numbers": ["+254700000001"], "max_age_days": 400, "columnar": True}
    fast, slow = both_ways(run_file, session, path, options, batch_size=5, fmt="asterisk-csv")
    assert fast == slow
    assert len(fast["usage"]) >= 2


def test_generated_asterisk_file_gives_identical_results(run_file, session, clock, tmp_path):
    [path] = generate("asterisk-csv", 3000, str(tmp_path), seed=33, bad=0.03, duplicates=0.03,
                      start=clock.now() - dt.timedelta(days=1))
    fast, slow = both_ways(run_file, session, path, {"timezone": "Africa/Nairobi", "columnar": True},
                            batch_size=700, fmt="asterisk-csv")
    assert fast == slow
    assert len(fast["usage"]) > 2000
    numbers, lines, rows = columnar.read_lines(path, "asterisk-csv", {"columnar": True})
    _items, ready = columnar.prepare(Rules.from_options({}, "KE"), "KE", clock.now(), numbers, lines, rows,
                                     fmt="asterisk-csv", options={"timezone": "Africa/Nairobi"})
    assert len(ready) > 2000
