"""Realistic TS 32.297 CDR files of TS 32.298 BER records, for demos, tests and benchmarks.

``generate_ber_file(path, records=N, ...)`` writes one file: a file header, then N CDRs, each
behind its CDR header: MSC ``moCallRecord``/``mtCallRecord``/``moSMSRecord``/``mtSMSRecord``
and gateway ``pGWRecord``/``sGWRecord`` with ``listOfTrafficVolumes`` (and ``listOfServiceData``
on the PGW). Among the N:

- ``bad_share`` are corrupt records, each still framed by a correct CDR header so a decoder
  rejects it alone: an element whose length overruns the record, a TimeStamp with month 13, or
  a record missing a mandatory field (callReference / chargingID);
- ``duplicate_share`` are exact copies of records written earlier in the file;
- ``partial_share`` belong to long calls and data sessions reported in several records (2 to 4,
  increasing sequence numbers, the last one closing), interleaved with other records.

The same arguments always write the same octets. Subscribers come from ``msisdns`` (E.164) or
a generated set of Kenyan mobile numbers on the home network ``home_plmn``; ``roaming_share``
of the records are served by a visited network.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devtools.testdata.cdr_samples import NETWORK_TIME, Network, call_record, corrupt_record, gateway_record, sms_record
from mediation.asn1 import ts32297

DEFAULT_START = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
MIX = {"moCallRecord": 35, "mtCallRecord": 15, "moSMSRecord": 10, "mtSMSRecord": 10,
       "pGWRecord": 22, "sGWRecord": 8}


@dataclass
class GeneratedBer:
    """What was written, for tests and benchmarks to know what a decoder must find."""

    path: Path
    file_sequence: int
    records: int = 0  # CDRs in the file
    bad: int = 0
    duplicates: int = 0
    partial_records: int = 0  # records that belong to multi-record sessions
    sessions: int = 0  # multi-record sessions
    by_type: Counter = field(default_factory=Counter)  # good and duplicate records per type


def generate_ber_file(path: str | Path, records: int = 1000, *, seed: int = 0, bad_share: float = 0.0,
                      duplicate_share: float = 0.0, partial_share: float = 0.0,
                      msisdns: Sequence[str] | None = None, file_sequence: int = 1,
                      start: dt.datetime = DEFAULT_START, home_plmn: str = "63902",
                      roaming_share: float = 0.05, unanswered_share: float = 0.08,
                      mix: dict[str, int] | None = None, span: dt.timedelta = dt.timedelta(hours=1)) -> GeneratedBer:
    """Write a TS 32.297 file of ``records`` CDRs to ``path`` and say what is in it.

    Shares are fractions of ``records`` (0 to 1); ``mix`` weighs the record types (default
    ``MIX``); the records' usage begins between ``start`` and ``start + span`` (the later parts
    of a long call or session up to a few hours after); ``file_sequence`` goes in the file header.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    net = Network(rng, msisdns, home_plmn)
    weights = mix or MIX
    kinds, cumulative = list(weights), []
    total = 0
    for kind in kinds:
        total += weights[kind]
        cumulative.append(total)
    # a split session writes 3 records on average: choose the split chance that gives the share
    split = partial_share / (3 - 2 * partial_share) if partial_share < 1 else 1.0
    summary = GeneratedBer(Path(path), file_sequence)
    body: list[bytes] = []
    written: list[tuple[str, bytes, int]] = []  # good records that may be duplicated later
    pending: list[tuple[int, str, bytes]] = []  # later parts of split sessions: (due index, kind, record)
    moment = start
    step = span / max(records, 1)

    def emit(kind: str, record: bytes, ts_number: int, duplicate: bool = False) -> None:
        header = ts32297.build_cdr_header(len(record), ts_number)
        body.append(header + record)
        if len(body) >= 4096:
            out.write(b"".join(body))
            body.clear()
        summary.records += 1
        summary.by_type[kind] += 1
        if not duplicate and len(written) < 5000:
            written.append((kind, record, ts_number))

    with open(path, "wb") as out:  # emit() writes through it
        out.write(bytes(ts32297.header_length()))  # the header waits for the counts, at the end
        while summary.records < records:
            n = summary.records
            moment += step * (0.5 + rng.random())
            if pending and (pending[0][0] <= n or n + len(pending) >= records):
                _, kind, record = pending.pop(0)
                emit(kind, record, ts32297.TS_32251 if kind.endswith("GWRecord") else ts32297.TS_32250)
                summary.partial_records += 1
                continue
            draw = rng.random()
            if draw < bad_share:
                corrupt = corrupt_record(net, summary.bad, moment)
                body.append(ts32297.build_cdr_header(len(corrupt), ts32297.TS_32251 if summary.bad % 3 == 2
                                                     else ts32297.TS_32250) + corrupt)
                summary.records += 1
                summary.bad += 1
                continue
            if written and draw < bad_share + duplicate_share:
                kind, record, ts_number = rng.choice(written)
                emit(kind, record, ts_number, duplicate=True)
                summary.duplicates += 1
                continue
            kind = kinds[_pick(cumulative, rng.randrange(total))]
            roaming = rng.random() < roaming_share
            room = records - summary.records - len(pending)
            sms = kind in ("moSMSRecord", "mtSMSRecord")
            parts = rng.choice((2, 3, 4)) if rng.random() < split and not sms else 1
            parts = min(parts, room) if room > 1 else 1
            if sms:
                emit(kind, sms_record(net, kind == "moSMSRecord", moment, roaming), ts32297.TS_32250)
            elif kind in ("moCallRecord", "mtCallRecord"):
                net.call_reference += 1
                answered = parts > 1 or rng.random() >= unanswered_share
                parties = net.parties()
                for i in range(parts):
                    record = call_record(
                        net, kind == "moCallRecord", moment + dt.timedelta(seconds=1800 * i),
                        duration=(1800 if i < parts - 1 else rng.randrange(1, 1800)) if answered else 0,
                        answered=answered, reference=net.call_reference, sequence=i + 1 if parts > 1 else None,
                        closing=i == parts - 1, roaming=roaming, parties=parties)
                    _queue(emit, pending, summary, kind, record, ts32297.TS_32250, i, rng)
            else:
                net.charging_id += 1
                subscriber = net.subscriber()
                for i in range(parts):
                    duration = rng.randrange(10, 3600)
                    record = gateway_record(
                        net, kind == "pGWRecord", moment + dt.timedelta(seconds=3600 * i), duration=duration,
                        up=rng.randrange(0, 5 * 10**7) if rng.random() > 0.03 else 0,
                        down=rng.randrange(0, 2 * 10**8) if rng.random() > 0.03 else 0,
                        charging_id=net.charging_id, sequence=i + 1 if parts > 1 else None,
                        closing=i == parts - 1, roaming=roaming, subscriber=subscriber)
                    _queue(emit, pending, summary, kind, record, ts32297.TS_32251, i, rng)
            if parts > 1:
                summary.sessions += 1
        for _, kind, record in pending:  # never reached unless records ran out mid-session
            emit(kind, record, ts32297.TS_32251 if kind.endswith("GWRecord") else ts32297.TS_32250)
            summary.partial_records += 1
        out.write(b"".join(body))
        size = out.tell()
        out.seek(0)
        out.write(ts32297.build_file_header(file_length=size, cdr_count=summary.records, sequence=file_sequence,
                                           opened=start.astimezone(NETWORK_TIME),
                                           last_append=moment.astimezone(NETWORK_TIME), node_address="10.50.0.1"))
    return summary


def _pick(cumulative: list[int], value: int) -> int:
    for index, bound in enumerate(cumulative):
        if value < bound:
            return index
    return len(cumulative) - 1


def _queue(emit, pending, summary, kind, record, ts_number, index, rng) -> None:
    """Write the first part of a session now and queue its later parts a few records on."""
    if index == 0:
        emit(kind, record, ts_number)
        return
    if index == 1:
        summary.partial_records += 1  # the first part, written already, was a partial too
    due = summary.records + len(pending) + rng.randrange(1, 6)
    pending.append((due, kind, record))
    pending.sort(key=lambda item: item[0])
