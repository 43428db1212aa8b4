"""The gateway on SMPP: the link's own process (``flask channels smpp``, or ``make run``) binds;
an MO message to the SMSC is answered over the same bind, the SMSC's delivery receipt updates
the recorded reply, and SMS that web processes queued go out over it. Building the app binds
nothing."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from channels.sms import encoding
from core.db import db
from crm.conversations.models import Interaction
from gateway.links import SmppService
from tests.channels.fake_smsc import FakeSmsc
from tests.conversations.world import PREPAID_MSISDN

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def smsc():
    server = FakeSmsc(system_id="bss-gw", password="pw")
    yield server
    server.close()


@pytest.fixture
def channel_env(smsc):
    return {"SMS_OUTBOUND": "smpp", "SMPP_HOST": "127.0.0.1", "SMPP_PORT": str(smsc.port),
            "SMPP_SYSTEM_ID": "bss-gw", "SMPP_PASSWORD": "pw", "SMPP_SOURCE_ADDR": "22255",
            "SMPP_POLL_SECONDS": "0.05"}


@pytest.fixture
def service(app):
    started = SmppService(app).start()
    assert started.link.wait_bound(10)
    yield started
    started.stop()


@pytest.fixture
def link(service):
    return service.link


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


def test_building_the_app_binds_nothing_and_queues_sms_for_the_link_process(app, world, smsc, session, clock):
    assert not smsc.wait_binds(1, timeout=0.5), "create_app bound to the SMSC"
    registry = app.extensions["bss.outbound"]
    message = registry.send(session, clock, channel="sms", address=PREPAID_MSISDN, text="Your bundle is ready")
    assert (message.status, message.provider_ref, message.error) == ("queued", None, None)
    assert registry.dispatch(session, clock) == 0  # not this process's to send
    assert smsc.submitted == []


def test_the_link_process_sends_what_other_processes_queued(app, world, smsc, session, clock, service):
    registry = app.extensions["bss.outbound"]
    registry.queue(session, clock, channel="sms", address=PREPAID_MSISDN, text="Your bundle is ready")
    db.session.commit()
    submitted = smsc.wait_for(1)
    assert [encoding.decode(pdu.short_message, 0) for pdu in submitted] == ["Your bundle is ready"]
    row = _reply_row(session, time.monotonic() + 10)
    assert row is not None and (row.status, row.provider_ref, row.text) == ("sent", "msg-1", "Your bundle is ready")


def test_flask_channels_smpp_is_the_process_that_holds_the_bind(app, world, smsc, database_url, channel_env):
    """As an operator runs it: one process binds, answers an MO message, and stops cleanly on Ctrl-C."""
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": database_url, "SECRET_KEY": "test-only-secret",
           "CURRENCY": "KES", "DEFAULT_REGION": "KE", "LOG_LEVEL": "WARNING", **channel_env}
    db.session.commit()  # the world, for the other process to read
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "channels", "smpp"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert smsc.wait_binds(1, timeout=30), "the process did not bind"
        smsc.deliver(PREPAID_MSISDN.lstrip("+"), b"BAL")
        submitted = smsc.wait_for(1, timeout=30)
        assert submitted and encoding.decode(submitted[0].short_message, 0).startswith("Balance: KES 500.00")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.splitlines() == [f"Binding to 127.0.0.1:{smsc.port}; Ctrl-C stops.", "Stopped."]
    assert smsc.binds == ["bss-gw"]  # one bind, and only by the link's process
