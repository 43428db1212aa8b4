"""TM Forum ``Error`` responses, and the one place that maps domain errors to HTTP status."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from core.db import db
from core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError

log = logging.getLogger(__name__)

STATUS_FOR = {NotFound: 404, ValidationError: 400, Conflict: 409, Forbidden: 403}


class ApiError(Exception):
    """An HTTP-level problem found by the web layer itself (bad JSON, missing token)."""

    def __init__(self, status: int, reason: str, message: str = "", *, code: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.status, self.reason, self.message = status, reason, message or reason
        self.code = code or str(status)
        self.headers = headers or {}


def error_response(status: int, code: str, reason: str, message: str | None = None,
                   headers: dict[str, str] | None = None):
    body = {"@type": "Error", "code": code, "reason": reason,
            "message": message or reason, "status": str(status)}
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def status_for(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_FOR:
            return STATUS_FOR[kind]
    return 400


def _is_api_request() -> bool:
    return request.path.startswith(("/tmf-api/", "/api/"))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error_response(error.status, error.code, error.reason, error.message, error.headers)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        db.session.rollback()  # the failed use case must not leave a dirty session behind
        reason = error.message if not error.field else f"{error.field}: {error.message}"
        return error_response(status_for(error), error.code, reason, error.message)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if not _is_api_request():
            return error
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # RFC 9110: a 405 names the methods the resource does support.
            headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return error_response(error.code or 500, str(error.code), error.name, error.description, headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Never a traceback to the caller; the log keeps it for us.
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if not _is_api_request():
            return "Internal error; it has been logged.", 500
        return error_response(500, "internal_error", "Internal error", "The error has been logged.")
