"""The HTTP provisioning adapter against a provisioning gateway on loopback speaking the
protocol (JSON over HTTP), and the setting that chooses the adapter."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from billing.models import Subscription
from orders.provisioning import (
    HttpProvisioning,
    ProvisioningRejected,
    ProvisioningRequest,
    ProvisioningUnavailable,
    SimulatedProvisioning,
    adapter_from_settings,
)
from tests.conftest import make_settings
from tests.orders.conftest import line_body, new_line_body


class FakeGateway:
    """A provisioning gateway: ``mode`` is ok, reject (422), error (503), slow or garbage."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.received: list[tuple[str, str, dict | None, str | None]] = []
        self.active: set[str] = set()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _answer(self, status: int, body: dict | str | None = None) -> None:
                data = (body if isinstance(body, str) else json.dumps(body)).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                gateway.received.append(("POST", self.path, body, self.headers.get("Content-Type")))
                if gateway.mode == "slow":
                    time.sleep(0.5)
                if gateway.mode == "reject":
                    return self._answer(422, {"reason": "IMSI not provisioned in HSS"})
                if gateway.mode == "error":
                    return self._answer(503, {"message": "HLR maintenance"})
                if gateway.mode == "garbage":
                    return self._answer(200, "<html>proxy error</html>")
                reference = f"NET-{len(gateway.received)}"
                gateway.active.add(reference)
                return self._answer(201, {"id": reference, "state": "done"})

            def do_DELETE(self):
                reference = self.path.rsplit("/", 1)[-1]
                gateway.received.append(("DELETE", self.path, None, None))
                if reference not in gateway.active:
                    return self._answer(404, {"reason": "no such request"})
                gateway.active.discard(reference)
                return self._answer(204)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/prov/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


REQUEST = ProvisioningRequest(action="activate", msisdn="+254700100000", order_id=7, item_id=9,
                              iccid="8925400000000000001", imsi="639020000000001", service_profile="PRE")


@pytest.mark.smoke
def test_provision_posts_the_request_and_returns_the_network_reference(gateway):
    adapter = HttpProvisioning(gateway.url, timeout=2)

    reference = adapter.provision(REQUEST)

    assert reference == "NET-1"
    method, path, body, content_type = gateway.received[0]
    assert (method, path, content_type) == ("POST", "/prov/v1/provisioningRequests", "application/json")
    assert body == {"action": "activate", "msisdn": "+254700100000", "iccid": "8925400000000000001",
                    "imsi": "639020000000001", "serviceProfile": "PRE", "orderId": "7", "itemId": "9"}
    adapter.undo(reference)
    assert gateway.received[-1][:2] == ("DELETE", "/prov/v1/provisioningRequests/NET-1")
    adapter.undo(reference)  # already gone (404) is what undo wants


@pytest.mark.parametrize(("mode", "error", "words"), [
    ("reject", ProvisioningRejected, "IMSI not provisioned"),
    ("error", ProvisioningUnavailable, "HLR maintenance"),
    ("slow", ProvisioningUnavailable, "unreachable"),
    ("garbage", ProvisioningUnavailable, "not JSON"),
])
def test_gateway_failures_are_told_apart(gateway, mode, error, words):
    gateway.mode = mode
    with pytest.raises(error, match=words):
        HttpProvisioning(gateway.url, timeout=0.2).provision(REQUEST)


def test_no_gateway_listening_is_unavailable():
    with pytest.raises(ProvisioningUnavailable):
        HttpProvisioning("http://127.0.0.1:9", timeout=1).provision(REQUEST)


def test_orders_provision_through_the_http_gateway(app, gateway, place, session, customer_id, prepaid, offers, stock):
    app.extensions["bss.provisioning"] = HttpProvisioning(gateway.url, timeout=2)

    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"]))

    assert order["state"] == "completed"
    assert gateway.received[0][2]["msisdn"] == "+254700100000"
    assert gateway.received[0][2]["orderId"] == order["id"]

    line = int(order["productOrderItem"][0]["product"]["id"])
    gateway.mode = "reject"
    order = place(line_body("modify", line, status="suspended"))
    assert order["state"] == "failed"
    assert "IMSI not provisioned" in order["stateReason"]
    assert session.get(Subscription, line).status == "active"


def test_the_setting_chooses_the_adapter(gateway):
    assert isinstance(adapter_from_settings(make_settings("sqlite://")), SimulatedProvisioning)
    chosen = adapter_from_settings(make_settings("sqlite://", PROVISIONING_URL=gateway.url, PROVISIONING_TIMEOUT="3"))
    assert isinstance(chosen, HttpProvisioning) and chosen.timeout == 3.0
    with pytest.raises(ValueError, match="PROVISIONING_TIMEOUT"):
        adapter_from_settings(make_settings("sqlite://", PROVISIONING_TIMEOUT="soon"))


def test_the_simulator_can_be_slow_or_fail_on_some_actions():
    simulator = SimulatedProvisioning(delay=0.05, fail="reject", fail_actions=("deactivate",))
    started = time.monotonic()
    assert simulator.provision(REQUEST) == "SIM-1"
    assert time.monotonic() - started >= 0.05
    with pytest.raises(ProvisioningRejected):
        simulator.provision(ProvisioningRequest(action="deactivate", msisdn="+254700100000", order_id=1, item_id=1))
    with pytest.raises(ValueError):
        SimulatedProvisioning(fail="sometimes")
