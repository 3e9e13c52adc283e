"""Helpers for the API's tests (the served shop and its keys are in tests/conftest.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import ROLES  # noqa: F401 - the roles, as the tests name them


def client(path, **options) -> TestClient:
    from regulars.api import create_app

    return TestClient(create_app(path, **options))


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
