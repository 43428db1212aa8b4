"""The composition root wires what the configuration names, and refuses what this build cannot do:
channels, self-service dialogs, the SMS sender and the mediation sink."""
from __future__ import annotations

import pytest

from gateway import create_app
from gateway.config import ConfigurationError
from gateway.wiring.mediation import rating_sink
from tests.conftest import make_settings
from tests.conversations.world import PREPAID_MSISDN


def _build(database_url, tmp_path, **env):
    return create_app(make_settings(database_url, **env), instance_path=str(tmp_path / "instance"))


@pytest.mark.parametrize(("env", "says"), [
    ({"CHANNELS": "ussd,fax"}, "CHANNELS='ussd,fax': no fax here; choose from ussd, sms"),
    ({"CHANNELS": "sms,sms"}, "names sms more than once"),
    ({"SELFSERVICE_DIALOGS": "balance,horoscope"}, "no horoscope here"),
    ({"SELFSERVICE_DIALOGS": "balance,last_bill"}, "last_bill needs last_invoice, which this build does not have"),
    ({"SMS_OUTBOUND": "pigeon"}, "SMS_OUTBOUND='pigeon': choose one of log, twilio, smpp"),
    ({"SMS_OUTBOUND": "twilio", "TWILIO_AUTH_TOKEN": "t"}, "needs TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER"),
    ({"SMS_OUTBOUND": "smpp"}, "SMS_OUTBOUND=smpp needs SMPP_HOST, SMPP_SYSTEM_ID"),
    ({"MEDIATION_SINK": "kafka"}, "MEDIATION_SINK='kafka': choose one of rating, none"),
    ({"LOW_BALANCE_THRESHOLDS": "KES=lots"}, "LOW_BALANCE_THRESHOLDS: the KES amount 'lots' is not a decimal"),
])
def test_a_configuration_this_build_cannot_honour_stops_start_up(database_url, schema, tmp_path, env, says):
    with pytest.raises(ConfigurationError) as refused:
        _build(database_url, tmp_path, **env)
    assert says in str(refused.value)


def test_a_channel_left_out_is_not_served(database_url, schema, tmp_path):
    app = _build(database_url, tmp_path, CHANNELS="ussd")
    client = app.test_client()
    assert client.post("/channels/sms/twilio", data={"From": PREPAID_MSISDN, "Body": "BAL"}).status_code == 404
    assert client.post("/channels/ussd", data={}).status_code != 404
    assert "sms" not in app.extensions["bss.outbound"].channels
    assert "simulator" not in app.blueprints  # it needs both channels


def test_mediation_without_a_sink_leaves_usage_for_an_outside_rating_engine(database_url, schema, tmp_path):
    assert rating_sink(_build(database_url, tmp_path, MEDIATION_SINK="none")) is None
    assert callable(rating_sink(_build(database_url, tmp_path)))


def test_the_default_menu_is_every_dialog_whose_parts_are_wired(database_url, schema, tmp_path):
    app = _build(database_url, tmp_path)
    names = [dialog.name for dialog in app.extensions["bss.selfservice"].dialogs]
    # "last_bill" waits for billing's bills.
    assert names == ["balance", "buy_bundle", "topup", "charges", "order_status", "report_problem", "agent",
                     "language"]


def test_flask_channels_list_says_which_are_on(database_url, schema, tmp_path):
    app = _build(database_url, tmp_path, CHANNELS=" USSD ")
    result = app.test_cli_runner().invoke(args=["channels", "list"])
    assert result.exit_code == 0, result.output
    assert [line.split()[:2] for line in result.output.splitlines()] == [["ussd", "on"], ["sms", "off"]]


def test_flask_channels_smpp_refuses_without_an_smsc_configured(database_url, schema, tmp_path):
    result = _build(database_url, tmp_path).test_cli_runner().invoke(args=["channels", "smpp"])
    assert result.exit_code == 2 and "SMS_OUTBOUND is not smpp" in result.output
