"""Who exists at a cutoff: the one definition every label population and feature row uses.

A customer record counts at a cutoff only if the store saw it before then (``first_seen_at``:
the earliest of its ``created_at`` and every dated row naming it). A minimal record made
because an order or ticket named an unknown id is therefore absent before that order or
ticket. A full profile with no date at all (a CRM export without a created column, and no
activity) cannot be placed in time and is taken as known at every cutoff.
"""

from __future__ import annotations

import ibis.expr.types as ir

__all__ = ["seen_before"]


def seen_before(customers: ir.Table, cutoff: ir.TimestampScalar) -> ir.Table:
    """The customer records (rows of ``customers``) the store had seen before ``cutoff``."""
    undated_profile = customers.first_seen_at.isnull() & ~customers.is_stub.fill_null(False)
    return customers.filter(undated_profile | (customers.first_seen_at < cutoff))
