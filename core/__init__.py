"""Shared kernel: database handle, settings, money, MSISDN, clock, errors, events.

Imports nothing else of ours; every other package may import it.
"""
