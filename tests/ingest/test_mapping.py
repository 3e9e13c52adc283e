import pytest

from regulars.errors import SettingsError, SourceError
from regulars.ingest import PRESETS, auto_mapping, load_mapping, parse_mapping, preset


def test_toml_and_yaml_mappings(tmp_path):
    (tmp_path / "m.toml").write_text(
        'table = "orders"\ndayfirst = true\n[columns]\norder_id = "No"\n'
        'customer_id = ["Client", "Email"]\nordered_at = { from = "Date", format = "%d.%m.%Y" }\n'
        'amount = { from = "Total", decimal = "," }\n'
    )
    (tmp_path / "m.yaml").write_text(
        "table: orders\ncolumns:\n  order_id: 'No'\n  customer_id: Client\n  ordered_at: Date\n  amount: Total\n"
    )
    toml = load_mapping(tmp_path / "m.toml")
    assert toml.dayfirst is True and toml.fields[1].sources == ("Client", "Email")
    assert toml.fields[2].formats == ("%d.%m.%Y",)
    assert load_mapping(tmp_path / "m.yaml").table == "orders"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"columns": {"order_id": "x"}}, "say which table"),
        ({"table": "order", "columns": {"order_id": "x"}}, "unknown table 'order'"),
        ({"table": "orders", "columns": {"total": "x"}}, "orders has no column 'total'"),
        ({"table": "orders", "columns": {"amount": {"from": "x", "decimals": ","}}}, "unknown option 'decimals'"),
        ({"table": "orders", "columns": {"amount": {"from": "x", "constant": "1"}}}, "exactly one of"),
        ({"table": "orders", "columns": {"item.quantity": "q"}}, "unknown prefix 'item'"),
        ({"table": "orders", "shape": "lines", "columns": {"order_id": "x"}}, "shape must be"),
        ({"table": "orders", "columns": {}}, r"\[columns\] must map"),
        ({"table": "orders", "delimiter": ";;", "columns": {"order_id": "x"}}, "delimiter must be"),
        ({"table": "orders", "extra": 1, "columns": {"order_id": "x"}}, "unknown key 'extra'"),
    ],
)
def test_bad_mappings_name_the_problem(raw, message):
    with pytest.raises(SettingsError, match=message):
        parse_mapping(raw, "m.toml")


def test_unparseable_mapping_file(tmp_path):
    (tmp_path / "bad.toml").write_text("table = \n")
    with pytest.raises(SettingsError, match="bad.toml: cannot be parsed"):
        load_mapping(tmp_path / "bad.toml")
    with pytest.raises(SettingsError, match="mapping file not found"):
        load_mapping(tmp_path / "none.toml")


def test_every_preset_is_valid():
    for name in PRESETS:
        assert preset(name).table in ("orders", "events", "customers", "tickets", "ticket_changes")
    with pytest.raises(SettingsError, match="unknown preset 'shopify'"):
        preset("shopify")
    with pytest.raises(SettingsError, match="loads table 'orders', but --table 'events'"):
        preset("cdnow", "events")


def test_auto_mapping_normalises_headers_and_reports_missing_required():
    mapping = auto_mapping("orders", ["Order ID", "Customer ID", "Ordered At", "Amount", "Note"])
    fields, unused = mapping.resolve(["Order ID", "Customer ID", "Ordered At", "Amount", "Note"], "f.csv")
    assert {f.source for f in fields} == {"Order ID", "Customer ID", "Ordered At", "Amount"}
    assert unused == ["Note"]
    with pytest.raises(SourceError, match=r"f.csv: required column 'amount' for table 'orders' not found"):
        auto_mapping("orders", ["order_id"]).resolve(["order_id", "customer_id", "ordered_at"], "f.csv")


def test_single_column_header_hints_at_the_delimiter():
    with pytest.raises(SourceError, match="is the delimiter right"):
        auto_mapping("orders", ["a;b"]).resolve(["order_id;customer_id;ordered_at;amount"], "f.csv")
