"""Tariffs: what usage costs. Zones by number prefix, time bands with a holiday calendar,
rates with connect fee, charging increments and minimum charge, effective-dated versions.

``models`` holds the tables, ``service`` builds tariffs, ``prefixes`` and ``bands`` resolve a
record's zone and band, ``compiled`` turns one version into arrays rating can use vectorised.
"""
