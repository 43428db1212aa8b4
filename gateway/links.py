"""Long-lived links to the outside world, held by the processes that serve them.

An SMSC bind is one such link: with ``SMS_OUTBOUND=smpp`` exactly one process binds, receives
MO messages and receipts over it, and sends every SMS the web and task processes queued. That
process is ``flask --app wsgi channels smpp`` in production, or ``make run`` (``gateway.serve``)
on one machine. ``create_app`` never binds, so CLI commands, gunicorn workers and Celery workers
do not either.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from channels.collaborators import collaborators
from channels.sms.smpp import SmppConfig, SmppLink
from channels.sms.smpp_inbound import SmppInbound
from core.db import db
from core.settings import Settings

log = logging.getLogger(__name__)


def smpp_config(settings: Settings) -> SmppConfig:
    return SmppConfig(host=settings.value("SMPP_HOST"), port=int(settings.value("SMPP_PORT")),
                      system_id=settings.value("SMPP_SYSTEM_ID"), password=settings.value("SMPP_PASSWORD"),
                      source_addr=settings.value("SMPP_SOURCE_ADDR"))


def needs_smpp(app: Flask) -> bool:
    return app.extensions["bss.settings"].value("SMS_OUTBOUND").strip().lower() == "smpp"


class SmppService:
    """The SMSC bind of this process, and the loop that sends what other processes queued."""

    def __init__(self, app: Flask):
        settings = app.extensions["bss.settings"]
        self.app = app
        self.poll = float(settings.value("SMPP_POLL_SECONDS"))
        inbound = SmppInbound(app)
        self.link = SmppLink(smpp_config(settings), on_message=inbound.on_message, on_receipt=inbound.on_receipt)
        self._stop = threading.Event()
        self._sender: threading.Thread | None = None

    def start(self) -> SmppService:
        """Bind in the background; this process's registry sends SMS over the bind from now on."""
        self.link.start()
        collaborators(self.app).outbound.register("sms", self.link)
        self._sender = threading.Thread(target=self._send_queued, name="smpp-outbox", daemon=True)
        self._sender.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._sender is not None:
            self._sender.join(timeout=10)
        self.link.stop()

    def serve_forever(self) -> None:
        """Hold the link until interrupted (Ctrl-C or SIGTERM)."""
        self.start()
        try:
            while not self._stop.wait(3600):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _send_queued(self) -> None:
        wired = collaborators(self.app)
        while not self._stop.wait(self.poll):
            if not self.link.wait_bound(0):
                continue  # queued messages wait for the bind rather than fail
            try:
                with self.app.app_context():
                    sent = wired.outbound.dispatch_committed(db.engine, wired.clock)
                if sent:
                    log.info("sent %d queued SMS over SMPP", sent)
            except Exception:
                log.exception("sending queued SMS failed; they stay queued")
