"""SMPP 3.4 to an operator's SMSC with ``smpplib``: one transceiver bind that sends (submit_sm),
receives mobile-originated messages and delivery receipts (deliver_sm), and reconnects when
the link drops.

``SmppLink.send`` waits for the SMSC's ``submit_sm_resp`` so the message id is known before
the outbound interaction is recorded; receipts then update that row by id. A text longer than
one SMS goes out as concatenated parts (``channels.sms.encoding``) and is tracked by the id of
its first part. Inbound parts are reassembled before the text is handed on.
"""
from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import smpplib.client
import smpplib.consts as c
import smpplib.exceptions

from channels.sms import encoding
from crm.conversations.outbound import Sent

log = logging.getLogger(__name__)

RECEIPT_STATES = {"DELIVRD": "delivered", "ACCEPTD": "sent", "ENROUTE": "sent", "EXPIRED": "failed",
                  "DELETED": "failed", "UNDELIV": "failed", "REJECTD": "failed", "UNKNOWN": "failed"}
# message_state TLV (SMPP 3.4 §5.3.2.35) for receipts that carry no text
MESSAGE_STATES = {1: "sent", 2: "delivered", 3: "failed", 4: "failed", 5: "failed", 6: "sent", 7: "failed",
                  8: "failed"}
_RECEIPT = re.compile(r"id:(?P<id>\S+).*?stat:(?P<stat>\w+)", re.IGNORECASE | re.DOTALL)
RECEIPT_ESM = 0x04  # esm_class: SMSC delivery receipt


@dataclass(frozen=True)
class SmppConfig:
    host: str
    port: int
    system_id: str
    password: str
    source_addr: str
    timeout: float = 5.0  # also the enquire_link interval when the link is quiet
    reconnect_delay: float = 1.0
    max_reconnect_delay: float = 30.0


