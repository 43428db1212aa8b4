"""Collect: claim each file once (an atomic rename into the source's work area), record it
(name, size, checksum, file sequence number), refuse one already processed, report gaps in
file sequence numbers, and archive or quarantine it at the end.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
import re
import shutil

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.events import EventBus
from mediation import decoders
from mediation.decoders.base import UnreadableFile
from mediation.models import MediationFile
from mediation.sources import SourceConfig


def checksum_of(path: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def claim_inbox(source: SourceConfig) -> list[str]:
    """Move the source's waiting files into its work area; return the claimed paths, including
    files a previous run claimed but did not finish. A file another worker renamed first is
    simply not ours."""
    work = source.area("work")
    os.makedirs(work, exist_ok=True)
    claimed = sorted(os.path.join(work, n) for n in os.listdir(work)
                     if os.path.isfile(os.path.join(work, n)) and not n.startswith("."))
    if not source.inbox or not os.path.isdir(source.inbox):
        return claimed
    for name in sorted(os.listdir(source.inbox)):
        path = os.path.join(source.inbox, name)
        if name.startswith(".") or not os.path.isfile(path) or not fnmatch.fnmatch(name, source.pattern):
            continue
        target = os.path.join(work, name)
        if os.path.exists(target):
            continue  # same name still in work: wait until that one is done
        try:
            os.rename(path, target)  # atomic on one filesystem: exactly one claimer wins
        except FileNotFoundError:
            continue
        claimed.append(target)
    return claimed


def register(session: Session, events: EventBus, now: dt.datetime, source: SourceConfig,
             path: str) -> tuple[MediationFile | None, str | None]:
    """Record a claimed file. Returns (file, None) to process (new, or one to resume), or
    (None, reason) when refused because the same content was already processed."""
    checksum, size = checksum_of(path)
    known = session.scalar(sa.select(MediationFile).where(MediationFile.checksum == checksum))
    if known is not None:
        if known.state == "processing":
            known.path = path
            return known, None
        events.publish("mediation.file_refused", source=source.name, file=os.path.basename(path),
                       duplicate_of=known.id)
        return None, f"same content as file {known.id} ({known.name}), already {known.state}"
    sequence = None
    try:
        with open(path, "rb") as stream:
            sequence = decoders.get(source.format).file_sequence(stream, os.path.basename(path))
    except UnreadableFile:
        pass  # decoding will quarantine it with the reason
    pattern = source.options.get("file_sequence_pattern")
    if sequence is None and pattern:
        # Text formats carry no sequence number, but switches number their file names.
        found = re.search(pattern, os.path.basename(path))
        sequence = int(found.group(1)) if found else None
    record = MediationFile(source=source.name, format=source.format, name=os.path.basename(path), path=path,
                           size=size, checksum=checksum, file_sequence=sequence, state="processing",
                           filtered_by={}, options=dict(source.options), claimed_at=now)
    if sequence is not None:
        record.sequence_gap = _gap(session, source.name, sequence)
        if record.sequence_gap:
            events.publish("mediation.file_sequence_gap", source=source.name, file=record.name,
                           gap=record.sequence_gap)
    session.add(record)
    session.flush()
    return record, None


def _gap(session: Session, source: str, sequence: int) -> str | None:
    previous = session.scalar(sa.select(sa.func.max(MediationFile.file_sequence)).where(
        MediationFile.source == source, MediationFile.file_sequence < sequence))
    if previous is not None and sequence > previous + 1:
        missing = f"{previous + 1}" if sequence == previous + 2 else f"{previous + 1}-{sequence - 1}"
        return f"missing {missing}"
    repeated = session.scalar(sa.select(MediationFile.id).where(
        MediationFile.source == source, MediationFile.file_sequence == sequence).limit(1))
    if repeated is not None:
        return f"sequence {sequence} seen before (file {repeated})"
    return None


def move(path: str, directory: str) -> str:
    """Move a file into ``directory`` without overwriting; return its new path."""
    os.makedirs(directory, exist_ok=True)
    base = os.path.basename(path)
    target = os.path.join(directory, base)
    counter = 1
    while os.path.exists(target):
        target = os.path.join(directory, f"{base}.{counter}")
        counter += 1
    shutil.move(path, target)
    return target
