"""Domain errors. The web layer maps each kind to one HTTP status in one place."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose. ``code`` is stable and machine-readable."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    code = "not_found"


class ValidationError(DomainError):
    """The request is well-formed but its content breaks a rule."""

    code = "invalid"


class Conflict(DomainError):
    """The request clashes with the current state (duplicate key, wrong lifecycle state)."""

    code = "conflict"


class Forbidden(DomainError):
    code = "forbidden"
