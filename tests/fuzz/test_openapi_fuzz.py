"""Schemathesis against our own OpenAPI document, in process through the WSGI app with a real
bearer token: every operation, every phase but the stateful one, every check.

The bar: no 5xx, and every answer (errors included) matches the schema the document promises
for it, with the status codes, media types and headers it declares. Two checks are tuned to
what a TM Forum API is, and say why:

- ``positive_data_acceptance``: TM Forum's schemas make nearly every attribute an optional
  string, so they cannot say that a name must not be empty or that a reference must name a
  row we have; a schema-valid request may still be a 400 (or 404, 409) for business reasons.
  Any other refusal (405, 415, 422...) of schema-valid data fails.
- ``negative_data_rejection`` is off: we read requests leniently (attributes we do not use
  are ignored, a numeric id reads as its digits, ``_Update`` bodies are merge patches without
  TM Forum's ``required`` lists), so a request the schema calls invalid may rightly succeed.

Examples per operation: ``FUZZ_EXAMPLES`` (default 6: about two minutes per database on two
cores with ``-n 2``); the run is deterministic, so a failure in CI replays locally. The coverage
phase (boundary and negative variants of every attribute) takes minutes on TMF622's large order
schemas, so it runs only with ``FUZZ_COV=1``; ``test_bad_input_sweep`` sweeps the hostile values
that matter over every attribute instead.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from web.api import APIS
from web.openapi.document import build_document

pytestmark = pytest.mark.smoke

SERVER = "http://localhost"  # what the test client's requests are addressed to
CONFIG = schemathesis.Config.from_dict({
    "generation": {"mode": "all", "max-examples": int(os.environ.get("FUZZ_EXAMPLES", "6")), "deterministic": True},
    "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": os.environ.get("FUZZ_COV") == "1"}},
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404", "409"]},
        "negative_data_rejection": {"enabled": False},
    },
})
# The document the app serves, built as it builds it (test_the_fuzzed_document_is_the_one_served
# proves they are equal); loading it needs no app, so pytest can list one test per operation.
schema = schemathesis.openapi.from_dict(build_document(APIS, SERVER), config=CONFIG)


def test_the_fuzzed_document_is_the_one_served(client):
    assert client.get("/api/openapi.json").get_json() == schema.raw_schema


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
def test_no_server_error_and_every_answer_as_documented(case, app, api, world):
    # In process: the WSGI app of this test, its database, a real key.
    case.operation.app = case.operation.schema.app = app
    case.call_and_validate(headers={"Authorization": f"Bearer {api.token}"})
