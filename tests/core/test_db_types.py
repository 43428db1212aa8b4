"""ExactDecimal and UTCDateTime on the real test database (SQLite or PostgreSQL).

The table lives on its own ``MetaData``, not on ``core.db.Base``'s, so it never reaches the
migrations; each test creates and drops it.
"""
import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.clock import UTC
from core.db import ExactDecimal, UTCDateTime, db

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")


class ScratchBase(DeclarativeBase):
    metadata = sa.MetaData()


class Entry(ScratchBase):
    __tablename__ = "scratch_db_type_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    rate: Mapped[Decimal | None] = mapped_column(ExactDecimal(12, 4))
    at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


@pytest.fixture
def table(app):
    ScratchBase.metadata.create_all(db.engine)
    yield Entry.__table__
    db.session.rollback()
    db.session.remove()  # release the session's locks before DROP on PostgreSQL
    ScratchBase.metadata.drop_all(db.engine)


def _store(session, **values) -> int:
    entry = Entry(**values)
    session.add(entry)
    session.commit()
    entry_id = entry.id
    session.expunge_all()  # read back from the database, not the identity map
    return entry_id


def _bind_error(session, **values) -> BaseException:
    """The error the type raised when binding ``values``, unwrapped from SQLAlchemy's."""
    session.add(Entry(**values))
    with pytest.raises(sa.exc.StatementError) as caught:
        session.flush()
    session.rollback()
    return caught.value.orig


@pytest.mark.parametrize("amount", [
    "0", "0.000001", "-0.000001", "1250.50", "12345678.123456", "-99999999.999999", "0.1", "9999999999.5",
])
def test_exact_decimal_round_trips_exactly(table, session, amount):
    entry_id = _store(session, amount=Decimal(amount))
    loaded = session.get(Entry, entry_id).amount
    assert isinstance(loaded, Decimal)
    assert loaded == Decimal(amount)
    assert loaded.as_tuple().exponent == -6  # always at the column's scale


def test_exact_decimal_accepts_str_and_int(table, session):
    entry_id = _store(session, amount="7.25", rate=3)
    entry = session.get(Entry, entry_id)
    assert (entry.amount, entry.rate) == (Decimal("7.250000"), Decimal("3.0000"))


def test_null_stays_null(table, session):
    entry_id = _store(session)
    entry = session.get(Entry, entry_id)
    assert entry.amount is None and entry.at is None


@pytest.mark.smoke
def test_sum_over_many_rows_is_exact(table, session):
    # 0.1 has no exact binary form: a float column would drift; a thousand dimes are 100.
    session.execute(sa.insert(Entry), [{"amount": Decimal("0.1")} for _ in range(1000)])
    session.execute(sa.insert(Entry), [{"amount": Decimal("0.000001")} for _ in range(999)])
    session.commit()
    total = session.scalar(sa.select(sa.func.sum(Entry.amount)))
    assert isinstance(total, Decimal)
    assert total == Decimal("100.000999")
    assert sum([0.1] * 1000) != 100  # what the type saves us from


def test_sum_of_mixed_signs_and_grouped_sums(table, session):
    session.execute(sa.insert(Entry), [
        {"amount": Decimal("1250.50"), "rate": Decimal("1")},
        {"amount": Decimal("-250.25"), "rate": Decimal("1")},
        {"amount": Decimal("0.000003"), "rate": Decimal("2")},
        {"amount": Decimal("0.000004"), "rate": Decimal("2")},
    ])
    session.commit()
    assert session.scalar(sa.select(sa.func.sum(Entry.amount))) == Decimal("1000.250007")
    rows = session.execute(sa.select(Entry.rate, sa.func.sum(Entry.amount)).group_by(Entry.rate)
                           .order_by(Entry.rate)).all()
    assert rows == [(Decimal("1"), Decimal("1000.25")), (Decimal("2"), Decimal("0.000007"))]


def test_empty_sum_is_none(table, session):
    assert session.scalar(sa.select(sa.func.sum(Entry.amount))) is None


