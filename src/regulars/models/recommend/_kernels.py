"""Compiled loops (Numba) for the co-purchase model at a million customers: counting each
product's shared buyers with every other and keeping its best neighbours, and scoring every
customer's next products. Both walk the sparse rows once with a dense scratch row per thread,
where the sparse matrix products they replace built hundreds of millions of intermediate
entries (10-20x slower at 1M customers, see bench/segments.py).

Ties are broken by the lower product code, so results do not depend on the thread count. The
public functions cast their arrays to 64-bit integers and floats, so each loop is compiled for
one signature only (``warm_up`` compiles them all into Numba's cache at install).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["best_follow_ups", "bought_days", "follow_pairs", "neighbours", "score_rows", "warm_up"]

#: Rows are dealt to threads in this many interleaved stripes (popular products and heavy
#: buyers are not all in one thread's share).
STRIPES = 64
#: Days are packed counted from this day (any day code fits in 32 bits after it).
DAY0 = -(2 ** 31)


@njit(cache=True, inline="always")
def _insert(keys, ids, extra, length, value, id_, ext):
    """Put (value, id_) into the first ``length`` slots kept best first (higher value, then lower
    id); the last slot falls off when full. Returns the new length."""
    size = keys.shape[0]
    if length == size and (value < keys[size - 1] or (value == keys[size - 1] and id_ > ids[size - 1])):
        return length
    at = min(length, size - 1)
    while at > 0 and (value > keys[at - 1] or (value == keys[at - 1] and id_ < ids[at - 1])):
        keys[at], ids[at], extra[at] = keys[at - 1], ids[at - 1], extra[at - 1]
        at -= 1
    keys[at], ids[at], extra[at] = value, id_, ext
    return min(length + 1, size)


@njit(cache=True, parallel=True)
def _neighbours(buyers_ptr, buyers, baskets_ptr, baskets, counts, min_count, shrink, k):
    """Per product a (rows of ``buyers``: who bought it; ``baskets``: what each buyer bought), its
    ``k`` most similar products b with at least ``min_count`` shared buyers, similarity
    shared / (sqrt(count a * count b) + shrink). Returns (neighbour codes or -1, similarity,
    shared buyers), each products x k, best first."""
    n = buyers_ptr.shape[0] - 1
    codes = np.full((n, k), -1, dtype=np.int64)
    sims = np.zeros((n, k))
    shared = np.zeros((n, k), dtype=np.int64)
    for stripe in prange(STRIPES):
        tally = np.zeros(n, dtype=np.int64)
        touched = np.empty(n, dtype=np.int64)
        for a in range(stripe, n, STRIPES):
            m = 0
            for j in range(buyers_ptr[a], buyers_ptr[a + 1]):
                c = buyers[j]
                for q in range(baskets_ptr[c], baskets_ptr[c + 1]):
                    b = baskets[q]
                    if tally[b] == 0:
                        touched[m] = b
                        m += 1
                    tally[b] += 1
            length = 0
            for i in range(m):
                b = touched[i]
                together = tally[b]
                tally[b] = 0
                if b == a or together < min_count:
                    continue
                sim = together / (np.sqrt(counts[a] * counts[b]) + shrink)
                length = _insert(sims[a], codes[a], shared[a], length, sim, b, together)
    return codes, sims, shared


@njit(cache=True, parallel=True)
def _score_rows(rows, bought_ptr, bought, near_ptr, near, near_sim, popular, n, n_products):
    """For each customer at ``rows`` (rows of ``bought``: the products they bought, in code
    order): the ``n`` products with the highest summed similarity to what they bought, never one
    they bought, then the most popular products they have neither bought nor been given. Returns
    (product or -1, score, because: the bought product most similar to it or -1), rows x n."""
    count = rows.shape[0]
    items = np.full((count, n), -1, dtype=np.int64)
    scores = np.zeros((count, n))
    because = np.full((count, n), -1, dtype=np.int64)
    for stripe in prange(STRIPES):
        mark = np.zeros(n_products, dtype=np.int64)  # row + 1 where bought, -(row + 1) where scored
        total = np.zeros(n_products)
        strongest = np.zeros(n_products)
        source = np.zeros(n_products, dtype=np.int64)
        touched = np.empty(n_products, dtype=np.int64)
        for i in range(stripe, count, STRIPES):
            r = rows[i]
            tag = r + 1
            for j in range(bought_ptr[r], bought_ptr[r + 1]):
                mark[bought[j]] = tag
            m = 0
            for j in range(bought_ptr[r], bought_ptr[r + 1]):
                a = bought[j]
                for q in range(near_ptr[a], near_ptr[a + 1]):
                    b = near[q]
                    if mark[b] == tag:
                        continue
                    s = near_sim[q]
                    if mark[b] != -tag:
                        mark[b] = -tag
                        total[b] = 0.0
                        strongest[b] = 0.0
                        touched[m] = b
                        m += 1
                    total[b] += s
                    if s > strongest[b]:
                        strongest[b] = s
                        source[b] = a
            length = 0
            for t in range(m):
                b = touched[t]
                length = _insert(scores[i], items[i], because[i], length, total[b], b, source[b])
            for p in popular:
                if length == n:
                    break
                if mark[p] == tag:
                    continue
                given = False
                for t in range(length):
                    given = given or items[i, t] == p
                if not given:
                    items[i, length] = p
                    length += 1
    return items, scores, because


@njit(cache=True)
def _owns(ptr, products, row, product):
    """Whether ``product`` is in row ``row`` of a CSR structure with sorted rows."""
    lo, hi = ptr[row], ptr[row + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if products[mid] < product:
            lo = mid + 1
        else:
            hi = mid
    return lo < ptr[row + 1] and products[lo] == product


@njit(cache=True)
def _best_follow_ups(customer, product, last_day, n_customers, follow_ptr, follow, strength, lag_days,
                    owned_ptr, owned, cutoff_day, stale_days):
    """Per customer, the strongest follow-up (``follow``/``strength``/``lag_days`` per product,
    rows ``follow_ptr``) of a product bought on their last purchase day that they do not own and
    whose usual day is at most ``stale_days`` past. Returns (history row, follow-up index), -1
    for customers without one; ties go to the first found."""
    latest = np.full(n_customers, -1, dtype=np.int64)
    for i in range(customer.shape[0]):
        latest[customer[i]] = max(latest[customer[i]], last_day[i])
    best = np.zeros(n_customers)
    row = np.full(n_customers, -1, dtype=np.int64)
    pick = np.full(n_customers, -1, dtype=np.int64)
    for i in range(customer.shape[0]):
        c = customer[i]
        if last_day[i] != latest[c]:
            continue
        for q in range(follow_ptr[product[i]], follow_ptr[product[i] + 1]):
            if strength[q] <= best[c] or last_day[i] + lag_days[q] - cutoff_day < -stale_days:
                continue
            if _owns(owned_ptr, owned, c, follow[q]):
                continue
            best[c], row[c], pick[c] = strength[q], i, q
    return row, pick


@njit(cache=True)
def _scatter(customer, product, day, n_customers):
    """Each purchase line's (product, day) packed into one integer, grouped by customer (rows
    ``ptr``)."""
    ptr = np.zeros(n_customers + 1, dtype=np.int64)
    for i in range(customer.shape[0]):
        ptr[customer[i] + 1] += 1
    for c in range(n_customers):
        ptr[c + 1] += ptr[c]
    at = ptr[:-1].copy()
    keys = np.empty(customer.shape[0], dtype=np.int64)
    for i in range(customer.shape[0]):
        keys[at[customer[i]]] = (np.int64(product[i]) << 32) | np.int64(day[i] - DAY0)
        at[customer[i]] += 1
    return ptr, keys


@njit(cache=True, parallel=True)
def _bought_days(customer, product, day, n_customers):
    """From purchase lines (customer, product and day codes, in any order, repeats allowed): one
    row per customer and product, sorted by customer then product, with the first and last day
    and the number of distinct days. Returns (customer, product, first, last, days)."""
    ptr, keys = _scatter(customer, product, day, n_customers)
    groups = np.zeros(n_customers + 1, dtype=np.int64)
    for stripe in prange(STRIPES):
        for c in range(stripe, n_customers, STRIPES):
            block = keys[ptr[c]:ptr[c + 1]]
            block.sort()
            count = 0
            for j in range(block.shape[0]):
                if j == 0 or block[j] >> 32 != block[j - 1] >> 32:
                    count += 1
            groups[c + 1] = count
    for c in range(n_customers):
        groups[c + 1] += groups[c]
    total = groups[n_customers]
    out_c = np.empty(total, dtype=np.int64)
    out_p = np.empty(total, dtype=np.int64)
    first = np.empty(total, dtype=np.int64)
    last = np.empty(total, dtype=np.int64)
    days = np.zeros(total, dtype=np.int64)
    for stripe in prange(STRIPES):
        for c in range(stripe, n_customers, STRIPES):
            g = groups[c] - 1
            for j in range(ptr[c], ptr[c + 1]):
                p, d = keys[j] >> 32, (keys[j] & 0xFFFFFFFF) + DAY0
                if j == ptr[c] or p != keys[j - 1] >> 32:
                    g += 1
                    out_c[g], out_p[g], first[g] = c, p, d
                    days[g] = 0
                if j == ptr[c] or keys[j] != keys[j - 1]:
                    days[g] += 1
                last[g] = d
    return out_c, out_p, first, last, days


@njit(cache=True, parallel=True)
def _follow_counts(ptr, product, first_day, max_days, max_following, order, emitted):
    """Each customer's rows (``ptr``) put in order of first day, then product (into ``order``),
    and the number of (earlier, later) pairs within ``max_days`` each emits (into ``emitted``)."""
    n = ptr.shape[0] - 1
    for stripe in prange(STRIPES):
        for c in range(stripe, n, STRIPES):
            lo, hi = ptr[c], ptr[c + 1]
            keys = np.empty(hi - lo, dtype=np.int64)
            for j in range(lo, hi):
                keys[j - lo] = (np.int64(first_day[j] - DAY0) << 32) | product[j]
            rank = np.argsort(keys)
            total = 0
            for j in range(hi - lo):
                order[lo + j] = lo + rank[j]
            for j in range(lo, hi):
                day = first_day[order[j]]
                for q in range(j + 1, min(hi, j + 1 + max_following)):
                    lag = first_day[order[q]] - day
                    if lag > max_days:
                        break
                    if lag > 0:
                        total += 1
            emitted[c] = total


@njit(cache=True, parallel=True)
def _follow_pairs(ptr, product, first_day, max_days, max_following, order, starts, a_out, b_lag_out):
    """The pairs ``_follow_counts`` counted: earlier product, and later product and lag packed."""
    n = ptr.shape[0] - 1
    for stripe in prange(STRIPES):
        for c in range(stripe, n, STRIPES):
            lo, hi, at = ptr[c], ptr[c + 1], starts[c]
            for j in range(lo, hi):
                day, a = first_day[order[j]], product[order[j]]
                for q in range(j + 1, min(hi, j + 1 + max_following)):
                    lag = first_day[order[q]] - day
                    if lag > max_days:
                        break
                    if lag > 0:
                        a_out[at] = a
                        b_lag_out[at] = product[order[q]] * (max_days + 1) + lag
                        at += 1


@njit(cache=True, parallel=True)
def _pair_tally(a_ptr, b_lag, n_products, max_days, min_customers, kept, out_b, out_count, out_median, fill):
    """Per earlier product (rows ``a_ptr`` of ``b_lag``): each later product's count and median
    lag from a histogram of lags, for those with at least ``min_customers``. With ``fill`` false
    only the number kept per product is written (into ``kept``); with it true, the pairs, from
    the offsets ``kept`` holds."""
    width = max_days + 1
    for stripe in prange(STRIPES):
        hist = np.zeros(n_products * width, dtype=np.int64)
        total = np.zeros(n_products, dtype=np.int64)
        touched = np.empty(n_products, dtype=np.int64)
        for a in range(stripe, n_products, STRIPES):
            m = 0
            for j in range(a_ptr[a], a_ptr[a + 1]):
                b = b_lag[j] // width
                if total[b] == 0:
                    touched[m] = b
                    m += 1
                total[b] += 1
                hist[b_lag[j]] += 1
            at = kept[a] if fill else 0
            for t in range(m):
                b = touched[t]
                size = total[b]
                if size >= min_customers:
                    if fill:
                        low, high, seen, lag = (size - 1) // 2, size // 2, 0, 0
                        first, second = -1, -1
                        while second < 0:
                            seen += hist[b * width + lag]
                            if first < 0 and seen > low:
                                first = lag
                            if seen > high:
                                second = lag
                            lag += 1
                        out_b[at], out_count[at], out_median[at] = b, size, (first + second) / 2
                    at += 1
                total[b] = 0
                for lag in range(width):
                    hist[b * width + lag] = 0
            if not fill:
                kept[a] = at


@njit(cache=True)
def _grouped(key, value, n):
    """``value`` grouped by ``key`` (0..n-1) by a counting sort: (rows per key, values)."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    for k in key:
        ptr[k + 1] += 1
    for k in range(n):
        ptr[k + 1] += ptr[k]
    at = ptr[:-1].copy()
    out = np.empty_like(value)
    for i in range(key.shape[0]):
        out[at[key[i]]] = value[i]
        at[key[i]] += 1
    return ptr, out


