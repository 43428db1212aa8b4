"""Sample TS 32.298 records of a small network (two MSCs, two PGWs, two SGWs, a few hundred
cells), encoded in BER the way the elements write them: the building blocks of
``devtools.testdata.ber_files``. Each builder draws its details from the network's random generator.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from mediation.asn1.ber import (
    encode_address,
    encode_gsn_address,
    encode_integer,
    encode_plmn,
    encode_tbcd,
    encode_timestamp,
    tlv,
)
from mediation.asn1.ts32298 import MOSMS, MTSMS, MOCall, MTCall, ServiceData, TrafficVolume
from mediation.asn1.ts32298 import GatewayRecord as G

NETWORK_TIME = dt.timezone(dt.timedelta(hours=3))  # the elements write local time (EAT) and offset
VISITED = ("23415", "26201", "63907")
PARTIAL_CAUSES = (16, 17)  # volumeLimit, timeLimit
SEQ = 16  # universal SEQUENCE (identifier octet 0x30 when constructed)


def _ia5(tag: int, text: str) -> bytes:
    return tlv(tag, text.encode("ascii"))


def _int(tag: int, value: int) -> bytes:
    return tlv(tag, encode_integer(value))


def _ts(tag: int, moment: dt.datetime) -> bytes:
    return tlv(tag, encode_timestamp(moment.astimezone(NETWORK_TIME)))


def _record(choice: int, parts: list[bytes]) -> bytes:
    return tlv(choice, b"".join(parts), constructed=True)


class Network:
    """The elements and subscribers of one generated file."""

    def __init__(self, rng: random.Random, msisdns: Sequence[str] | None, home_plmn: str):
        self.rng = rng
        self.home = home_plmn
        self.msisdns = list(msisdns) if msisdns else [
            f"+2547{rng.choice('12')}{rng.randrange(10**7):07d}" for _ in range(500)]
        self.msc = ["+254722000101", "+254722000102"]
        self.smsc = "+254722000500"
        self.pgw = ["10.20.0.1", "10.20.0.2"]
        self.sgw = ["10.30.0.1", "10.30.0.2"]
        self.mme = "10.40.0.1"
        self.call_reference = rng.randrange(1 << 24)
        self.charging_id = rng.randrange(1 << 30)
        self.local_sequence = 0
        self.cells = [(rng.randrange(1, 65535), rng.randrange(1, 65535)) for _ in range(300)]

    def subscriber(self) -> tuple[str, str]:
        msisdn = self.rng.choice(self.msisdns)
        digits = msisdn.lstrip("+")
        return msisdn, self.home + digits[-(15 - len(self.home)):]

    def parties(self) -> tuple[str, str, str]:
        """(MSISDN, IMSI, other party) of a call: on-net, or a fixed line."""
        msisdn, imsi = self.subscriber()
        other = self.rng.choice(self.msisdns) if self.rng.random() < 0.7 else f"+2542{self.rng.randrange(10**8):08d}"
        return msisdn, imsi, other

    def plmn(self, roaming: bool) -> str:
        return self.rng.choice(VISITED) if roaming else self.home

    def location(self, plmn: str) -> bytes:
        """LocationAreaAndCell of one of the network's cells (subscribers crowd a few hundred)."""
        lac, cell = self.cells[self.rng.randrange(len(self.cells))]
        return tlv(0, lac.to_bytes(2, "big")) + tlv(1, cell.to_bytes(2, "big")) + tlv(2, encode_plmn(plmn))

    def uli(self, plmn: str) -> bytes:
        """userLocationInformation (TS 29.274 ULI): TAI and ECGI."""
        p = encode_plmn(plmn)
        tac, cell = self.cells[self.rng.randrange(len(self.cells))]
        return bytes([0x18]) + p + tac.to_bytes(2, "big") + p + (cell << 8 | 1).to_bytes(4, "big")


