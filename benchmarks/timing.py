"""How the benchmarks time things: paired repeats, medians, percentiles, and one table row.

Every figure is measured beside its reference in the same process, and the two are timed in
alternation (ours, theirs, theirs, ours, …) so that a burst of load from elsewhere on the
machine falls on both rather than on one.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Which rows to run, by name (``python -m benchmarks --match``).
Selected = Callable[[str], bool]

#: Calls a single repeat may loop over, so that a microsecond call is timed over many calls.
MAX_LOOPS = 100_000


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure of ours, its reference and the target it is held to.

    Times are in seconds. ``seconds`` is the median of the repeats (core, experiments) or the
    p50 of the reruns (pages); ``p95`` is given for pages only. ``passed`` is None when the row
    has no target.
    """

    group: str  # "core", "pages" or "experiments"
    name: str
    seconds: float
    reference: str = ""  # what the figure is measured beside; "" when nothing fits
    reference_seconds: float | None = None
    p95: float | None = None
    target: str = ""  # "≤ 1.2×" (a ratio) or "≤ 50 ms" (the p50 of the reruns)
    passed: bool | None = None
    note: str = ""  # what was measured, when the name does not say it all

    @property
    def ratio(self) -> float | None:
        """Ours / reference, or None without a reference."""
        if self.reference_seconds is None or self.reference_seconds <= 0:
            return None
        return self.seconds / self.reference_seconds


def everything(name: str) -> bool:
    """Select every row."""
    return True


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0 … 100), linear between the order statistics."""
    return float(np.percentile(np.asarray(values, dtype=float), q))


def _time_loops(run: Callable[[], object], loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        run()
    return time.perf_counter() - start


def loops_for(run: Callable[[], object], min_seconds: float) -> int:
    """How many calls make one repeat last at least ``min_seconds`` (after one warm-up call)."""
    run()
    once = _time_loops(run, 1)
    if once >= min_seconds:
        return 1
    return min(MAX_LOOPS, math.ceil(min_seconds / max(once, 1e-9)))


def paired_medians(
    ours: Callable[[], object],
    reference: Callable[[], object],
    repeats: int,
    min_seconds: float = 0.0,
) -> tuple[float, float]:
    """Median seconds per call of ``ours`` and ``reference``, timed in alternation.

    With ``min_seconds`` > 0, each is called once to warm up and each repeat loops over enough
    calls to last ``min_seconds``, with the garbage collector off as in :mod:`timeit`. With 0
    (long experiments, which run as the app runs them), each repeat is one call, no warm-up.
    """
    loops = (1, 1)
    collecting = gc.isenabled()
    if min_seconds > 0:
        loops = (loops_for(ours, min_seconds), loops_for(reference, min_seconds))
        gc.disable()
    samples: tuple[list[float], list[float]] = ([], [])
    try:
        for repeat in range(repeats):
            order = (0, 1) if repeat % 2 == 0 else (1, 0)
            for which in order:
                run = (ours, reference)[which]
                samples[which].append(_time_loops(run, loops[which]) / loops[which])
    finally:
        if collecting:
            gc.enable()
    return statistics.median(samples[0]), statistics.median(samples[1])


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median seconds of ``repeats`` calls of ``run`` (no warm-up: for long experiments)."""
    return statistics.median(_time_loops(run, 1) for _ in range(repeats))


def format_seconds(seconds: float | None) -> str:
    """Three significant figures, in µs, ms or s: ``12.3 µs``, ``4.56 ms``, ``1.23 s``."""
    if seconds is None:
        return "—"
    for scale, unit in ((1e-6, "µs"), (1e-3, "ms")):
        if seconds < 999.5 * scale:  # 999.7 µs would round to "1e+03 µs"
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"
