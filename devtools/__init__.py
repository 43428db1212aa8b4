"""Tools for tests, benchmarks and operators trying the product: throw-away databases, test-data
generators, the import-loop check. The domain packages never import them (an import-linter
contract); the gateway's CLI may (``flask mediation generate``)."""
