"""Order statistics of a few numbers (glyph heights, gaps, noise residuals), as numpy computes them
(percentiles to the last bit or so).

    from hcr_ocr.reading.stats import count_median, median, percentile
    letter = median([g.h for g in glyphs])
    high = percentile(areas, 90)
    typical = count_median(residuals)  # whole numbers >= 0, counted

np.median and np.percentile give the same values, but on floats they import numpy.ma on first use, a tenth
of a one-image `read`'s start; these partition the values instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def median(values: Sequence[float] | np.ndarray) -> float:
    """The median of the values (the mean of the middle two for an even count); nan when there are none."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    n = flat.size
    if n == 0:
        return math.nan
    half = n // 2
    if n % 2:
        return float(np.partition(flat, half)[half])
    low, high = np.partition(flat, (half - 1, half))[half - 1 : half + 1]
    return float((low + high) / 2)


def count_median(values: np.ndarray) -> float:
    """The median of non-negative whole numbers (as `median` gives it), found by counting them: linear in
    their number however many are equal, where partitioning a page of mostly equal values (blank paper's
    zero residuals) takes several times as long."""
    flat = np.asarray(values).ravel().astype(np.int64)
    n = flat.size
    if n == 0:
        return math.nan
    at_most = np.cumsum(np.bincount(flat))  # at_most[v]: how many values are v or less
    half = n // 2
    upper = int(np.searchsorted(at_most, half + 1))  # the sorted values' [half]
    if n % 2:
        return float(upper)
    return (int(np.searchsorted(at_most, half)) + upper) / 2


def percentile(values: Sequence[float] | np.ndarray, q: float) -> float:
    """The q-th percentile (0 to 100) with linear interpolation between the closest ranks, numpy's default."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    n = flat.size
    if n == 0:
        return math.nan
    share = q / 100
    index = n * share + (1 - share) - 1  # numpy's virtual index for its "linear" method
    below = min(max(math.floor(index), 0), n - 1)
    above = min(below + 1, n - 1)
    weight = index - math.floor(index)
    low, high = np.partition(flat, (below, above))[[below, above]]
    step = high - low
    return float(high - step * (1 - weight) if weight >= 0.5 else low + step * weight)
