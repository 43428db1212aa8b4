"""The REST API: one ``TmfApi`` per TM Forum API, each a blueprint under ``/tmf-api``."""
from __future__ import annotations

from flask import Flask

from web.api import account, catalog, customer, interaction, inventory, ordering, party, usage, usage_consumption
from web.api.tmf import TmfApi

# Every API the app serves; the OpenAPI document is generated from this list.
APIS: list[TmfApi] = [catalog.API, customer.API, party.API, account.API, inventory.API, ordering.API, usage.API,
                      interaction.API, usage_consumption.API]


def register_api(app: Flask) -> None:
    for api in APIS:
        app.register_blueprint(api.blueprint)
