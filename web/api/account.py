"""Account Management (TMF666) API."""
from __future__ import annotations

from web.api.tmf import TmfApi

API = TmfApi(
    "accountManagement",
    title="Account Management (TMF666)",
    spec_file="TMF666-AccountManagement-v4.0.0.swagger.json",
)
