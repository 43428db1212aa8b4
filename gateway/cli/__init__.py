"""``flask --app wsgi`` commands: ``db`` comes from Flask-Migrate; ours are registered here."""
from __future__ import annotations

from flask import Flask

from gateway.cli.apikeys import apikeys
from gateway.cli.demo import demo
from gateway.cli.users import users


def register_commands(app: Flask) -> None:
    for group in (users, apikeys, demo):
        app.cli.add_command(group)
