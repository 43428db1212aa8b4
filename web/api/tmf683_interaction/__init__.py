"""Party Interaction (TMF683): ``api`` names the API, ``mapping`` renders the interaction log,
``resources`` serves it."""
from web.api.tmf683_interaction.resources import API

__all__ = ["API"]
