"""Flask configuration derived from ``core.settings.Settings``."""
from __future__ import annotations

import os
import secrets

from core.settings import Settings


def secret_key(settings: Settings, instance_path: str) -> str:
    """``SECRET_KEY`` from the environment, else one generated once into the instance folder
    (never into the repository)."""
    if settings.secret_key:
        return settings.secret_key
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path) as handle:
        return handle.read().strip()


def flask_config(settings: Settings, instance_path: str) -> dict:
    engine_options: dict = {"pool_pre_ping": True}
    if settings.database_url.startswith("sqlite"):
        # Several threads of the dev server share one file; wait for locks instead of failing.
        engine_options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {
        "SECRET_KEY": secret_key(settings, instance_path),
        "SQLALCHEMY_DATABASE_URI": settings.database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "API_AUTH": settings.api_auth,
        "PUBLIC_BASE_URL": settings.public_base_url,
        "CURRENCY": settings.currency,
        "DEFAULT_REGION": settings.default_region,
        "JSON_SORT_KEYS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
