"""Schemathesis throws generated requests at every operation of the OpenAPI document: no answer may be a 500,
and every answer must match the schema and media type the document declares for it.

(Driven through hypothesis directly: schemathesis' pytest plugin does not run under pytest 9.)
"""

from __future__ import annotations

from typing import Any

import schemathesis
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = 30


def test_no_operation_answers_500_or_off_schema(
    client: TestClient, staff: dict[str, str], warehouses: list[str]
) -> None:
    post_reference(client, staff)
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same cases on every run: CI must give the same answer twice
        )
        def probe(case: Any) -> None:
            # The event stream never ends by itself; two seconds of it is enough to check its frames.
            case.call_and_validate(headers={**staff, **(case.headers or {})}, checks=CHECKS, timeout=2)

        try:
            probe()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
