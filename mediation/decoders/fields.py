"""Field readers shared by the text formats: lines with their raw text, integers, local times."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from functools import lru_cache
from typing import BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mediation.decoders.base import UnreadableFile

UTC = dt.UTC


class FieldError(ValueError):
    """A field that cannot be read; ``code`` becomes the reject's reason code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def text_lines(stream: BinaryIO) -> Iterator[tuple[int, str]]:
    """(line number, line without its end) for every non-blank line, numbered from 1."""
    try:
        head = stream.read(4096)
    except OSError as error:
        raise UnreadableFile(f"cannot read: {error}") from error
    if b"\x00" in head:
        raise UnreadableFile("binary content (NUL bytes) in a text format")
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    for number, line in enumerate(text, 1):
        line = line.rstrip("\r\n")
        if line.strip():
            yield number, line
    text.detach()


def csv_rows(stream: BinaryIO, delimiter: str = ",") -> Iterator[tuple[int, str, list[str]]]:
    """(line number, raw line, fields) for every CSV line."""
    current: list = [0, ""]

    def feed():
        for number, line in text_lines(stream):
            current[0], current[1] = number, line
            yield line

    for row in csv.reader(feed(), delimiter=delimiter):
        yield current[0], current[1], row


def parse_one_csv(line: str, delimiter: str = ",") -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def to_int(text: str | None, name: str, *, default: int | None = None) -> int | None:
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))  # some switches write "12.0"
        except ValueError:
            raise FieldError("bad_number", f"{name} is not a number: {text!r}") from None


@lru_cache(maxsize=64)
def zone(name: str) -> dt.tzinfo:
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnreadableFile(f"unknown time zone {name!r} in the source options") from None


def to_time(text: str | None, name: str, tz: dt.tzinfo) -> dt.datetime | None:
    """A timestamp as switches write it (``2026-03-02 09:30:00``, ISO 8601, or epoch seconds);
    naive times are read in the source's time zone."""
    if text is None or text == "":
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        if text.isdigit():
            return dt.datetime.fromtimestamp(int(text), UTC)
        raise FieldError("bad_timestamp", f"{name} is not a timestamp: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
        if tz is UTC:
            return moment
    return moment.astimezone(UTC)


def to_flag(text: str | None) -> bool:
    return (text or "").strip().lower() in ("1", "true", "yes", "y", "t")
