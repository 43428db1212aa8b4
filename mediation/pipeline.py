"""The pipeline over one file: decode, validate, filter, de-duplicate, aggregate, split,
format and distribute, in batches that each commit with the file's checkpoint.

Each batch runs in one transaction: its usage records, rejects, duplicate-check keys, held
partials, the hand-over to rating and the file's counters and checkpoint commit together. A
process killed at any moment loses only an uncommitted batch, which the next run decodes
again from the checkpoint: no record is counted or distributed twice.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.usage import UsageEvent
from core.clock import Clock
from core.events import EventBus
from mediation.bulk import REJECT_COLUMNS, BulkWriter
from mediation.classify import classify, with_ready
from mediation.decoders.base import UnreadableFile
from mediation.decoders.fields import zone
from mediation.models import MediationFile
from mediation.partials import Aggregated, aggregate, release
from mediation.records import Usage, event, split_all
from mediation.rules import Rules

Sink = Callable[[Session, list[UsageEvent]], None]
BATCH_SIZE = 20_000


class FileBusy(RuntimeError):
    """Another worker moved this file's checkpoint: it is processing the file right now."""


@dataclass
class Pipeline:
    """What every batch needs: collaborators and the source's settings, read once per file."""

    session: Session
    clock: Clock
    events: EventBus
    options: dict[str, Any]
    region: str
    operator_tz: str = "UTC"
    sink: Sink | None = None  # rating's entry point; None records distribution only
    commit: Callable[[], None] = lambda: None  # the owner of the use case commits each batch
    batch_size: int = BATCH_SIZE
    rules: Rules = field(init=False)

    def __post_init__(self) -> None:
        self.rules = Rules.from_options(self.options, self.region)
        self.tz = zone(self.options.get("timezone_for_split") or self.operator_tz)
        cuts = [dt.time(0, 0)]
        for text in self.options.get("split_at", ()):
            cuts.append(dt.time.fromisoformat(text))
        self.cuts = tuple(sorted(set(cuts)))

    # -- one file -----------------------------------------------------------------------

    def run(self, file: MediationFile, items: Iterator, progress: Callable[[], None] | None = None) -> str | None:
        """Process the decoder's items from the file's checkpoint on; return the reason when
        the file turned out unreadable part-way (what was read before stays accounted)."""
        skipped = 0
        try:
            while skipped < file.checkpoint and next(items, None) is not None:
                skipped += 1
        except UnreadableFile as error:
            return str(error)
        for batch, failure in _batches(items, self.batch_size):
            if batch:
                self.batch_with_retry(file, batch)
                if progress:
                    progress()
            if failure:
                return failure
        return None

    def batch_with_retry(self, file: MediationFile, batch: list, attempts: int = 3, **given: Any) -> None:
        """``batch`` and commit, run again when the database aborted it to break a deadlock."""
        # Workers merging partials into each other's files can deadlock on the file rows;
        # the database aborts one transaction, which then simply runs its batch again.
        for attempt in range(attempts):
            try:
                with no_cycle_collection():
                    self.batch(file, batch, **given)
                    self.commit()
                return
            except Exception as error:
                if attempt == attempts - 1 or "deadlock detected" not in str(error):
                    raise
                self.session.rollback()

    def batch(self, file: MediationFile, batch: list, *, recycled: bool = False,
              ready: list[tuple[str | None, Usage]] = (), now: dt.datetime | None = None) -> Counter:
        """Account for one batch of decoded items; returns the outcome counts. The stages:
        classify (reject, filter or keep each record), deduplicate, distribute (aggregate
        partials, split, store, rate), store the rejects, account (counters and checkpoint).

        ``ready`` holds (natural key, usage) of records already decoded, validated and filtered
        in columns (``mediation.columnar``), which join the batch at the duplicate check.
        ``recycled``: the items are rejects decoded again, already counted as received (and as
        rejected)."""
        now = now or self.clock.now()
        rejects, filtered, kept = classify(batch, file.id, now, self.rules, self.region)
        if ready:
            kept = with_ready(kept, ready)
        # Everything above is per-record work that touches no table; the file's row is taken only
        # now, so on SQLite (where it is the database's write lock) another worker's batch can
        # do its own per-record work meanwhile.
        digests = _digests(file.format, kept)
        writer = BulkWriter(self.session)
        if not writer.lock_file(file.id, file.checkpoint):
            raise FileBusy(f"file {file.id} is being processed by another worker")
        complete, parts, duplicates = self._deduplicate(writer, file, kept, digests)
        aggregated, records_out = self._distribute(writer, file.id, complete, parts, now)
        if rejects:
            writer.insert("mediation_reject", REJECT_COLUMNS, rejects)
        outcome = Counter(distributed=len(complete) + aggregated.direct, rejected=len(rejects),
                          filtered=sum(filtered.values()), duplicates=duplicates, held=aggregated.held,
                          records_out=records_out)
        self._account(file, outcome, filtered, received=0 if recycled else len(batch) + len(ready),
                      recycled=len(batch) if recycled else 0)
        return outcome

    def _deduplicate(self, writer: BulkWriter, file: MediationFile, kept: list,
                     digests: tuple[list[bytes | None], dict[bytes, dt.datetime]]) -> tuple[list, list, int]:
        """Keep the first occurrence of every natural key, here and in every earlier file:
        (complete records as (file id, usage), partial records for ``aggregate``, duplicates)."""
        hashed, keys = digests
        fresh = writer.claim_keys(list(keys.items()), file.id)
        complete: list[tuple[int, Usage]] = []
        parts = []
        file_id, file_format = file.id, file.format
        duplicates = 0
        for digest, (_key, item, usage) in zip(hashed, kept, strict=True):
            if digest is None or digest in fresh:
                if item.session_key:
                    parts.append((f"{file_format}|{item.session_key}", item.sequence or 0, item.is_final, usage))
                else:
                    complete.append((file_id, usage))
            else:
                duplicates += 1
        return complete, parts, duplicates

    def _distribute(self, writer: BulkWriter, file_id: int, complete: list[tuple[int, Usage]], parts: list,
                    now: dt.datetime) -> tuple[Aggregated, int]:
        """Hold or merge the partial records, then split, store and rate the complete ones and
        the merged sessions; move the parts of earlier files merged now from held to
        distributed. Returns the aggregation and how many usage records were written."""
        aggregated = aggregate(self.session, now, file_id, parts)
        records_out = self.write(writer, [*complete, *aggregated.merged] if aggregated.merged else complete, now)
        release(self.session, aggregated.released)
        return aggregated, records_out

    def write(self, writer: BulkWriter, complete: list[tuple[int, Usage]], now: dt.datetime) -> int:
        """Split, store and hand the usage records to rating; return how many were produced."""
        out = split_all(complete, self.tz, self.cuts)
        if not out:
            return 0
        ids = writer.next_ids("usage_record", len(out))
        writer.insert_usage(ids, out, now)
        if self.sink is not None:
            self.sink(self.session, [event(ident, usage) for ident, (_f, usage) in zip(ids, out, strict=True)])
        return len(out)

    def _account(self, file: MediationFile, outcome: Counter, filtered: Counter, *, received: int,
                 recycled: int) -> None:
        """Add the batch's outcome to the file's counters and move its checkpoint, in the same
        transaction as the records themselves."""
        self.session.execute(sa.update(MediationFile).where(MediationFile.id == file.id).values(
            received=MediationFile.received + received,
            checkpoint=MediationFile.checkpoint + received,
            distributed=MediationFile.distributed + outcome["distributed"],
            rejected=MediationFile.rejected + outcome["rejected"] - recycled,
            filtered=MediationFile.filtered + outcome["filtered"],
            duplicates=MediationFile.duplicates + outcome["duplicates"],
            held=MediationFile.held + outcome["held"],
            records_out=MediationFile.records_out + outcome["records_out"],
        ).execution_options(synchronize_session=False))
        if filtered:
            merged = Counter(file.filtered_by or {})
            merged.update(filtered)
            self.session.execute(sa.update(MediationFile).where(MediationFile.id == file.id)
                                 .values(filtered_by=dict(merged)).execution_options(synchronize_session=False))
        self.session.flush()
        self.session.expire(file)


