"""The Party Interaction (TMF683) API."""
from __future__ import annotations

from web.api.tmf.api import TmfApi

API = TmfApi(
    "partyInteraction",
    title="Party Interaction (TMF683)",
    spec_file="TMF683-PartyInteraction-v4.0.0.swagger.json",
)
