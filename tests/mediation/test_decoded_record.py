"""``DecodedRecord`` has one field order: decoders build records by keyword, and the one hot
path that passes every field by position (the BER mappers) goes through ``positional``, which
checks the order it writes in against the record's own, so a field added in one place cannot
shift the values of another."""
from __future__ import annotations

import ast
import inspect
import pathlib
import typing

import pytest

from devtools.testdata.ber_files import generate_ber_file
from mediation.decoders import ber_values
from mediation.decoders.base import FIELDS, DecodedRecord, positional
from mediation.decoders.ber_3gpp import DECODER

MEDIATION = pathlib.Path(__file__).parents[2] / "mediation"


def test_the_fast_path_order_is_the_record_field_order():
    assert tuple(inspect.signature(DecodedRecord).parameters) == FIELDS
    assert positional(*FIELDS) is DecodedRecord
    assert ber_values.record is DecodedRecord  # the BER mappers' order passed the check
    swapped = (FIELDS[1], FIELDS[0], *FIELDS[2:])
    for wrong in (swapped, FIELDS[:-1], (*FIELDS, "charge_class")):
        with pytest.raises(TypeError, match="out of step"):
            positional(*wrong)


def test_by_position_in_that_order_and_by_keyword_give_the_same_record():
    by_position = positional(*FIELDS)(*FIELDS)  # each field given its own name as value
    assert [getattr(by_position, name) for name in FIELDS] == list(FIELDS)
    assert by_position == DecodedRecord(**{name: name for name in FIELDS})


def test_no_module_builds_a_record_by_position_without_the_check():
    positional_calls = []
    for path in MEDIATION.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "DecodedRecord"
                    and (node.args or any(k.arg is None for k in node.keywords))):
                positional_calls.append(f"{path.relative_to(MEDIATION.parent)}:{node.lineno}")
    assert positional_calls == []


def _is(value, hint) -> bool:
    if typing.get_origin(hint) is dict:
        return isinstance(value, dict)
    return isinstance(value, hint)


def test_ber_records_built_by_position_hold_each_field_value_of_its_type(tmp_path):
    """Every record type of a generated file: a value in the wrong position would show as a
    string where a flag, a number or a time belongs."""
    summary = generate_ber_file(tmp_path / "f.dat", records=300, seed=3, partial_share=0.3, roaming_share=0.3)
    with open(summary.path, "rb") as stream:
        records = [item for item in DECODER.decode(stream, {}) if isinstance(item, DecodedRecord)]
    hints = typing.get_type_hints(DecodedRecord)
    assert {r.record_type for r in records} >= {"moCallRecord", "mtCallRecord", "moSMSRecord", "mtSMSRecord",
                                                "pGWRecord", "sGWRecord"}
    for record in records:
        wrong = {name: getattr(record, name) for name in FIELDS if not _is(getattr(record, name), hints[name])}
        assert wrong == {}, record.record_type
        assert record.service in ("voice", "sms", "data") and record.direction in ("out", "in")
        assert record.natural_key.startswith(record.record_type + ":")
        assert record.served_msisdn.startswith("+") and record.served_imsi.isdigit()
