"""Product Ordering (TMF622): ``api`` names the API, ``mapping`` translates JSON to ``orders``
requests and back, ``resources`` places, retries and cancels orders."""
from web.api.tmf622_ordering.resources import API

__all__ = ["API"]
