"""Browser pages."""
from __future__ import annotations

from flask import Flask


def register_pages(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}
