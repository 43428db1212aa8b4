"""Product Catalog Management (TMF620): ``api`` names the API and its references, ``resources``
registers what it serves, one mapping module per resource (``categories``, ``offerings``,
``prices``, ``specifications``) and ``lifecycle`` for what they all read alike."""
from web.api.tmf620_catalog.resources import API

__all__ = ["API"]
