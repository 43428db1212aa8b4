"""``flask demo``: the demo operator's data."""
from __future__ import annotations

import click


@click.group(help="Demo data for trying the product.")
def demo() -> None:
    pass
