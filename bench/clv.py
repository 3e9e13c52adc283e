"""Lifetime-value benchmark: regulars vs lifetimes 0.11.3 and pymc-marketing (MAP), end to end.

End to end = transaction summary, BG/NBD fit, Gamma-Gamma fit, then for every customer the
probability alive, expected purchases in 12 months and 12-month CLV (1% monthly discount).
Each tool runs in its own process; the peers run in a separate virtual environment
(bench/_work/peers, created on first use from the package registry). Ratios are from times
measured in this run. Usage:

    .venv/bin/python bench/clv.py                 # CDNOW, 10k, 100k, 1M customers
    .venv/bin/python bench/clv.py --sizes 10000   # quicker
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import WORK, cdnow_transactions, simulated_transactions  # noqa: E402

PEERS = WORK / "peers"
END = "1998-06-30"

OURS = r"""
import json, sys, time
from datetime import date
import duckdb, ibis
path = sys.argv[1]
start = time.perf_counter()
from regulars.features import summary_frame
from regulars.models.clv import BetaGeoFitter, GammaGammaFitter, customer_lifetime_value
con = ibis.duckdb.from_connection(duckdb.connect())
orders = con.read_parquet(path).rename(ordered_at="date")
t0 = time.perf_counter()
summary = summary_frame(orders, date(1998, 7, 1), "days")
t1 = time.perf_counter()
bg = BetaGeoFitter().fit(summary)
t2 = time.perf_counter()
gg = GammaGammaFitter().fit(summary)
t3 = time.perf_counter()
alive = bg.conditional_probability_alive(summary)
expected = bg.conditional_expected_number_of_purchases_up_to_time(365, summary)
clv = customer_lifetime_value(bg, gg, summary, months=12, monthly_discount=0.01)
t4 = time.perf_counter()
# the engine floor: one hand-written DuckDB query computing the same summary columns
raw = duckdb.connect()
t5 = time.perf_counter()
bare = raw.execute(f'''
    WITH days AS (SELECT customer_id, CAST(date AS DATE) AS day, sum(amount) AS spend
                  FROM read_parquet('{path}') WHERE date < DATE '1998-07-01' GROUP BY 1, 2),
         c AS (SELECT customer_id, min(day) AS f, max(day) AS l, count(*) AS n, sum(spend) AS total,
                      arg_min(spend, day) AS first_spend FROM days GROUP BY 1)
    SELECT customer_id, n - 1 AS frequency, l - f AS recency, DATE '1998-06-30' - f AS T,
           CASE WHEN n > 1 THEN (total - first_spend) / (n - 1) ELSE 0 END AS monetary_value
    FROM c''').fetch_df()
t6 = time.perf_counter()
assert len(bare) == len(summary)
print(json.dumps({"summary": t1 - t0, "bgnbd": t2 - t1, "gamma_gamma": t3 - t2, "predict": t4 - t3,
                  "total": t4 - t0, "customers": len(summary), "bg": bg.params_, "gg": gg.params_,
                  "bare_summary": t6 - t5, "clv_sum": float(clv.sum()), "alive_mean": float(alive.mean())}))
"""

LIFETIMES = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
frame = pd.read_parquet(sys.argv[1])
t0 = time.perf_counter()
summary = summary_data_from_transaction_data(frame, "customer_id", "date", monetary_value_col="amount",
                                             observation_period_end=sys.argv[2], freq="D")
t1 = time.perf_counter()
bg = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
t2 = time.perf_counter()
repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
t3 = time.perf_counter()
alive = bg.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
expected = bg.conditional_expected_number_of_purchases_up_to_time(365, summary["frequency"], summary["recency"], summary["T"])
clv = gg.customer_lifetime_value(bg, summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"],
                                 time=12, discount_rate=0.01, freq="D")
t4 = time.perf_counter()
p = bg.params_
print(json.dumps({"summary": t1 - t0, "bgnbd": t2 - t1, "gamma_gamma": t3 - t2, "predict": t4 - t3,
                  "total": t4 - t0, "customers": len(summary),
                  "bg": {"r": p["r"], "alpha": p["alpha"], "a": p["a"], "b": p["b"]},
                  "gg": {"p": gg.params_["p"], "q": gg.params_["q"], "v": gg.params_["v"]},
                  "clv_sum": float(clv.sum()), "alive_mean": float(alive.mean())}))
"""

PYMC = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
from pymc_marketing.clv import BetaGeoModel, GammaGammaModel
from pymc_marketing.clv.utils import rfm_summary
frame = pd.read_parquet(sys.argv[1])
t0 = time.perf_counter()
summary = rfm_summary(frame, "customer_id", "date", monetary_value_col="amount",
                      observation_period_end=sys.argv[2], time_unit="D")
