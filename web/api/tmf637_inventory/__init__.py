"""Product Inventory (TMF637): ``api`` names the API and references to products (lines),
``mapping`` translates JSON to ``billing.subscriptions`` arguments and back, ``resources`` serves them."""
from web.api.tmf637_inventory.resources import API

__all__ = ["API"]
