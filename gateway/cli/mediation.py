"""``flask mediation``: run the pipeline, manage sources and rejected records, generate files."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from billing.models import Subscription
from core.db import db
from core.errors import DomainError
from devtools.testdata.cdr_files import generate as generate_files
from gateway.cli.mediation_rejects import rejects_group
from gateway.executors import InlineExecutor, executor
from gateway.wiring.mediation import process_job, rating_sink
from mediation import decoders
from mediation.collect import claim_inbox
from mediation.models import MediationFile
from mediation.service import COUNTERS, flush_partials, purge_dedup_keys
from mediation.sources import SourceConfig, add_source, config_of, get_source, list_sources, remove_source
from web.context import clock, events, settings


@click.group(help="Usage mediation: network element files to usage records.")
def mediation() -> None:
    pass


mediation.add_command(rejects_group)


def _fail(error: DomainError) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(error.message)


# -- run -----------------------------------------------------------------------------------

def _jobs(source_name: str | None, fmt: str | None, paths: tuple[str, ...]) -> list[dict]:
    if paths:
        if not fmt and not source_name:
            raise click.UsageError("name the files' --format (or a --source whose format applies)")
        if source_name:
            config = config_of(get_source(db.session, source_name))
            config = dataclasses.replace(config, format=fmt or config.format)
        else:
            config = SourceConfig("cli", fmt)
        try:
            decoders.get(config.format)
        except decoders.UnknownFormat as error:
            raise click.UsageError(str(error)) from None
        return [{"source": dataclasses.asdict(config), "path": os.path.abspath(p), "in_place": True} for p in paths]
    sources = [get_source(db.session, source_name)] if source_name else list_sources(db.session)
    jobs = []
    for source in sources:
        if not source.enabled or (fmt and source.format != fmt):
            continue
        config = config_of(source)
        jobs += [{"source": dataclasses.asdict(config), "path": path} for path in claim_inbox(config)]
    return jobs


def _table(reports: list[dict]) -> str:
    head = ("file", "state", *COUNTERS, "balanced")
    rows = [[str(r.get("file")), str(r.get("state")), *(str(r.get(c, 0)) for c in COUNTERS),
             "yes" if r.get("balanced") else "NO"] for r in reports]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows]
    for r in reports:
        for note in ("reason", "sequence_gap"):
            if r.get(note):
                lines.append(f"  {r['file']}: {note.replace('_', ' ')}: {r[note]}")
    return "\n".join(lines)


def _run_once(source_name, fmt, paths, as_json, batch_size=None) -> list[dict]:
    try:
        jobs = _jobs(source_name, fmt, paths)
    except DomainError as error:
        raise _fail(error) from None
    for job in jobs:
        job["batch_size"] = batch_size
    db.session.commit()
    if not jobs:
        return []
    runner = executor(settings(), process_job)
    reports = []
    if isinstance(runner, InlineExecutor) and not as_json:
        total = sum(os.path.getsize(j["path"]) for j in jobs if os.path.exists(j["path"]))
        with click.progressbar(length=max(total, 1), label="mediation", file=sys.stderr) as bar:
            for job in jobs:
                size = os.path.getsize(job["path"]) if os.path.exists(job["path"]) else 0
                reports.append(process_job(job))
                bar.update(size)
    else:
        reports = list(runner.map(jobs))
    return reports


@mediation.command("run", help="Process the configured inboxes, or the named files with --format.")
@click.option("--source", "source_name", help="Only this source (or the options for named files).")
@click.option("--format", "fmt", help=f"Format of the named files: {', '.join(decoders.FORMATS)}.")
@click.option("--watch", is_flag=True, help="Keep polling the inboxes until interrupted.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --watch.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--flush-after", type=float, default=None,
              help="Minutes after which held partial sessions are flushed (default: the sources' setting, 240).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, hidden=True,
              help="Records per checkpointed transaction (default 20000).")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def run(source_name, fmt, watch, interval, as_json, flush_after, batch_size, paths) -> None:
    all_reports = []
    _purge()
    try:
        while True:
            reports = _run_once(source_name, fmt, paths, as_json, batch_size)
            all_reports += reports
            _flush(flush_after)
            if reports and not as_json:
                click.echo(_table(reports))
            if not watch:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    if as_json:
        click.echo(json.dumps(all_reports, indent=2))
    elif not all_reports:
        click.echo("No files to process.", err=True)
    if any(not r.get("balanced", True) for r in all_reports):
        raise click.ClickException("balance mismatch: received != distributed + rejected + filtered + "
                                   "duplicates + held (see the table)")


def _purge() -> None:
    """Forget duplicate-check keys beyond the longest retention any source asks for."""
    days = max([float(s.options.get("max_age_days", 60)) for s in list_sources(db.session)] + [60.0])
    purge_dedup_keys(db.session, clock(), retention=dt.timedelta(days=days))
    db.session.commit()


def _flush(minutes: float | None) -> None:
    if minutes is None:
        configured = [float(s.options.get("partial_timeout_minutes", 240)) for s in list_sources(db.session)]
        minutes = min(configured) if configured else 240.0
    app = current_app._get_current_object()
    produced = flush_partials(db.session, clock(), events(), timeout=dt.timedelta(minutes=minutes),
                              region=settings().default_region, operator_tz=settings().operator_timezone,
                              sink=rating_sink(app))
    db.session.commit()
    if produced:
        click.echo(f"Flushed {produced} usage record(s) from timed-out partial sessions.", err=True)


@mediation.command("flush", help="Merge and distribute partial sessions held longer than the timeout.")
@click.option("--timeout-minutes", type=float, default=240.0, show_default=True)
@with_appcontext
def flush(timeout_minutes) -> None:
    _flush(timeout_minutes)


@mediation.command("files", help="Received files and their balance, newest first.")
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def files(limit, as_json) -> None:
    from mediation.service import summary

    found = db.session.query(MediationFile).order_by(MediationFile.id.desc()).limit(limit).all()
    reports = [summary(f) for f in found]
    click.echo(json.dumps(reports, indent=2) if as_json else _table(reports))


# -- sources -------------------------------------------------------------------------------

@mediation.group(help="Configured sources (name, format, inbox, pattern, options).")
def sources() -> None:
    pass


@sources.command("add")
@click.argument("name")
@click.option("--format", "fmt", required=True)
@click.option("--inbox", required=True, type=click.Path(file_okay=False))
@click.option("--pattern", default="*", show_default=True)
@click.option("--options", "options_json", default="{}", help="Options as a JSON object (see mediation.sources).")
@with_appcontext
def sources_add(name, fmt, inbox, pattern, options_json) -> None:
    try:
        options = json.loads(options_json)
    except ValueError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--options") from None
    if not isinstance(options, dict):
        raise click.BadParameter("a JSON object is expected", param_hint="--options")
    try:
        source = add_source(db.session, clock(), name=name, format=fmt, inbox=inbox, pattern=pattern,
                            options=options)
        db.session.commit()
    except DomainError as error:
        raise _fail(error) from None
    os.makedirs(source.inbox, exist_ok=True)
    click.echo(f"Source {source.name!r} reads {source.format} files matching {source.pattern!r} in {source.inbox}")


@sources.command("list")
@with_appcontext
def sources_list() -> None:
    for s in list_sources(db.session):
        click.echo(f"{s.name:<20} {s.format:<15} {s.inbox}/{s.pattern}  {json.dumps(s.options or {})}")


@sources.command("remove")
@click.argument("name")
@with_appcontext
def sources_remove(name) -> None:
    try:
        remove_source(db.session, name)
        db.session.commit()
    except DomainError as error:
        raise _fail(error) from None
    click.echo(f"Source {name!r} removed.")


# -- generate ------------------------------------------------------------------------------

@mediation.command("generate", help="Write realistic usage files with bad records, duplicates and partials.")
@click.option("--format", "fmt", required=True, type=click.Choice(list(decoders.FORMATS)))
@click.option("--records", type=click.IntRange(min=1), required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--files", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--bad", type=click.FloatRange(0, 1), default=0.01, show_default=True)
@click.option("--duplicates", type=click.FloatRange(0, 1), default=0.01, show_default=True)
@click.option("--partials", type=click.FloatRange(0, 1), default=0.05, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--subscribers", type=click.IntRange(min=1), default=5000, show_default=True,
              help="How many made-up numbers, with --random-numbers.")
@click.option("--live-lines/--random-numbers", default=True, show_default=True,
              help="Use the operator's live lines (so the usage rates), or made-up numbers.")
@with_appcontext
def generate(fmt, records, out_dir, files, bad, duplicates, partials, seed, subscribers, live_lines) -> None:
    start = clock().now() - dt.timedelta(days=1)
    msisdns = None
    if live_lines:
        msisdns = list(db.session.scalars(
            sa.select(Subscription.msisdn).where(Subscription.status == "active").order_by(Subscription.id)))
        if not msisdns:
            click.echo("No active lines; using made-up numbers (load some with `flask demo seed`).", err=True)
    paths = generate_files(fmt, records, out_dir, files=files, bad=bad, duplicates=duplicates, partials=partials,
                           seed=seed, subscribers=subscribers, start=start, msisdns=msisdns or None)
    for path in paths:
        click.echo(path)
