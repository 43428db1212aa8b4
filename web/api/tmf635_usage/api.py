"""The Usage Management (TMF635) API."""
from __future__ import annotations

from web.api.tmf.api import TmfApi

API = TmfApi(
    "usageManagement",
    title="Usage Management (TMF635)",
    spec_file="TMF635-UsageManagement-v4.0.0.swagger.json",
)
