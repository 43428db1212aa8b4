"""The slice of 3GPP charging ASN.1 that mediation reads and writes, as plain Python.

``ts32297`` frames a CDR file (file header, one CDR header per record); ``ts32298`` names the
BER tags of the records we use (CS call and SMS records, PGW and SGW records) and ``ber`` holds
the encoding primitives. The tags are taken from TS 32.298 (the compiled modules that ship with
the ``pycrate`` package, ``pycrate_asn1dir.CDR``, are the reference the tests check them against).
Hand-written tag tables instead of a generic ASN.1 runtime are a choice for speed: decoding is
most of the cost of mediating BER files, and a tag walk that only looks at the fields rating
needs is several times faster than a full decode.
"""