def follow_pairs(customer, product, first_day, n_customers, n_products, max_days, min_customers, max_following):
    """Products bought 1..``max_days`` days after another (first purchases, each customer's next
    ``max_following`` rows at most, from rows sorted by customer): (earlier, later, customers,
    median lag), sorted by earlier product, then later."""
    customer, product, first_day = _ints(customer, product, first_day)
    ptr = np.searchsorted(customer, np.arange(n_customers + 1))
    order = np.empty(len(customer), dtype=np.int64)
    emitted = np.zeros(n_customers, dtype=np.int64)
    _follow_counts(ptr, product, first_day, max_days, max_following, order, emitted)
    starts = np.r_[0, np.cumsum(emitted)]
    a = np.empty(starts[-1], dtype=np.int64)
    b_lag = np.empty(starts[-1], dtype=np.int64)
    _follow_pairs(ptr, product, first_day, max_days, max_following, order, starts, a, b_lag)
    a_ptr, b_lag = _grouped(a, b_lag, n_products)
    kept = np.zeros(n_products, dtype=np.int64)
    empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
    _pair_tally(a_ptr, b_lag, n_products, max_days, min_customers, kept, empty_i, empty_i, empty_f, False)
    offsets = np.r_[0, np.cumsum(kept)]
    out_b, out_count, out_median = np.empty(offsets[-1], dtype=np.int64), np.empty(offsets[-1], dtype=np.int64), \
        np.empty(offsets[-1])
    _pair_tally(a_ptr, b_lag, n_products, max_days, min_customers, offsets[:-1].copy(), out_b, out_count, out_median,
                True)
    out_a = np.repeat(np.arange(n_products), np.diff(offsets))
    order = np.lexsort((out_b, out_a))
    return out_a[order], out_b[order], out_count[order], out_median[order]