t1 = time.perf_counter()
bg = BetaGeoModel(data=summary[["customer_id", "frequency", "recency", "T"]])
bg.fit(method="map")
t2 = time.perf_counter()
repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
gg = GammaGammaModel(data=repeat[["customer_id", "frequency", "monetary_value"]])
gg.fit(method="map")
t3 = time.perf_counter()
alive = bg.expected_probability_alive(summary)
expected = bg.expected_purchases(summary, future_t=365)
t4 = time.perf_counter()
post = bg.fit_result
print(json.dumps({"summary": t1 - t0, "bgnbd": t2 - t1, "gamma_gamma": t3 - t2, "predict": t4 - t3,
                  "total": t4 - t0, "customers": len(summary),
                  "bg": {k: float(post[k].mean()) for k in ("r", "alpha", "a", "b")}}))
"""


def peers_python() -> Path:
    python = PEERS / "bin" / "python"
    if not python.exists():
        print("(creating the peers environment: lifetimes 0.11.3 and pymc-marketing; once)", flush=True)
        venv.create(PEERS, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "lifetimes==0.11.3", "pymc-marketing",
                        "pyarrow"], check=True)
    return python


def run(python: Path | str, code: str, *args: str, timeout: int = 1800) -> dict | str:
    try:
        done = subprocess.run([str(python), "-c", code, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout} s"
    if done.returncode != 0:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:200]
    return json.loads(done.stdout.strip().splitlines()[-1])


def max_relative_difference(a: dict, b: dict) -> float:
    return max(abs(a[k] - b[k]) / abs(b[k]) for k in b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-pymc", action="store_true", help="skip pymc-marketing")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    peers = peers_python()
    datasets = [("CDNOW master", cdnow_transactions())] + [
        (f"simulated {n:,}", simulated_transactions(n)) for n in args.sizes]
    results = []
    for label, path in datasets:
        ours = run(sys.executable, OURS, str(path))
        theirs = run(peers, LIFETIMES, str(path), END)
        pymc = "skipped" if args.no_pymc else run(peers, PYMC, str(path), END)
        row = {"data": label, "regulars": ours, "lifetimes": theirs, "pymc_marketing": pymc}
        results.append(row)
        if isinstance(ours, str):
            print(f"{label}: regulars {ours}")
            continue
        line = (f"{label:18s} customers {ours['customers']:>9,}  regulars {ours['total']:7.2f}s "
                f"(summary {ours['summary']:.2f} + BG/NBD {ours['bgnbd']:.2f} + GG {ours['gamma_gamma']:.2f} "
                f"+ predict {ours['predict']:.2f}); summary {ours['summary'] / ours['bare_summary']:.2f}x "
                f"a bare DuckDB GROUP BY ({ours['bare_summary']:.2f}s)")
        if isinstance(theirs, dict):
            diff = max(max_relative_difference(ours["bg"], theirs["bg"]), max_relative_difference(ours["gg"], theirs["gg"]))
            line += (f"\n{'':18s} lifetimes {theirs['total']:7.2f}s (summary {theirs['summary']:.2f} + BG/NBD "
                     f"{theirs['bgnbd']:.2f} + GG {theirs['gamma_gamma']:.2f} + predict {theirs['predict']:.2f})"
                     f"  -> {theirs['total'] / ours['total']:.1f}x faster; parameters agree to {diff:.1e} relative")
        else:
            line += f"\n{'':18s} lifetimes {theirs}"
        if isinstance(pymc, dict):
            line += (f"\n{'':18s} pymc-marketing MAP {pymc['total']:7.2f}s (fits {pymc['bgnbd'] + pymc['gamma_gamma']:.2f}) "
                     f"-> {pymc['total'] / ours['total']:.1f}x faster")
        else:
            line += f"\n{'':18s} pymc-marketing {pymc}"
        print(line, flush=True)
    sims = [r for r in results if r["data"].startswith("simulated") and isinstance(r["regulars"], dict)]
    if len(sims) > 1:
        base = sims[0]["regulars"]
        print("growth (regulars, end to end): " + ", ".join(
            f"{r['data'].split()[1]} {r['regulars']['total'] / base['total']:.1f}x time for "
            f"{r['regulars']['customers'] / base['customers']:.0f}x customers" for r in sims))
    print("targets: >= 10x faster than lifetimes at 1M customers end to end, parameters within 1e-4 relative, "
          "summary within 2x of the bare GROUP BY")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
