"""Flask's signed-cookie sessions, built only for requests that carry or need a session.

The stock interface derives a signing serializer on every request, cookie or not. Channel
webhooks, the USSD aggregator and API clients never send one, and the USSD hop is the
busiest request the product serves; for them an empty session is returned at once. A request
that stores something in it still gets its cookie set (``save_session`` is unchanged).
"""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class OnDemandCookieSessions(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)
