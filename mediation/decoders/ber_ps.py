"""TS 32.298 PS-domain records (TS 32.251): PGW and SGW records of an IP-CAN bearer.

The natural key is ``record type + gateway address + chargingID + recordSequenceNumber`` (0 for
a session reported in one record); the session key ``record type + gateway + chargingID`` groups
the partial records of one session (records with a recordSequenceNumber; a session reported in a
single record has none and needs no aggregation), ordered by recordSequenceNumber; a record whose
causeForRecClosing is not one of the partial-record causes (volume or time limit, serving node
change, ...) closes the session. Volumes are the sums over listOfTrafficVolumes; the PGW's
per-rating-group listOfServiceData goes to ``extra["service_data"]``.
"""
from __future__ import annotations

from typing import Any

from mediation.asn1 import ber
from mediation.asn1.ts32298 import PGW, PS_PARTIAL_CAUSES, RAT_TYPES, GatewayRecord, ServiceData, TrafficVolume
from mediation.decoders import ber_values as v
from mediation.decoders.base import DecodedRecord

Fields = dict[int, tuple[int, int]]
_record = v.record
_int = int.from_bytes  # ber.integer inlined: signed big-endian, no Python frame per field
_gsn_cache: dict[bytes, str] = {}
T = GatewayRecord


def _gateway(rec: bytes, span: tuple[int, int]) -> str:
    key = rec[span[0]:span[1]]
    address = _gsn_cache.get(key)
    if address is None:
        if len(_gsn_cache) > 4096:
            _gsn_cache.clear()
        address = _gsn_cache[key] = ber.gsn_address(key, 0, len(key))
    return address


def _volumes(rec: bytes, span: tuple[int, int]) -> tuple[int, int, int]:
    """(uplink, downlink, containers) summed over listOfTrafficVolumes."""
    up = down = 0
    containers = ber.elements(rec, *span)
    fields = ber.fields
    for _, s, e in containers:
        g = fields(rec, s, e)
        span_up = g.get(TrafficVolume.uplink)
        if span_up:
            up += _int(rec[span_up[0]:span_up[1]], "big", signed=True)
        span_down = g.get(TrafficVolume.downlink)
        if span_down:
            down += _int(rec[span_down[0]:span_down[1]], "big", signed=True)
    return up, down, len(containers)


def _service_data(rec: bytes, span: tuple[int, int]) -> list[dict[str, Any]]:
    """One dict per listOfServiceData container: rating group, service id, volumes, usage time."""
    out = []
    fields = ber.fields
    for _, s, e in ber.elements(rec, *span):
        g = fields(rec, s, e)
        rg, sid, up, down, used = g.get(_RG), g.get(_SID), g.get(_UP), g.get(_DOWN), g.get(_USED)
        out.append({"rating_group": _int(rec[rg[0]:rg[1]], "big", signed=True) if rg else None,
                    "service_identifier": _int(rec[sid[0]:sid[1]], "big", signed=True) if sid else None,
                    "volume_up": _int(rec[up[0]:up[1]], "big", signed=True) if up else 0,
                    "volume_down": _int(rec[down[0]:down[1]], "big", signed=True) if down else 0,
                    "time_usage": _int(rec[used[0]:used[1]], "big", signed=True) if used else None})
    return out


_RG, _SID, _UP, _DOWN, _USED = (ServiceData.rating_group, ServiceData.service_identifier, ServiceData.uplink,
                                ServiceData.downlink, ServiceData.time_usage)


def gateway(rec: bytes, f: Fields, offset: int, raw: str, tag: int, homes: frozenset[str]) -> DecodedRecord:
    """A pGWRecord or sGWRecord: one (partial) record of a data session."""
    kind = "pGWRecord" if tag == PGW else "sGWRecord"
    node = _gateway(rec, f[T.gw_address])
    s, e = f[T.charging_id]
    charging_id = _int(rec[s:e], "big", signed=True)
    s, e = f[T.opening_time]
    opened = v.timestamp(rec[s:e])
    s, e = f[T.duration]
    duration = _int(rec[s:e], "big", signed=True)
    s, e = f[T.cause_for_closing]
    cause = _int(rec[s:e], "big", signed=True)
    span = f.get(T.sequence)
    sequence = _int(rec[span[0]:span[1]], "big", signed=True) if span else None
    span = f.get(T.served_imsi)
    imsi = v.tbcd(rec[span[0]:span[1]]) if span else None
    span = f.get(T.served_msisdn)
    msisdn = v.address(rec[span[0]:span[1]]) if span else None
    span = f.get(T.traffic_volumes)
    up, down, containers = _volumes(rec, span) if span else (0, 0, 0)
    span = f.get(T.serving_plmn)
    visited = v.plmn(rec[span[0]:span[1]]) if span else None
    span = f.get(T.pgw_plmn)
    pgw_plmn = v.plmn(rec[span[0]:span[1]]) if span else None
    roaming = v.is_roaming(visited, homes or (frozenset((pgw_plmn,)) if pgw_plmn else homes), imsi)
    extra: dict[str, Any] = {"charging_id": charging_id, "gateway": node, "cause_for_closing": cause,
                             "traffic_containers": containers}
    span = f.get(T.apn)
    if span:
        extra["apn"] = rec[span[0]:span[1]].decode("ascii", "replace")
    span = f.get(T.rat_type)
    if span:
        rat = _int(rec[span[0]:span[1]], "big", signed=True)
        extra["rat_type"] = RAT_TYPES.get(rat, str(rat))
    span = f.get(T.local_sequence)
    if span:
        extra["local_sequence"] = _int(rec[span[0]:span[1]], "big", signed=True)
    span = f.get(T.node_id)
    if span:
        extra["node_id"] = rec[span[0]:span[1]].decode("ascii", "replace")
    if tag == PGW:
        span = f.get(T.service_data)
        if span:
            extra["service_data"] = _service_data(rec, span)
    span = f.get(T.user_location)
    location = rec[span[0]:span[1]].hex() if span else None
    # Every field by position, in the order ber_values.record names (faster than keywords).
    return _record(
        offset, kind, raw, f"{kind}:{node}:{charging_id}:{sequence or 0}", msisdn, None, "data", "out", opened,
        True, duration, up, down, None, imsi, roaming, visited if roaming else None, location,
        f"{kind}:{node}:{charging_id}" if sequence is not None else None, sequence, cause not in PS_PARTIAL_CAUSES,
        extra)
