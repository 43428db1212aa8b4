"""The network provisioning adapter: how an order tells the network (HLR/HSS, PCRF, OCS) what
to do with a line, and how it takes that back when a later step fails.

``HttpProvisioning`` speaks a small JSON REST protocol to a provisioning gateway:

- ``POST {base}/provisioningRequests`` with ``{"action", "msisdn", "iccid", "imsi",
  "serviceProfile", "orderId", "itemId"}`` answers 2xx with ``{"id": "..."}``;
- ``DELETE {base}/provisioningRequests/{id}`` undoes it (2xx or 404 when already gone).

A 4xx means the network refused the request (``ProvisioningRejected``: the order fails); a 5xx,
a timeout or no connection means it could not be asked (``ProvisioningUnavailable``: the order
is held for a retry). ``SimulatedProvisioning`` stands in when no gateway is configured and can
be told to refuse, to be unavailable, or to be slow.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from typing import Protocol

from core.settings import Settings

ACTIONS = ("activate", "change_profile", "add_service", "remove_service", "swap_sim", "suspend", "resume",
           "deactivate")


class ProvisioningError(Exception):
    """The network did not do what was asked; ``transient`` says whether a retry may succeed."""

    transient = False

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status  # the gateway's HTTP status, when it answered


class ProvisioningRejected(ProvisioningError):
    transient = False


class ProvisioningUnavailable(ProvisioningError):
    transient = True


@dataclass(frozen=True)
class ProvisioningRequest:
    action: str
    msisdn: str
    order_id: int
    item_id: int
    iccid: str | None = None
    imsi: str | None = None
    service_profile: str | None = None  # the offering code the network knows the service by

    def as_json(self) -> dict:
        body = asdict(self)
        return {"action": body["action"], "msisdn": self.msisdn, "iccid": self.iccid, "imsi": self.imsi,
                "serviceProfile": self.service_profile, "orderId": str(self.order_id),
                "itemId": str(self.item_id)}


class ProvisioningAdapter(Protocol):
    def provision(self, request: ProvisioningRequest) -> str:
        """Carry out ``request`` on the network; returns the network's reference for it."""
        ...

    def undo(self, reference: str) -> None:
        """Take back a request carried out earlier (a later step of the order failed)."""
        ...


class HttpProvisioning:
    """The adapter for a provisioning gateway at ``base_url`` speaking the protocol above."""

    def __init__(self, base_url: str, *, timeout: float = 10.0, token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token = token

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method,  # noqa: S310
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  (configured URL)
                text = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            detail = _reason(error.read().decode("utf-8", "replace")) or error.reason
            if 400 <= error.code < 500:
                raise ProvisioningRejected(f"network refused {method} {path}: {error.code} {detail}",
                                           status=error.code) from None
            raise ProvisioningUnavailable(f"provisioning gateway error {error.code}: {detail}",
                                          status=error.code) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ProvisioningUnavailable(f"provisioning gateway unreachable: {reason}") from None
        try:
            return json.loads(text) if text.strip() else {}
        except ValueError:
            raise ProvisioningUnavailable("provisioning gateway answered something that is not JSON") from None

    def provision(self, request: ProvisioningRequest) -> str:
        answer = self._call("POST", "/provisioningRequests", request.as_json())
        reference = answer.get("id") if isinstance(answer, dict) else None
        if not reference:
            raise ProvisioningUnavailable("provisioning gateway answered without a request id")
        return str(reference)

    def undo(self, reference: str) -> None:
        try:
            self._call("DELETE", f"/provisioningRequests/{urllib.request.quote(reference, safe='')}")
        except ProvisioningRejected as error:
            if error.status != 404:  # already gone is what we wanted
                raise


def _reason(text: str) -> str:
    try:
        body = json.loads(text)
    except ValueError:
        return text[:200]
    if isinstance(body, dict):
        return str(body.get("reason") or body.get("message") or body.get("error") or "")[:200]
    return ""


class SimulatedProvisioning:
    """A network that does what it is told: ``fail="reject"`` refuses, ``fail="unavailable"``
    cannot be reached, ``delay`` seconds make it slow. ``requests`` and ``undone`` record calls."""

    def __init__(self, *, fail: str | None = None, delay: float = 0.0, fail_actions: tuple[str, ...] = ()):
        if fail not in (None, "reject", "unavailable"):
            raise ValueError("fail is None, 'reject' or 'unavailable'")
        self.fail = fail
        self.delay = delay
        self.fail_actions = fail_actions  # fail only these actions; empty means every action
        self.requests: list[ProvisioningRequest] = []
        self.undone: list[str] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def provision(self, request: ProvisioningRequest) -> str:
        if self.delay:
            time.sleep(self.delay)
        if self.fail and (not self.fail_actions or request.action in self.fail_actions):
            if self.fail == "reject":
                raise ProvisioningRejected(f"network refused {request.action} for {request.msisdn} (simulated)")
            raise ProvisioningUnavailable("network unavailable (simulated)")
        with self._lock:
            self.requests.append(request)
            return f"SIM-{next(self._ids)}"

    def undo(self, reference: str) -> None:
        with self._lock:
            self.undone.append(reference)


def adapter_for(url: str | None, *, timeout: float = 10.0) -> ProvisioningAdapter:
    """``HttpProvisioning`` when a gateway URL is configured, else the simulator."""
    return HttpProvisioning(url, timeout=timeout) if url else SimulatedProvisioning()


def adapter_from_settings(settings: Settings) -> ProvisioningAdapter:
    """The adapter ``PROVISIONING_URL`` and ``PROVISIONING_TIMEOUT`` ask for."""
    raw = settings.value("PROVISIONING_TIMEOUT")
    try:
        timeout = float(raw)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 300:
        raise ValueError(f"PROVISIONING_TIMEOUT must be seconds between 0 and 300, not {raw!r}")
    return adapter_for(settings.value("PROVISIONING_URL").strip() or None, timeout=timeout)
