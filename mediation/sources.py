"""Configured sources: a name, a format, an inbox directory with a file-name pattern, and options.

Options hold the decoder's settings (``columns``, ``template``, ``timezone``), the rules of
``mediation.rules``, and pipeline settings: ``export_dir`` (write a CSV of the usage records
per input file), ``split_at`` (tariff band starts, ``["07:00", "19:00"]``; midnight always
splits), ``partial_timeout_minutes`` (default 240), ``work_dir``/``archive_dir``/
``quarantine_dir`` (default ``work``, ``archive``, ``quarantine`` inside the inbox),
``file_sequence_pattern`` (a regular expression whose first group is the file sequence
number in the file name, for formats without one inside, e.g. ``"_(\\d+)\\.csv$"``).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError
from mediation import decoders
from mediation.decoders.base import UnreadableFile
from mediation.decoders.fields import zone
from mediation.decoders.freeswitch import template_columns
from mediation.models import MediationSource
from mediation.rules import Rules


@dataclass(frozen=True)
class SourceConfig:
    name: str
    format: str
    inbox: str | None = None
    pattern: str = "*"
    options: dict[str, Any] = field(default_factory=dict)

    def area(self, kind: str) -> str:
        """The ``work``, ``archive`` or ``quarantine`` directory of this source."""
        configured = self.options.get(f"{kind}_dir")
        if configured:
            return configured
        if not self.inbox:
            raise ValueError(f"source {self.name!r} has no inbox")
        return os.path.join(self.inbox, kind)


def config_of(source: MediationSource) -> SourceConfig:
    return SourceConfig(source.name, source.format, source.inbox, source.pattern, dict(source.options or {}))


def add_source(session: Session, clock: Clock, *, name: str, format: str, inbox: str, pattern: str = "*",
               options: dict[str, Any] | None = None) -> MediationSource:
    name = (name or "").strip()
    if not name:
        raise ValidationError("a source needs a name", field="name")
    try:
        decoders.get(format)
    except decoders.UnknownFormat as error:
        raise ValidationError(str(error), field="format") from None
    check_options(options or {})
    if session.scalar(sa.select(MediationSource).where(MediationSource.name == name)):
        raise Conflict(f"source {name!r} already exists")
    source = MediationSource(name=name, format=format, inbox=os.path.abspath(inbox), pattern=pattern or "*",
                             options=options or {}, enabled=True, created_at=clock.now())
    session.add(source)
    session.flush()
    return source


def check_options(options: dict[str, Any]) -> None:
    """Refuse options the pipeline could not use, with the reason, before any file arrives."""
    try:
        Rules.from_options(options, "KE")
        for text in options.get("split_at", ()):
            dt.time.fromisoformat(str(text))
        if options.get("file_sequence_pattern"):
            re.compile(options["file_sequence_pattern"])
        if options.get("template"):
            template_columns(options["template"])
        zone(str(options.get("timezone", "UTC")))
    except (TypeError, ValueError, re.error, UnreadableFile) as error:
        raise ValidationError(f"bad source options: {error}", field="options") from None


def get_source(session: Session, name: str) -> MediationSource:
    source = session.scalar(sa.select(MediationSource).where(MediationSource.name == name))
    if source is None:
        raise NotFound(f"no source named {name!r}")
    return source


def list_sources(session: Session) -> list[MediationSource]:
    return list(session.scalars(sa.select(MediationSource).order_by(MediationSource.name)))


def remove_source(session: Session, name: str) -> None:
    session.delete(get_source(session, name))
    session.flush()
