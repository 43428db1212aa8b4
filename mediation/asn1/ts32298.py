"""Tag numbers of the TS 32.298 records mediation reads (all fields are context-specific and
IMPLICIT unless the type is a CHOICE). Names follow the ASN.1; only fields we use are listed.
"""
from __future__ import annotations

# CSChargingDataTypes.CSRecord (CDR header TS number 6, TS 32.250) alternatives
CS_RECORDS = {
    0: "moCallRecord", 1: "mtCallRecord", 2: "roamingRecord", 3: "incGatewayRecord",
    4: "outGatewayRecord", 5: "transitRecord", 6: "moSMSRecord", 7: "mtSMSRecord",
    8: "moSMSIWRecord", 9: "mtSMSGWRecord", 10: "ssActionRecord", 11: "hlrIntRecord",
    12: "locUpdateHLRRecord", 13: "locUpdateVLRRecord", 14: "commonEquipRecord",
    15: "recTypeExtensions", 16: "termCAMELRecord", 17: "mtLCSRecord", 18: "moLCSRecord",
    19: "niLCSRecord", 20: "mSCsRVCCRecord", 21: "mMTRFRecord", 22: "iCSRegisterRecord",
}
# GPRSChargingDataTypes.GPRSRecord (CDR header TS number 7, TS 32.251) alternatives
GPRS_RECORDS = {
    20: "sgsnPDPRecord", 22: "sgsnMMRecord", 23: "sgsnSMORecord", 24: "sgsnSMTRecord",
    25: "sgsnMTLCSRecord", 26: "sgsnMOLCSRecord", 27: "sgsnNILCSRecord", 76: "sgsnMBMSRecord",
    77: "ggsnMBMSRecord", 78: "sGWRecord", 79: "pGWRecord", 86: "gwMBMSRecord", 92: "tDFRecord",
    95: "iPERecord", 96: "ePDGRecord", 97: "tWAGRecord",
}
MO_CALL, MT_CALL, MO_SMS, MT_SMS = 0, 1, 6, 7
SGW, PGW = 78, 79
# RecordType values carried in every record's recordType [0]
RECORD_TYPE_VALUES = {MO_CALL: 0, MT_CALL: 1, MO_SMS: 6, MT_SMS: 7, SGW: 84, PGW: 85}


class MOCall:
    record_type, served_imsi, served_imei, served_msisdn, calling, called = 0, 1, 2, 3, 4, 5
    recording_entity, location, basic_service = 9, 12, 14
    seizure_time, answer_time, release_time, duration = 22, 23, 24, 25
    cause_for_term, diagnostics, call_reference, sequence = 30, 31, 32, 33
    msc_address, partial_record_type = 39, 69


class MTCall:
    record_type, served_imsi, served_imei, served_msisdn, calling, connected = 0, 1, 2, 3, 4, 5
    recording_entity, location, basic_service = 6, 9, 11
    seizure_time, answer_time, release_time, duration = 19, 20, 21, 22
    cause_for_term, diagnostics, call_reference, sequence = 27, 28, 29, 30
    msc_address, partial_record_type = 34, 54


class MOSMS:
    record_type, served_imsi, served_imei, served_msisdn, ms_classmark = 0, 1, 2, 3, 4
    service_centre, recording_entity, location, message_reference = 5, 6, 7, 8
    origination_time, sms_result, destination_number = 9, 10, 12


class MTSMS:
    record_type, service_centre, served_imsi, served_imei, served_msisdn = 0, 1, 2, 3, 4
    ms_classmark, recording_entity, location, delivery_time, sms_result = 5, 6, 7, 8, 9


class GatewayRecord:
    """PGWRecord and SGWRecord share these tags (listOfServiceData [34] is the PGW's only;
    on an SGW record [34] is sGWChange)."""

    record_type, served_imsi, gw_address, charging_id, serving_node_address = 0, 3, 4, 5, 6
    apn, pdp_pdn_type, served_pdp_address, dynamic_address_flag = 7, 8, 9, 11
    traffic_volumes, opening_time, duration, cause_for_closing, diagnostics = 12, 13, 14, 15, 16
    sequence, node_id, local_sequence, apn_selection_mode, served_msisdn = 17, 18, 20, 21, 22
    charging_characteristics, serving_plmn, served_imei, rat_type = 23, 27, 29, 30
    ms_time_zone, user_location, service_data, serving_node_type = 31, 32, 34, 35
    pgw_plmn, start_time, stop_time = 37, 38, 39


class TrafficVolume:
    """ChangeOfCharCondition, one element of listOfTrafficVolumes."""

    qos_requested, qos_negotiated, uplink, downlink, change_condition, change_time = 1, 2, 3, 4, 5, 6


class ServiceData:
    """ChangeOfServiceCondition, one element of listOfServiceData."""

    rating_group, rule_base, result_code, local_sequence = 1, 2, 3, 4
    first_usage, last_usage, time_usage, condition_change = 5, 6, 7, 8
    uplink, downlink, time_of_report, service_identifier = 12, 13, 14, 17


class LocationAreaAndCell:
    lac, cell_id, mcc_mnc = 0, 1, 2


# CauseForTerm (CS): partialRecord(1) and partialRecordCallReestablishment(2) leave the call open
CS_PARTIAL_CAUSES = frozenset({1, 2})
CS_UNSUCCESSFUL = 3  # unsuccessfulCallAttempt
# CauseForRecClosing (PS): these close a partial record while the session goes on
PS_PARTIAL_CAUSES = frozenset({1, *range(16, 28), 59})
SERVING_NODE_TYPES = {0: "sGSN", 1: "pMIPSGW", 2: "gTPSGW", 3: "ePDG", 4: "hSGW", 5: "mME", 6: "tWAN"}
RAT_TYPES = {1: "UTRAN", 2: "GERAN", 3: "WLAN", 4: "GAN", 5: "HSPA", 6: "EUTRAN", 7: "Virtual",
             8: "EUTRAN-NB-IoT", 9: "LTE-M", 10: "NR"}