def test_comparisons_and_ordering_in_sql(table, session):
    session.execute(sa.insert(Entry), [{"amount": Decimal(v)} for v in ("2.5", "-1", "10.000001", "0.5")])
    session.commit()
    above = session.scalars(sa.select(Entry.amount).where(Entry.amount > Decimal("0.5"))
                            .order_by(Entry.amount)).all()
    assert above == [Decimal("2.5"), Decimal("10.000001")]
    assert session.scalar(sa.select(sa.func.max(Entry.amount))) == Decimal("10.000001")
    assert session.scalar(sa.select(sa.func.min(Entry.amount))) == Decimal("-1")


@pytest.mark.parametrize("value", [0.1, 1.0])
def test_exact_decimal_refuses_floats(table, session, value):
    assert isinstance(_bind_error(session, amount=value), TypeError)


@pytest.mark.parametrize(("column", "value"), [
    ("amount", Decimal("0.0000001")),   # seven places on a scale of six
    ("amount", "1.1234567"),
    ("rate", Decimal("0.00001")),       # five places on a scale of four
])
def test_exact_decimal_refuses_too_many_places_instead_of_rounding(table, session, column, value):
    error = _bind_error(session, **{column: value})
    assert isinstance(error, ValueError) and "decimal places" in str(error)


@pytest.mark.parametrize(("column", "value"), [
    ("amount", Decimal("1e14")),        # NUMERIC(20, 6) holds 14 integer digits
    ("rate", Decimal("123456789")),     # NUMERIC(12, 4) holds 8
    ("amount", Decimal("1e40")),
])
def test_exact_decimal_refuses_values_too_large_alike_on_every_database(table, session, column, value):
    assert isinstance(_bind_error(session, **{column: value}), ValueError)


@pytest.mark.parametrize("value", ["abc", Decimal("NaN"), Decimal("Infinity"), "-inf", True])
def test_exact_decimal_refuses_junk(table, session, value):
    assert isinstance(_bind_error(session, amount=value), (TypeError, ValueError))


def test_sqlite_stores_integer_units(table, session):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite storage detail")
    _store(session, amount=Decimal("12.5"))
    raw = session.execute(sa.text(f"SELECT amount, typeof(amount) FROM {Entry.__tablename__}")).one()
    assert tuple(raw) == (12500000, "integer")


@pytest.mark.parametrize("moment", [
    dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC),
    dt.datetime(2026, 3, 2, 12, 30, tzinfo=NAIROBI),
    dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
])
def test_utc_datetime_returns_aware_utc(table, session, moment):
    entry_id = _store(session, at=moment)
    loaded = session.get(Entry, entry_id).at
    assert loaded == moment
    assert loaded.tzinfo is not None and loaded.utcoffset() == dt.timedelta(0)
    assert loaded.replace(tzinfo=None) == moment.astimezone(UTC).replace(tzinfo=None)


def test_utc_datetime_orders_and_filters_across_offsets(table, session):
    early = dt.datetime(2026, 3, 2, 11, 0, tzinfo=NAIROBI)   # 08:00 UTC
    late = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)         # 09:00 UTC
    session.execute(sa.insert(Entry), [{"at": late}, {"at": early}])
    session.commit()
    assert session.scalars(sa.select(Entry.at).order_by(Entry.at)).all() == [early, late]
    cutoff = dt.datetime(2026, 3, 2, 11, 30, tzinfo=NAIROBI)  # 08:30 UTC
    assert session.scalars(sa.select(Entry.at).where(Entry.at > cutoff)).all() == [late]
    assert session.scalar(sa.select(sa.func.max(Entry.at))) == late


@pytest.mark.smoke
def test_utc_datetime_refuses_naive(table, session):
    error = _bind_error(session, at=dt.datetime(2026, 3, 2, 9, 30))
    assert isinstance(error, ValueError) and "naive" in str(error)


def test_utc_datetime_refuses_non_datetimes(table, session):
    assert isinstance(_bind_error(session, at="2026-03-02T09:30:00Z"), TypeError)
    assert isinstance(_bind_error(session, at=dt.date(2026, 3, 2)), TypeError)


def test_scratch_table_is_not_part_of_the_schema(app):
    assert Entry.__tablename__ not in db.metadata.tables
