"""One small module per network-element file format; each turns bytes into ``DecodedRecord``s.

The registry maps a format name (``asterisk-csv``, ``freeswitch-csv``, ``3gpp-ber``,
``generic-csv``, ``generic-json``) to its decoder. Modules are imported on first use, so
importing the package costs nothing and a format whose module is missing is simply absent.
"""
from __future__ import annotations

import importlib

from mediation.decoders.base import Decoder

# format name -> (module, attribute holding the decoder instance)
FORMATS: dict[str, tuple[str, str]] = {
    "asterisk-csv": ("mediation.decoders.asterisk", "DECODER"),
    "freeswitch-csv": ("mediation.decoders.freeswitch", "DECODER"),
    "generic-csv": ("mediation.decoders.generic", "CSV_DECODER"),
    "generic-json": ("mediation.decoders.generic", "JSON_DECODER"),
    # 3GPP TS 32.297/32.298 BER: written by the BER decoder's author (mediation/decoders/ber_3gpp.py).
    "3gpp-ber": ("mediation.decoders.ber_3gpp", "DECODER"),
}


class UnknownFormat(LookupError):
    pass


def available() -> list[str]:
    """Format names whose decoder module is present."""
    names = []
    for name in FORMATS:
        try:
            get(name)
        except UnknownFormat:
            continue
        names.append(name)
    return names


def get(name: str) -> Decoder:
    """The decoder for a format name; ``UnknownFormat`` when there is none."""
    try:
        module_name, attribute = FORMATS[name]
    except KeyError:
        raise UnknownFormat(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        raise UnknownFormat(f"format {name!r} is not installed ({module_name} is missing)") from None
    decoder = getattr(module, attribute, None)
    if decoder is None:
        raise UnknownFormat(f"{module_name} has no {attribute}")
    return decoder