def _ints(*arrays):
    return tuple(np.ascontiguousarray(a, dtype=np.int64) for a in arrays)


def neighbours(buyers_ptr, buyers, baskets_ptr, baskets, counts, min_count: int, shrink: float, k: int):
    """See ``_neighbours``."""
    return _neighbours(*_ints(buyers_ptr, buyers, baskets_ptr, baskets), np.asarray(counts, dtype=np.float64),
                       int(min_count), float(shrink), int(k))


def score_rows(rows, bought_ptr, bought, near_ptr, near, near_sim, popular, n: int, n_products: int):
    """See ``_score_rows``."""
    return _score_rows(*_ints(rows, bought_ptr, bought, near_ptr, near), np.asarray(near_sim, dtype=np.float64),
                       *_ints(popular), int(n), int(n_products))


def best_follow_ups(customer, product, last_day, n_customers: int, follow_ptr, follow, strength, lag_days,
                    owned_ptr, owned, cutoff_day: int, stale_days: int):
    """See ``_best_follow_ups``."""
    return _best_follow_ups(*_ints(customer, product, last_day), int(n_customers), *_ints(follow_ptr, follow),
                            np.asarray(strength, dtype=np.float64), *_ints(lag_days, owned_ptr, owned),
                            int(cutoff_day), int(stale_days))


def bought_days(customer, product, day, n_customers: int):
    """See ``_bought_days``."""
    return _bought_days(*_ints(customer, product, day), int(n_customers))


def warm_up() -> None:
    """Compile every loop on a tiny input (Numba caches the machine code for later runs)."""
    one = np.zeros(1, dtype=np.int64)
    customer, product, first, last, _ = bought_days(one, one, one, 1)
    follow_pairs(customer, product, first, 1, 1, 30, 3, 50)
    ptr = np.array([0, 1])
    neighbours(ptr, one, ptr, one, np.ones(1), 2, 5.0, 2)
    score_rows(one, ptr, one, ptr, one, np.ones(1), one, 2, 1)
    best_follow_ups(customer, product, last, 1, ptr, one, np.ones(1), one, ptr, one, 0, 30)
