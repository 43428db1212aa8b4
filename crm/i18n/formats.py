"""Amounts, dates and times as the customer's locale writes them (Babel, Unicode CLDR).

A locale is the customer's language in the operator's country (``en_KE``, ``sw_KE``), so a
Kenyan English text reads ``02/03 09:05`` where a US one would read ``3/2, 9:05 AM``. Times are
shown in the operator's time zone, never in UTC.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from core.money import Money, minor_units, quantize


@functools.cache
def locale_of(language: str, region: str) -> Locale:
    """``language`` as spoken in ``region`` when CLDR knows that pair, else the language alone."""
    for name in (f"{language}_{region.upper()}", language, "en"):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    raise LookupError("CLDR has no English")  # pragma: no cover - Babel always ships it


@dataclass(frozen=True)
class Formats:
    """How one customer reads numbers and dates: their language, the operator's country and zone."""

    language: str
    region: str
    timezone: str

    @property
    def locale(self) -> Locale:
        return locale_of(self.language, self.region)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def money(self, money: Money) -> str:
        return money.format(str(self.locale))

    def signed(self, amount: Decimal, currency: str) -> str:
        """A movement on an account, sign always shown: ``+500.00``, ``-30.00``."""
        places = "0" * minor_units(currency)
        pattern = f"+#,##0.{places};-#,##0.{places}" if places else "+#,##0;-#,##0"
        return format_decimal(quantize(amount, currency), pattern, locale=self.locale)

    def day_month(self, moment: dt.datetime) -> str:
        return format_skeleton("MMdd", self.local(moment), locale=self.locale)

    def time(self, moment: dt.datetime) -> str:
        return format_skeleton("Hm", self.local(moment), locale=self.locale)

    def day_month_time(self, moment: dt.datetime) -> str:
        return f"{self.day_month(moment)} {self.time(moment)}"

    def date(self, moment: dt.datetime) -> str:
        return format_skeleton("yMMdd", self.local(moment), locale=self.locale)
