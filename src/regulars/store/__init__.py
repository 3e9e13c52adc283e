"""Store: the workspace's DuckDB file with canonical tables, batches, quarantine, links and runs."""

from regulars.store._outbox import (
    OUTBOX_COLUMNS,
    claim_actions,
    decide_actions,
    delivery_contacts,
    exclude_customer,
    finish_actions,
    interrupted_actions,
    outbox_actions,
    outbox_counts,
    queue_actions,
    retry_actions,
)
from regulars.store._outcomes import playbook_outcomes
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
from regulars.store._sources import previous_source_batch, record_external_ids
from regulars.store._status import status
from regulars.store._store import BatchResult, Store
from regulars.store._workspace import Workspace, init_workspace, open_workspace

__all__ = [
    "BatchResult",
    "OUTBOX_COLUMNS",
    "ResultPart",
    "Store",
    "Workspace",
    "claim_actions",
    "customer_recommendations",
    "customer_segments",
    "customer_view",
    "decide_actions",
    "define_rule",
    "delivery_contacts",
    "drop_rule",
    "exclude_customer",
    "finish_actions",
    "init_workspace",
    "interrupted_actions",
    "latest_run",
    "open_workspace",
    "outbox_actions",
    "outbox_counts",
    "pin_customer",
    "playbook_inputs",
    "playbook_outcomes",
    "previous_segment_run",
    "previous_source_batch",
    "quarantine_rows",
    "queue_actions",
    "record_external_ids",
    "retry_actions",
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
