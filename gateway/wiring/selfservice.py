"""The self-service the channels feed: operator facts, its collaborators, and the dialogs on offer."""
from __future__ import annotations

from flask import Flask

from core.settings import Settings
from crm.selfservice.dialogs import DIALOGS, NEEDS
from crm.selfservice.service import SelfService
from gateway.config import ConfigurationError, chosen
from orders.orchestration import process_order


def order_processor(app: Flask):
    """Order orchestration as the self-service's collaborator: purchases complete in the session."""
    def process(session, clock, events, order):
        return process_order(session, clock, events, app.extensions["bss.provisioning"], order,
                             default_region=app.extensions["bss.settings"].default_region, source="selfservice")
    return process


def build_selfservice(app: Flask, settings: Settings) -> SelfService:
    """The self-service with the dialogs ``SELFSERVICE_DIALOGS`` names (unset: every dialog whose
    parts are wired). A dialog named whose parts are missing stops start-up."""
    wired = {"process_order": order_processor(app),
             # Billing has no bills yet: the "last bill" dialog waits for a source of invoices.
             "last_invoice": None}
    by_name = {dialog.name: dialog for dialog in DIALOGS}
    ready = [name for name in by_name if wired.get(NEEDS.get(name, ""), True) is not None]
    raw = settings.value("SELFSERVICE_DIALOGS")
    names = chosen("SELFSERVICE_DIALOGS", raw, list(by_name), default=ready)
    missing = [name for name in names if name not in ready]
    if missing:
        raise ConfigurationError(f"SELFSERVICE_DIALOGS={raw!r}: {', '.join(missing)} needs "
                                 f"{', '.join(NEEDS[name] for name in missing)}, which this build does not have")
    return SelfService(currency=settings.currency, timezone=settings.operator_timezone, region=settings.default_region,
                       voucher_secret=settings.value("VOUCHER_SECRET"), dialogs=tuple(by_name[n] for n in names),
                       **wired)
