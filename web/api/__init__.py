"""The REST API: one package per TM Forum API (``tmf620_catalog``, ``tmf622_ordering``, ...), each
a ``TmfApi`` blueprint under ``/tmf-api``; ``tmf`` holds the conventions they share."""
from __future__ import annotations

from flask import Flask

from web.api import (
    tmf620_catalog,
    tmf622_ordering,
    tmf629_customer,
    tmf632_party,
    tmf635_usage,
    tmf637_inventory,
    tmf666_account,
    tmf677_usage_consumption,
    tmf683_interaction,
)
from web.api.tmf.api import TmfApi

# Every API the app serves; the OpenAPI document is generated from this list.
APIS: list[TmfApi] = [tmf620_catalog.API, tmf629_customer.API, tmf632_party.API, tmf666_account.API,
                      tmf637_inventory.API, tmf622_ordering.API, tmf635_usage.API, tmf683_interaction.API,
                      tmf677_usage_consumption.API]


def register_api(app: Flask) -> None:
    for api in APIS:
        app.register_blueprint(api.blueprint)
