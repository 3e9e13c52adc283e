"""Who exists at a cutoff: the one definition every label population and feature row uses.

A customer record counts at a cutoff only if the store saw it before then (``first_seen_at``:
the earliest of its ``created_at`` and every dated row naming it). A minimal record made
because an order or ticket named an unknown id is therefore absent before that order or
ticket. A full profile with no date at all (a CRM export without a created column, and no
activity) cannot be placed in time and is taken as known at every cutoff.

A visitor's record (a browser's anonymous id) is the customer's only from when they
identified: at an earlier cutoff it is the anonymous visitor it was then (``as_known``).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

__all__ = ["as_known", "seen_before"]


def as_known(rows: ir.Table, cutoff: ir.TimestampScalar) -> ir.Table:
    """``rows`` (resolved events) with each customer id as it was known at ``cutoff``: a
    visitor's row counts for the customer only if they had identified before ``cutoff``."""
    if "linked_at" not in rows.columns:
        return rows
    later = rows.linked_at.notnull() & (rows.linked_at >= cutoff)
    return rows.mutate(customer_id=ibis.ifelse(later, rows.own_id, rows.customer_id)).drop("own_id", "linked_at")


def seen_before(customers: ir.Table, cutoff: ir.TimestampScalar) -> ir.Table:
    """The customer records (rows of ``customers``) the store had seen before ``cutoff``."""
    undated_profile = customers.first_seen_at.isnull() & ~customers.is_stub.fill_null(False)
    known = customers.filter(undated_profile | (customers.first_seen_at < cutoff))
    if "linked_at" not in known.columns:
        return known
    later = known.linked_at.notnull() & (known.linked_at >= cutoff)
    return known.mutate(resolved_id=ibis.ifelse(later, known.customer_id, known.resolved_id))
