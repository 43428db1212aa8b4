"""Number pool and SIM stock: imports through the CLI, states, and concurrent reservations."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.errors import Conflict, ValidationError
from orders.capture import ItemRequest, OrderRequest, place_order
from orders.models import PoolNumber, SimCard
from orders.stock import import_number_range, import_sims, release_order, reserve_number, reserve_sim


@pytest.mark.smoke
def test_cli_imports_a_number_range_and_skips_numbers_already_in_the_pool(app, session):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["numbers", "import", "0711000000", "0711000099", "--batch", "nov"])
    assert result.exit_code == 0, result.output
    assert "100 number(s) added" in result.output
    again = runner.invoke(args=["numbers", "import", "+254711000090", "+254711000109"])
    assert "10 number(s) added" in again.output
    numbers = session.scalars(sa.select(PoolNumber.msisdn).order_by(PoolNumber.msisdn)).all()
    assert (len(numbers), numbers[0], numbers[-1]) == (110, "+254711000000", "+254711000109")
    assert "available 110" in runner.invoke(args=["numbers", "status"]).output


@pytest.mark.parametrize(("first", "last", "words"), [
    ("0711000010", "0711000000", "does not end a range"),
    ("0711000000", "0712000000", "at most"),
    ("07110000xx", "0711000001", "not a valid phone number"),
])
def test_cli_refuses_a_bad_range_with_the_reason(app, first, last, words):
    result = app.test_cli_runner().invoke(args=["numbers", "import", first, last])
    assert result.exit_code == 1
    assert words in result.output


def test_cli_imports_sims_from_a_csv_file(app, session, tmp_path):
    path = tmp_path / "sims.csv"
    path.write_text("iccid,imsi\n89254000000000000011,639020000000011\n8925400000000000012F,639020000000012\n\n")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["sims", "import", str(path), "--location", "Nairobi CBD"])

    assert result.exit_code == 0, result.output
    assert "2 SIM card(s) added" in result.output
    sims = session.scalars(sa.select(SimCard).order_by(SimCard.iccid)).all()
    assert [(s.iccid, s.location, s.state) for s in sims] == [
        ("89254000000000000011", "Nairobi CBD", "available"), ("8925400000000000012", "Nairobi CBD", "available")]
    path.write_text("89254000000000000013,63902\n")
    bad = runner.invoke(args=["sims", "import", str(path)])
    assert bad.exit_code == 1 and "IMSI" in bad.output
    path.write_text("89254000000000000013\n")
    assert "expected iccid,imsi" in runner.invoke(args=["sims", "import", str(path)]).output


def test_reservations_take_distinct_items_and_release_returns_them(session, clock, events):
    for n in range(4):
        place_order(session, clock, events, OrderRequest(items=(ItemRequest(ref=str(n), action="noChange"),)))
    import_number_range(session, clock, first="0711000000", last="0711000001", default_region="KE")
    import_sims(session, clock, [("89254000000000000011", "639020000000011")])
    first, second = reserve_number(session, clock, 1), reserve_number(session, clock, 2)
    assert first.msisdn != second.msisdn
    with pytest.raises(Conflict, match="no MSISDN left"):
        reserve_number(session, clock, 3)
    reserve_sim(session, clock, 1)
    with pytest.raises(Conflict, match="8925"):
        reserve_sim(session, clock, 2, "89254000000000000011")

    assert release_order(session, clock, 1) == 2
    assert reserve_number(session, clock, 4).msisdn == first.msisdn


def test_import_refuses_a_bad_iccid(session, clock):
    with pytest.raises(ValidationError, match="ICCID"):
        import_sims(session, clock, [("12ab", "639020000000011")])
