"""``flask mediation rejects``: list, show, correct, recycle and discard rejected records."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from core.db import db
from core.errors import DomainError
from gateway.wiring.mediation import rating_sink
from mediation import rejects
from mediation.models import MediationFile, RejectedRecord
from web.context import clock, events, settings


def _fail(error: DomainError) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(error.message)


# -- rejects -------------------------------------------------------------------------------

@click.group("rejects", help="Rejected records: list, show, correct, recycle, discard.")
def rejects_group() -> None:
    pass


@rejects_group.command("list")
@click.option("--state", default="open", show_default=True, help="open, recycled, discarded or all.")
@click.option("--reason", "reason_code")
@click.option("--file", "file_id", type=int)
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def rejects_list(state, reason_code, file_id, limit, as_json) -> None:
    found = rejects.list_rejects(db.session, state=None if state == "all" else state, reason_code=reason_code,
                                 file_id=file_id, limit=limit)
    if as_json:
        click.echo(json.dumps([{"id": r.id, "file_id": r.file_id, "offset": r.record_offset,
                                "reason_code": r.reason_code, "reason": r.reason, "raw": r.raw,
                                "state": r.state, "outcome": r.outcome} for r in found], indent=2))
        return
    for r in found:
        click.echo(f"{r.id:>6}  file {r.file_id} @{r.record_offset:<8} {r.state:<9} {r.reason_code:<24} {r.reason}")


@rejects_group.command("show")
@click.argument("reject_id", type=int)
@with_appcontext
def rejects_show(reject_id) -> None:
    r = db.session.get(RejectedRecord, reject_id)
    if r is None:
        raise click.ClickException(f"no rejected record {reject_id}")
    file = db.session.get(MediationFile, r.file_id)
    click.echo(f"reject {r.id}: {r.reason_code}: {r.reason}\nfile {file.id} {file.name} ({file.format}) "
               f"offset {r.record_offset}\nstate {r.state}{' -> ' + r.outcome if r.outcome else ''}\nraw: {r.raw}")
    if r.original_raw:
        click.echo(f"original raw: {r.original_raw}")


@rejects_group.command("correct", help="Replace the raw record (then recycle it).")
@click.argument("reject_id", type=int)
@click.argument("raw")
@with_appcontext
def rejects_correct(reject_id, raw) -> None:
    try:
        rejects.correct(db.session, clock(), reject_id, raw)
        db.session.commit()
    except DomainError as error:
        raise _fail(error) from None
    click.echo(f"Rejected record {reject_id} corrected; recycle it to process it.")


@rejects_group.command("recycle", help="Send rejected records through the whole pipeline again.")
@click.argument("reject_ids", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every open rejected record (with --reason: of that reason).")
@click.option("--reason", "reason_code")
@with_appcontext
def rejects_recycle(reject_ids, every, reason_code) -> None:
    ids = list(reject_ids)
    if every:
        ids += [r.id for r in rejects.list_rejects(db.session, reason_code=reason_code, limit=10**9)]
    if not ids:
        raise click.UsageError("name rejected record ids, or --all")
    try:
        outcome = rejects.recycle(db.session, clock(), events(), ids, region=settings().default_region,
                                  operator_tz=settings().operator_timezone,
                                  sink=rating_sink(current_app._get_current_object()))
        db.session.commit()
    except DomainError as error:
        raise _fail(error) from None
    click.echo("Recycled: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))


@rejects_group.command("discard")
@click.argument("reject_ids", type=int, nargs=-1, required=True)
@with_appcontext
def rejects_discard(reject_ids) -> None:
    try:
        for reject_id in reject_ids:
            rejects.discard(db.session, clock(), reject_id)
        db.session.commit()
    except DomainError as error:
        raise _fail(error) from None
    click.echo(f"Discarded {len(reject_ids)} rejected record(s).")
