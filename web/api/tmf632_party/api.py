"""The Party Management (TMF632) API, and references to its parties."""
from __future__ import annotations

from crm.models import Party
from web.api.tmf.api import TmfApi

API = TmfApi(
    "party",
    title="Party Management (TMF632)",
    spec_file="TMF632-PartyManagement-v4.0.0.swagger.json",
)


def party_ref(party: Party) -> dict:
    """A reference to an individual or organization, where the TMF632 API serves it."""
    return API.reference(party.kind, party.id, "Individual" if party.kind == "individual" else "Organization",
                         name=party.display_name)