def call_record(net: Network, mobile_originated: bool, start: dt.datetime, *, duration: int, answered: bool,
                reference: int, sequence: int | None = None, closing: bool = True, roaming: bool = False,
                parties: tuple[str, str, str] | None = None) -> bytes:
    """An moCallRecord or mtCallRecord answered at ``start``; ``sequence`` makes it a partial
    record of a long call, closing it when ``closing``."""
    t = MOCall if mobile_originated else MTCall
    msisdn, imsi, other = parties or net.parties()
    entity = net.msc[reference % len(net.msc)]
    cause = (0 if answered else 3) if closing else 1
    parts = [_int(t.record_type, 0 if mobile_originated else 1), tlv(t.served_imsi, encode_tbcd(imsi)),
             tlv(t.served_imei, encode_tbcd(f"35{reference % 10**13:013d}")),
             tlv(t.served_msisdn, encode_address(msisdn)),
             tlv(t.called if mobile_originated else t.calling, encode_address(other)),
             tlv(t.recording_entity, encode_address(entity)),
             tlv(t.location, net.location(net.plmn(roaming)), constructed=True),
             tlv(t.basic_service, tlv(3, b"\x11"), constructed=True),  # teleservice: telephony
             _ts(t.seizure_time, start - dt.timedelta(seconds=5))]
    if answered:
        parts.append(_ts(t.answer_time, start))
    parts += [_ts(t.release_time, start + dt.timedelta(seconds=duration)), _int(t.duration, duration),
              _int(t.cause_for_term, cause), tlv(t.call_reference, reference.to_bytes(4, "big"))]
    if sequence is not None:
        parts.append(_int(t.sequence, sequence))
    parts.append(tlv(t.msc_address, encode_address(entity)))
    if not closing:
        parts.append(tlv(t.partial_record_type, b"\x00"))  # timeLimit
    return _record(0 if mobile_originated else 1, parts)


def sms_record(net: Network, mobile_originated: bool, moment: dt.datetime, roaming: bool) -> bytes:
    t = MOSMS if mobile_originated else MTSMS
    msisdn, imsi = net.subscriber()
    entity = net.rng.choice(net.msc)
    failed = net.rng.random() < 0.03
    centre = tlv(t.service_centre, encode_address(net.smsc))
    parts = [_int(t.record_type, 6 if mobile_originated else 7)]
    if not mobile_originated:
        parts.append(centre)
    parts += [tlv(t.served_imsi, encode_tbcd(imsi)), tlv(t.served_msisdn, encode_address(msisdn)),
              tlv(t.ms_classmark, b"\x57\x58\xa6")]
    if mobile_originated:
        parts.append(centre)
    parts += [tlv(t.recording_entity, encode_address(entity)),
              tlv(t.location, net.location(net.plmn(roaming)), constructed=True)]
    if mobile_originated:
        other = net.rng.choice(net.msisdns).lstrip("+")
        parts += [tlv(MOSMS.message_reference, bytes([net.rng.randrange(256)])), _ts(MOSMS.origination_time, moment)]
        if failed:
            parts.append(tlv(MOSMS.sms_result, _int(0, 38), constructed=True))
        parts.append(tlv(MOSMS.destination_number, bytes([len(other), 0x91]) + encode_tbcd(other)))
    else:
        parts.append(_ts(MTSMS.delivery_time, moment))
        if failed:
            parts.append(tlv(MTSMS.sms_result, _int(0, 38), constructed=True))
    return _record(6 if mobile_originated else 7, parts)


