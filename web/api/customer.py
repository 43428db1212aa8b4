"""Customer Management (TMF629) API."""
from __future__ import annotations

from web.api.tmf import TmfApi

API = TmfApi(
    "customerManagement",
    title="Customer Management (TMF629)",
    spec_file="TMF629-CustomerManagement-v4.0.0.swagger.json",
)
