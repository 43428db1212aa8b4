"""Mediation tables: sources, received files with their balance, normalised usage records,
rejected records, the duplicate-check keys and partial records awaiting their session's end.

The hot path writes ``usage_record``, ``mediation_dedup_key`` and ``mediation_reject`` in bulk
(``mediation.bulk``), so their columns are kept plain and narrow.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

FILE_STATES = ("processing", "done", "quarantined", "refused")
USAGE_STATES = ("distributed", "rated", "rating_error", "billed")
REJECT_STATES = ("open", "recycled", "discarded")


class MediationSource(Base):
    """A network element feed: where its files arrive and how to read them."""

    __tablename__ = "mediation_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    format: Mapped[str] = mapped_column(sa.String(32))
    inbox: Mapped[str] = mapped_column(sa.String(500))
    pattern: Mapped[str] = mapped_column(sa.String(200), default="*")
    # Decoder options (column layout, template, timezone), rules (filters, test numbers,
    # split_at) and export_dir; see mediation.sources.
    options: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class MediationFile(Base):
    """One received file and its balance: received = distributed + rejected + filtered +
    duplicates + held. ``checkpoint`` is how many input records are already accounted for,
    committed with them, so a restarted run resumes after the last committed batch."""

    __tablename__ = "mediation_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(64), index=True)
    format: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(255))
    path: Mapped[str] = mapped_column(sa.String(1000))  # where it is now (work area, archive)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    checksum: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 hex
    file_sequence: Mapped[int | None] = mapped_column(sa.BigInteger)
    sequence_gap: Mapped[str | None] = mapped_column(sa.String(200))  # e.g. "missing 12-14"
    state: Mapped[str] = mapped_column(sa.String(12), default="processing")
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why quarantined
    checkpoint: Mapped[int] = mapped_column(default=0)
    received: Mapped[int] = mapped_column(default=0)
    distributed: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    filtered: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    held: Mapped[int] = mapped_column(default=0)
    records_out: Mapped[int] = mapped_column(default=0)
    filtered_by: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # rule -> count
    # The source options the file was read with, so a recycled record is read the same way.
    options: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    export_path: Mapped[str | None] = mapped_column(sa.String(1000))
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("state IN ('processing', 'done', 'quarantined', 'refused')", name="state"),
    )

    @property
    def balanced(self) -> bool:
        return self.received == (self.distributed + self.rejected + self.filtered + self.duplicates + self.held)


class UsageRecord(Base):
    """A normalised usage record, what rating consumes, with its lineage (file and offset)."""

    __tablename__ = "usage_record"

    # BIGINT: a network produces billions of these; SQLite keeps its rowid alias.
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_file.id"), index=True)
    record_offset: Mapped[int] = mapped_column(sa.BigInteger)
    msisdn: Mapped[str] = mapped_column(sa.String(16))  # rating gets it in the event; no index to feed
    service: Mapped[str] = mapped_column(sa.String(8))
    direction: Mapped[str] = mapped_column(sa.String(4))
    other_party: Mapped[str | None] = mapped_column(sa.String(32))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    duration_s: Mapped[int] = mapped_column(default=0)
    messages: Mapped[int] = mapped_column(default=0)
    volume_up: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    volume_down: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    roaming: Mapped[bool] = mapped_column(default=False)
    visited_network: Mapped[str | None] = mapped_column(sa.String(8))
    location: Mapped[str | None] = mapped_column(sa.String(64))
    record_type: Mapped[str] = mapped_column(sa.String(32))
    parts: Mapped[int] = mapped_column(default=1)  # input records merged into this one
    split: Mapped[str | None] = mapped_column(sa.String(8))  # "1/2" when a session was split
    # Not indexed: every index costs each of millions of inserts; state filters are rare.
    state: Mapped[str] = mapped_column(sa.String(16), default="distributed")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RejectedRecord(Base):
    """A record that failed decoding or validation, kept whole so it can be corrected and recycled."""

    __tablename__ = "mediation_reject"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_file.id"), index=True)
    record_offset: Mapped[int] = mapped_column(sa.BigInteger)
    reason_code: Mapped[str] = mapped_column(sa.String(40), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    raw: Mapped[str] = mapped_column(sa.Text)
    original_raw: Mapped[str | None] = mapped_column(sa.Text)  # before a correction
    state: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(16))  # what recycling led to
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class DedupKey(Base):
    """A natural key already distributed (blake2b-128 of format + key). The primary key makes
    the check safe with several workers: the second insert of a key loses."""

    __tablename__ = "mediation_dedup_key"

    key: Mapped[bytes] = mapped_column(sa.LargeBinary(16), primary_key=True)
    # The record's start: keys older than the retention window are purged (a daily scan; an
    # index here would cost every one of millions of inserts).
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    file_id: Mapped[int] = mapped_column(sa.BigInteger)  # no FK: keys outlive archived files


class PartialRecord(Base):
    """A partial record (one part of a long call or data session) held until its session
    closes or times out. ``record`` is the decoded record as JSON."""

    __tablename__ = "mediation_partial"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_file.id"), index=True)
    record_offset: Mapped[int] = mapped_column(sa.BigInteger)
    sequence: Mapped[int] = mapped_column(default=0)
    record: Mapped[dict] = mapped_column(sa.JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
