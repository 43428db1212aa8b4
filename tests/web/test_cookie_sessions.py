"""Sessions are opened only when a cookie comes; writing one still sets the cookie."""
from __future__ import annotations

from flask import Flask, session

from web.cookie_sessions import OnDemandCookieSessions


def _app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "test"
    app.session_interface = OnDemandCookieSessions()

    @app.get("/count")
    def count():
        session["n"] = session.get("n", 0) + 1
        return {"n": session["n"]}

    @app.get("/peek")
    def peek():
        return {"n": session.get("n")}
    return app


def test_a_request_without_a_cookie_gets_an_empty_session_and_no_cookie_unless_it_writes():
    client = _app().test_client()
    response = client.get("/peek")
    assert response.json == {"n": None} and "Set-Cookie" not in response.headers
    assert client.get("/count").json == {"n": 1}
    assert client.get("/count").json == {"n": 2}  # the cookie came back and was read
    assert client.get("/peek").json == {"n": 2}


def test_a_forged_cookie_is_still_refused():
    client = _app().test_client()
    client.set_cookie("session", "eyJuIjo5OX0.forged.signature")
    assert client.get("/peek").json == {"n": None}
