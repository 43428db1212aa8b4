"""A phone on the Africa's Talking USSD gateway, as the aggregator posts its hops to us."""
from __future__ import annotations

import itertools
import re

_sessions = itertools.count(1)


class Handset:
    """Dial, then press keys; every answer is checked against the protocol's rules."""

    def __init__(self, client, msisdn: str, *, service_code: str = "*123#", url: str = "/channels/ussd",
                 environ: dict | None = None):
        self.client, self.msisdn, self.service_code, self.url = client, msisdn, service_code, url
        self.environ = environ or {}
        self.session_id = ""
        self.inputs: list[str] = []
        self.screen = ""

    def dial(self, shortcut: str = "") -> str:
        """``dial()`` is ``*123#``; ``dial("2")`` is ``*123*2#``."""
        self.session_id = f"ATUid_test_{next(_sessions)}"
        self.inputs = shortcut.split("*") if shortcut else []
        return self._hop()

    def press(self, key: str) -> str:
        self.inputs.append(key)
        return self._hop()

    def raw(self, form: dict, query: str = ""):
        return self.client.post(self.url + query, data=form, environ_base=self.environ)

    def _hop(self) -> str:
        form = {"sessionId": self.session_id, "serviceCode": self.service_code, "phoneNumber": self.msisdn,
                "networkCode": "63902", "text": "*".join(self.inputs)}
        response = self.raw(form)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/plain"
        body = response.get_data(as_text=True)
        assert body.startswith(("CON ", "END ")), body
        assert len(body) <= 182, f"{len(body)} characters: {body!r}"
        self.screen = body
        return body

    @property
    def ended(self) -> bool:
        return self.screen.startswith("END ")

    def option(self, label: str) -> str:
        """The number in front of ``label`` on the current screen."""
        match = re.search(rf"^(\d+)\. {re.escape(label)}", self.screen[4:], re.MULTILINE)
        assert match, f"{label!r} not on screen:\n{self.screen}"
        return match.group(1)
