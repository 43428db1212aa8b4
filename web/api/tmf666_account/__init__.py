"""Account Management (TMF666): ``api`` names the API and references to billing accounts,
``mapping`` translates JSON to ``billing.accounts`` arguments and back, ``resources`` serves them."""
from web.api.tmf666_account.resources import API

__all__ = ["API"]
