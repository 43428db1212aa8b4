"""API keys for the REST API: random bearer tokens, stored only as a SHA-256 digest.

A token has 256 random bits, so a fast digest is as safe as a slow password hash here and
keeps each request's check to one indexed lookup (passwords, with little entropy, use
argon2 in ``crm.staff``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.clock import Clock
from core.db import Base, UTCDateTime
from core.errors import ValidationError

TOKEN_PREFIX = "bss_"  # noqa: S105 (a public marker, not a secret)
MAX_NAME_LENGTH = 100


class ApiKey(Base):
    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME_LENGTH))
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hint: Mapped[str] = mapped_column(sa.String(12))  # first characters, to tell keys apart
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_key(session: Session, clock: Clock, name: str) -> tuple[ApiKey, str]:
    """Make a key; the plain token is returned once and never stored."""
    if not name or not name.strip():
        raise ValidationError("an API key needs a name", field="name")
    if len(name.strip()) > MAX_NAME_LENGTH:  # the column's size; PostgreSQL would fail, SQLite not
        raise ValidationError(f"an API key name has at most {MAX_NAME_LENGTH} characters", field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name.strip(), token_digest=_digest(token), hint=token[:10],
                 created_at=clock.now())
    session.add(key)
    session.flush()
    return key, token


def verify_api_key(session: Session, clock: Clock, token: str) -> ApiKey | None:
    """The live key for ``token``, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    digest = _digest(token)
    key = session.scalar(sa.select(ApiKey).where(ApiKey.token_digest == digest))
    if key is None or key.revoked_at is not None or not hmac.compare_digest(key.token_digest, digest):
        return None
    now = clock.now()
    # Touch at most once a minute so read traffic does not turn into write traffic.
    if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=1):
        key.last_used_at = now
    return key


def revoke_api_key(session: Session, clock: Clock, name: str) -> int:
    """Revoke every live key with this name; returns how many."""
    name = (name or "").strip()  # names are stored stripped
    keys = session.scalars(sa.select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))).all()
    for key in keys:
        key.revoked_at = clock.now()
    return len(keys)
