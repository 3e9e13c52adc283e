"""An owner finds a customer by what they know of them."""

from __future__ import annotations

import pytest

from regulars import app
from regulars.errors import NotFoundError

CUSTOMERS = """customer_id,name,email,phone,created_at
c1,Wen Chen,Wen.Chen@Example.com,+44 7700 640062,2024-01-01
c2,Ada Chen,ada@example.com,07700 900123,2024-01-02
c3,Bo Lind,bo@example.com,,2024-01-03
"""


@pytest.fixture
def shop(workspace, write):
    settings = workspace / "regulars.toml"  # a British shop: phones written at home are British
    settings.write_text(settings.read_text().replace('phone_region = "US"', 'phone_region = "GB"'))
    app.ingest(workspace, [write("customers.csv", CUSTOMERS)], table="customers")
    return workspace


@pytest.mark.parametrize("text, who", [
    ("c2", ["c2"]),
    ("WEN.CHEN@EXAMPLE.COM", ["c1"]),  # an email in another case
    ("07700 640062", ["c1"]),  # the phone as written at home, with spaces
    ("+447700900123", ["c2"]),  # and in its international form
    ("chen", ["c2", "c1"]),  # part of a name: both, by name
    ("lind", ["c3"]),
    ("nobody", []),
    ("%%", []),  # taken literally: not "every name"
    ("_e", []),
])
def test_a_customer_is_found_by_id_email_phone_or_name(shop, text, who):
    assert [f["customer_id"] for f in app.find(shop, text)] == who


def test_one_customer_opens_by_anything_that_names_them_alone(shop):
    assert app.customer(shop, "wen.chen@example.com").customer_id == "c1"
    assert app.customer(shop, "07700 900123").customer_id == "c2"
    with pytest.raises(NotFoundError, match="2 customers match 'Chen': Ada Chen \\(c2\\), Wen Chen \\(c1\\)"):
        app.customer(shop, "Chen")
    with pytest.raises(NotFoundError, match="no customer 'zz'"):
        app.customer(shop, "zz")
