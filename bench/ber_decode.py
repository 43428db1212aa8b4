"""Decoding speed of 3GPP TS 32.297/32.298 BER files (the ``3gpp-ber`` decoder alone).

    .venv/bin/python -m bench.ber_decode [--records 200000] [--runs 5] [--baseline 1500]

Generates a realistic file (1% duplicates, 10% partial records, 0.5% corrupt), then prints:
the generator's speed; the decoder's records/s (median and best of ``--runs``, wall clock, one
process, and per CPU-second); two processes decoding one file each (what the 2-core machine gives when files are
independent tasks); and the same records decoded by pycrate's generic ASN.1 runtime with the
full TS 32.298 modules (the baseline, on a sample), as a ratio.
"""
from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from devtools.testdata.ber_files import generate_ber_file
from mediation.asn1 import ts32297
from mediation.decoders.ber_3gpp import DECODER


def _decode_all(data: bytes) -> int:
    return sum(1 for _ in DECODER.decode(io.BytesIO(data), {}))


def _decode_path(path: str) -> tuple[int, float]:
    data = Path(path).read_bytes()
    started = time.perf_counter()
    count = _decode_all(data)
    return count, time.perf_counter() - started


def _records(data: bytes, limit: int) -> list[tuple[int, bytes]]:
    at, out = ts32297.parse_file_header(data).header_length, []
    while at < len(data) and len(out) < limit:
        length, ts_number = data[at] << 8 | data[at + 1], data[at + 3] & 0x1F
        start = at + (5 if data[at + 2] >> 5 == 7 else 4)
        out.append((ts_number, data[start:start + length]))
        at = start + length
    return out


def _pycrate_rate(data: bytes, sample: int) -> float | None:
    try:
        from pycrate_asn1dir import CDR
    except ImportError:
        return None
    cs, ps = CDR.CSChargingDataTypes.CSRecord, CDR.GPRSChargingDataTypes.GPRSRecord
    records = _records(data, sample)
    started = time.perf_counter()
    for ts_number, octets in records:
        asn1 = ps if ts_number == ts32297.TS_32251 else cs
        try:
            asn1.from_ber(octets)
            asn1.get_val()
        except Exception:  # noqa: S112 - the corrupt records fail here as in our decoder
            continue
    return len(records) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=int, default=1500, help="records decoded by pycrate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"cdr{n}.dat" for n in (1, 2)]
        started = time.perf_counter()
        summary = generate_ber_file(paths[0], records=args.records, seed=1, bad_share=0.005,
                                    duplicate_share=0.01, partial_share=0.1)
        generated = time.perf_counter() - started
        generate_ber_file(paths[1], records=args.records, seed=2, bad_share=0.005, duplicate_share=0.01,
                          partial_share=0.1)
        data = paths[0].read_bytes()
        print(f"file: {summary.records} CDRs, {len(data) / 1e6:.1f} MB ({len(data) / summary.records:.0f} B/CDR); "
              f"types {dict(summary.by_type)}")
        print(f"generator: {summary.records / generated:,.0f} records/s")
        rates, cpu_rates = [], []
        for _ in range(args.runs):
            started, cpu = time.perf_counter(), time.process_time()
            count = _decode_all(data)
            rates.append(count / (time.perf_counter() - started))
            cpu_rates.append(count / (time.process_time() - cpu))
        median = statistics.median(rates)
        print(f"decoder, 1 process: median {median:,.0f} records/s, best {max(rates):,.0f} "
              f"({len(data) * median / summary.records / 1e6:.1f} MB/s); "
              f"{statistics.median(cpu_rates):,.0f} records per CPU-second (steadier on a busy machine)")
        with ProcessPoolExecutor(2) as pool:
            started = time.perf_counter()
            results = list(pool.map(_decode_path, [str(p) for p in paths]))
            elapsed = time.perf_counter() - started
        total = sum(count for count, _ in results)
        print(f"decoder, 2 processes x 1 file: {total / elapsed:,.0f} records/s together "
              f"(including reading the files and starting the workers)")
        baseline = _pycrate_rate(data, args.baseline)
        if baseline is None:
            print("baseline: pycrate not installed (pip install -r requirements-dev.txt)")
        else:
            print(f"baseline, pycrate generic BER with the full TS 32.298 modules: {baseline:,.0f} records/s; "
                  f"ratio {median / baseline:.0f}x")


if __name__ == "__main__":
    main()
