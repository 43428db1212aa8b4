"""Twilio from the outside: signed webhook posts, and a fake of its REST API on loopback."""
from __future__ import annotations

import base64
import itertools
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

from tests.conversations.world import TWILIO_TOKEN

ACCOUNT_SID = "AC" + "0" * 32
_sids = itertools.count(1)


class TwilioWebhook:
    """Posts what Twilio posts for an inbound SMS, signed with the account's auth token."""

    def __init__(self, client, *, token: str = TWILIO_TOKEN, to: str = "+254700000100",
                 signing_base: str = "http://localhost"):
        self.client, self.token, self.to, self.signing_base = client, token, to, signing_base

    def form(self, sender: str, body: str) -> dict:
        sid = f"SM{next(_sids):032d}"
        return {"ToCountry": "KE", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
                "Body": body, "To": self.to, "NumSegments": "1", "MessageSid": sid, "AccountSid": ACCOUNT_SID,
                "From": sender, "ApiVersion": "2010-04-01", "FromCountry": "KE"}

    def post(self, path: str, form: dict, *, signature: str | None = None):
        if signature is None:
            signature = RequestValidator(self.token).compute_signature(self.signing_base + path, form)
        return self.client.post(path, data=form, headers={"X-Twilio-Signature": signature})

    def text(self, sender: str, body: str) -> str:
        """Send an SMS and return the text of the TwiML reply ("" if none)."""
        response = self.post("/channels/sms/twilio", self.form(sender, body))
        assert response.status_code == 200, response.data
        assert response.mimetype == "application/xml"
        root = ET.fromstring(response.data)  # noqa: S314 -- our own TwiML, in a test
        assert root.tag == "Response"
        return "".join(m.text or "" for m in root.iter("Message"))


class FakeTwilioApi:
    """``POST /2010-04-01/Accounts/{sid}/Messages.json`` with basic auth, answered like Twilio."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = TWILIO_TOKEN):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.messages: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                expected = "Basic " + base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._json(401, {"code": 20003, "message": "Authenticate", "status": 401,
                                            "more_info": "https://www.twilio.com/docs/errors/20003"})
                if self.path != f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json":
                    return self._json(404, {"code": 20404, "message": "not found", "status": 404})
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if not form.get("To") or not form.get("Body"):
                    return self._json(400, {"code": 21604, "message": "A 'To' phone number is required.",
                                            "status": 400})
                sid = f"SM{len(fake.messages) + 1:032x}"
                fake.messages.append({**form, "sid": sid})
                return self._json(201, {
                    "account_sid": fake.account_sid, "api_version": "2010-04-01", "body": form["Body"],
                    "date_created": "Wed, 25 Nov 2026 10:00:00 +0000", "date_sent": None, "date_updated": None,
                    "direction": "outbound-api", "error_code": None, "error_message": None, "from": form.get("From"),
                    "messaging_service_sid": None, "num_media": "0", "num_segments": "1", "price": None,
                    "price_unit": "USD", "sid": sid, "status": "queued", "subresource_uris": {},
                    "to": form["To"], "uri": f"/2010-04-01/Accounts/{fake.account_sid}/Messages/{sid}.json"})

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
