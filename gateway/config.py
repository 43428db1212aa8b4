"""Flask configuration derived from ``core.settings.Settings``."""
from __future__ import annotations

import os
import secrets
import tempfile

from core.settings import Settings


def secret_key(settings: Settings, instance_path: str) -> str:
    """``SECRET_KEY`` from the environment, else one generated once into the instance folder
    (never into the repository)."""
    if settings.secret_key:
        return settings.secret_key
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        # Write the whole key under a private name, then link it into place. Several processes
        # starting at once (server workers, test workers) then agree on one key: the others'
        # link fails and they read the winner's, never a missing or half-written file.
        fd, draft = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(draft)
    with open(path) as handle:
        key = handle.read().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it and a new key is generated")
    return key


def flask_config(settings: Settings, instance_path: str) -> dict:
    engine_options: dict = {"pool_pre_ping": settings.value("DATABASE_PRE_PING").strip() != "0"}
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
