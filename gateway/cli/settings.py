"""``flask settings``: the configuration this process sees, as an operator checks it."""
from __future__ import annotations

import os
import re

import click
from flask.cli import with_appcontext

from core.settings import VARIABLES
from web.context import settings as current_settings

SECRET_WORDS = ("SECRET", "TOKEN", "PASSWORD")


def _shown(name: str, value: str) -> str:
    if value and any(word in name for word in SECRET_WORDS):
        return "(set, hidden)"
    # A password inside a URL (postgresql://user:password@host/db) is a secret too.
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", value) if value else "(unset)"


@click.command("settings")
@with_appcontext
def settings() -> None:
    """Every variable the product reads, its value here (secrets hidden) and whether it came
    from the environment (a ``.env`` file included; a variable already set wins) or the default."""
    conf = current_settings()
    for name in VARIABLES:
        source = "environment" if os.environ.get(name) not in (None, "") else "default"
        click.echo(f"{name:22} {_shown(name, conf.value(name)):40} {source}")
