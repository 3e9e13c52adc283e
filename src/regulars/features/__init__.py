"""Features: per-customer values computed as of a cutoff, from data strictly before it."""

from regulars.features._attributes import attribute_frame
from regulars.features._customer import customer_features
from regulars.features._frames import FeatureFrames, one_in
from regulars.features._groups import GROUP_ATTRIBUTES, SENSITIVE, customer_groups, group_attribute
from regulars.features._labels import LABELS, time_labels
from regulars.features._population import as_known, seen_before
from regulars.features._products import NOT_PRODUCTS, merchandise
from regulars.features._purchases import (
    completed,
    known_orders,
    purchase_days,
    purchases,
    purchases_of,
    refund_shares,
    shop_purchases,
    stored_sales_sql,
)
from regulars.features._registry import FEATURES, Feature, label_of, phrase
from regulars.features._transactions import (
    TIME_UNITS,
    summary_frame,
    summary_from_transactions,
    transaction_summary,
)

__all__ = [
    "FEATURES",
    "Feature",
    "FeatureFrames",
    "GROUP_ATTRIBUTES",
    "LABELS",
    "NOT_PRODUCTS",
    "SENSITIVE",
    "TIME_UNITS",
    "as_known",
    "attribute_frame",
    "completed",
    "customer_features",
    "customer_groups",
    "group_attribute",
    "known_orders",
    "label_of",
    "merchandise",
    "one_in",
    "phrase",
    "purchase_days",
    "purchases",
    "purchases_of",
    "refund_shares",
    "seen_before",
    "shop_purchases",
    "stored_sales_sql",
    "summary_frame",
    "summary_from_transactions",
    "time_labels",
    "transaction_summary",
]
