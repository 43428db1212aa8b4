"""Realistic usage files of every format for demos, tests and benchmarks, with a chosen share
of bad records, duplicates (a record repeated, as switches do after a restart) and partials
(long sessions cut into parts). Deterministic for a given seed.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
from collections.abc import Callable, Sequence

TEXT_FORMATS = ("asterisk-csv", "freeswitch-csv", "generic-csv", "generic-json")
EXTENSIONS = {"asterisk-csv": "csv", "freeswitch-csv": "csv", "generic-csv": "csv", "generic-json": "jsonl"}


class Plan:
    """Which records come out bad, repeated or partial, and the subscribers they belong to."""

    def __init__(self, seed: int, bad: float, duplicates: float, partials: float, subscribers: int,
                 start: dt.datetime, records: int, msisdns: Sequence[str] | None = None):
        self.rng = random.Random(seed)  # noqa: S311  (reproducible test data, not secrets)
        self.bad, self.duplicates, self.partials = bad, duplicates, partials
        # Switches write numbers without the plus; given E.164 lines are written that way too.
        self.msisdns = ([number.lstrip("+") for number in msisdns] if msisdns else
                        [f"2547{self.rng.randrange(10, 30):02d}{self.rng.randrange(10**6):06d}"
                         for _ in range(subscribers)])
        self.start = start
        self.index = 0  # record number across all files of one run: ids stay unique
        self.step = min(0.5, 72_000 / max(records, 1))  # all within 20 hours of the start

    def subscriber(self) -> str:
        return self.rng.choice(self.msisdns)

    def other(self) -> str:
        return f"07{self.rng.randrange(10, 30):02d}{self.rng.randrange(10**6):06d}"

    def moment(self, index: int) -> dt.datetime:
        return self.start + dt.timedelta(seconds=index * self.step + self.rng.random())


def _local(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _asterisk(plan: Plan, index: int) -> str:
    rng = plan.rng
    src, dst = "0" + plan.subscriber()[3:], plan.other()  # PBXs log national numbers
    start = plan.moment(index)
    answered = rng.random() > 0.15
    billsec = rng.randrange(1, 900) if answered else 0
    ring = rng.randrange(2, 20)
    answer = _local(start + dt.timedelta(seconds=ring)) if answered else ""
    end = _local(start + dt.timedelta(seconds=ring + billsec))
    uniqueid = f"{int(start.timestamp())}.{index}"
    disposition = "ANSWERED" if answered else rng.choice(("NO ANSWER", "BUSY", "FAILED"))
    return (f'"","{src}","{dst}","from-internal","""Sub {src[-4:]}"" <{src}>","PJSIP/{src}-{index:08x}",'
            f'"PJSIP/trunk-{index:08x}","Dial","PJSIP/{dst}@trunk,60","{_local(start)}","{answer}","{end}",'
            f'{ring + billsec},{billsec},"{disposition}","BILLING","{uniqueid}","","","{uniqueid}",{index % 1000}')


def _asterisk_bad(plan: Plan, index: int) -> str:
    kind = plan.rng.randrange(3)
    line = _asterisk(plan, index)
    if kind == 0:
        return line.replace('"from-internal"', '"from-internal","extra"', 1)  # wrong field count
    if kind == 1:
        fields = line.split('","')
        fields[1] = ""  # no caller: missing subscriber
        return '","'.join(fields)
    return line.replace(f'"{_local(plan.moment(index))[:4]}', '"20X6', 1)  # unreadable start time


def _freeswitch(plan: Plan, index: int) -> str:
    rng = plan.rng
    src, dst = plan.subscriber(), plan.other()
    start = plan.moment(index)
    answered = rng.random() > 0.15
    billsec = rng.randrange(1, 900) if answered else 0
    ring = rng.randrange(2, 20)
    answer = _local(start + dt.timedelta(seconds=ring)) if answered else ""
    cause = "NORMAL_CLEARING" if answered else "NO_ANSWER"
    uuid = (f"{rng.getrandbits(32):08x}-{index & 0xffff:04x}-4{rng.getrandbits(12):03x}-"
            f"a{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}")
    bleg = f"{uuid[:-4]}b{index % 1000:03d}" if answered else ""
    return (f'"Sub {src[-4:]}","{src}","{dst}","default","{_local(start)}","{answer}",'
            f'"{_local(start + dt.timedelta(seconds=ring + billsec))}","{ring + billsec}","{billsec}","{cause}",'
            f'"{uuid}","{bleg}","","PCMA","PCMA"')


def _freeswitch_bad(plan: Plan, index: int) -> str:
    fields = _freeswitch(plan, index).split('","')
    if index % 2:
        fields.insert(4, "x")  # wrong field count
    else:
        fields[1] = "abc12"  # unparseable caller number
    return '","'.join(fields)


_GENERIC_SERVICES = ("voice", "sms", "data")


