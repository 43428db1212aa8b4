"""TMF629 ``customer`` JSON <-> ``crm.customers`` and ``crm.consent``.

Beyond the spec's attributes a customer carries ``preferredChannel``, ``preferredLanguage``,
``customerCategory``, ``customerSegment`` and ``marketingConsent`` (the consent in force per
channel; sending entries records a change with source ``api``). TMF allows such extensions
and clients that do not know them ignore them.
"""
from __future__ import annotations

from typing import Any

from core.clock import isoformat_z
from core.db import db
from crm import consent, customers
from crm.models import Customer
from web.api.tmf.body import storable
from web.api.tmf.conform import conform
from web.api.tmf.payload import at, get_bool, get_list, get_obj, get_objects, get_period, get_str, ref_id
from web.api.tmf.render import drop_empty, period
from web.api.tmf632_party.api import party_ref
from web.api.tmf632_party.mapping import contact_medium_json

# TMF attribute -> (Customer column, maximum length), for plain strings.
PROFILE_STRINGS = {
    "statusReason": ("status_reason", 200), "preferredChannel": ("preferred_channel", 20),
    "preferredLanguage": ("preferred_language", 10), "customerCategory": ("category", 40),
    "customerSegment": ("segment", 40),
}


def party_ref_from(body: dict) -> customers.PartyRef | None:
    """``engagedParty``: the party (ours or another system's) this customer is."""
    ref = get_obj(body, "engagedParty")
    if ref is None:
        return None
    with at("engagedParty"):
        return customers.PartyRef(id=ref_id(ref, "id"), referred_type=get_str(ref, "@referredType", max_length=50),
                                  name=get_str(ref, "name", max_length=200), href=get_str(ref, "href", max_length=500))


def _characteristics(body: dict) -> list[dict] | None:
    items = get_objects(body, "characteristic")
    for index, item in enumerate(items):
        with at(f"characteristic[{index}]"):
            get_str(item, "name", required=True, max_length=100)
        conform(item, "Characteristic", f"characteristic[{index}]")  # answered back as sent
    return storable(items, "characteristic")


def profile_from(body: dict) -> dict[str, Any]:
    """``crm.customers`` keyword arguments for the profile attributes the body mentions."""
    profile = {column: get_str(body, name, max_length=size)
               for name, (column, size) in PROFILE_STRINGS.items() if name in body}
    if "validFor" in body:
        profile["valid_from"], profile["valid_to"] = get_period(body)
    if "characteristic" in body:
        profile["characteristics"] = _characteristics(body) or None
    return profile


def consents_from(body: dict) -> list[tuple[str, str, bool]]:
    """``marketingConsent`` entries as (channel, purpose, granted); validated before any write."""
    if get_list(body, "marketingConsent") is None:
        return []
    wanted = []
    for index, item in enumerate(get_objects(body, "marketingConsent")):
        with at(f"marketingConsent[{index}]"):
            granted = get_bool(item, "granted")
            if granted is None:
                get_str(item, "granted", required=True)  # the missing-attribute error, worded the same way
            wanted.append((get_str(item, "channel", required=True, choices=consent.CHANNELS),
                           get_str(item, "purpose", default="marketing", choices=consent.PURPOSES), granted))
    return wanted


def engaged_party_json(customer: Customer) -> dict | None:
    if customer.party is not None:
        return party_ref(customer.party)
    if customer.party_ref_id is None:
        return None
    # @referredType is mandatory in a TMF RelatedParty; a client may not have said which kind.
    return drop_empty({"id": customer.party_ref_id, "href": customer.party_ref_href,
                       "name": customer.party_ref_name, "@referredType": customer.party_ref_type or "Party"})


def customer_json(customer: Customer) -> dict:
    consents = [{"channel": s.channel, "purpose": s.purpose, "granted": s.granted,
                 "recordedAt": isoformat_z(s.decided_by.recorded_at), "source": s.decided_by.source}
                for s in consent.consent_overview(db.session, customer) if s.decided_by is not None]
    return drop_empty({
        "@type": "Customer",
        "name": customer.name,
        "status": customer.status,
        "statusReason": customer.status_reason,
        "engagedParty": engaged_party_json(customer),
        "validFor": period(customer.valid_from, customer.valid_to),
        "contactMedium": [contact_medium_json(m) for m in customer.contact_media],
        "characteristic": customer.characteristics,
        "preferredChannel": customer.preferred_channel,
        "preferredLanguage": customer.preferred_language,
        "customerCategory": customer.category,
        "customerSegment": customer.segment,
        "marketingConsent": consents,
    })
