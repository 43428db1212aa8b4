"""Usage Management (TMF635): ``api`` names the API, ``mapping`` renders usage records,
``resources`` serves them."""
from web.api.tmf635_usage.resources import API

__all__ = ["API"]
