"""Store: the workspace's DuckDB file with canonical tables, batches, quarantine, links and runs."""

from regulars.store._read import (
    customer_recommendations,
    customer_view,
    latest_run,
    playbook_inputs,
    quarantine_rows,
    run_scores,
    segment_rules,
)
from regulars.store._runs import ResultPart, write_predictions, write_run
from regulars.store._segments import (
    customer_segments,
    define_rule,
    drop_rule,
    pin_customer,
    previous_segment_run,
    segment_changes,
    segment_history,
    segment_members,
    segment_run,
)
from regulars.store._status import status
from regulars.store._store import BatchResult, Store
from regulars.store._workspace import Workspace, init_workspace, open_workspace

__all__ = [
    "BatchResult",
    "ResultPart",
    "Store",
    "Workspace",
    "customer_recommendations",
    "customer_segments",
    "customer_view",
    "define_rule",
    "drop_rule",
    "init_workspace",
    "latest_run",
    "open_workspace",
    "pin_customer",
    "playbook_inputs",
    "previous_segment_run",
    "quarantine_rows",
    "run_scores",
    "segment_changes",
    "segment_history",
    "segment_members",
    "segment_rules",
    "segment_run",
    "status",
    "write_predictions",
    "write_run",
]
