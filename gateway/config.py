"""Flask configuration derived from ``core.settings.Settings``."""
from __future__ import annotations

import os
import secrets
import tempfile

from core.settings import Settings


def load_env_file() -> str | None:
    """Read ``.env`` from the working directory (or the nearest parent that has one) into the
    environment, the way the ``flask`` command does: a variable already set wins. Every entry
    point (``flask``, ``make run``, gunicorn, the Celery worker) calls this, so one file
    configures them all. Returns the file's path, if there was one."""
    import dotenv  # only entry points need it, and only once

    path = dotenv.find_dotenv(usecwd=True)
    if path:
        dotenv.load_dotenv(path, override=False)
    return path or None


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


class ConfigurationError(RuntimeError):
    """The configuration asks for something this build cannot do: start-up stops with the reason."""


def chosen(setting: str, raw: str, known: list[str] | tuple[str, ...], *, default: list[str] | tuple[str, ...]
           ) -> list[str]:
    """The names a comma-separated setting lists (``default`` when unset), each one checked
    against ``known``; an unknown or repeated name fails start-up with the names there are."""
    names = [name.strip().lower() for name in raw.split(",") if name.strip()] or list(default)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ConfigurationError(f"{setting}={raw!r}: no {', '.join(unknown)} here; "
                                 f"choose from {', '.join(known)}")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ConfigurationError(f"{setting}={raw!r} names {', '.join(repeated)} more than once")
    return names


def one_of(setting: str, raw: str, known: list[str] | tuple[str, ...]) -> str:
    """A setting that takes one of ``known`` (case-insensitive); anything else fails start-up."""
    value = raw.strip().lower()
    if value not in known:
        raise ConfigurationError(f"{setting}={raw!r}: choose one of {', '.join(known)}")
    return value
