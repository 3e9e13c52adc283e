"""Per-row selections on sparse matrices and ragged ranges, without Python loops over rows:
what the co-purchase model and the cross-sells need at a million customers."""

from __future__ import annotations

import numpy as np

__all__ = ["ranges", "row_argmax", "top_n", "top_per_row"]


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(start, start + length)`` for each pair, without a loop."""
    total = int(lengths.sum())
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def row_argmax(M) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a CSR matrix: the column of its largest entry and the entry (0 for empty rows)."""
    lengths = np.diff(M.indptr)
    best = np.zeros(M.shape[0], dtype=np.int64)
    value = np.zeros(M.shape[0])
    has = lengths > 0
    if M.nnz:
        top = np.maximum.reduceat(M.data, M.indptr[:-1][has])
        value[has] = top
        owner = np.repeat(np.arange(M.shape[0]), lengths)
        at = np.flatnonzero(M.data == np.repeat(value, lengths))
        first = at[np.r_[True, owner[at][1:] != owner[at][:-1]]]
        best[owner[first]] = M.indices[first]
    return best, value


def top_n(M, n: int, dense_width: int = 1024) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``n`` largest entries of each row of a CSR matrix as (row, column, value), best first
    within each row. Rows of similar length are laid into a dense block (as wide as the next
    power of two, up to ``dense_width``), where one partition per row finds the best; longer
    rows go one by one."""
    lengths = np.diff(M.indptr)
    width = np.maximum(n, 2 ** np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64))
    out_rows, out_cols, out_vals = [], [], []
    for w in np.unique(width[(lengths > 0) & (width <= dense_width)]):
        rows = np.flatnonzero((width == w) & (lengths > 0))
        entries = ranges(M.indptr[rows], lengths[rows])
        at = (np.repeat(np.arange(len(rows)), lengths[rows]), entries - np.repeat(M.indptr[rows], lengths[rows]))
        values = np.full((len(rows), w), -np.inf, dtype=np.float32)
        columns = np.zeros((len(rows), w), dtype=np.int64)
        values[at] = M.data[entries]
        columns[at] = M.indices[entries]
        best = np.argpartition(-values, n - 1, axis=1)[:, :n] if w > n else np.tile(np.arange(w), (len(rows), 1))
        top = np.take_along_axis(values, best, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        top, best = np.take_along_axis(top, order, axis=1), np.take_along_axis(best, order, axis=1)
        real = np.isfinite(top)
        out_rows.append(np.broadcast_to(rows[:, None], top.shape)[real])
        out_cols.append(np.take_along_axis(columns, best, axis=1)[real])
        out_vals.append(top[real].astype(float))
    for r in np.flatnonzero(width > dense_width):
        data = M.data[M.indptr[r]:M.indptr[r + 1]]
        best = np.argpartition(-data, n - 1)[:n]
        best = best[np.argsort(-data[best], kind="stable")]
        out_rows.append(np.full(len(best), r))
        out_cols.append(M.indices[M.indptr[r] + best])
        out_vals.append(data[best].astype(float))
    if not out_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    row, col, val = np.concatenate(out_rows), np.concatenate(out_cols), np.concatenate(out_vals)
    order = np.argsort(row, kind="stable")
    return row[order], col[order], val[order]


def top_per_row(M, k: int):
    """The ``k`` largest entries of each row of a CSR matrix, as a CSR matrix. Only rows longer
    than ``k`` are cut, each with a partial sort (a full sort of every entry was 10x slower)."""
    from scipy import sparse

    M = M.tocsr()
    M.sort_indices()
    lengths = np.diff(M.indptr)
    keep = np.ones(M.nnz, dtype=bool)
    for r in np.flatnonzero(lengths > k):
        start, end = M.indptr[r], M.indptr[r + 1]
        keep[start + np.argpartition(-M.data[start:end], k, kind="introselect")[k:]] = False
    rows = np.repeat(np.arange(M.shape[0]), lengths)
    return sparse.csr_matrix((M.data[keep], (rows[keep], M.indices[keep])), shape=M.shape)
