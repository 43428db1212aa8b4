"""The gateway on SMPP: an MO message to the SMSC is answered over the same bind, and the
SMSC's delivery receipt updates the recorded reply."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from channels.sms import encoding
from crm.conversations.models import Interaction
from tests.channels.fake_smsc import FakeSmsc
from tests.conversations.world import PREPAID_MSISDN


@pytest.fixture
def smsc():
    server = FakeSmsc(system_id="bss-gw", password="pw")
    yield server
    server.close()


@pytest.fixture
def channel_env(smsc):
    return {"SMS_OUTBOUND": "smpp", "SMPP_HOST": "127.0.0.1", "SMPP_PORT": str(smsc.port),
            "SMPP_SYSTEM_ID": "bss-gw", "SMPP_PASSWORD": "pw", "SMPP_SOURCE_ADDR": "22255"}


@pytest.fixture
def link(app):
    started = app.extensions["bss.smpp"]
    assert started.wait_bound(10)
    yield started
    started.stop()


def _reply_row(session, deadline: float) -> Interaction | None:
    while time.monotonic() < deadline:
        session.rollback()  # see what the link's thread committed
        row = session.scalar(sa.select(Interaction).where(Interaction.direction == "out",
                                                          Interaction.provider_ref.is_not(None)))
        if row is not None:
            return row
        time.sleep(0.05)
    return None


@pytest.mark.smoke
def test_an_mo_keyword_is_answered_over_smpp_and_its_receipt_recorded(app, world, smsc, link, session):
    smsc.deliver(PREPAID_MSISDN.lstrip("+"), b"BAL")
    submitted = smsc.wait_for(1)
    assert submitted, "no reply reached the SMSC"
    assert encoding.decode(submitted[0].short_message, 0).startswith("Balance: KES 500.00")
    assert submitted[0].destination_addr == PREPAID_MSISDN.lstrip("+").encode()
    row = _reply_row(session, time.monotonic() + 10)
    assert row is not None and row.status == "sent" and row.provider_ref == "msg-1"
    inbound = session.scalar(sa.select(Interaction).where(Interaction.direction == "in"))
    assert (inbound.text, inbound.address, inbound.raw["transport"]) == ("BAL", PREPAID_MSISDN, "smpp")

    smsc.receipt("msg-1", "DELIVRD", destination=PREPAID_MSISDN.lstrip("+"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        session.rollback()
        if session.get(Interaction, row.id).status == "delivered":
            break
        time.sleep(0.05)
    assert session.get(Interaction, row.id).status == "delivered"
