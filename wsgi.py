"""WSGI entry point: ``gunicorn wsgi:app`` in production, ``flask --app wsgi`` for commands."""
from gateway import create_app
from gateway.config import load_env_file

load_env_file()
app = create_app()
