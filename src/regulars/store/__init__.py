"""Store: the workspace's DuckDB file with canonical tables, batches, quarantine, links and runs."""

from regulars.store._read import customer_view, latest_run, quarantine_rows, run_scores, segment_rules
from regulars.store._runs import ResultPart, write_predictions, write_run
from regulars.store._status import status
from regulars.store._store import BatchResult, Store
from regulars.store._workspace import Workspace, init_workspace, open_workspace

__all__ = ["BatchResult", "ResultPart", "Store", "Workspace", "customer_view", "init_workspace", "latest_run", "open_workspace",
           "quarantine_rows", "run_scores", "segment_rules", "status", "write_predictions", "write_run"]
