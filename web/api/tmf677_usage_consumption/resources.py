"""The TMF677 resource: ``queryUsageConsumption``, answered when posted and kept as answered."""
from __future__ import annotations

from billing.rating import consumption as service
from billing.rating.models import ConsumptionQuery
from core.db import db
from web import context
from web.api.tmf.resource import model_resource
from web.api.tmf677_usage_consumption.api import API
from web.api.tmf677_usage_consumption.mapping import criteria_from, criteria_json, line_json, to_tmf


def create(body: dict) -> ConsumptionQuery:
    products, msisdns, accounts = criteria_from(body)
    lines = service.lines_for(db.session, subscription_ids=products, msisdns=msisdns, account_ids=accounts)
    report = [line_json(c) for c in service.consumption_of(db.session, context.clock(), lines)]
    return service.save_query(db.session, context.clock(), criteria_json(products, msisdns, accounts), lines, report)


API.add(model_resource(
    ConsumptionQuery,
    name="queryUsageConsumption",
    type_name="QueryUsageConsumption",
    to_tmf=to_tmf,
    create=create,
    description="Balances and buckets of lines, answered when posted.",
))