def _volumes(net: Network, start: dt.datetime, duration: int, up: int, down: int) -> bytes:
    """listOfTrafficVolumes: one or two containers (a tariff-time change splits it)."""
    cuts = 1 if net.rng.random() < 0.7 else 2
    items = []
    for i in range(cuts):
        share_up, share_down = (up, down) if cuts == 1 else ((up // 2, down // 2) if i == 0 else
                                                             (up - up // 2, down - down // 2))
        when = start + dt.timedelta(seconds=duration * (i + 1) // cuts)
        items.append(tlv(SEQ, _int(TrafficVolume.uplink, share_up) + _int(TrafficVolume.downlink, share_down)
                         + tlv(TrafficVolume.change_condition, b"\x02" if i == cuts - 1 else b"\x01")
                         + _ts(TrafficVolume.change_time, when), constructed=True, cls=0))
    return tlv(G.traffic_volumes, b"".join(items), constructed=True)


def _service_data(net: Network, start: dt.datetime, duration: int, up: int, down: int) -> bytes:
    groups = net.rng.sample((10, 20, 30, 40), net.rng.choice((1, 2)))
    items = []
    for n, group in enumerate(groups):
        share_up, share_down = (up, down) if len(groups) == 1 else (
            (up // 3, down // 3) if n == 0 else (up - up // 3, down - down // 3))
        items.append(tlv(SEQ, b"".join([
            _int(ServiceData.rating_group, group), _ts(ServiceData.first_usage, start),
            _ts(ServiceData.last_usage, start + dt.timedelta(seconds=duration)),
            _int(ServiceData.time_usage, duration), tlv(ServiceData.condition_change, b"\x05\x00\x00\x01\x00"),
            _int(ServiceData.uplink, share_up), _int(ServiceData.downlink, share_down),
            _ts(ServiceData.time_of_report, start + dt.timedelta(seconds=duration)),
            _int(ServiceData.service_identifier, group * 100)]), constructed=True, cls=0))
    return tlv(G.service_data, b"".join(items), constructed=True)


def gateway_record(net: Network, pgw: bool, start: dt.datetime, *, duration: int, up: int, down: int,
                   charging_id: int | None, sequence: int | None = None, closing: bool = True,
                   roaming: bool = False, subscriber: tuple[str, str] | None = None) -> bytes:
    """A pGWRecord or sGWRecord; ``charging_id=None`` leaves out that mandatory field."""
    msisdn, imsi = subscriber or net.subscriber()
    node = (net.pgw if pgw else net.sgw)[(charging_id or 0) % 2]
    serving = net.plmn(roaming)
    net.local_sequence += 1
    parts = [_int(G.record_type, 85 if pgw else 84), tlv(G.served_imsi, encode_tbcd(imsi)),
             tlv(G.gw_address, encode_gsn_address(node), constructed=True),
             _int(G.charging_id, charging_id) if charging_id is not None else b"",
             tlv(G.serving_node_address, encode_gsn_address(net.sgw[0] if pgw else net.mme), constructed=True),
             _ia5(G.apn, "internet"), tlv(G.pdp_pdn_type, b"\xf1\x21"), tlv(G.dynamic_address_flag, b"\xff"),
             _volumes(net, start, duration, up, down), _ts(G.opening_time, start), _int(G.duration, duration),
             _int(G.cause_for_closing, 0 if closing else net.rng.choice(PARTIAL_CAUSES))]
    if sequence is not None:
        parts.append(_int(G.sequence, sequence))
    parts += [_ia5(G.node_id, ("PGW0" if pgw else "SGW0") + str((charging_id or 0) % 2 + 1)),
              _int(G.local_sequence, net.local_sequence), tlv(G.apn_selection_mode, b"\x00"),
              tlv(G.served_msisdn, encode_address(msisdn)), tlv(G.charging_characteristics, b"\x08\x00"),
              tlv(G.serving_plmn, encode_plmn(serving)), _int(G.rat_type, 6),
              tlv(G.user_location, net.uli(serving))]
    if pgw:
        parts.append(_service_data(net, start, duration, up, down))
    parts += [tlv(G.serving_node_type, tlv(10, b"\x02" if pgw else b"\x05", cls=0), constructed=True),
              tlv(G.pgw_plmn, encode_plmn(net.home))]
    return _record(79 if pgw else 78, parts)


def corrupt_record(net: Network, n: int, moment: dt.datetime) -> bytes:
    """A framed record that cannot be decoded, in one of three ways."""
    kind = n % 3
    if kind == 0:  # an element whose length runs past the end of the record
        good = call_record(net, True, moment, duration=30, answered=True, reference=n)
        return _record(0, [good[2:] if good[1] < 0x80 else good[2 + (good[1] & 0x7F):], b"\x9f\x20\x50\x01"])
    if kind == 1:  # an MO SMS whose originationTime has month 13 (a fixable typo)
        stamp = encode_timestamp(moment.astimezone(NETWORK_TIME))
        good = sms_record(net, True, moment, roaming=False)
        return good.replace(tlv(MOSMS.origination_time, stamp), tlv(MOSMS.origination_time, stamp[:1] + b"\x13"
                                                                    + stamp[2:]), 1)
    # a PGW record without its chargingID
    return gateway_record(net, True, moment, duration=60, up=1000, down=2000, charging_id=None)
