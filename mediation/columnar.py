"""The column-at-a-time path for the CSV formats (``generic-csv``, ``asterisk-csv``): decode,
validate and filter a whole batch with polars expressions instead of one Python object per
record.

Only records that are plainly valid, billable and complete take this path: every field in the
simple form the generator and most exporters write (ASCII digits, ``...T..:..:..[.ffffff]Z``
times, lower-case service and direction, no partial-session columns). Everything else (bad
fields, rejects, filtered records, partials, internal or test numbers, unusual spellings)
is decoded by the ordinary decoder and goes through the per-record rules, so outcomes and
reason codes stay exactly those of the per-record path (``tests/mediation/test_columnar.py``
checks both paths give the same rows). The batch, duplicate check, writes and checkpoint are
the pipeline's own: only decoding and the rules are columnar.

A file whose lines cannot be numbered as the decoder numbers them (carriage returns, NUL
bytes, bad UTF-8, a quoted field spanning lines; for ``generic-csv`` any quote) is read by the
ordinary decoder whole: ``read_lines`` returns None.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mediation.decoders.asterisk import DECODER as ASTERISK
from mediation.decoders.asterisk import INBOUND_CONTEXTS
from mediation.decoders.base import UnreadableFile
from mediation.decoders.fields import zone
from mediation.decoders.generic import COLUMNS, decode_row
from mediation.pipeline import no_cycle_collection
from mediation.records import Usage
from mediation.rules import Rules, country_code, is_test_number, subscriber_e164

if TYPE_CHECKING:
    import polars as pl

    from mediation.models import MediationFile
    from mediation.pipeline import Pipeline

FORMATS = ("generic-csv", "asterisk-csv")
Lines = tuple[list[int], list[str], list[list[str]] | None]

UTC = dt.UTC
_INT = r"^[0-9]{0,18}$"
_START = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z$"
_MSISDN = r"^\+?[0-9]+$"
_OTHER = r"^(\+?[0-9]+)?$"
_LOCAL = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
_ASTERISK_WIDTH = 21  # the layout with linkedid and sequence; other layouts go record by record


def read_lines(path: str, fmt: str = "generic-csv", options: dict[str, Any] | None = None) -> Lines | None:
    """(line numbers, lines, parsed rows or None) of the file's records as the format's decoder
    numbers them, or None when the file needs the ordinary decoder."""
    options = options or {}
    # On by default for generic-csv only: for asterisk-csv the csv module's parse and the copy
    # into columns cost what the rules save (measured in bench/RESULTS.md), so it is opt-in.
    if fmt not in FORMATS or not options.get("columnar", fmt == "generic-csv"):
        return None
    if fmt == "asterisk-csv":
        if options.get("columns"):
            return None
        try:
            zone(options.get("timezone", "UTC"))
        except UnreadableFile:
            return None  # the decoder quarantines the file with the reason
    with no_cycle_collection():  # a list per line: the collector would walk them again and again
        return _read(path, fmt)


def _read(path: str, fmt: str) -> Lines | None:
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\r" in data or b"\x00" in data or (fmt == "generic-csv" and b'"' in data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    numbers, kept = [], []
    for number, line in enumerate(lines, 1):
        if line.strip():
            numbers.append(number)
            kept.append(line)
    if fmt == "generic-csv":
        if numbers and numbers[0] == 1 and kept[0].split(",", 1)[0].strip() == "record_id":
            del numbers[0], kept[0]
        return numbers, kept, None
    try:
        rows = list(csv.reader(kept))
    except csv.Error:
        return None
    if len(rows) != len(kept):
        return None  # a quoted field runs over a line end: only the csv module numbers that right
    return numbers, kept, rows


def _generic(pl, rules: Rules, numbers: list[int], lines: list[str]) -> tuple[list, pl.DataFrame]:
    frame = pl.DataFrame({"number": numbers, "line": lines}, schema={"number": pl.Int64, "line": pl.String})
    fields = pl.col("line").str.split_exact(",", len(COLUMNS) - 1)
    frame = frame.with_columns(pl.col("line").str.count_matches(",", literal=True).alias("commas"),
                               fields.alias("f")).unnest("f")
    frame = frame.rename({f"field_{i}": name for i, name in enumerate(COLUMNS)})
    c = pl.col
    record_type_ok = (c("record_type") == "") | (
        ~c("record_type").is_in(sorted(rules.non_billable_types))
        & (c("record_type").str.starts_with("generic") | c("record_type").is_in(sorted(rules.record_types))))
    shape = ((c("commas") == len(COLUMNS) - 1) & (c("session_id") == "")
             & c("service").is_in(["voice", "sms", "data"]) & c("direction").is_in(["", "out", "in"])
             & c("start").str.contains(_START) & c("roaming").is_in(["", "0", "1", "true", "false"])
             & c("duration").str.contains(_INT) & c("messages").str.contains(_INT)
             & c("volume_up").str.contains(_INT) & c("volume_down").str.contains(_INT) & record_type_ok)
    frame = frame.with_columns(shape.fill_null(False).alias("shape"))
    service = c("service")
    frame = frame.select(
        "number", "line", "shape", c("record_id").alias("key"), "msisdn", c("other_party").alias("other"), service,
        pl.when(c("direction") == "").then(pl.lit("out")).otherwise(c("direction")).alias("direction"),
        pl.when(c("shape")).then(c("start")).str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S%.fZ",
                                                           strict=False).alias("started"),
        *(pl.when(c("shape") & (c(name) != "")).then(c(name)).cast(pl.Int64, strict=False).alias(name)
          for name in ("duration", "messages", "volume_up", "volume_down")),
        c("roaming").is_in(["1", "true"]).alias("roaming"),
        "visited_network", "location",
        pl.when(c("record_type") == "").then(pl.lit("generic-") + service).otherwise(c("record_type"))
        .alias("record_type"),
    )
    return [], frame


def _asterisk(pl, rules: Rules, options: dict[str, Any], numbers: list[int], lines: list[str],
              rows: list[list[str]]) -> tuple[list, pl.DataFrame]:
    decode = ASTERISK.row_decoder(options)
    items, wide = [], []
    for index, row in enumerate(rows):
        if len(row) == _ASTERISK_WIDTH:
            wide.append(index)
        else:
            items.append(decode(numbers[index], lines[index], row))
    columns = list(zip(*[rows[i] for i in wide], strict=True)) or [()] * _ASTERISK_WIDTH
    names = {1: "src", 2: "dst", 3: "dcontext", 9: "start", 13: "billsec", 14: "disposition", 16: "uniqueid",
             19: "linkedid", 20: "sequence"}
    frame = pl.DataFrame({"number": [numbers[i] for i in wide], "line": [lines[i] for i in wide],
                          **{name: list(columns[i]) for i, name in names.items()}},
                         schema={"number": pl.Int64, "line": pl.String, **dict.fromkeys(names.values(), pl.String)})
    c = pl.col
    incoming = c("dcontext").is_in(sorted(options.get("inbound_contexts", INBOUND_CONTEXTS)))
    billable = "asterisk-cdr" not in rules.non_billable_types
    shape = ((c("linkedid") != "") & (c("disposition") == "ANSWERED") & c("billsec").str.contains(r"^[0-9]{1,18}$")
             & c("start").str.contains(_LOCAL) & pl.lit(billable))
    started = pl.when(shape).then(c("start")).str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
    tz = zone(options.get("timezone", "UTC"))
    if tz is not UTC:
        # Ambiguous or skipped local times (DST changes) become null and go record by record.
        started = (started.dt.replace_time_zone(str(tz), ambiguous="null", non_existent="null")
                   .dt.convert_time_zone("UTC").dt.replace_time_zone(None))
    none = pl.lit(None, dtype=pl.Int64)
    frame = frame.select(
        "number", "line", shape.fill_null(False).alias("shape"),
        (c("linkedid") + "/" + c("uniqueid") + "/" + c("sequence")).alias("key"),
        pl.when(incoming).then(c("dst")).otherwise(c("src")).alias("msisdn"),
        pl.when(incoming).then(c("src")).otherwise(c("dst")).alias("other"),
        pl.lit("voice").alias("service"),
        pl.when(incoming).then(pl.lit("in")).otherwise(pl.lit("out")).alias("direction"),
        started.alias("started"),
        pl.when(shape).then(c("billsec")).cast(pl.Int64, strict=False).alias("duration"),
        none.alias("messages"), none.alias("volume_up"), none.alias("volume_down"),
        pl.lit(False).alias("roaming"),
        pl.lit(None, dtype=pl.String).alias("visited_network"), pl.lit(None, dtype=pl.String).alias("location"),
        pl.lit("asterisk-cdr").alias("record_type"),
    )
    return items, frame


def prepare(rules: Rules, region: str, now: dt.datetime, numbers: list[int], lines: list[str],
            rows: list[list[str]] | None = None, *, fmt: str = "generic-csv",
            options: dict[str, Any] | None = None) -> tuple[list, list[tuple[str | None, Usage]]]:
    """Split a batch into items for the per-record rules (decoded records and failures) and
    ready records: (natural key, usage) of those that pass every rule."""
    import polars as pl  # a heavy import, only on this path

    options = options or {}
    if fmt == "asterisk-csv":
        items, frame = _asterisk(pl, rules, options, numbers, lines, rows or [])
        decode = ASTERISK.row_decoder(options)
    else:
        items, frame = _generic(pl, rules, numbers, lines)
        decode = None
    c = pl.col
    digits_only, small = r"^[0-9]+$", rules.internal_max_digits
    internal_numbers = sorted(rules.internal_numbers)

    def internal(name: str) -> pl.Expr:
        return (c(name).str.contains(digits_only) & (c(name).str.len_chars() <= small)) | c(name).is_in(
            internal_numbers)

    naive_now = now.astimezone(UTC).replace(tzinfo=None)
    service = c("service")
    keep = (c("shape") & c("msisdn").str.contains(_MSISDN) & c("other").str.contains(_OTHER)
            & ~internal("msisdn") & ~internal("other") & c("started").is_not_null()
            & (c("started") <= naive_now + rules.max_future) & (c("started") >= naive_now - rules.max_age)
            & (c("duration").fill_null(0) <= rules.max_duration_s)
            & (c("volume_up").fill_null(0) <= rules.max_volume) & (c("volume_down").fill_null(0) <= rules.max_volume)
            & (c("messages").fill_null(0) <= rules.max_messages)
            & ~((service == "voice") & (c("duration").fill_null(0) == 0))
            & ~((service == "data") & (c("volume_up").fill_null(0) == 0) & (c("volume_down").fill_null(0) == 0)))
    frame = frame.with_columns(keep.fill_null(False).alias("keep"))

    # The served number through the same (cached) normalisation, once per distinct value.
    e164: dict[str, str] = {}
    test_rule = "test_number" in rules.filters
    for raw in frame.filter(c("keep")).get_column("msisdn").unique().to_list():
        value = subscriber_e164(raw, region)
        if value is not None and not (test_rule and is_test_number(value, rules)):
            e164[raw] = value
    frame = frame.with_columns((c("keep") & c("msisdn").is_in(list(e164))).alias("keep"))

    for number, line in frame.filter(~c("keep")).select("number", "line").iter_rows():
        if decode is None:
            items.append(decode_row(number, line, line.split(",")))
        else:
            items.append(decode(number, line, next(csv.reader([line]))))
    if items and decode is not None:
        items.sort(key=_item_offset)
    good = frame.filter(c("keep"))
    if good.height == 0:
        return items, []
    other = c("other")
    cc = country_code(region)
    good = good.select(
        c("key"),
        c("number"),
        c("msisdn").replace_strict(e164, return_dtype=pl.String),
        service,
        c("direction"),
        pl.when(other == "").then(None)
        .when(other.str.starts_with("+")).then(other)
        .when(other.str.starts_with("00")).then(pl.lit("+") + other.str.slice(2))
        .when(other.str.starts_with("0") & (other.str.len_chars() > 8)).then(pl.lit("+" + cc) + other.str.slice(1))
        .when(other.str.len_chars() >= 11).then(pl.lit("+") + other)
        .otherwise(other).alias("other_party"),
        c("started"),
        c("duration").fill_null(0),
        pl.when(c("messages").is_not_null()).then(c("messages"))
        .when(service == "sms").then(1).otherwise(0).alias("messages"),
        c("volume_up").fill_null(0),
        c("volume_down").fill_null(0),
        c("roaming"),
        pl.when(c("visited_network") == "").then(None).otherwise(c("visited_network")).alias("visited_network"),
        pl.when(c("location") == "").then(None).otherwise(c("location")).alias("location"),
        c("record_type"),
        pl.lit(1).alias("parts"),
        pl.lit(None, dtype=pl.String).alias("split"),
    )
    columns = [good.get_column(name).to_list() for name in good.columns]
    columns[6] = [moment.replace(tzinfo=UTC) for moment in columns[6]]
    keys = [key or None for key in columns[0]]
    ready = list(zip(keys, map(Usage._make, zip(*columns[1:], strict=True)), strict=True))
    return items, ready


def _item_offset(item) -> int:
    return item.offset


def run(pipeline: Pipeline, file: MediationFile, lines: Lines, progress: Callable[[], None] | None = None) -> None:
    """Process a CSV file's lines from its checkpoint on, batch by batch."""
    numbers, texts, rows = lines
    size = pipeline.batch_size
    for begin in range(file.checkpoint, len(texts), size):
        end = begin + size
        now = pipeline.clock.now()
        with no_cycle_collection():
            items, ready = prepare(pipeline.rules, pipeline.region, now, numbers[begin:end], texts[begin:end],
                                   rows[begin:end] if rows is not None else None, fmt=file.format,
                                   options=pipeline.options)
        pipeline.batch_with_retry(file, items, ready=ready, now=now)
        if progress:
            progress()
