"""Store: the workspace's DuckDB file with canonical tables, batches, quarantine and links."""

from regulars.store._status import status
from regulars.store._store import BatchResult, Store
from regulars.store._workspace import Workspace, init_workspace, open_workspace

__all__ = ["BatchResult", "Store", "Workspace", "init_workspace", "open_workspace", "status"]
