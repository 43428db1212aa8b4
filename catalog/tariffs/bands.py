"""Time bands: which band (peak, off-peak, weekend, holiday) a moment falls in.

Bands are compiled to a grid of 8 rows (ISO weekdays 1..7, then public holidays) by 1,440
local minutes, so a batch is resolved with one array lookup. Local time comes from the
tariff's time zone; the UTC offset is looked up once per distinct hour in the batch, which
keeps daylight-saving changes exact without converting every record.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import numpy as np


MINUTES_PER_DAY = 1440
HOLIDAY_ROW = 7
NO_BAND = -1


@dataclass(frozen=True)
class BandSpec:
    code: str
    days: str  # ISO weekdays as digits, "12345"
    start_minute: int
    end_minute: int
    holidays: bool = False
    priority: int = 100


class BandGrid:
    def __init__(self, bands: Sequence[BandSpec], holidays: Iterable[dt.date], timezone: str = "UTC"):
        import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
        self.codes: list[str] = []
        for band in bands:
            if band.code not in self.codes:
                self.codes.append(band.code)
        self.zone = ZoneInfo(timezone)
        self.holidays = frozenset(holidays)
        grid = np.full((HOLIDAY_ROW + 1, MINUTES_PER_DAY), NO_BAND, dtype=np.int16)
        # Fill from the least to the most important band, so the lowest priority number wins.
        for band in sorted(bands, key=lambda b: -b.priority):
            index = self.codes.index(band.code)
            rows = [HOLIDAY_ROW] if band.holidays else [int(d) - 1 for d in band.days if d in "1234567"]
            for row in rows:
                grid[row, band.start_minute:band.end_minute] = index
        # A holiday minute no holiday band covers falls back to that weekday's own bands.
        self.grid = grid
        self.has_holiday_band = bool((grid[HOLIDAY_ROW] != NO_BAND).any())

    def band_at(self, moment: dt.datetime) -> int:
        """The band index at an aware moment, or ``NO_BAND``."""
        local = moment.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        if self.has_holiday_band and local.date() in self.holidays:
            found = int(self.grid[HOLIDAY_ROW, minute])
            if found != NO_BAND:
                return found
        return int(self.grid[local.isoweekday() - 1, minute])

    def band_many(self, epoch_seconds: np.ndarray) -> np.ndarray:
        """``band_at`` for an array of UTC epoch seconds (int64), vectorised."""
        import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
        if not len(epoch_seconds):
            return np.zeros(0, dtype=np.int16)
        hours = epoch_seconds // 3600
        unique_hours, inverse = np.unique(hours, return_inverse=True)
        offsets = np.empty(len(unique_hours), dtype=np.int64)
        for position, hour in enumerate(unique_hours.tolist()):
            moment = dt.datetime.fromtimestamp(hour * 3600, dt.UTC).astimezone(self.zone)
            offsets[position] = int(moment.utcoffset().total_seconds())
        local = epoch_seconds + offsets[inverse]
        days = local // 86400
        minute = (local % 86400) // 60
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday: ISO 4, row 3
        bands = self.grid[weekday, minute]
        if self.has_holiday_band and self.holidays:
            epoch = dt.date(1970, 1, 1)
            holiday_days = np.array([(d - epoch).days for d in self.holidays], dtype=np.int64)
            on_holiday = np.isin(days, holiday_days)
            holiday_bands = self.grid[HOLIDAY_ROW, minute]
            use = on_holiday & (holiday_bands != NO_BAND)
            bands = np.where(use, holiday_bands, bands)
        return bands
