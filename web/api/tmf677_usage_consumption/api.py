"""The Usage Consumption (TMF677) API."""
from __future__ import annotations

from web.api.tmf.api import TmfApi

API = TmfApi(
    "usageConsumption",
    title="Usage Consumption (TMF677)",
    spec_file="TMF677-UsageConsumption-v4.0.0.swagger.json",
)
