"""SMPP 3.4 against a real SMSC on loopback: bind, segmented submit_sm, MO messages, delivery
receipts, and reconnection after the SMSC drops the link."""
from __future__ import annotations

import threading
import time

import pytest

from channels.sms import encoding
from channels.sms.smpp import SmppConfig, SmppLink
from tests.channels.fake_smsc import FakeSmsc


@pytest.fixture
def smsc():
    server = FakeSmsc()
    yield server
    server.close()


class Inbox:
    def __init__(self):
        self.messages, self.receipts = [], []
        self.changed = threading.Event()

    def on_message(self, source, text, message_id):
        self.messages.append((source, text))
        self.changed.set()

    def on_receipt(self, message_id, status, error):
        self.receipts.append((message_id, status))
        self.changed.set()

    def wait(self, what: str, count: int, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while len(getattr(self, what)) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return getattr(self, what)


@pytest.fixture
def inbox():
    return Inbox()


@pytest.fixture
def link(smsc, inbox):
    config = SmppConfig(host="127.0.0.1", port=smsc.port, system_id="bss", password="secret", source_addr="22255",
                        timeout=2.0, reconnect_delay=0.05)
    started = SmppLink(config, on_message=inbox.on_message, on_receipt=inbox.on_receipt).start()
    assert started.wait_bound(10)
    yield started
    started.stop()


def _reassemble(pdus) -> tuple[str, int]:
    texts = []
    for pdu in pdus:
        udh, body = encoding.split_udh(pdu.short_message, pdu.esm_class)
        texts.append((udh[2] if udh else 1, encoding.decode(body, pdu.data_coding)))
    return "".join(t for _n, t in sorted(texts)), pdus[0].data_coding


@pytest.mark.smoke
def test_bind_and_a_short_gsm7_message(smsc, link):
    assert smsc.binds == ["bss"]
    sent = link.send("+254712000001", "Balance: KES 500.00 {ok}")
    pdu = smsc.wait_for(1)[0]
    assert sent.provider_ref == "msg-1" and sent.status == "sent"
    assert pdu.destination_addr == b"254712000001" and pdu.source_addr == b"22255"
    assert pdu.data_coding == 0 and pdu.esm_class == 0 and pdu.registered_delivery == 1
    assert encoding.decode(pdu.short_message, 0) == "Balance: KES 500.00 {ok}"


def test_long_gsm7_text_goes_in_concatenated_parts(smsc, link):
    text = "Bundles: " + ", ".join(f"DATA-{n}GB [weekly] €{n}" for n in range(1, 20))
    sent = link.send("+254712000001", text)
    pdus = smsc.wait_for(3)
    assert len(pdus) == len(encoding.segment(text).parts) >= 2
    assert all(p.esm_class & 0x40 and len(p.short_message) <= 159 for p in pdus)
    assert _reassemble(pdus) == (text, 0)
    assert sent.provider_ref == "msg-1"


def test_text_outside_gsm7_goes_as_ucs2(smsc, link):
    text = "Karibu! 你好 😀 " * 8
    link.send("+254712000001", text)
    pdus = smsc.wait_for(len(encoding.segment(text).parts))
    assert len(pdus) == 2
    assert {p.data_coding for p in pdus} == {8}
    assert all(len(p.short_message) <= 140 for p in pdus)
    assert _reassemble(pdus) == (text, 8)


def test_mobile_originated_messages_and_receipts(smsc, link, inbox):
    smsc.deliver("254712000001", b"BAL")
    assert inbox.wait("messages", 1) == [("254712000001", "BAL")]
    smsc.deliver("254712000001", "Habari yako".encode("utf-16-be"), data_coding=8)
    assert inbox.wait("messages", 2)[1] == ("254712000001", "Habari yako")
    parts = encoding.segment("x" * 150 + " and the rest of a long message", reference=9).parts
    for part in reversed(parts):  # parts may arrive in any order
        smsc.deliver("254712000009", part, esm_class=0x40)
    assert inbox.wait("messages", 3)[2] == ("254712000009", "x" * 150 + " and the rest of a long message")

    sent = link.send("+254712000001", "hello")
    smsc.receipt(sent.provider_ref, "DELIVRD")
    smsc.receipt("msg-unknown", "UNDELIV")
    assert inbox.wait("receipts", 2) == [(sent.provider_ref, "delivered"), ("msg-unknown", "failed")]


def test_the_link_reconnects_after_the_smsc_drops_it(smsc, link):
    smsc.drop_links()
    assert smsc.wait_binds(2), "the link did not bind again"
    assert link.wait_bound(10)
    deadline = time.monotonic() + 10
    while True:  # the first send may race the rebind; the next one must go through
        try:
            sent = link.send("+254712000001", "back again")
            break
        except (ConnectionError, TimeoutError):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert sent.provider_ref.startswith("msg-")
    assert link.binds == 2


def test_a_refused_bind_is_retried_not_fatal(smsc, inbox):
    config = SmppConfig(host="127.0.0.1", port=smsc.port, system_id="bss", password="wrong", source_addr="22255",
                        timeout=1.0, reconnect_delay=0.05)
    refused = SmppLink(config, on_message=inbox.on_message, on_receipt=inbox.on_receipt).start()
    try:
        assert not refused.wait_bound(0.5)
        with pytest.raises(ConnectionError):
            refused.send("+254712000001", "hello")
    finally:
        refused.stop()
