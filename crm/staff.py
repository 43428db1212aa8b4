"""Staff who use the consoles: call-centre and store agents, supervisors, administrators.

Passwords are hashed with argon2; the hash parameters travel inside the hash, so they can be
raised later and old hashes re-hashed on the next successful login.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.clock import Clock
from core.db import Base, UTCDateTime
from core.errors import Conflict, ValidationError

ROLES = ("agent", "supervisor", "admin")
MIN_PASSWORD_LENGTH = 10
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200

_hasher = PasswordHasher()


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(MAX_EMAIL_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME_LENGTH))
    role: Mapped[str] = mapped_column(sa.String(20))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or "@" in domain:
        raise ValidationError(f"not an e-mail address: {email!r}", field="email")
    if len(email) > MAX_EMAIL_LENGTH:  # the column's size; PostgreSQL would fail, SQLite not
        raise ValidationError(f"an e-mail address has at most {MAX_EMAIL_LENGTH} characters", field="email")
    return email


def create_user(session: Session, clock: Clock, *, email: str, role: str, password: str,
                name: str | None = None) -> StaffUser:
    email = _clean_email(email)
    if role not in ROLES:
        raise ValidationError(f"role must be one of {', '.join(ROLES)}", field="role")
    name = (name or "").strip() or email.split("@")[0]
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"a name has at most {MAX_NAME_LENGTH} characters", field="name")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password needs at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if session.scalar(sa.select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise Conflict(f"a user with e-mail {email} exists", field="email")
    user = StaffUser(email=email, role=role, name=name,
                     password_hash=_hasher.hash(password), created_at=clock.now())
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, clock: Clock, email: str, password: str) -> StaffUser | None:
    """The active user with these credentials, or None (same answer for every failure)."""
    try:
        email = _clean_email(email)
    except ValidationError:
        return None
    user = session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
    if user is None or not user.active:
        _hasher.hash(password or "")  # same cost as a real check, so timing tells nothing
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = clock.now()
    return user
