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
    fields, integer = ber.fields, ber.integer
    for _, s, e in containers:
        g = fields(rec, s, e)
        span_up = g.get(TrafficVolume.uplink)
        if span_up:
            up += integer(rec[span_up[0]:span_up[1]])
        span_down = g.get(TrafficVolume.downlink)
        if span_down:
            down += integer(rec[span_down[0]:span_down[1]])
    return up, down, len(containers)


def _service_data(rec: bytes, span: tuple[int, int]) -> list[dict[str, Any]]:
    """One dict per listOfServiceData container: rating group, service id, volumes, usage time."""
    out = []
    fields, integer = ber.fields, ber.integer
    for _, s, e in ber.elements(rec, *span):
        g = fields(rec, s, e)
        item: dict[str, Any] = {"rating_group": None, "service_identifier": None, "volume_up": 0,
                                "volume_down": 0, "time_usage": None}
        for tag, name in _SERVICE_FIELDS:
            got = g.get(tag)
            if got:
                item[name] = integer(rec[got[0]:got[1]])
        out.append(item)
    return out


_SERVICE_FIELDS = ((ServiceData.rating_group, "rating_group"), (ServiceData.service_identifier, "service_identifier"),
                   (ServiceData.uplink, "volume_up"), (ServiceData.downlink, "volume_down"),
                   (ServiceData.time_usage, "time_usage"))


def gateway(rec: bytes, f: Fields, offset: int, raw: str, tag: int, homes: frozenset[str]) -> DecodedRecord:
    """A pGWRecord or sGWRecord: one (partial) record of a data session."""
    kind = "pGWRecord" if tag == PGW else "sGWRecord"
    node = _gateway(rec, f[T.gw_address])
    s, e = f[T.charging_id]
    charging_id = ber.integer(rec[s:e])
    s, e = f[T.opening_time]
    opened = v.timestamp(rec[s:e])
    s, e = f[T.duration]
    duration = ber.integer(rec[s:e])
    s, e = f[T.cause_for_closing]
    cause = ber.integer(rec[s:e])
    span = f.get(T.sequence)
    sequence = ber.integer(rec[span[0]:span[1]]) if span else None
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
        rat = ber.integer(rec[span[0]:span[1]])
        extra["rat_type"] = RAT_TYPES.get(rat, str(rat))
    span = f.get(T.local_sequence)
    if span:
        extra["local_sequence"] = ber.integer(rec[span[0]:span[1]])
    span = f.get(T.node_id)
    if span:
        extra["node_id"] = rec[span[0]:span[1]].decode("ascii", "replace")
    if tag == PGW:
        span = f.get(T.service_data)
        if span:
            extra["service_data"] = _service_data(rec, span)
    span = f.get(T.user_location)
    location = rec[span[0]:span[1]].hex() if span else None
    return DecodedRecord(
        offset=offset, record_type=kind, raw=raw,
        natural_key=f"{kind}:{node}:{charging_id}:{sequence or 0}",
        served_msisdn=msisdn, service="data", direction="out", started_at=opened, duration_s=duration,
        volume_up=up, volume_down=down, served_imsi=imsi, roaming=roaming,
        visited_network=visited if roaming else None, location=location,
        session_key=f"{kind}:{node}:{charging_id}" if sequence is not None else None, sequence=sequence,
        is_final=cause not in PS_PARTIAL_CAUSES, extra=extra)
