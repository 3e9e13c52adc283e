"""A small bakery shop, loaded and scored once per test that asks for it."""

from __future__ import annotations

import pytest

from regulars import app
from tests.segments.test_scorer import PRODUCTS, load, tiny_shop


@pytest.fixture
def bakery_run(workspace, write):
    app.ingest(workspace, [write("products.csv", PRODUCTS)], table="products")
    load(workspace, write, tiny_shop())
    app.run(workspace)
    return workspace
