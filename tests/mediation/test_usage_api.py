"""TMF635 ``usage``: the records mediation produced, with their state, lineage and rating."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from catalog.tariffs.compiled import clear_cache
from tests.conftest import START
from tests.mediation.conftest import ASTERISK_OPTIONS, FIXTURES, usage_rows
from tests.rating.conftest import Operator

URL = "/tmf-api/usageManagement/v4/usage"


def characteristic(usage: dict, name: str):
    return next(c["value"] for c in usage["usageCharacteristic"] if c["name"] == name)


@pytest.mark.smoke
def test_list_get_and_filter_usage(api, run_file):
    report = run_file("asterisk-csv", FIXTURES / "asterisk-Master.csv", ASTERISK_OPTIONS)
    response = api.get(URL)
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "3"
    first = response.get_json()[0]
    assert first["@type"] == "Usage" and first["status"] == "guided" and first["usageType"] == "voice"
    assert first["usageDate"] == "2026-03-01T05:15:02.000Z"
    assert first["href"].endswith(f"{URL}/{first['id']}")
    assert characteristic(first, "msisdn") == "+254712345678"
    assert characteristic(first, "durationSeconds") == 60
    assert characteristic(first, "sourceFile") == "asterisk-Master.csv"
    assert characteristic(first, "sourceFileId") == report["file_id"]
    assert characteristic(first, "recordOffset") == 1
    assert "ratedProductUsage" not in first

    one = api.get(f"{URL}/{first['id']}")
    assert one.status_code == 200 and one.get_json() == first
    assert api.get(f"{URL}/999999").status_code == 404
    assert api.get(f"{URL}/abc").status_code == 404
    assert api.get(f"{URL}?status=guided&usageType=voice").headers["X-Total-Count"] == "3"
    assert api.get(f"{URL}?status=rated").headers["X-Total-Count"] == "0"
    assert api.get(f"{URL}?usageDate=2026-03-01T05:15:02.000Z").headers["X-Total-Count"] == "1"
    fields = api.get(f"{URL}?fields=usageType&limit=1").get_json()
    assert fields == [{"id": first["id"], "href": first["href"], "usageType": "voice"}]


def test_usage_is_read_only(api, run_file):
    run_file("generic-json", FIXTURES / "generic.jsonl")
    ident = api.get(URL).get_json()[0]["id"]
    assert api.post(URL, json={"usageType": "voice"}).status_code == 405
    assert api.patch(f"{URL}/{ident}", json={"status": "billed"}).status_code == 405
    assert api.delete(f"{URL}/{ident}").status_code == 405
    assert api.client.get(URL).status_code == 401  # no token


def test_run_rates_through_billing_and_api_shows_rated_usage(app, api, session, clock, events):
    """``flask mediation run`` hands records to billing's rating: the known line's calls are
    rated (state and ratedProductUsage), the unknown subscriber's end as rating errors."""
    clear_cache()
    clock.set(dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    operator = Operator(session, clock, events)
    operator.line(balance="100", msisdn="+254712345678")
    session.commit()
    clock.set(START)
    result = app.test_cli_runner().invoke(args=["mediation", "run", "--format", "asterisk-csv",
                                                "--source", "pbx", str(FIXTURES / "asterisk-Master.csv")])
    assert "no source named 'pbx'" in result.output  # named files may borrow a source's options only if it exists
    app.test_cli_runner().invoke(args=["mediation", "sources", "add", "pbx", "--format", "asterisk-csv", "--inbox",
                                       str(FIXTURES.parent / "no-inbox"), "--options",
                                       '{"timezone": "Africa/Nairobi", "test_numbers": ["+254700000001"]}'])
    result = app.test_cli_runner().invoke(args=["mediation", "run", "--source", "pbx",
                                                str(FIXTURES / "asterisk-Master.csv")])
    assert result.exit_code == 0, result.output
    states = {(u.msisdn, u.direction): u.state for u in usage_rows(session)}
    assert states == {("+254712345678", "out"): "rated", ("+254712345678", "in"): "rated",
                      ("+254798765432", "out"): "rating_error"}
    listed = {u["status"] for u in api.get(URL).get_json()}
    assert listed == {"rated", "rejected"}
    rated = api.get(f"{URL}?status=rated").get_json()
    outgoing = next(u for u in rated if characteristic(u, "direction") == "out")
    [charge] = outgoing["ratedProductUsage"]
    assert charge["taxExcludedRatingAmount"]["unit"] == "KES"
    assert Decimal(str(charge["taxExcludedRatingAmount"]["value"])) > 0
    assert charge["usageRatingTag"] == "usage" and charge["productRef"]["@referredType"] == "Product"
