"""Party Interaction (TMF683) API, read only: every message in and out on every channel.

One ``PartyInteraction`` per message. ``direction`` is ``inbound``/``outbound``; ``channel``
names the channel (``ussd``, ``sms``); ``status`` is the delivery status (``received`` for
inbound, ``queued``/``sent``/``delivered``/``failed`` for outbound); the text is the single
``interactionItem``'s ``item``; the customer, when known, is the ``relatedParty`` with role
``customer``, and the address (MSISDN) the one with role ``contact``. ``reason`` carries the
purpose (``selfService``, ``agent``, ``notification``, ``sessionEnd``).
"""
from __future__ import annotations

import sqlalchemy as sa

from core.db import db
from crm.conversations.models import Interaction
from web.api import customer
from web.api.filters import by_id, by_text
from web.api.render import compact
from web.api.tmf import Resource, TmfApi

API = TmfApi(
    "partyInteraction",
    title="Party Interaction (TMF683)",
    spec_file="TMF683-PartyInteraction-v4.0.0.swagger.json",
)

DIRECTIONS = {"in": "inbound", "out": "outbound"}


def to_tmf(row: Interaction) -> dict:
    parties = [{"id": row.address, "name": row.address, "role": "contact", "@referredType": "ContactMedium"}]
    if row.customer_id is not None:
        parties.insert(0, {"id": str(row.customer_id), "href": customer.API.href("customer", str(row.customer_id)),
                           "role": "customer", "@referredType": "Customer"})
    return compact({
        "creationDate": row.occurred_at,
        "interactionDate": {"startDateTime": row.occurred_at},
        "direction": DIRECTIONS[row.direction],
        "reason": row.purpose,
        "status": row.status,
        "statusChangeDate": row.status_changed_at,
        "description": row.error,
        "channel": [{"id": row.channel, "name": row.channel, "role": "interactionChannel",
                     "@referredType": "Channel"}],
        "interactionItem": [{"id": "1", "item": {"text": row.text, "providerRef": row.provider_ref,
                                                 "conversationId": row.conversation_id},
                             "itemDate": {"startDateTime": row.occurred_at}, "@type": "InteractionItem"}],
        "relatedParty": parties,
        "@type": "PartyInteraction",
    })


def _load(ident: str) -> Interaction | None:
    return db.session.get(Interaction, int(ident)) if ident.isdigit() else None


API.add(Resource(
    name="partyInteraction",
    type_name="PartyInteraction",
    query=lambda: sa.select(Interaction).order_by(Interaction.id.desc()),
    load=_load,
    to_tmf=to_tmf,
    filters={
        "id": by_id(Interaction.id),
        "status": by_text(Interaction.status),
        "reason": by_text(Interaction.purpose),
        "direction": by_text(Interaction.direction, lambda v: {"inbound": "in", "outbound": "out"}.get(v, v)),
        "channel.id": by_text(Interaction.channel),
        "channel.name": by_text(Interaction.channel),
        "relatedParty.id": lambda raw: sa.or_(by_text(Interaction.address)(raw), by_id(Interaction.customer_id)(raw)),
    },
    description="Messages in and out on every channel (USSD, SMS), newest first; read only.",
))
