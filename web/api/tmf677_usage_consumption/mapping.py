"""TMF677 ``queryUsageConsumption`` JSON: search criteria in, what each line may still use out.

POST a query naming lines by ``searchCriteria.product[].id`` (the TMF637 product, i.e. the
subscription), by MSISDN (``searchCriteria.logicalResource[]`` with ``name`` or ``id`` the number,
or a ``productCharacteristic``-style ``value``), or by ``partyAccount[].id`` (every line of a
billing account). The answer (201) holds one ``usageConsumption`` per line, whose
``bucketRefOrValue`` lists the live unit buckets (``usageType`` voice/sms/data, remaining and
used in seconds, messages or bytes, validity) and, on prepaid lines, the money balance as a
bucket of ``usageType`` ``monetary`` in the account's currency. ``GET /queryUsageConsumption/{id}``
returns a query as it was answered.
"""
from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from billing.models import BillingAccount, Subscription
from billing.rating import consumption as service
from billing.rating.models import ConsumptionQuery
from core.clock import isoformat_z
from core.errors import ValidationError
from core.money import quantize
from core.msisdn import normalise
from web import context
from web.api.tmf.payload import get_obj, get_objects, local_ref
from web.api.tmf.render import compact
from web.api.tmf637_inventory.api import product_ref
from web.api.tmf666_account.api import account_ref

UNITS = {"voice": "seconds", "sms": "messages", "data": "bytes"}


def criteria_from(body: dict) -> tuple[list[int], list[str], list[int]]:
    """The lines a query names: (subscription ids, MSISDNs, billing account ids); 400 if none."""
    search = get_obj(body, "searchCriteria") or {}
    products, msisdns, accounts = [], [], []
    for index, ref in enumerate(get_objects(search, "product")):
        products.append(local_ref(ref, f"searchCriteria.product[{index}]", Subscription.id, "product"))
    for index, ref in enumerate(get_objects(search, "logicalResource")):
        number = ref.get("value") or ref.get("name") or ref.get("id")
        if not isinstance(number, str) or not number.strip():
            raise ValidationError("a logical resource needs the MSISDN as name, id or value",
                                  field=f"searchCriteria.logicalResource[{index}]")
        msisdns.append(normalise(number, context.settings().default_region))
    for index, ref in enumerate(get_objects(body, "partyAccount") + get_objects(search, "partyAccount")):
        accounts.append(local_ref(ref, f"partyAccount[{index}]", BillingAccount.id, "billing account"))
    if not (products or msisdns or accounts):
        raise ValidationError("name a product (searchCriteria.product), an MSISDN (searchCriteria.logicalResource) "
                              "or a billing account (partyAccount)", field="searchCriteria")
    return products, msisdns, accounts


def criteria_json(products: list[int], msisdns: list[str], accounts: list[int]) -> dict[str, Any]:
    """The query as it was understood, to keep and answer with (not the client's JSON as sent,
    which may carry anything TMF677's schema would not)."""
    search = compact({
        "product": [{"id": str(ident), "@referredType": "Product"} for ident in products] or None,
        "logicalResource": [{"id": number, "name": "MSISDN", "@referredType": "MSISDN"} for number in msisdns] or None,
    })
    return compact({"searchCriteria": search or None,
                    "partyAccount": [{"id": str(ident), "@type": "PartyAccountRef"} for ident in accounts] or None})


def _bucket(bucket, line_ref: dict, paid: int) -> dict:
    units = UNITS[bucket.service]
    used = bucket.initial - bucket.remaining
    return compact({
        "id": f"bucket-{bucket.id}", "name": f"{bucket.service} {bucket.source}", "usageType": bucket.service,
        "isShared": False, "status": "active" if bucket.remaining else "exhausted",
        "description": f"scope {bucket.scope}" if bucket.scope else None,
        "remainingValue": {"amount": bucket.remaining, "units": units},
        "remainingValueName": _readable(bucket.service, bucket.remaining),
        "bucketCounter": [
            {"counterType": "used", "level": "global", "value": {"amount": used, "units": units},
             "valueName": _readable(bucket.service, used),
             "consumptionPeriod": {"startDateTime": isoformat_z(bucket.valid_from)}, "@type": "ConsumptionSummary"},
            {"counterType": "outOfBucket", "level": "global", "value": {"amount": paid, "units": units},
             "@type": "ConsumptionSummary"}],
        "validFor": compact({"startDateTime": isoformat_z(bucket.valid_from),
                             "endDateTime": isoformat_z(bucket.valid_to)}),
        "product": [line_ref], "@type": "BucketRefOrValue"})


def _readable(service_name: str, amount: int) -> str:
    if service_name == "voice":
        return f"{amount // 60} min {amount % 60} s"
    if service_name == "data":
        return f"{amount / (1024 * 1024):.1f} MB"
    return f"{amount} SMS"


def line_json(consumption: service.LineConsumption) -> dict:
    """One ``usageConsumption`` of the answer: a line's buckets and, on prepaid, its balance."""
    line, account = consumption.subscription, consumption.account
    line_ref = product_ref(line.id, name=line.msisdn)
    buckets = [_bucket(b, line_ref, consumption.out_of_bucket.get(b.service, 0)) for b in consumption.buckets]
    if consumption.balance is not None:
        buckets.append({"id": f"balance-{account.id}", "name": "Prepaid balance", "usageType": "monetary",
                        "isShared": True, "status": "active",
                        # Kept as text in the stored answer (JSON columns hold no Decimal); see to_tmf.
                        "remainingValue": {"amount": str(quantize(consumption.balance, account.currency)),
                                           "units": account.currency},
                        "partyAccount": {**account_ref(account), "@type": "PartyAccountRef"},
                        "@type": "BucketRefOrValue"})
    return {"id": str(line.id), "state": "done", "name": f"Consumption of {line.msisdn}",
            "product": [line_ref], "logicalResource": [{"id": line.msisdn, "name": "MSISDN",
                                                        "@referredType": "MSISDN"}],
            "partyAccount": [{**account_ref(account), "@type": "PartyAccountRef"}],
            "bucketRefOrValue": buckets, "@type": "UsageConsumption"}


def to_tmf(query: ConsumptionQuery) -> dict[str, Any]:
    report = copy.deepcopy(query.report)
    for consumption in report:
        for bucket in consumption["bucketRefOrValue"]:
            if bucket["usageType"] == "monetary":  # an exact JSON number, never a float
                bucket["remainingValue"]["amount"] = Decimal(bucket["remainingValue"]["amount"])
    return {"queryUsageConsumptionDate": query.created_at, **query.criteria, "usageConsumption": report,
            "@type": "QueryUsageConsumption"}
