"""A small SMPP 3.4 SMSC on loopback for tests: binds transceivers, answers submit_sm with a
message id, sends deliver_sm (mobile-originated messages and delivery receipts), and can drop
every link to test reconnection. PDUs are read and written with smpplib's codec."""
from __future__ import annotations

import socket
import struct
import threading
import time

import smpplib.consts as c
from smpplib import smpp


class _Peer:
    sequence = 0x10000

    def next_sequence(self):
        self.sequence += 1
        return self.sequence


class FakeSmsc:
    def __init__(self, *, system_id: str = "bss", password: str = "secret"):  # noqa: S107 -- a test SMSC
        self.system_id, self.password = system_id, password
        self.submitted: list = []  # submit_sm PDUs, in arrival order
        self.binds: list[str] = []
        self._links: list[socket.socket] = []
        self._peer = _Peer()
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    # -- the test's side -------------------------------------------------------------------

    def close(self) -> None:
        self._running = False
        self.drop_links()
        self._server.close()

    def drop_links(self) -> None:
        """The operator's SMSC restarts: every bound link is cut."""
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            try:
                link.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            link.close()

    def deliver(self, source: str, short_message: bytes, *, data_coding: int = 0, esm_class: int = 0,
                destination: str = "22255") -> None:
        """Send a deliver_sm down the most recent bound link."""
        pdu = smpp.make_pdu("deliver_sm", client=self._peer, service_type="", source_addr_ton=c.SMPP_TON_INTL,
                            source_addr_npi=c.SMPP_NPI_ISDN, source_addr=source, dest_addr_ton=c.SMPP_TON_NATNL,
                            dest_addr_npi=c.SMPP_NPI_ISDN, destination_addr=destination, esm_class=esm_class,
                            protocol_id=0, priority_flag=0, registered_delivery=0, replace_if_present_flag=0,
                            data_coding=data_coding, short_message=short_message)
        self._send(self._links[-1], pdu)

    def receipt(self, message_id: str, stat: str = "DELIVRD", *, destination: str = "254712000001") -> None:
        text = (f"id:{message_id} sub:001 dlvrd:001 submit date:2611251000 done date:2611251001 "
                f"stat:{stat} err:000 text:").encode()
        self.deliver(destination, text, esm_class=0x04)

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.submitted) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.submitted

    def wait_binds(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.binds) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return len(self.binds) >= count

    # -- the SMSC's side -------------------------------------------------------------------

    def _accept(self) -> None:
        while self._running:
            try:
                link, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(link,), daemon=True).start()

    def _reply(self, link: socket.socket, request, command: str, **fields) -> None:
        pdu = smpp.make_pdu(command, client=self._peer, **fields)
        pdu.sequence = request.sequence  # smpplib's constructors ignore a sequence passed in
        self._send(link, pdu)

    def _send(self, link: socket.socket, pdu) -> None:
        with self._lock:
            link.sendall(pdu.generate())

    def _read(self, link: socket.socket) -> bytes | None:
        head = b""
        while len(head) < 4:
            chunk = link.recv(4 - len(head))
            if not chunk:
                return None
            head += chunk
        length = struct.unpack(">L", head)[0]
        body = b""
        while len(body) < length - 4:
            chunk = link.recv(length - 4 - len(body))
            if not chunk:
                return None
            body += chunk
        return head + body

    def _serve(self, link: socket.socket) -> None:
        try:
            while True:
                raw = self._read(link)
                if raw is None:
                    return
                pdu = smpp.parse_pdu(raw, client=self._peer, allow_unknown_opt_params=True)
                self._answer(link, pdu)
        except OSError:
            return
        finally:
            link.close()

    def _answer(self, link: socket.socket, pdu) -> None:
        command = pdu.command
        if command == "bind_transceiver":
            ok = pdu.system_id.decode() == self.system_id and pdu.password.decode() == self.password
            if ok:
                self.binds.append(pdu.system_id.decode())
                with self._lock:
                    self._links.append(link)
            self._reply(link, pdu, "bind_transceiver_resp", status=c.SMPP_ESME_ROK if ok else c.SMPP_ESME_RINVPASWD,
                        system_id="fake-smsc")
        elif command == "submit_sm":
            self.submitted.append(pdu)
            message_id = f"msg-{len(self.submitted)}"
            self._reply(link, pdu, "submit_sm_resp", message_id=message_id)
        elif command == "enquire_link":
            self._reply(link, pdu, "enquire_link_resp")
        elif command == "unbind":
            self._reply(link, pdu, "unbind_resp")
        # deliver_sm_resp and anything else: nothing to answer
