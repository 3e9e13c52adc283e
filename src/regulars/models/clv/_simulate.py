"""Draw customers from a BG/NBD process with known parameters (for recovery tests and benchmarks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["simulate_bgnbd"]


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, *, T: float | np.ndarray = 52.0,
                   seed: int = 0) -> pd.DataFrame:
    """Summaries (customer_id, frequency, recency, T) of ``n`` customers observed for ``T``.

    Each customer draws λ ~ Gamma(r, 1/α) and p ~ Beta(a, b); purchases follow Poisson(λ)
    from time 0 (the first purchase), and after each repeat purchase the customer drops out
    with p (the model of equation (6): no dropout right after the first purchase).
    """
    rng = np.random.default_rng(seed)
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    tx = np.zeros(n)
    t = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        nxt = t[idx] + rng.exponential(1.0 / np.maximum(lam[idx], 1e-12))
        buys = nxt <= T[idx]
        buyers = idx[buys]
        x[buyers] += 1
        tx[buyers] = nxt[buys]
        t[buyers] = nxt[buys]
        dies = rng.random(len(buyers)) < p[buyers]
        active[idx[~buys]] = False
        active[buyers[dies]] = False
    return pd.DataFrame({"customer_id": np.arange(n), "frequency": x, "recency": tx, "T": T})
