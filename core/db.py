"""The database handle, the declarative base and column types that behave the same on
PostgreSQL and SQLite.

Nothing here connects: the engine is made when the app factory calls ``db.init_app``.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import BigInteger, DateTime, MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations are identical on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


class ExactDecimal(TypeDecorator):
    """A fixed-scale decimal that round-trips exactly on every database.

    PostgreSQL stores ``NUMERIC(precision, scale)``. SQLite has no exact decimal type (it
    would keep a float), so there the value is stored as an integer count of
    ``10**-scale`` units, which sums and compares exactly. Values that do not fit the scale
    are refused rather than silently rounded: rounding is the caller's explicit decision.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 20, scale: int = 6):
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def _exact(self, value) -> Decimal:
        if isinstance(value, (float, bool)):
            raise TypeError("ExactDecimal refuses float values; pass Decimal or str")
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise TypeError(f"not a decimal: {value!r}") from exc
        if not number.is_finite():
            raise ValueError(f"{number} is not a finite number")
        # Too many integer digits is refused here, the same on every database (PostgreSQL
        # would raise its own overflow error, SQLite an OverflowError or nothing at all).
        if number and number.adjusted() >= self.precision - self.scale:
            raise ValueError(f"{number} has more than {self.precision - self.scale} integer digits")
        try:
            quantized = number.quantize(self._quantum)
        except InvalidOperation as exc:  # more digits than the decimal context holds
            raise ValueError(f"{number} does not fit NUMERIC({self.precision}, {self.scale})") from exc
        if quantized != number:
            raise ValueError(f"{number} has more than {self.scale} decimal places")
        return quantized

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        number = self._exact(value)
        if dialect.name == "sqlite":
            units = int(number.scaleb(self.scale))
            if not -(2**63) <= units < 2**63:
                raise ValueError(f"{number} does not fit SQLite's 64-bit integer at scale {self.scale}")
            return units
        return number

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self._quantum)
        return Decimal(value).quantize(self._quantum)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite drops the offset, so values are normalised to UTC before storing and tagged UTC
    on the way back. Naive datetimes are refused: they are a bug waiting to happen.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"UTCDateTime takes a datetime, not {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime; use an aware UTC datetime (core.clock)")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
