"""The normalised usage record on the hot path: a plain tuple, merged and split here.

``Usage`` fields follow ``usage_record``'s columns after ``id`` and ``file_id``; a tuple, not an
object, because a file holds millions of them.
"""
from __future__ import annotations

import bisect
import datetime as dt
from typing import NamedTuple

from billing.usage import UsageEvent


class Usage(NamedTuple):
    offset: int
    msisdn: str
    service: str
    direction: str
    other_party: str | None
    started_at: dt.datetime
    duration_s: int
    messages: int
    volume_up: int
    volume_down: int
    roaming: bool
    visited_network: str | None
    location: str | None
    record_type: str
    parts: int = 1
    split: str | None = None


def to_json(usage: Usage) -> dict:
    body = usage._asdict()
    body["started_at"] = usage.started_at.isoformat()
    return body


def from_json(body: dict) -> Usage:
    values = dict(body)
    values["started_at"] = dt.datetime.fromisoformat(values["started_at"])
    return Usage(**values)


def merge(parts: list[Usage]) -> Usage:
    """One record from the partial records of a session, already in sequence order: the first
    part's start and parties, summed duration, messages and volumes, the last part's location."""
    first, last = parts[0], parts[-1]
    return first._replace(
        duration_s=sum(p.duration_s for p in parts),
        messages=sum(p.messages for p in parts),
        volume_up=sum(p.volume_up for p in parts),
        volume_down=sum(p.volume_down for p in parts),
        location=last.location or first.location,
        roaming=any(p.roaming for p in parts),
        visited_network=last.visited_network or first.visited_network,
        parts=sum(p.parts for p in parts),
    )


def boundaries(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo, times: tuple[dt.time, ...]) -> list[dt.datetime]:
    """Local midnights and tariff band starts strictly between ``start`` and ``end`` (UTC)."""
    local_start = start.astimezone(tz)
    day = local_start.date()
    last_day = end.astimezone(tz).date()
    cuts = []
    while day <= last_day:
        for at in times:
            cut = dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)
            if start < cut < end:
                cuts.append(cut)
        day += dt.timedelta(days=1)
    return sorted(set(cuts))


def split_all(records: list[tuple[int, Usage]], tz: dt.tzinfo,
              times: tuple[dt.time, ...]) -> list[tuple[int, Usage]]:
    """``split`` over (file id, usage) pairs, the same pieces in the same order. The cut instants
    around the whole batch are computed once: a session with none of them inside it (nearly
    all) is kept whole without looking for its boundaries; the others go through ``split``."""
    sessions = [usage for _, usage in records if usage.service == "data" and usage.duration_s > 0]
    if not sessions:
        return records
    instants = _cut_instants(sessions, tz, times)
    last, after, seconds = len(instants), bisect.bisect_right, dt.timedelta(seconds=1)
    out: list[tuple[int, Usage]] = []
    for file_id, usage in records:
        if usage.service == "data" and usage.duration_s > 0:
            at = after(instants, usage.started_at)
            if at < last and instants[at] < usage.started_at + usage.duration_s * seconds:
                out.extend((file_id, piece) for piece in split(usage, tz, times))
                continue
        out.append((file_id, usage))
    return out


def _cut_instants(sessions: list[Usage], tz: dt.tzinfo, times: tuple[dt.time, ...]) -> list[dt.datetime]:
    """Every local midnight and band start (UTC, sorted) of the local days the sessions touch,
    with a day to spare on each side: a superset of what ``boundaries`` finds for any of them,
    so a session without one of these inside it has no boundary."""
    first = min(usage.started_at for usage in sessions)
    last = max(usage.started_at for usage in sessions) + dt.timedelta(seconds=max(u.duration_s for u in sessions))
    day = first.astimezone(tz).date() - dt.timedelta(days=1)
    last_day = last.astimezone(tz).date() + dt.timedelta(days=1)
    cuts = []
    while day <= last_day:
        cuts.extend(dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC) for at in times)
        day += dt.timedelta(days=1)
    return sorted(set(cuts))


def split(usage: Usage, tz: dt.tzinfo, times: tuple[dt.time, ...]) -> list[Usage]:
    """A data session crossing midnight or a band start, cut so each part rates in its own
    period; volumes are shared in proportion to time (remainders to the last part)."""
    if usage.service != "data" or usage.duration_s <= 0:
        return [usage]
    end = usage.started_at + dt.timedelta(seconds=usage.duration_s)
    cuts = boundaries(usage.started_at, end, tz, times)
    if not cuts:
        return [usage]
    edges = [usage.started_at, *cuts, end]
    total = usage.duration_s
    pieces, used_s, used_up, used_down = [], 0, 0, 0
    count = len(edges) - 1
    for i in range(count):
        if i == count - 1:
            seconds, up, down = total - used_s, usage.volume_up - used_up, usage.volume_down - used_down
        else:
            seconds = int((edges[i + 1] - usage.started_at).total_seconds()) - used_s
            up = usage.volume_up * (used_s + seconds) // total - used_up
            down = usage.volume_down * (used_s + seconds) // total - used_down
        used_s, used_up, used_down = used_s + seconds, used_up + up, used_down + down
        pieces.append(usage._replace(started_at=edges[i], duration_s=seconds, volume_up=up, volume_down=down,
                                     split=f"{i + 1}/{count}"))
    return pieces


def event(usage_id: int, usage: Usage) -> UsageEvent:
    return UsageEvent(usage_id=usage_id, msisdn=usage.msisdn, service=usage.service, direction=usage.direction,
                      started_at=usage.started_at, other_party=usage.other_party, duration_s=usage.duration_s,
                      messages=usage.messages, volume_up=usage.volume_up, volume_down=usage.volume_down,
                      roaming=usage.roaming, visited_network=usage.visited_network, location=usage.location,
                      record_type=usage.record_type)
