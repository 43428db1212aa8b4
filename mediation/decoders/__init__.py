"""One small module per network-element file format; each turns bytes into ``DecodedRecord``s.

``FORMATS`` is the registry: every format name mediation reads, mapped to the function that
returns its decoder. It is written out by hand, so a format exists because it is listed here,
never because some module happens to import; an unknown name fails with the list of known ones.
"""
from __future__ import annotations

from collections.abc import Callable

from mediation.decoders.asterisk import DECODER as ASTERISK
from mediation.decoders.base import Decoder
from mediation.decoders.freeswitch import DECODER as FREESWITCH
from mediation.decoders.generic import CSV_DECODER, JSON_DECODER


def _ber_3gpp() -> Decoder:
    # Imported on first use: the BER decoder and its ASN.1 tag tables are some 6 ms of imports on
    # top of the app, 11 ms or more in a bare worker (``python -X importtime``), which every
    # ``flask`` command and every CSV-only worker would pay without reading a BER file. The text
    # decoders above cost nothing extra: the column path and the sources import them anyway.
    from mediation.decoders.ber_3gpp import DECODER

    return DECODER


FORMATS: dict[str, Callable[[], Decoder]] = {
    "asterisk-csv": lambda: ASTERISK,
    "freeswitch-csv": lambda: FREESWITCH,
    "generic-csv": lambda: CSV_DECODER,
    "generic-json": lambda: JSON_DECODER,
    "3gpp-ber": _ber_3gpp,  # 3GPP TS 32.297 files of TS 32.298 BER records
}


class UnknownFormat(LookupError):
    """A format name that is not in ``FORMATS`` (a typo in a source's configuration)."""


def available() -> list[str]:
    """Every format name, in the order ``FORMATS`` lists them."""
    return list(FORMATS)


def get(name: str) -> Decoder:
    """The decoder for a format name; ``UnknownFormat`` (naming the known ones) when there is none."""
    try:
        factory = FORMATS[name]
    except KeyError:
        raise UnknownFormat(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None
    return factory()
