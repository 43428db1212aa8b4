"""Every customer channel this product speaks, and what a channel handler needs at run time.

Like Zulip's list of integrations: one entry per folder under ``channels/``. The gateway
registers each blueprint and each sender (``gateway/channels.py``); handlers reach the
collaborators the gateway wired through ``collaborators()``, never through ``web``.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app

from core.clock import Clock
from core.events import EventBus
from core.settings import Settings
from crm.conversations.outbound import OutboundRegistry
from crm.conversations.service import SelfService


@dataclass(frozen=True)
class Channel:
    name: str  # as recorded on interactions: "ussd", "sms"
    title: str
    blueprint: Blueprint


def channels() -> list[Channel]:
    """The channel adapters; imported here, on call, so importing the registry does no work."""
    from channels.sms.views import blueprint as sms
    from channels.ussd.views import blueprint as ussd

    return [Channel("ussd", "USSD (Africa's Talking convention)", ussd),
            Channel("sms", "SMS (Twilio webhook; Twilio REST or SMPP out)", sms)]


@dataclass(frozen=True)
class Collaborators:
    clock: Clock
    events: EventBus
    settings: Settings
    selfservice: SelfService
    outbound: OutboundRegistry


def collaborators() -> Collaborators:
    ext = current_app.extensions
    return Collaborators(ext["bss.clock"], ext["bss.events"], ext["bss.settings"], ext["bss.selfservice"],
                         ext["bss.outbound"])
