"""USSD hop latency under load, through the production server (gunicorn) over loopback.

    .venv/bin/python -m bench.ussd_latency                 # PostgreSQL at 127.0.0.1, 500 hops/s for 20 s
    .venv/bin/python -m bench.ussd_latency --database-url sqlite:////tmp/bench.sqlite3 --record

Builds a database of the demo operator (200 customers) with a week of past USSD sessions
(``--history``, then ``ANALYZE``: the tables and plans of a running operator), serves ``wsgi:app``
with gunicorn (4 gthread workers x 2 threads unless told otherwise), and drives an open-loop
load: sessions start on a fixed schedule (no coordinated omission: a hop's latency counts from
when it was due), each dialling ``*123#`` and then choosing "Balance &
bundles", so every second hop reads the balance and buckets and both write the conversation
and its interactions. ``/healthz`` at the same rate is the baseline of the server and client
alone. Prints p50/p90/p99/max, errors and the ratio to the baseline, and per request the CPU
the server spent (all gunicorn processes, from ``/proc``), the database's (every PostgreSQL
process, so other clients of the same server count too) and the generator's own CPU (it shares
the cores); ``--record`` appends the figures to ``bench/RESULTS.md``. Goal: p99 under 50 ms at
500 hops/s with no errors.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bss_bench_ussd"


def seed_history(session, numbers: list[str], sessions: int) -> None:
    """Past USSD sessions (a conversation and its two messages each, ended days ago), so the bench
    meets tables the size a running operator has, and query plans made for them, not empty ones."""
    import sqlalchemy as sa

    from crm.conversations.models import Conversation, Interaction

    now = dt.datetime.now(dt.UTC)
    conversations, messages = Conversation.__table__, Interaction.__table__
    rows = []
    for n in range(sessions):
        at = now - dt.timedelta(days=7) + dt.timedelta(seconds=n * 7 * 86400 // max(sessions, 1))
        rows.append({"channel": "ussd", "address": numbers[n % len(numbers)], "session_ref": f"history-{n}",
                     "customer_id": None, "language": "en", "state": {"dialog": None, "page": 0}, "status": "ended",
                     "started_at": at, "last_activity_at": at, "expires_at": at + dt.timedelta(seconds=180),
                     "ended_at": at, "end_reason": "dialog finished"})
    ids = session.execute(conversations.insert().returning(conversations.c.id, sort_by_parameter_order=True),
                          rows).scalars().all()
    session.execute(messages.insert(), [
        {"conversation_id": ident, "customer_id": None, "channel": "ussd", "direction": direction,
         "address": row["address"], "text": "1" if direction == "in" else "END Balance", "purpose": "selfService",
         "status": "received" if direction == "in" else "sent", "provider_ref": None, "error": None, "raw": None,
         "occurred_at": row["started_at"], "status_changed_at": row["started_at"]}
        for ident, row in zip(ids, rows, strict=True) for direction in ("in", "out")])
    session.commit()
    session.execute(sa.text("ANALYZE"))  # statistics, as autovacuum would have gathered on a live database
    session.commit()


def prepare_database(url: str, instance: str, history: int = 20_000) -> list[str]:
    """A fresh database with the demo operator and ``history`` past USSD sessions; returns the
    MSISDNs of active lines."""
    import sqlalchemy as sa

    from billing.models import Subscription
    from core.clock import SystemClock
    from core.db import db
    from core.settings import Settings
    from gateway import create_app
    from gateway.demo import seed_demo

    settings = Settings.from_env({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    if settings.database_url.startswith("postgresql"):
        target = sa.engine.make_url(settings.database_url)
        admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
    elif settings.database_url.startswith("sqlite:///"):
        pathlib.Path(settings.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    app = create_app(settings, instance_path=instance)
    with app.app_context():
        db.create_all()  # the models, so the bench runs whether or not the migration has been written
        seed_demo(db.session, SystemClock(), settings)
        db.session.commit()
        numbers = list(db.session.scalars(sa.select(Subscription.msisdn).where(Subscription.status == "active")
                                          .order_by(Subscription.id)))
        seed_history(db.session, numbers, history)
        db.engine.dispose()
    return numbers


def start_server(url: str, port: int, workers: int, threads: int, instance: str,
                 worker_class: str = "gthread") -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "DEMO_DATA": "0", "LOG_LEVEL": "WARNING"}
    command = [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--worker-class", worker_class,
               "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--keep-alive", "30",
               "--log-level", "warning", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not come up")


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User+system CPU of gunicorn's master and workers so far (Linux ``/proc``; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    pids = [server.pid]
    try:
        pids += [int(p) for p in pathlib.Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
    except OSError:
        return 0.0
    for pid in pids:
        try:
            fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


class Connection:
    """One keep-alive HTTP/1.1 connection; small and cheap so the load generator is not the bottleneck."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, path: str, body: bytes | None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        method = "POST" if body is not None else "GET"
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if body is not None:
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        try:
            status_line = await self.reader.readline()
            headers = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            self.writer = None
            raise
        length, close = 0, False
        for line in headers.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"connection" and value.strip().lower() == b"close":
                close = True
        payload = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return int(status_line.split()[1]), payload


