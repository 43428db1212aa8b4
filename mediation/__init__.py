"""Usage mediation: collect, decode, validate, filter, de-duplicate, aggregate, format, distribute."""
