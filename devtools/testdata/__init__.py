"""Generated usage files for demos, tests and benchmarks: realistic CDRs of every format mediation
reads, with a chosen share of bad records, duplicates and partials. Not mediation: mediation never
imports this package; the ``flask mediation generate`` command and the tests do.

``cdr_files.generate`` writes files of any format; ``ber_files.generate_ber_file`` one TS 32.297
file of TS 32.298 BER records, built from the record makers in ``cdr_samples``.
"""
