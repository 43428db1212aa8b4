"""Property: on any ``generic-csv`` file, the column path (``mediation.columnar``) and the
per-record path give the same outcome: the same usage records, rejects (offsets, reason codes
and texts), filtered counts per rule, duplicates, held partials and file counters.

The rows are drawn from values at and around the edges of the column path's shortcuts: valid
and malformed numbers in every spelling, internal and test numbers, start times on both sides of
the accepted window (to the microsecond) and in other notations, amounts at their limits, odd
spellings of service and direction, partial-session columns, wrong field counts and repeated
record ids (so duplicates fall inside a batch and across batches).
"""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mediation.rules import Rules
from tests.mediation.conftest import both_ways, forget_everything

OPTIONS = {"test_numbers": ["+254700000001", "+2547000009*"], "internal_numbers": ["7001"],
           "split_at": ["07:00", "19:00"], "max_volume": 10**11, "max_messages": 50}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LIMITS = Rules.from_options(OPTIONS, "KE")
HEADER = ("record_id,msisdn,service,direction,other_party,start,duration,messages,volume_up,volume_down,"
          "roaming,visited_network,location,record_type,session_id,sequence,final")


def _around(limit: int) -> st.SearchStrategy[str]:
    """An amount at, just under or just over ``limit``, or an empty, zero, negative or odd one."""
    return st.sampled_from([str(limit), str(limit - 1), str(limit + 1), "", "0", "-1", "12.0", " 7", "9" * 19])


VALID_NUMBERS = st.sampled_from(["254712345678", "+254712345678", "0712345678", "254733111222", "254711000111"])
ODD_NUMBERS = st.one_of(
    st.sampled_from(["254700000001", "254700000912", "+254700000999", "7001", "201", "999", "1234567", "12ab",
                     "", " 254712345678", "00254712345678", "+447700900123", "٢٥٤٧١٢٣٤٥٦٧٨"]),
    st.from_regex(r"\A\+?0{0,2}[0-9]{1,14}\Z"),
)
ODD_OTHERS = st.one_of(ODD_NUMBERS, st.sampled_from(["0733111222", "00447700900123", "anonymous", "*100#"]))


@st.composite
def starts(draw, now: dt.datetime, odd: bool) -> str:
    """A start time inside the accepted window in the column path's forms; ``odd``: at and around
    the window's edges (to the microsecond), or in another notation."""
    if not odd:
        moment = now - dt.timedelta(seconds=draw(st.integers(60, 2 * 86_400)),
                                    microseconds=draw(st.integers(0, 10**6 - 1)))
        return moment.strftime(draw(st.sampled_from(["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"])))
    edge = draw(st.sampled_from([now + LIMITS.max_future, now - LIMITS.max_age]))
    moment = edge + dt.timedelta(microseconds=draw(st.sampled_from([0, 1, -1, 10**6, -(10**6)])))
    style = draw(st.sampled_from(["Z", "usZ", "usZ", "+00:00", "+03:00", "naive", "ms", "epoch", "junk"]))
    if style == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "usZ":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if style == "+00:00":
        return moment.isoformat()
    if style == "+03:00":
        return moment.astimezone(dt.timezone(dt.timedelta(hours=3))).isoformat()
    if style == "naive":
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if style == "ms":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if style == "epoch":
        return str(int(moment.timestamp()))
    return draw(st.sampled_from(["", "yesterday", "2026-13-01T00:00:00Z", "20X6-03-01T00:00:00Z"]))


# A field's odd values, by column: each row is a plain billable record with a few of these.
ODD = {
    "record_id": st.sampled_from(["", "R1", "R2"]),
    "msisdn": ODD_NUMBERS,
    "service": st.sampled_from(["Voice", "fax", "", " data"]),
    "direction": st.sampled_from(["", "OUT", "sideways"]),
    "other_party": ODD_OTHERS,
    "duration": _around(LIMITS.max_duration_s),
    "messages": _around(LIMITS.max_messages),
    "volume_up": _around(LIMITS.max_volume),
    "volume_down": _around(LIMITS.max_volume),
    "roaming": st.sampled_from(["1", "true", "false", "yes"]),
    "visited_network": st.just("23415"),
    "location": st.just(""),
    "record_type": st.sampled_from(["generic-voice", "moCallRecord", "freeswitch-bleg", "telex"]),
}


