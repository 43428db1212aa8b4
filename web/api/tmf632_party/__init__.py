"""Party Management (TMF632): ``api`` names the API and references to parties, ``mapping``
translates JSON to ``crm`` arguments and back (contact media and identifications shared with
TMF629), ``resources`` serves individuals and organizations."""
from web.api.tmf632_party.resources import API

__all__ = ["API"]
