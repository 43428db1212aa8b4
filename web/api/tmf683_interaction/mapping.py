"""TMF683 ``partyInteraction`` JSON, read only: every message in and out on every channel.

One ``PartyInteraction`` per message. ``direction`` is ``inbound``/``outbound``; ``channel``
names the channel (``ussd``, ``sms``); ``status`` is the delivery status (``received`` for
inbound, ``queued``/``sent``/``delivered``/``failed`` for outbound); the text is the single
``interactionItem``'s ``item``; the customer, when known, is the ``relatedParty`` with role
``customer``, and the address (MSISDN) the one with role ``contact``. ``reason`` carries the
purpose (``selfService``, ``agent``, ``notification``, ``sessionEnd``).

TMF683 makes ``href`` mandatory in every channel and party reference. A channel and a contact
address are no resources of their own here, so their ``href`` is the list of this API's
interactions on that channel, or with that address: a link that resolves.
"""
from __future__ import annotations

from urllib.parse import urlencode

from crm.conversations.models import Interaction
from web.api.tmf.render import compact
from web.api.tmf629_customer import api as customer_api
from web.api.tmf683_interaction.api import API

DIRECTIONS = {"in": "inbound", "out": "outbound"}


def interactions_href(**query: str) -> str:
    """The URL of this API's interactions matching ``query`` (attribute filters)."""
    return f"{API.href('partyInteraction', '').rstrip('/')}?{urlencode(query)}"


def to_tmf(row: Interaction) -> dict:
    parties = [{"id": row.address, "href": interactions_href(**{"relatedParty.id": row.address}),
                "name": row.address, "role": "contact", "@referredType": "ContactMedium"}]
    if row.customer_id is not None:
        parties.insert(0, customer_api.API.reference("customer", row.customer_id, "Customer", role="customer"))
    return compact({
        "creationDate": row.occurred_at,
        "interactionDate": {"startDateTime": row.occurred_at},
        "direction": DIRECTIONS[row.direction],
        "reason": row.purpose,
        "status": row.status,
        "statusChangeDate": row.status_changed_at,
        "description": row.error,
        "channel": [{"id": row.channel, "href": interactions_href(**{"channel.id": row.channel}),
                     "name": row.channel, "role": "interactionChannel", "@referredType": "Channel"}],
        # The item is a RelatedEntityRefOrValue, whose role TMF683 makes mandatory.
        "interactionItem": [{"id": "1", "item": compact({"role": "message", "text": row.text,
                                                         "providerRef": row.provider_ref,
                                                         "conversationId": row.conversation_id}),
                             "itemDate": {"startDateTime": row.occurred_at}, "@type": "InteractionItem"}],
        "relatedParty": parties,
        "@type": "PartyInteraction",
    })