class _Client(smpplib.client.Client):
    """smpplib's client, with whole PDUs written under a lock: replies to the SMSC come from
    the listening thread while messages are submitted from request threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._write = threading.Lock()

    def send_pdu(self, p):
        with self._write:
            return super().send_pdu(p)


OnMessage = Callable[[str, str, str | None], None]  # (source_addr, text, message id)
OnReceipt = Callable[[str, str, str | None], None]  # (message id, our status, error)


class SmppLink:
    def __init__(self, config: SmppConfig, *, on_message: OnMessage, on_receipt: OnReceipt):
        self.config = config
        self.on_message, self.on_receipt = on_message, on_receipt
        self._client: smpplib.client.Client | None = None
        self._lock = threading.Lock()
        self._bound = threading.Event()
        self._stop = threading.Event()
        self._waiting: dict[int, tuple[threading.Event, list]] = {}
        self._parts: dict[tuple[str, int], dict[int, str]] = {}
        self._thread: threading.Thread | None = None
        # Callbacks run off the listening thread: answering an MO message submits a reply,
        # whose submit_sm_resp only the listening thread can read.
        self._callbacks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smpp-callback")
        self.binds = 0  # how many times the link has bound; a reconnect adds one

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> SmppLink:
        self._thread = threading.Thread(target=self._run, name="smpp-link", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        client = self._client
        if client is not None:
            try:
                with self._lock:
                    client.send_pdu(smpplib.smpp.make_pdu("unbind", client=client))
            except Exception:  # the link may already be gone; stopping goes on regardless
                log.debug("unbind on stop failed", exc_info=True)
            if client._socket is not None:
                try:  # wakes the listening thread out of its blocking read at once
                    client._socket.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            client.disconnect()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._callbacks.shutdown(wait=True)

    def wait_bound(self, timeout: float = 10.0) -> bool:
        return self._bound.wait(timeout)

    def _connect(self) -> smpplib.client.Client:
        cfg = self.config
        client = _Client(cfg.host, cfg.port, timeout=cfg.timeout, allow_unknown_opt_params=True)
        client.set_message_received_handler(self._received)
        client.set_message_sent_handler(self._sent)
        client.set_error_pdu_handler(self._error_pdu)
        client.connect()
        client.bind_transceiver(system_id=cfg.system_id, password=cfg.password)
        return client

    def _run(self) -> None:
        delay = self.config.reconnect_delay
        while not self._stop.is_set():
            try:
                self._client = self._connect()
                self.binds += 1
                self._bound.set()
                delay = self.config.reconnect_delay
                log.info("SMPP bound to %s:%s", self.config.host, self.config.port)
                self._client.listen()
            except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as error:
                if self._stop.is_set():
                    break
                log.warning("SMPP link lost (%s); reconnecting in %.1f s", error, delay)
            finally:
                self._bound.clear()
                self._fail_waiting("SMPP link lost")
                if self._client is not None:
                    self._client.disconnect()
                    self._client = None
            self._stop.wait(delay)
            delay = min(delay * 2, self.config.max_reconnect_delay)

    # -- sending ---------------------------------------------------------------------------

    def send(self, address: str, text: str) -> Sent:
        """Submit ``text`` to ``address`` (E.164); returns the SMSC's id of the first part."""
        if not self._bound.wait(self.config.timeout):
            raise ConnectionError("SMPP link is not bound")
        segments = encoding.segment(text)
        ids = [self._submit(address.lstrip("+"), part, segments) for part in segments.parts]
        return Sent(ids[0], "sent")

    def _submit(self, destination: str, part: bytes, segments: encoding.Segments) -> str:
        done, result = threading.Event(), []
        with self._lock:
            client = self._client
            if client is None:
                raise ConnectionError("SMPP link is not bound")
            pdu = client.send_message(
                source_addr_ton=c.SMPP_TON_ALNUM if not self.config.source_addr.isdigit() else c.SMPP_TON_INTL,
                source_addr_npi=c.SMPP_NPI_UNK if not self.config.source_addr.isdigit() else c.SMPP_NPI_ISDN,
                source_addr=self.config.source_addr, dest_addr_ton=c.SMPP_TON_INTL, dest_addr_npi=c.SMPP_NPI_ISDN,
                destination_addr=destination, short_message=part, data_coding=segments.data_coding,
                esm_class=segments.esm_class, registered_delivery=c.SMPP_SMSC_DELIVERY_RECEIPT_BOTH)
            self._waiting[pdu.sequence] = (done, result)
        if not done.wait(self.config.timeout * 2):
            with self._lock:
                self._waiting.pop(pdu.sequence, None)
            raise TimeoutError("no submit_sm_resp from the SMSC")
        if isinstance(result[0], Exception):
            raise result[0]
        return result[0]

    def _sent(self, pdu, **_kw) -> None:
        with self._lock:
            waiter = self._waiting.pop(pdu.sequence, None)
        if waiter is not None:
            message_id = pdu.message_id.decode() if isinstance(pdu.message_id, bytes) else str(pdu.message_id)
            waiter[1].append(message_id)
            waiter[0].set()

    def _error_pdu(self, pdu) -> None:
        with self._lock:
            waiter = self._waiting.pop(pdu.sequence, None)
        if waiter is not None:
            waiter[1].append(RuntimeError(f"SMSC refused the message: status {pdu.status}"))
            waiter[0].set()
        else:
            log.warning("SMSC sent %s with status %s", pdu.command, pdu.status)

    def _fail_waiting(self, reason: str) -> None:
        with self._lock:
            waiting, self._waiting = self._waiting, {}
        for done, result in waiting.values():
            result.append(ConnectionError(reason))
            done.set()

    # -- receiving -------------------------------------------------------------------------

    def _received(self, pdu, **_kw):
        if pdu.command != "deliver_sm":
            return None
        payload = pdu.short_message or b""
        if not payload and getattr(pdu, "message_payload", None):
            payload = pdu.message_payload
        try:
            if pdu.esm_class & RECEIPT_ESM:
                self._receipt(pdu, payload)
            else:
                self._mobile_originated(pdu, payload)
        except Exception:  # never break the link over one message; the SMSC gets its resp regardless
            log.exception("handling deliver_sm failed")
        return c.SMPP_ESME_ROK

    def _receipt(self, pdu, payload: bytes) -> None:
        text = payload.decode("latin-1", errors="replace")
        match = _RECEIPT.search(text)
        message_id = getattr(pdu, "receipted_message_id", None)
        if isinstance(message_id, bytes):
            message_id = message_id.decode()
        status = None
        if match:
            message_id = message_id or match.group("id")
            status = RECEIPT_STATES.get(match.group("stat").upper())
        if status is None and getattr(pdu, "message_state", None):
            status = MESSAGE_STATES.get(int(pdu.message_state))
        if message_id and status:
            self._callbacks.submit(self._call, self.on_receipt, message_id, status,
                                   None if status != "failed" else text[:200])

    def _mobile_originated(self, pdu, payload: bytes) -> None:
        source = pdu.source_addr.decode() if isinstance(pdu.source_addr, bytes) else str(pdu.source_addr)
        udh, body = encoding.split_udh(payload, pdu.esm_class)
        text = encoding.decode(body, pdu.data_coding)
        if udh is not None:
            reference, total, sequence = udh
            parts = self._parts.setdefault((source, reference), {})
            parts[sequence] = text
            if len(parts) < total:
                return
            text = "".join(parts[n] for n in sorted(parts))
            del self._parts[(source, reference)]
        self._callbacks.submit(self._call, self.on_message, source, text, None)

    @staticmethod
    def _call(callback, *args) -> None:
        try:
            callback(*args)
        except Exception:
            log.exception("SMPP callback %s failed", getattr(callback, "__name__", callback))
