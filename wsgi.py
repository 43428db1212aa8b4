"""WSGI entry point: ``gunicorn wsgi:app`` in production, ``flask --app wsgi`` for commands."""
from gateway import create_app
from gateway.config import ConfigurationError, load_env_file

load_env_file()
try:
    app = create_app()
except ConfigurationError as error:
    # The operator needs the reason, not a traceback: the process stops before serving anything.
    raise SystemExit(f"Configuration error: {error}") from None