async def run_load(port: int, rate: float, seconds: float, job) -> tuple[list[float], int, float, float]:
    """Start ``job`` on a fixed schedule of ``rate`` per second.

    Returns (latencies ms, errors, elapsed s, the generator's own CPU s): the generator shares the
    machine's cores with the server, so its CPU is reported next to the server's.
    """
    cpu_start = time.process_time()
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(256):
        pool.put_nowait(Connection(port))
    latencies: list[float] = []
    errors = 0

    async def timed(path: str, body: bytes | None, due: float, check) -> bool:
        nonlocal errors
        connection = await pool.get()
        try:
            status, payload = await connection.request(path, body)
            ok = status == 200 and check(payload)
        except Exception:  # a refused or dropped connection is an error of the run, counted
            ok = False
        finally:
            pool.put_nowait(connection)
        latencies.append((time.perf_counter() - due) * 1000)
        if not ok:
            errors += 1
        return ok

    tasks = []
    start = time.perf_counter()
    total = int(rate * seconds)
    for n in range(total):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(job(n, due, timed)))
    await asyncio.gather(*tasks)
    return latencies, errors, time.perf_counter() - start, time.process_time() - cpu_start


def sessions_job(numbers: list[str]):
    """Each job is a whole session: the menu, then the balance (latency of each hop counted)."""
    run = f"bench{int(time.time())}"

    def form(session: str, msisdn: str, text: str) -> bytes:
        return urllib.parse.urlencode({"sessionId": session, "serviceCode": "*123#", "phoneNumber": msisdn,
                                       "networkCode": "63902", "text": text}).encode()

    async def job(n: int, due: float, timed) -> None:
        session, msisdn = f"{run}-{n}", numbers[n % len(numbers)]
        if await timed("/channels/ussd", form(session, msisdn, ""), due, lambda p: p.startswith(b"CON ")):
            await timed("/channels/ussd", form(session, msisdn, "1"), time.perf_counter(),
                        lambda p: p.startswith(b"END "))
    return job


async def healthz_job(n: int, due: float, timed) -> None:
    await timed("/healthz", None, due, lambda p: b"ok" in p)


