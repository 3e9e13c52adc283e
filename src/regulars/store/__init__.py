"""Store: the workspace's DuckDB file with canonical tables, batches, quarantine, links and runs."""

from regulars.store._keys import ROLES, add_key, key_rows, keys_in_force, match_key, revoke_key
from regulars.store._kpis import kpis
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
    outbox_keys,
    queue_actions,
    retry_actions,
)
from regulars.store._outcomes import playbook_outcomes
from regulars.store._owner import claim_workspace, release_workspace, served_by
from regulars.store._read import (
    customer_recommendations,
    customer_view,
    label_columns,
    latest_run,
    latest_scores,
    playbook_inputs,
    prediction_rows,
    previous_run,
    quarantine_rows,
    resolved_id,
    run_cards,
    run_scores,
    score_drift,
    segment_rules,
)
from regulars.store._runs import ResultPart, write_predictions, write_run
from regulars.store._schema import WIDE_SCORES
from regulars.store._schedule import finish_job, last_slots, start_job
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
from regulars.store._timeline import customer_timeline
from regulars.store._undo import earlier_batches, undo_batch
from regulars.store._workspace import Workspace, init_workspace, open_workspace

__all__ = [
    "BatchResult",
    "OUTBOX_COLUMNS",
    "ROLES",
    "ResultPart",
    "Store",
    "WIDE_SCORES",
    "Workspace",
    "add_key",
    "claim_actions",
    "claim_workspace",
    "customer_recommendations",
    "customer_segments",
    "customer_timeline",
    "customer_view",
    "decide_actions",
    "define_rule",
    "delivery_contacts",
    "drop_rule",
    "earlier_batches",
    "exclude_customer",
    "finish_actions",
    "finish_job",
    "init_workspace",
    "interrupted_actions",
    "key_rows",
    "keys_in_force",
    "kpis",
    "label_columns",
    "last_slots",
    "latest_run",
    "latest_scores",
    "match_key",
    "open_workspace",
    "outbox_actions",
    "outbox_counts",
    "outbox_keys",
    "pin_customer",
    "playbook_inputs",
    "playbook_outcomes",
    "prediction_rows",
    "previous_run",
    "previous_segment_run",
    "previous_source_batch",
    "quarantine_rows",
    "queue_actions",
    "record_external_ids",
    "release_workspace",
    "resolved_id",
    "retry_actions",
    "revoke_key",
    "run_cards",
    "run_scores",
    "score_drift",
    "segment_changes",
    "segment_history",
    "segment_members",
    "segment_rules",
    "segment_run",
    "served_by",
    "start_job",
    "status",
    "undo_batch",
    "write_predictions",
    "write_run",
]
