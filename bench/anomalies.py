"""The alert watch's detector (S-H-ESD, ``regulars.metrics.find_anomalies``) on the nine NAB
series in ../shared/data/nab: per series, the labelled windows it finds, its alarms outside them
and NAB's raw standard-profile score (one alarm per episode, NAB's probationary period skipped),
beside the published raw scores of Twitter's ADVec and of NAB's windowed Gaussian.

    .venv/bin/python bench/anomalies.py
"""

from __future__ import annotations

import gzip
import json
import math
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from regulars.metrics import episodes, find_anomalies  # noqa: E402

NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"
#: Points per day, and whether the series counts things.
SERIES = {
    "realTweets/Twitter_volume_AAPL.csv": (288, True),
    "realTweets/Twitter_volume_GOOG.csv": (288, True),
    "realTweets/Twitter_volume_AMZN.csv": (288, True),
    "realKnownCause/nyc_taxi.csv": (48, True),
    "realKnownCause/machine_temperature_system_failure.csv": (288, False),
    "realAdExchange/exchange-2_cpc_results.csv": (24, False),
    "realAdExchange/exchange-3_cpc_results.csv": (24, False),
    "realAdExchange/exchange-4_cpm_results.csv": (24, False),
    "realAWSCloudwatch/elb_request_count_8c0756.csv": (288, True),
}
#: NAB's published raw standard scores on these files (its README): twitterADVec, windowedGaussian.
PUBLISHED = {
    "realTweets/Twitter_volume_AAPL.csv": (0.169, 1.514), "realTweets/Twitter_volume_GOOG.csv": (0.292, -0.147),
    "realTweets/Twitter_volume_AMZN.csv": (1.669, 1.558), "realKnownCause/nyc_taxi.csv": (-5.0, -5.0),
    "realKnownCause/machine_temperature_system_failure.csv": (-0.237, -4.0),
    "realAdExchange/exchange-2_cpc_results.csv": (-1.0, -1.0), "realAdExchange/exchange-3_cpc_results.csv": (0.719, 2.503),
    "realAdExchange/exchange-4_cpm_results.csv": (-0.374, 1.275),
    "realAWSCloudwatch/elb_request_count_8c0756.csv": (1.496, -0.138),
}


def read_series(key: str) -> tuple[list[datetime], list[float]]:
    with gzip.open(NAB / "data" / (key + ".gz"), "rt") as f:
        next(f)
        rows = [line.strip().split(",") for line in f if line.strip()]
    return [datetime.fromisoformat(r[0]) for r in rows], [float(r[1]) for r in rows]


def _sigmoid(position: float) -> float:
    """NAB's scaled sigmoid: about +1 at a window's left edge (-1), 0 at its right edge (0), toward -1 after."""
    return -1.0 if position > 3.0 else 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def nab_score(stamps: list[datetime], alarms: list[int], windows: list[tuple[datetime, datetime]],
              fp_weight: float = 0.11) -> tuple[float, int, int]:
    """(raw standard-profile score, windows found, alarms outside windows) as NAB scores one file."""
    probation = min(math.floor(0.15 * len(stamps)), 750)
    spans = []
    for start, end in windows:
        left = next(i for i, t in enumerate(stamps) if t >= start)
        right = max(i for i, t in enumerate(stamps) if t <= end)
        spans.append((left, right))
    score, found, false = 0.0, 0, 0
    best = [None] * len(spans)
    for i in sorted(a for a in alarms if a >= probation):
        inside = next((k for k, (lo, hi) in enumerate(spans) if lo <= i <= hi), None)
        if inside is not None:
            lo, hi = spans[inside]
            if best[inside] is None:
                best[inside] = _sigmoid(-(hi - i + 1) / (hi - lo + 1))
            continue
        false += 1
        before = [(lo, hi) for lo, hi in spans if hi < i]
        if not before:
            score -= fp_weight
        else:
            lo, hi = before[-1]
            score += fp_weight * _sigmoid((i - hi) / (hi - lo + 1))
    for b in best:
        score += -1.0 if b is None else b
        found += b is not None
    return score, found, false


def main() -> None:
    windows = json.loads((NAB / "labels" / "combined_windows.json").read_text())
    print(f"{'series':<48} {'found':>7} {'false':>6} {'raw':>7} {'ADVec':>7} {'wGauss':>7} {'s':>5}")
    totals = [0, 0, 0, 0.0, 0.0, 0.0]
    for key, (per_day, counts) in SERIES.items():
        stamps, values = read_series(key)
        started = time.perf_counter()
        found = find_anomalies(values, per_day, counts=counts, piece=14 * per_day, min_history=per_day)
        took = time.perf_counter() - started
        alarms = [e[0].index for e in episodes(found, gap=per_day)]  # one alarm a day at most
        spans = [(datetime.fromisoformat(a[:19]), datetime.fromisoformat(b[:19])) for a, b in windows[key]]
        raw, hit, false = nab_score(stamps, alarms, spans)
        advec, gauss = PUBLISHED[key]
        totals = [totals[0] + hit, totals[1] + len(spans), totals[2] + false, totals[3] + raw, totals[4] + advec,
                  totals[5] + gauss]
        print(f"{key.split('/')[1][:-4]:<48} {hit:>3} / {len(spans):<1} {false:>6} {raw:>7.3f} {advec:>7.3f} "
              f"{gauss:>7.3f} {took:>5.1f}")
    print(f"{'all nine':<48} {totals[0]:>2} / {totals[1]:<2} {totals[2]:>5} {totals[3]:>7.3f} {totals[4]:>7.3f} "
          f"{totals[5]:>7.3f}")
    print(f"null detector: {-totals[1]:.3f}; perfect: {totals[1]:.3f}")


if __name__ == "__main__":
    main()
