"""Longest-prefix match of numbers to zones, one number at a time or a whole batch at once.

A table of 100,000 prefixes is held as one sorted integer array per prefix length; a batch
of numbers is matched with one ``searchsorted`` per length present, longest first, so the work
grows with the number of distinct prefix lengths (a handful), not with the table.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


# Longest number we match as an int64 (E.164 allows 15 digits); longer input is unmatched.
MAX_DIGITS = 18
NO_MATCH = -1


def digits_of(number: str | None) -> str:
    """The digits of a number as networks send it ("+254 712..." -> "254712..."); "" if none."""
    if not number:
        return ""
    text = number.strip()
    if text.startswith("+"):
        text = text[1:]
    elif text.startswith("00"):
        text = text[2:]
    return text if text.isdigit() else ""


class PrefixTable:
    """Prefixes (digit strings) mapped to a value index (e.g. a zone's position)."""

    def __init__(self, entries: Iterable[tuple[str, int]]):
        import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
        self._exact: dict[str, int] = dict(entries)
        prefixes = list(self._exact)
        bad = next((p for p in prefixes if not p or not p.isdigit() or len(p) > MAX_DIGITS), None)
        if bad is not None:
            raise ValueError(f"prefix {bad!r} must be 1 to {MAX_DIGITS} digits")
        self._keys: dict[int, np.ndarray] = {}
        self._values: dict[int, np.ndarray] = {}
        self._lengths: list[int] = []
        if not prefixes:
            return
        # Numpy parses and sorts the digit strings in C: 100,000 prefixes take milliseconds.
        text = np.array(prefixes)
        lengths = np.char.str_len(text)
        numbers = text.astype(np.int64)
        values = np.fromiter(self._exact.values(), dtype=np.int32, count=len(prefixes))
        for length in np.unique(lengths).tolist():
            chosen = lengths == length
            keys = numbers[chosen]
            order = np.argsort(keys, kind="stable")
            self._keys[length] = keys[order]
            self._values[length] = values[chosen][order]
        self._lengths = sorted(self._keys, reverse=True)

    def __len__(self) -> int:
        return len(self._exact)

    def match(self, number: str | None) -> int:
        """The value of the longest prefix of ``number``, or ``NO_MATCH``."""
        digits = digits_of(number)
        for length in self._lengths:
            if length <= len(digits):
                found = self._exact.get(digits[:length])
                if found is not None:
                    return found
        return NO_MATCH

    def match_many(self, numbers: Sequence[str | None]) -> np.ndarray:
        """``match`` for every number, vectorised; returns an int32 array."""
        import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
        count = len(numbers)
        result = np.full(count, NO_MATCH, dtype=np.int32)
        if not count or not self._lengths:
            return result
        digits = [digits_of(n) for n in numbers]
        lengths = np.fromiter((len(d) if len(d) <= MAX_DIGITS else 0 for d in digits), dtype=np.int64, count=count)
        values = np.fromiter((int(d) if d and len(d) <= MAX_DIGITS else 0 for d in digits),
                             dtype=np.int64, count=count)
        unresolved = lengths > 0
        powers = 10 ** np.arange(MAX_DIGITS + 1, dtype=np.int64)
        for length in self._lengths:
            candidates = unresolved & (lengths >= length)
            if not candidates.any():
                continue
            index = np.nonzero(candidates)[0]
            heads = values[index] // powers[lengths[index] - length]
            keys = self._keys[length]
            position = np.searchsorted(keys, heads)
            position[position == len(keys)] = 0
            hit = keys[position] == heads
            result[index[hit]] = self._values[length][position[hit]]
            unresolved[index[hit]] = False
        return result
