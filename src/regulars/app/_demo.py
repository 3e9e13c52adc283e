"""``demo``: a generated shop, loaded and scored, to show what regulars does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from regulars.app._common import Step, default_cutoff, quiet
from regulars.app._ingest import ingest
from regulars.app._init import init
from regulars.app._measure import playbook_results
from regulars.app._playbook_file import PLAYBOOKS_FILE
from regulars.app._playbooks import plan_playbooks
from regulars.app._privacy import disclosure
from regulars.app._report import report
from regulars.app._results import DemoResult
from regulars.app._run import run
from regulars.app._status import status
from regulars.store import open_workspace

__all__ = ["demo"]

#: The starter plays the demo shop switches on.
DEMO_PLAYBOOKS = ("churn-win-back", "churn-nurture", "welcome-series", "second-purchase-nudge", "we-miss-you",
                  "lagged-cross-sell", "replenishment", "vip-recognition")


def demo(path: str | Path, *, customers: int = 5000, seed: int = 7, compare_days: int = 0,
         step: Step = quiet) -> DemoResult:
    """Create a workspace at ``path`` with the demo shop loaded and scored; idempotent per seed.
    With ``compare_days``, a first run as of that many days before the end shows who entered and
    left each segment since."""
    from regulars.demo import generate_shop, write_shop
    from regulars.playbooks import starter_yaml

    path = Path(path)
    step("generating the demo shop")
    shop = generate_shop(customers, seed)  # checks the size before anything is written
    init(path)
    files, truth = write_shop(shop, path)
    loads = []
    for file, table in files:
        step(f"loading {file.name}")
        loads.extend(ingest(path, [file], table=table).loads)
    if compare_days > 0:
        step(f"scoring as of {compare_days} days before the end, to compare with")
        with open_workspace(path).store(read_only=True) as store:
            earlier = default_cutoff(store) - timedelta(days=compare_days)
        run(path, cutoff=earlier, step=step)
    scored = run(path, step=step)
    playbooks_file = path / PLAYBOOKS_FILE
    if not playbooks_file.exists():  # a few of the starter plays switched on, to show a plan
        playbooks_file.write_text(starter_yaml(DEMO_PLAYBOOKS), encoding="utf-8")
    step("planning today's actions")
    plan = plan_playbooks(path)
    step("writing the report")
    made = report(path, path / "report.html")
    step("writing the privacy notice")
    notice = disclosure(path)
    return DemoResult(workspace=str(path), files_dir=str(files[0][0].parent), truth=str(truth), loads=loads,
                      status=status(path), run=scored, plan=plan, results=playbook_results(path), report=made.file,
                      disclosure=notice.html_file)