def _generic_fields(plan: Plan, index: int, session: tuple[str, int, bool] | None = None) -> dict:
    rng = plan.rng
    service = "data" if session else rng.choice(_GENERIC_SERVICES)
    body = {"record_id": f"R{index:09d}", "msisdn": plan.subscriber(), "service": service,
            "direction": "out" if rng.random() > 0.3 else "in",
            "other_party": plan.other() if service != "data" else "",
            "start": plan.moment(index).isoformat().replace("+00:00", "Z"), "duration": "", "messages": "",
            "volume_up": "", "volume_down": "", "roaming": "0", "visited_network": "",
            "location": f"63902-{rng.randrange(1, 400)}-{rng.randrange(1, 60000)}", "record_type": "",
            "session_id": "", "sequence": "", "final": ""}
    if service == "voice":
        body["duration"] = str(rng.randrange(1, 900))
    elif service == "sms":
        body["messages"] = "1"
    else:
        body.update(duration=str(rng.randrange(60, 3600)), volume_up=str(rng.randrange(10**3, 10**7)),
                    volume_down=str(rng.randrange(10**4, 10**8)))
        if rng.random() < 0.05:
            body.update(roaming="1", visited_network="23415")
    if session:
        body.update(session_id=session[0], sequence=str(session[1]), final="1" if session[2] else "0")
    return body


def _generic_bad(body: dict, plan: Plan) -> dict:
    kind = plan.rng.randrange(3)
    if kind == 0:
        body["msisdn"] = "12ab"
    elif kind == 1:
        body.update(service="voice", duration="-5", volume_up="", volume_down="")
    else:
        body["start"] = "yesterday"
    return body


def _generic_line(body: dict, fmt: str) -> str:
    if fmt == "generic-json":
        return json.dumps({k: v for k, v in body.items() if v != ""})
    return ",".join(body.values())


def _records(fmt: str, plan: Plan, count: int) -> list[str]:
    lines: list[str] = []
    index = plan.index
    rng = plan.rng
    while len(lines) < count:
        roll = rng.random()
        if roll < plan.duplicates and lines:
            lines.append(lines[rng.randrange(len(lines))])
        elif fmt == "asterisk-csv":
            lines.append(_asterisk_bad(plan, index) if roll > 1 - plan.bad else _asterisk(plan, index))
        elif fmt == "freeswitch-csv":
            lines.append(_freeswitch_bad(plan, index) if roll > 1 - plan.bad else _freeswitch(plan, index))
        elif roll < plan.duplicates + plan.partials and count - len(lines) >= 3:
            parts = rng.randrange(2, 4)
            session = f"S{index:09d}"
            for part in range(parts):
                lines.append(_generic_line(_generic_fields(plan, index, (session, part + 1, part == parts - 1)), fmt))
                index += 1
        else:
            body = _generic_fields(plan, index)
            lines.append(_generic_line(_generic_bad(body, plan) if roll > 1 - plan.bad else body, fmt))
        index += 1
    plan.index = index
    return lines[:count]


def generate(fmt: str, records: int, out_dir: str, *, files: int = 1, bad: float = 0.01,
             duplicates: float = 0.01, partials: float = 0.05, seed: int = 1, subscribers: int = 5000,
             start: dt.datetime | None = None, progress: Callable[[int], None] | None = None,
             msisdns: Sequence[str] | None = None) -> list[str]:
    """Write ``files`` files holding ``records`` records in all; return their paths.

    ``msisdns`` (E.164) names the subscribers, e.g. the operator's live lines so the usage
    rates; without it ``subscribers`` random Kenyan numbers are made up."""
    start = start or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    if fmt == "3gpp-ber":
        # Here, not at the top: the BER writer and its ASN.1 tables are some 12 ms of imports
        # that every ``flask`` command would pay (the CLI imports this module), for one format.
        from devtools.testdata.ber_files import generate_ber_file

        os.makedirs(out_dir, exist_ok=True)
        paths = []
        for number in range(files):
            count = records // files + (1 if number < records % files else 0)
            path = os.path.join(out_dir, f"CDR_{seed}_{number + 1:04d}.dat")
            generate_ber_file(path, count, seed=seed * 1000 + number, bad_share=bad, duplicate_share=duplicates,
                              partial_share=partials, file_sequence=number + 1, start=start,
                              msisdns=list(msisdns) if msisdns else None)
            paths.append(path)
            if progress:
                progress(count)
        return paths
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"cannot generate {fmt!r}; formats: {', '.join((*TEXT_FORMATS, '3gpp-ber'))}")
    os.makedirs(out_dir, exist_ok=True)
    plan = Plan(seed, bad, duplicates, partials, subscribers, start, records, msisdns)
    paths = []
    for number in range(files):
        count = records // files + (1 if number < records % files else 0)
        name = f"{fmt}-{seed}-{number + 1:04d}.{EXTENSIONS[fmt]}"
        path = os.path.join(out_dir, name)
        with open(path + ".part", "w", encoding="utf-8", newline="") as handle:
            if fmt == "generic-csv":
                handle.write(",".join(_generic_fields(plan, 0)) + "\n")
            for chunk_start in range(0, count, 50_000):
                lines = _records(fmt, plan, min(50_000, count - chunk_start))
                handle.write("\n".join(lines) + "\n")
                if progress:
                    progress(len(lines))
        os.replace(path + ".part", path)  # a watcher never sees half a file
        paths.append(path)
    return paths