def _digests(file_format: str, kept: list) -> tuple[list[bytes | None], dict[bytes, dt.datetime]]:
    """The duplicate-check key of each kept record (BLAKE2b-128 of format, separator and natural
    key; None without a natural key, b"" for a repeat inside this batch) and the batch's distinct
    keys with the start of their first record."""
    base = hashlib.blake2b(file_format.encode() + b"\x1f", digest_size=16)
    keys: dict[bytes, dt.datetime] = {}
    hashed: list[bytes | None] = []
    append = hashed.append
    for natural_key, _item, usage in kept:
        if natural_key is None:
            append(None)
            continue
        h = base.copy()  # the prefix hashed once: the same digest as hashing it with every key
        h.update(natural_key.encode())
        digest = h.digest()
        if digest in keys:
            append(b"")  # repeated inside this batch
            continue
        keys[digest] = usage.started_at
        append(digest)
    return hashed, keys


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch. A batch allocates hundreds of
    thousands of tuples and lists (none of them cyclic), which set off collections that walk
    the whole heap: about a third of the CPU time of a batch. Reference counting still frees
    everything; the collector runs again as soon as the batch is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _batches(items: Iterable, size: int) -> Iterator[tuple[list, str | None]]:
    """The decoder's items in lists of ``size``. The cyclic collector is paused while a batch
    fills (as during its processing): decoding allocates several tracked objects per record,
    none of them cyclic. It runs again whenever a batch is handed over, so an abandoned
    generator never leaves it off."""
    batch: list = []
    was_enabled = gc.isenabled()
    try:
        gc.disable()
        for item in items:
            batch.append(item)
            if len(batch) >= size:
                if was_enabled:
                    gc.enable()
                yield batch, None
                gc.disable()
                batch = []
    except UnreadableFile as error:
        if was_enabled:
            gc.enable()
        yield batch, str(error)
        return
    finally:
        if was_enabled:
            gc.enable()
    if batch:
        yield batch, None
