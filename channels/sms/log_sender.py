"""``SMS_OUTBOUND=log``: messages are recorded and logged, not sent (development, demos)."""
from __future__ import annotations

import itertools
import logging

from crm.conversations.outbound import Sent

log = logging.getLogger(__name__)


class LogSender:
    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def send(self, address: str, text: str) -> Sent:
        log.info("SMS to %s (not sent, SMS_OUTBOUND=log): %s", address, text)
        return Sent(f"log-{next(self._ids)}", "sent")
