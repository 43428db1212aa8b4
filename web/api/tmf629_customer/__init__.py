"""Customer Management (TMF629): ``api`` names the API and references to customers, ``mapping``
translates JSON to ``crm`` arguments and back, ``resources`` serves them."""
from web.api.tmf629_customer.resources import API

__all__ = ["API"]
