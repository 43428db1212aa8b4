"""Only the USSD aggregator may call: a secret token in the callback URL and/or an IP allow-list.

With neither configured, only loopback may call (a developer's machine, the simulator).
"""
from __future__ import annotations

import hmac
import ipaddress


def networks(raw: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``USSD_ALLOWED_IPS``: addresses or networks, comma-separated (``196.201.214.0/24, 10.1.2.3``)."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip()]


def is_allowed(*, remote_addr: str | None, token: str | None, expected_token: str, allowed_ips: str) -> bool:
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    if not expected_token and not allowed_ips.strip():
        return address.is_loopback
    if expected_token and not hmac.compare_digest((token or "").encode(), expected_token.encode()):
        return False
    if allowed_ips.strip():
        try:
            allowed = networks(allowed_ips)
        except ValueError:
            return False  # a broken allow-list lets nobody in rather than everybody
        if not any(address in network for network in allowed):
            return False
    return True
