"""The TMF683 resource: ``partyInteraction``, newest first, read only."""
from __future__ import annotations

import sqlalchemy as sa

from crm.conversations.models import Interaction
from web.api.tmf.filters import by_id, by_instant, by_text
from web.api.tmf.resource import model_resource
from web.api.tmf683_interaction.api import API
from web.api.tmf683_interaction.mapping import to_tmf

API.add(model_resource(
    Interaction,
    name="partyInteraction",
    type_name="PartyInteraction",
    query=lambda: sa.select(Interaction).order_by(Interaction.id.desc()),
    to_tmf=to_tmf,
    filters={
        "status": by_text(Interaction.status),
        "creationDate": by_instant(Interaction.occurred_at),
        "reason": by_text(Interaction.purpose),
        "direction": by_text(Interaction.direction, lambda v: {"inbound": "in", "outbound": "out"}.get(v, v)),
        "channel.id": by_text(Interaction.channel),
        "channel.name": by_text(Interaction.channel),
        "relatedParty.id": lambda raw: sa.or_(by_text(Interaction.address)(raw), by_id(Interaction.customer_id)(raw)),
    },
    description="Messages in and out on every channel (USSD, SMS), newest first; read only.",
))
