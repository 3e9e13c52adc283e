import duckdb
import pandas as pd

from regulars.ingest import email_norm_sql, normalise_phones, resolve_identities


def test_email_normalisation():
    con = duckdb.connect()
    sql = email_norm_sql("e", strip_plus=True)
    rows = ["  Jane.Doe+shop@Example.COM ", "jane.doe@example.com", "not an email", None]
    got = [con.execute(f"SELECT {sql} FROM (SELECT CAST(? AS VARCHAR) AS e)", [r]).fetchone()[0] for r in rows]
    assert got == ["jane.doe@example.com", "jane.doe@example.com", None, None]
    keep = email_norm_sql("e", strip_plus=False)
    assert con.execute(f"SELECT {keep} FROM (SELECT 'a+b@x.io' AS e)").fetchone()[0] == "a+b@x.io"


def test_phone_normalisation():
    got = normalise_phones(["+44 20 7946 0958", "020 7946 0958", "12"], "GB")
    assert got["+44 20 7946 0958"] == got["020 7946 0958"] == "+442079460958"
    assert got["12"] is None


def test_groups_by_email_or_phone_and_keeps_the_earliest_id():
    records = pd.DataFrame({
        "customer_id": ["new", "old", "x", "y", "z"],
        "rank": [2, 1, 1, 3, 4],
        "email_norm": ["a@x.io", "a@x.io", None, "b@x.io", None],
        "phone_norm": ["+441", None, None, None, "+441"],
    })
    links = resolve_identities(records).set_index("customer_id")
    assert links.loc["new", "resolved_id"] == "old"
    assert links.loc["z", "resolved_id"] == "old"  # via new's phone
    assert links.loc["z", "matched_on"] == "phone"
    assert links.loc["x", "resolved_id"] == "x" and links.loc["x", "matched_on"] == "self"
    assert links.loc["y", "resolved_id"] == "y"
    # stable: the same input in another order gives the same answer
    again = resolve_identities(records.sample(frac=1, random_state=3)).set_index("customer_id")
    assert again.sort_index().equals(links.sort_index())


def test_a_platform_id_from_one_source_links_records_without_a_shared_email():
    records = pd.DataFrame({
        "customer_id": ["o1", "o2", "o3", "ann"],
        "rank": [1, 2, 3, 4],
        "email_norm": [None, None, None, "ann@x.io"],
        "phone_norm": [None, None, None, None],
    })
    # a marketplace's per-order customer records o1 and o2 belong to one person; o3 shares an id
    # only with a record of another source, which is another id
    platform_ids = pd.DataFrame({"customer_id": ["o1", "o2", "o3", "ann", "o3"],
                                 "key": ["olist:u1", "olist:u1", "olist:u2", "stripe:cus_1", "stripe:cus_9"]})
    links = resolve_identities(records, platform_ids).set_index("customer_id")
    assert links.loc["o2", "resolved_id"] == "o1" and links.loc["o2", "matched_on"] == "platform id"
    assert links.loc["o3", "resolved_id"] == "o3" and links.loc["o3", "matched_on"] == "self"
    assert links.loc["ann", "resolved_id"] == "ann"
