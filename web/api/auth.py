"""Bearer-token authentication for ``/tmf-api``."""
from __future__ import annotations

from flask import current_app, g, request

from core.db import db
from web.api.errors import ApiError
from web.api.keys import verify_api_key
from web.context import clock

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tmf-api"'}


def require_api_key() -> None:
    """``before_request`` hook: 401 unless a live API key is presented."""
    if not current_app.config.get("API_AUTH", True) or request.method == "OPTIONS":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing bearer token",
                       "Send 'Authorization: Bearer <token>'; `flask apikeys create NAME` makes one.",
                       code="unauthorized", headers=CHALLENGE)
    key = verify_api_key(db.session, clock(), token.strip())
    if key is None:
        raise ApiError(401, "Invalid or revoked token", code="unauthorized", headers=CHALLENGE)
    g.api_key_name = key.name
    if db.session.dirty:
        db.session.commit()


def caller() -> str:
    """Who made this request, as services record it: ``api:<key name>``."""
    return f"api:{g.get('api_key_name', 'anonymous')}"
