"""``flask --app wsgi`` commands: ``db`` comes from Flask-Migrate; ours are registered here."""
from __future__ import annotations

from flask import Flask

from gateway.cli.apikeys import apikeys
from gateway.cli.channels import channels
from gateway.cli.demo import demo
from gateway.cli.mediation import mediation
from gateway.cli.notifications import notifications
from gateway.cli.orders import numbers, orders, sims
from gateway.cli.rating import rating
from gateway.cli.settings import settings
from gateway.cli.users import users
from gateway.cli.vouchers import vouchers


def register_commands(app: Flask) -> None:
    for group in (users, apikeys, demo, channels, orders, numbers, sims, mediation, rating, vouchers, notifications,
                  settings):
        app.cli.add_command(group)
