"""TS 32.298 CS-domain records (TS 32.250): MSC call records and SMS records.

Natural keys: a call is ``recordingEntity + callReference + sequenceNumber`` (0 when the call has
a single record), prefixed with the record type because the MO and MT legs of an on-net call may
share a call reference; an MO SMS is ``recordingEntity + originationTime + messageReference +
servedIMSI`` (the message reference is only unique per handset); an MT SMS, which carries no
message reference, is ``recordingEntity + deliveryTime + servedIMSI + serviceCentre``.
A long call cut into partial records (``sequenceNumber`` present) gets the session key
``recordingEntity + callReference``; the record whose causeForTerm is not partialRecord(1) or
partialRecordCallReestablishment(2) closes it.
"""
from __future__ import annotations

from mediation.asn1 import ber
from mediation.asn1.ts32298 import CS_PARTIAL_CAUSES as PARTIAL
from mediation.asn1.ts32298 import CS_UNSUCCESSFUL as UNSUCCESSFUL
from mediation.asn1.ts32298 import MOSMS, MTSMS, LocationAreaAndCell, MOCall, MTCall
from mediation.decoders import ber_values as v
from mediation.decoders.base import DecodedRecord

Fields = dict[int, tuple[int, int]]
_record = v.record
_int = int.from_bytes  # ber.integer inlined: signed big-endian, no Python frame per field
L = LocationAreaAndCell


def _location_of(raw: bytes) -> tuple[str, str | None]:
    f = ber.fields(raw, 0, len(raw))
    lac, cell, plmn_span = f.get(L.lac), f.get(L.cell_id), f.get(L.mcc_mnc)
    plmn = ber.plmn(raw[plmn_span[0]:plmn_span[1]]) if plmn_span else None
    lac_hex = raw[lac[0]:lac[1]].hex() if lac else ""
    cell_hex = raw[cell[0]:cell[1]].hex() if cell else ""
    return f"{plmn or ''}/{lac_hex}/{cell_hex}", plmn


_location = v.cached(_location_of)  # ("MCCMNC/LAC/CI" in hex, MCCMNC) of a LocationAreaAndCell


def call(rec: bytes, f: Fields, offset: int, raw: str, mobile_originated: bool,
         homes: frozenset[str]) -> DecodedRecord:
    """An moCallRecord or mtCallRecord: the served subscriber's call, out or in."""
    t = MOCall if mobile_originated else MTCall
    kind = "moCallRecord" if mobile_originated else "mtCallRecord"
    get, address = f.get, v.address
    s, e = f[t.recording_entity]
    entity = address(rec[s:e])
    s, e = f[t.call_reference]
    reference = rec[s:e].hex()
    s, e = f[t.duration]
    duration = _int(rec[s:e], "big", signed=True)
    s, e = f[t.cause_for_term]
    cause = _int(rec[s:e], "big", signed=True)
    span = get(t.sequence)
    sequence = _int(rec[span[0]:span[1]], "big", signed=True) if span else None
    span = get(t.served_imsi)
    imsi = v.tbcd(rec[span[0]:span[1]]) if span else None
    span = get(t.served_msisdn)
    msisdn = address(rec[span[0]:span[1]]) if span else None
    span = get(MOCall.called if mobile_originated else MTCall.calling)
    other = address(rec[span[0]:span[1]]) if span else None
    span = get(t.answer_time)
    answered = span is not None and cause != UNSUCCESSFUL
    if answered:
        started = v.timestamp(rec[span[0]:span[1]])
    else:  # an unanswered call is dated by its seizure (or its release)
        span = get(t.seizure_time) or get(t.release_time)
        started = v.timestamp(rec[span[0]:span[1]]) if span else None
    span = get(t.location)
    location, visited = _location(rec[span[0]:span[1]]) if span else (None, None)
    roaming = v.is_roaming(visited, homes, imsi)
    extra = {"recording_entity": entity, "call_reference": reference, "cause_for_term": cause}
    if sequence is not None:
        span = get(t.partial_record_type)
        extra["partial_record_type"] = _int(rec[span[0]:span[1]], "big", signed=True) if span else None
    # Every field by position, in the order ber_values.record names (faster than keywords).
    return _record(
        offset, kind, raw, f"{kind}:{entity}:{reference}:{sequence or 0}", msisdn, other, "voice",
        "out" if mobile_originated else "in", started, answered, duration, None, None, None, imsi, roaming,
        visited if roaming else None, location, f"{kind}:{entity}:{reference}" if sequence is not None else None,
        sequence, cause not in PARTIAL, extra)


def sms(rec: bytes, f: Fields, offset: int, raw: str, mobile_originated: bool,
        homes: frozenset[str]) -> DecodedRecord:
    """An moSMSRecord or mtSMSRecord: one short message sent or received."""
    t = MOSMS if mobile_originated else MTSMS
    kind = "moSMSRecord" if mobile_originated else "mtSMSRecord"
    get = f.get
    s, e = f[t.recording_entity]
    entity = v.address(rec[s:e])
    if mobile_originated:
        s, e = f[MOSMS.origination_time]
    else:
        s, e = f[MTSMS.delivery_time]
    moment_raw = rec[s:e]
    moment = v.timestamp(moment_raw)
    span = get(t.served_imsi)
    imsi = v.tbcd(rec[span[0]:span[1]]) if span else None
    span = get(t.served_msisdn)
    msisdn = v.address(rec[span[0]:span[1]]) if span else None
    span = get(t.service_centre)
    centre = v.address(rec[span[0]:span[1]]) if span else None
    if mobile_originated:
        s, e = f[MOSMS.message_reference]
        key = f"{kind}:{entity}:{moment_raw.hex()}:{rec[s:e].hex()}:{imsi}"
        span = get(MOSMS.destination_number)
        other = v.sms_destination(rec[span[0]:span[1]]) if span else None
    else:
        key = f"{kind}:{entity}:{moment_raw.hex()}:{imsi}:{centre}"
        other = None
    span = get(t.location)
    location, visited = _location(rec[span[0]:span[1]]) if span else (None, None)
    roaming = v.is_roaming(visited, homes, imsi)
    return _record(  # by position, in the order ber_values.record names
        offset, kind, raw, key, msisdn, other, "sms", "out" if mobile_originated else "in", moment,
        t.sms_result not in f,  # smsResult is only written when delivery failed
        None, None, None, 1, imsi, roaming, visited if roaming else None, location, None, None, True,
        {"recording_entity": entity, "service_centre": centre})