def database_cpu_seconds() -> float:
    """User+system CPU of every PostgreSQL server process so far (0 with SQLite or off Linux).

    Counts the whole cluster, so other work on the same server is counted too."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            head, _, rest = stat.read_text().rpartition(")")
        except OSError:
            continue
        if head.split("(", 1)[-1].startswith(("postgres", "postmaster")):
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def measured(server: subprocess.Popen, load) -> tuple[list[float], int, float, float, float, float]:
    """Run one load (a coroutine from ``run_load``) and add the CPU seconds it cost the server
    (gunicorn) and the database."""
    before, database_before = server_cpu_seconds(server), database_cpu_seconds()
    latencies, errors, elapsed, client_cpu = asyncio.run(load)
    return (latencies, errors, elapsed, client_cpu, server_cpu_seconds(server) - before,
            database_cpu_seconds() - database_before)


def summary(name: str, latencies: list[float], errors: int, elapsed: float, client_cpu: float = 0.0,
            server_cpu: float = 0.0, database_cpu: float = 0.0) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    figures = {"name": name, "requests": len(ordered), "errors": errors, "rate": len(ordered) / elapsed,
               "p50": statistics.median(ordered), "p90": pct(90), "p99": pct(99), "max": ordered[-1],
               # CPU per request: the server's (all gunicorn processes) and the load generator's own,
               # and the generator's share of the 2 cores' time during the run.
               "server_ms": server_cpu / len(ordered) * 1000, "client_ms": client_cpu / len(ordered) * 1000,
               "database_ms": database_cpu / len(ordered) * 1000,
               "client_share": client_cpu / (elapsed * (os.cpu_count() or 1))}
    print(f"{name:<26} {figures['requests']:>6} req  {figures['rate']:7.1f}/s  errors {errors:<4} "
          f"p50 {figures['p50']:6.1f} ms  p90 {figures['p90']:6.1f} ms  p99 {figures['p99']:6.1f} ms  "
          f"max {figures['max']:7.1f} ms  server CPU {figures['server_ms']:.2f} ms/req  "
          f"database CPU {figures['database_ms']:.2f} ms/req  "
          f"client CPU {figures['client_ms']:.2f} ms/req ({figures['client_share']:.0%} of the cores)", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--rate", type=float, default=500, help="USSD hops per second (the goal's rate)")
    parser.add_argument("--also", default="100,150,200", help="lower rates to run too, to show the capacity curve")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class: gthread or sync")
    parser.add_argument("--port", type=int, default=5911)
    parser.add_argument("--history", type=int, default=20_000, help="past USSD sessions in the database")
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="bench-ussd-")
    print(f"preparing the demo operator in {args.database_url} ...", flush=True)
    numbers = prepare_database(args.database_url, instance, args.history)
    server = start_server(args.database_url, args.port, args.workers, args.threads, instance, args.worker_class)
    print(f"load average {pathlib.Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
    try:
        asyncio.run(run_load(args.port, 50, 2, sessions_job(numbers)))  # warm-up: imports, pools, caches
        base = summary("baseline GET /healthz", *measured(server, run_load(args.port, args.rate, args.seconds,
                                                                            healthz_job)))
        curve = []
        for rate in sorted({float(r) for r in args.also.split(",") if r.strip()} | {args.rate}):
            # Each session is two hops (the second sent when the first is answered), so sessions start
            # at half the hop rate.
            curve.append(summary(f"USSD hops at {rate:.0f}/s", *measured(
                server, run_load(args.port, rate / 2, args.seconds, sessions_job(numbers)))))
        hops = curve[-1]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ratio = hops["p99"] / base["p99"] if base["p99"] else float("nan")
    verdict = "PASS" if hops["p99"] < 50 and hops["errors"] == 0 and hops["rate"] >= args.rate * 0.95 else "FAIL"
    print(f"USSD p99 {hops['p99']:.1f} ms at {hops['rate']:.0f} hops/s, {hops['errors']} errors; "
          f"{ratio:.1f}x the baseline p99; goal p99 < 50 ms at {args.rate:.0f}/s: {verdict}")
    if args.record:
        record(args, base, curve, ratio, verdict)
    return 0 if verdict == "PASS" else 1


def record(args, base: dict, curve: list[dict], ratio: float, verdict: str) -> None:
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    lines = [
        f"\n## USSD hop latency ({dt.datetime.now(dt.UTC).date().isoformat()})\n",
        f"`python -m bench.ussd_latency` — gunicorn {args.workers} {args.worker_class} workers "
        f"x {args.threads} threads, "
        f"{database}, demo operator, loopback, {args.seconds:.0f} s open-loop at {args.rate:.0f} hops/s "
        f"(sessions: `*123#` then `1` balance; the load generator shares the 2 cores).\n",
        f"Load average at the start: {pathlib.Path('/proc/loadavg').read_text().split()[0]}.\n",
        "| run | requests | achieved/s | errors | p50 ms | p90 ms | p99 ms | max ms | server CPU ms/req "
        "| database CPU ms/req | generator CPU ms/req (share of cores) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in (base, *curve):
        lines.append(f"| {row['name']} | {row['requests']} | {row['rate']:.0f} | {row['errors']} | {row['p50']:.1f} "
                     f"| {row['p90']:.1f} | {row['p99']:.1f} | {row['max']:.1f} | {row['server_ms']:.2f} "
                     f"| {row['database_ms']:.2f} "
                     f"| {row['client_ms']:.2f} ({row['client_share']:.0%}) |")
    lines.append(f"\nUSSD p99 is {ratio:.1f}x the baseline p99. Goal (p99 < 50 ms at 500/s, no errors): "
                 f"**{verdict}**.\n")
    path = ROOT / "bench" / "RESULTS.md"
    with path.open("a", encoding="utf-8") as handle:
        if path.stat().st_size == 0:
            handle.write("# Benchmark results\n")
        handle.write("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
