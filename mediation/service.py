"""The mediation use cases: process one file from claim to archive, flush timed-out partial
sessions, and report a file's balance. The caller owns the transaction and passes ``commit``,
which runs after each checkpointed batch and at the end."""
from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock, isoformat_z
from core.events import EventBus
from mediation import columnar, decoders
from mediation.bulk import BulkWriter
from mediation.collect import move, register
from mediation.decoders.base import UnreadableFile
from mediation.distribute import export_csv
from mediation.models import DedupKey, MediationFile
from mediation.partials import expired
from mediation.pipeline import FileBusy, Pipeline, Sink
from mediation.sources import SourceConfig

log = logging.getLogger(__name__)
COUNTERS = ("received", "distributed", "rejected", "filtered", "duplicates", "held", "records_out")


def process_path(session: Session, clock: Clock, events: EventBus, source: SourceConfig, path: str, *,
                 region: str, operator_tz: str = "UTC", sink: Sink | None = None,
                 commit: Callable[[], None], in_place: bool = False,
                 progress: Callable[[], None] | None = None, batch_size: int | None = None) -> dict[str, Any]:
    """Process one claimed file (or, ``in_place``, a file named on the command line, which is
    neither moved nor archived) and return its summary."""
    file, refusal = register(session, events, clock.now(), source, path)
    if file is None:
        commit()
        if not in_place:
            move(path, source.area("quarantine"))
        return {"file": os.path.basename(path), "source": source.name, "format": source.format,
                "state": "refused", "reason": refusal, **dict.fromkeys(COUNTERS, 0), "balanced": True}
    commit()
    pipeline = Pipeline(session, clock, events, source.options, region, operator_tz, sink, commit,
                        **({"batch_size": batch_size} if batch_size else {}))
    failure = None
    try:
        decoder = decoders.get(source.format)
        plan = columnar.read_lines(file.path, source.format, source.options)
        if plan is not None:
            columnar.run(pipeline, file, plan, progress)
        else:
            with open(file.path, "rb") as stream:
                failure = pipeline.run(file, iter(decoder.decode(stream, source.options)), progress)
    except (UnreadableFile, decoders.UnknownFormat, OSError) as error:
        failure = str(error) or type(error).__name__
    except FileBusy as error:
        # Another worker holds this file (a second run found it in the work area): leave it be.
        session.rollback()
        return {**summary(session.get(MediationFile, file.id)), "state": "busy", "reason": str(error)}
    return finish(session, clock, events, file, source, failure, commit=commit, in_place=in_place)


def finish(session: Session, clock: Clock, events: EventBus, file: MediationFile, source: SourceConfig,
           failure: str | None, *, commit: Callable[[], None], in_place: bool) -> dict[str, Any]:
    session.refresh(file)
    file.finished_at = clock.now()
    if failure:
        file.state, file.reason = "quarantined", failure
        if not in_place and os.path.exists(file.path):
            file.path = move(file.path, source.area("quarantine"))
            with open(file.path + ".reason", "w", encoding="utf-8") as note:
                note.write(failure + "\n")
        events.publish("mediation.file_quarantined", file_id=file.id, file=file.name, reason=failure)
    else:
        file.state = "done"
        if source.options.get("export_dir"):
            file.export_path = export_csv(session, file, source.options["export_dir"])
        if not in_place and os.path.exists(file.path):
            file.path = move(file.path, source.area("archive"))
    report = summary(file)
    if not report["balanced"]:
        log.error("mediation balance mismatch on file %s: %s", file.id, report)
        events.publish("mediation.balance_mismatch", **report)
    events.publish("mediation.file_processed", **report)
    session.flush()
    commit()
    return report


def summary(file: MediationFile) -> dict[str, Any]:
    return {"file_id": file.id, "file": file.name, "source": file.source, "format": file.format,
            "state": file.state, "reason": file.reason, **{name: getattr(file, name) for name in COUNTERS},
            "filtered_by": dict(file.filtered_by or {}), "sequence_gap": file.sequence_gap,
            "balanced": file.balanced, "finished_at": isoformat_z(file.finished_at)}


def flush_partials(session: Session, clock: Clock, events: EventBus, *, timeout: dt.timedelta, region: str,
                   operator_tz: str = "UTC", sink: Sink | None = None) -> int:
    """Merge and distribute the held sessions whose closing record did not come within
    ``timeout``; the caller commits. Returns how many usage records came out."""
    now = clock.now()
    produced = 0
    for lineage_file, usage, counts in expired(session, now, timeout):
        file = session.get(MediationFile, lineage_file)
        pipeline = Pipeline(session, clock, events, {}, region, operator_tz, sink)
        out = pipeline.write(BulkWriter(session), [(lineage_file, usage._replace())], now)
        produced += out
        for file_id, count in counts.items():
            session.execute(sa.update(MediationFile).where(MediationFile.id == file_id).values(
                held=MediationFile.held - count, distributed=MediationFile.distributed + count))
        session.execute(sa.update(MediationFile).where(MediationFile.id == lineage_file).values(
            records_out=MediationFile.records_out + out))
        events.publish("mediation.partial_flushed", file_id=lineage_file, parts=usage.parts,
                       msisdn=usage.msisdn, source=file.source if file else None)
    session.flush()
    return produced


def purge_dedup_keys(session: Session, clock: Clock, *, retention: dt.timedelta) -> int:
    """Forget duplicate-check keys of records that started before the retention window.

    Records that old are rejected as out of range anyway (``max_age_days``, the same 60 days by
    default), so a forgotten key can never let a duplicate through. The caller commits.
    """
    result = session.execute(sa.delete(DedupKey).where(DedupKey.seen_at < clock.now() - retention))
    return result.rowcount or 0
