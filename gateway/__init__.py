"""The front door: builds the app from settings and wires every channel, page and API into it."""
from gateway.app import create_app

__all__ = ["create_app"]
