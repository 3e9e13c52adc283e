"""A property-based run of the API's own OpenAPI schema (schemathesis): generated requests to
every operation, valid and not, get no 5xx, only documented statuses, and bodies that match the
schema."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.conftest import examples

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.mark.slow
def test_the_api_keeps_to_its_schema(served_shop, tmp_path):
    from regulars.api import create_app

    path, keys = served_shop
    copy = tmp_path / "shop"
    shutil.copytree(path, copy)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(copy, max_body_mb=1))
    headers = {"Authorization": f"Bearer {keys['owner']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=examples(10), deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def keeps_to_it(case):
            # a forecast is worked out on request: on a slow CI machine it passed the client's 10 s
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=120)

        keeps_to_it()


def test_every_operation_describes_what_it_returns(workspace):
    """Each route's success answer has a response model: an object with its fields named and
    typed, and nothing else allowed, so the schema test above checks every answer's shape."""
    from regulars.api import create_app

    schema = create_app(workspace).openapi()
    models = schema["components"]["schemas"]
    described = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            success = next(v for k, v in operation["responses"].items() if k.startswith("2"))
            ref = success["content"]["application/json"]["schema"].get("$ref", "")
            model = models.get(ref.rsplit("/", 1)[-1], {})
            described[f"{method.upper()} {path}"] = (len(model.get("properties", {})) > 0
                                                     and model.get("additionalProperties") is False)
    assert len(described) >= 25 and all(described.values()), [k for k, v in described.items() if not v]
    overview = models["OverviewResponse"]["properties"]
    assert overview["churn_horizon_days"]["type"] == "integer" and "monthly" in overview
