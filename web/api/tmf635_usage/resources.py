"""The TMF635 resource: ``usage``, read-only."""
from __future__ import annotations

from mediation.models import UsageRecord
from web.api.tmf.filters import by_instant, by_text
from web.api.tmf.resource import model_resource
from web.api.tmf635_usage.api import API
from web.api.tmf635_usage.mapping import STATUS_FROM_TMF, to_tmf

API.add(model_resource(
    UsageRecord,
    name="usage",
    type_name="Usage",
    to_tmf=to_tmf,
    filters={
        "status": by_text(UsageRecord.state, lambda value: STATUS_FROM_TMF.get(value, value)),
        "usageType": by_text(UsageRecord.service),
        "usageDate": by_instant(UsageRecord.started_at),
    },
    description="Normalised usage records from mediation, with state and lineage (read-only).",
))