@st.composite
def rows(draw, now: dt.datetime) -> str:
    """One line of a ``generic-csv`` file: a plain record (which the column path takes) with up
    to two odd fields (or partial-session columns), an odd start time now and then, and now and
    then a field too many or too few."""
    service = draw(st.sampled_from(["voice", "sms", "data"]))
    amount = st.integers(1, 3_600).map(str)
    fields = {
        "record_id": draw(st.integers(1, 40).map(lambda n: f"R{n}")), "msisdn": draw(VALID_NUMBERS),
        "service": service, "direction": draw(st.sampled_from(["out", "in"])),
        "other_party": "" if service == "data" else draw(st.sampled_from(["0733111222", "+447700900123"])),
        "start": "", "duration": draw(amount) if service != "sms" else "",
        "messages": draw(st.sampled_from(["", "1", "2"])) if service == "sms" else "",
        "volume_up": draw(amount) if service == "data" else "",
        "volume_down": draw(amount) if service == "data" else "",
        "roaming": draw(st.sampled_from(["", "0"])), "visited_network": "", "location": "63902-1-1",
        "record_type": "", "session_id": "", "sequence": "", "final": "",
    }
    odd = draw(st.lists(st.sampled_from([*ODD, "session"]), max_size=2, unique=True))
    fields["start"] = draw(starts(now, draw(st.sampled_from([False, False, True]))))
    for name in odd:
        if name in ODD:
            fields[name] = draw(ODD[name])
        elif name == "session":
            fields.update(session_id=draw(st.sampled_from(["S-1", "S-2"])),
                          sequence=draw(st.sampled_from(["1", "2", "3", ""])), final=draw(st.sampled_from("01")))
    values = list(fields.values())
    shape = draw(st.sampled_from(["ok"] * 18 + ["short", "long"]))
    if shape == "short":
        values.pop()
    elif shape == "long":
        values.append("extra")
    return ",".join(values)


@st.composite
def files(draw, now: dt.datetime) -> tuple[str, int]:
    """The text of a file (some lines repeated whole, blank lines here and there) and a batch size."""
    lines = draw(st.lists(rows(now), min_size=1, max_size=40))
    for _ in range(draw(st.integers(0, 4))):  # a record sent twice, as switches do after a restart
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(lines)))
    if draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines))), "")
    if draw(st.booleans()):
        lines.insert(0, HEADER)
    return "\n".join(lines) + "\n", draw(st.integers(1, 50))


def _window_edges(now: dt.datetime) -> str:
    """Starts on, one microsecond inside and one outside each edge of the accepted window."""
    lines = []
    for edge in (now + LIMITS.max_future, now - LIMITS.max_age):
        for step in (0, 1, -1):
            moment = edge + dt.timedelta(microseconds=step)
            lines.append(f"B{len(lines)},254712345678,voice,out,0733111222,{moment:%Y-%m-%dT%H:%M:%S.%fZ},60,,,,0,,,,,,")
    return "\n".join(lines) + "\n"


def test_column_and_per_record_paths_agree_on_any_file(run_file, session, clock, tmp_path):
    path = tmp_path / "usage.csv"

    @FAST
    @example(drawn=(_window_edges(clock.now()), 4))
    @given(drawn=files(clock.now()))
    def check(drawn):
        text, batch_size = drawn
        forget_everything(session)
        path.write_text(text, encoding="utf-8")
        fast, slow = both_ways(run_file, session, path, OPTIONS, batch_size=batch_size)
        assert fast == slow

    check()
