"""Every customer channel this product speaks, one entry per folder under ``channels/``.

Like Zulip's list of integrations. The gateway switches channels on by name from the
``CHANNELS`` setting and registers each one's blueprint; senders are wired there too.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint

from channels.sms.views import blueprint as sms_blueprint
from channels.ussd.views import blueprint as ussd_blueprint


@dataclass(frozen=True)
class Channel:
    name: str  # as recorded on interactions: "ussd", "sms"
    title: str
    blueprint: Blueprint


CHANNELS: dict[str, Channel] = {channel.name: channel for channel in (
    Channel("ussd", "USSD (Africa's Talking convention)", ussd_blueprint),
    Channel("sms", "SMS (Twilio webhook; Twilio REST or SMPP out)", sms_blueprint),
)}
