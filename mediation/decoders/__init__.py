"""One small module per network-element file format; each turns bytes into ``DecodedRecord``s.

The registry maps a format name (``asterisk-csv``, ``freeswitch-csv``, ``3gpp-ber``,
``generic-csv``, ``generic-json``) to its decoder; formats register themselves here.
"""
