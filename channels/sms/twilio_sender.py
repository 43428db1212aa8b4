"""Outbound SMS through Twilio's REST API, with the official client (base URL configurable)."""
from __future__ import annotations

from crm.conversations.outbound import Sent

# Twilio's message statuses, in ours.
STATUS = {"accepted": "queued", "scheduled": "queued", "queued": "queued", "sending": "queued", "sent": "sent",
          "delivered": "delivered", "read": "delivered", "undelivered": "failed", "failed": "failed",
          "canceled": "failed", "receiving": "queued", "received": "delivered"}


class TwilioSender:
    def __init__(self, *, account_sid: str, auth_token: str, from_number: str,
                 base_url: str = "https://api.twilio.com", status_callback: str | None = None):
        self.from_number = from_number
        self.status_callback = status_callback
        from twilio.rest import Client  # with its HTTP stack, a tenth of a second: only where SMS go by Twilio

        self.client = Client(account_sid, auth_token)
        # The API domain builds every URL from this; tests point it at a fake on loopback.
        self.client.api.base_url = base_url.rstrip("/")

    def send(self, address: str, text: str) -> Sent:
        kwargs = {"to": address, "from_": self.from_number, "body": text}
        if self.status_callback:
            kwargs["status_callback"] = self.status_callback
        message = self.client.messages.create(**kwargs)
        return Sent(message.sid, STATUS.get(message.status or "", "queued"))
