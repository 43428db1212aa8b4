"""Party Management (TMF632) API."""
from __future__ import annotations

from web.api.tmf import TmfApi

API = TmfApi(
    "party",
    title="Party Management (TMF632)",
    spec_file="TMF632-PartyManagement-v4.0.0.swagger.json",
)
