"""What rating receives from mediation: one normalised usage event per usage record.

Mediation (above billing) builds these from its ``usage_record`` rows and hands them to the
rating entry point in batches; billing never imports mediation.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SERVICES = ("voice", "sms", "data")
DIRECTIONS = ("out", "in")  # mobile-originated, mobile-terminated


@dataclass(frozen=True, slots=True)
class UsageEvent:
    usage_id: int  # usage_record.id: the lineage back to the source file and record offset
    msisdn: str  # served subscriber, E.164
    service: str  # voice | sms | data
    direction: str  # out | in
    started_at: dt.datetime  # aware UTC
    other_party: str | None = None  # E.164 where it parses, else the digits as received
    duration_s: int = 0  # voice: billable seconds (answered time)
    messages: int = 0  # sms: count
    volume_up: int = 0  # data: bytes sent by the subscriber
    volume_down: int = 0  # data: bytes received
    roaming: bool = False
    visited_network: str | None = None  # MCC+MNC while roaming
    location: str | None = None  # cell or area, when the network element tells
    record_type: str | None = None  # e.g. moCallRecord, pGWRecord, asterisk-cdr

    @property
    def volume(self) -> int:
        return self.volume_up + self.volume_down
