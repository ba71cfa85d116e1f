"""Core maths against scipy and numpy on identical inputs: softmax, log_softmax, sampling, curves.

Ours is called the way the app calls it (``softmax(z, T)``); the reference does the same sum by
hand the fastest way its library offers (``scipy.special.softmax(z / T)``). Both results are
compared before anything is timed, so a row never times two different computations.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.special

from benchmarks.timing import Row, Selected, everything, paired_medians
from explorer.core import log_softmax, softmax
from explorer.sampling import MAX_DRAWS, sample
from explorer.state import MAX_CLASSES
from explorer.temperature import curve_temperatures, temperature_curves

TEMPERATURE = 0.7
RATIO_TARGET = 1.2  # the target for softmax and sampling, at every size
SOFTMAX_SIZES = ((10,), (1_000,), (50_000,), (1_000, 1_000))  # 50,000: an LM's vocabulary
SAMPLE_CLASSES = (3, 50, 50_000)
CURVE_CLASSES = (MAX_CLASSES, 50_000)  # the Explorer's cap; an LM's vocabulary


def size_name(shape: tuple[int, ...]) -> str:
    """``n = 1,000`` or ``1,000 × 1,000 batch``."""
    if len(shape) == 1:
        return f"n = {shape[0]:,}"
    return " × ".join(f"{n:,}" for n in shape) + " batch"


def logits(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Seeded normal logits with the spread of a trained model's (standard deviation 3)."""
    return np.random.default_rng(seed).normal(scale=3.0, size=shape)


def _check_same(ours: np.ndarray, theirs: np.ndarray, what: str) -> None:
    if not np.allclose(ours, theirs, rtol=1e-9, atol=1e-300):
        raise AssertionError(f"{what}: ours and the reference disagree; the timing would be moot")


def _ratio_row(
    name: str,
    ours: Callable[[], object],
    reference: Callable[[], object],
    reference_name: str,
    repeats: int,
    min_seconds: float,
    note: str = "",
    target: float | None = RATIO_TARGET,
) -> Row:
    mine, theirs = paired_medians(ours, reference, repeats, min_seconds)
    passed = None if target is None else mine / theirs <= target
    return Row(
        group="core",
        name=name,
        seconds=mine,
        reference=reference_name,
        reference_seconds=theirs,
        target="" if target is None else f"≤ {target:g}×",
        passed=passed,
        note=note,
    )


def softmax_rows(repeats: int, min_seconds: float, selected: Selected = everything) -> list[Row]:
    """softmax and log_softmax at T = 0.7 against scipy's on z / 0.7."""
    rows = []
    for ours, theirs, label in (
        (softmax, scipy.special.softmax, "softmax"),
        (log_softmax, scipy.special.log_softmax, "log_softmax"),
    ):
        for shape in SOFTMAX_SIZES:
            name = f"{label}, {size_name(shape)}"
            if not selected(name):
                continue
            z = logits(shape)

            def mine(z=z, ours=ours):
                return ours(z, TEMPERATURE)

            def reference(z=z, theirs=theirs):
                return theirs(z / TEMPERATURE, axis=-1)

            _check_same(mine(), reference(), f"{label} {shape}")
            rows.append(
                _ratio_row(
                    name,
                    mine,
                    reference,
                    f"scipy {label}(z / {TEMPERATURE:g})",
                    repeats,
                    min_seconds,
                )
            )
    return rows


def sampling_rows(
    repeats: int, min_seconds: float, selected: Selected = everything, draws: int = MAX_DRAWS
) -> list[Row]:
    """explorer.sampling.sample against Generator.choice: same probabilities, same seed."""
    rows = []
    for n in SAMPLE_CLASSES:
        name = f"sample 10⁶ draws, n = {n:,}"
        if not selected(name):
            continue
        probs = np.random.default_rng(n).dirichlet(np.ones(n))

        def mine(probs=probs):
            return sample(probs, draws, rng=0)

        def reference(n=n, probs=probs):
            return np.random.default_rng(0).choice(n, size=draws, p=probs)

        rows.append(
            _ratio_row(
                name,
                mine,
                reference,
                "numpy Generator.choice",
                repeats,
                min_seconds,
                note="each call seeds a fresh generator",
            )
        )
    return rows


def scipy_curves(z: np.ndarray, temperatures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The curves the scipy way: one vectorised softmax over every T, entropy by entr."""
    probs = scipy.special.softmax(z[None, :] / temperatures[:, None], axis=1)
    return probs, scipy.special.entr(probs).sum(axis=1)


def curve_rows(
    repeats: int, min_seconds: float, big_repeats: int, selected: Selected = everything
) -> list[Row]:
    """temperature_curves (200 temperatures × every class, both limits, the entropy)."""
    temperatures = curve_temperatures()
    rows = []
    for n in CURVE_CLASSES:
        name = f"temperature curves, {n:,} classes"
        if not selected(name):
            continue
        z = logits((n,))
        curves = temperature_curves(z)
        probs, entropy_nats = scipy_curves(z, temperatures)
        _check_same(curves.probs, probs, f"curves n={n}")
        _check_same(curves.entropy_nats, entropy_nats, f"curve entropy n={n}")
        rows.append(
            _ratio_row(
                name,
                lambda z=z: temperature_curves(z),
                lambda z=z: scipy_curves(z, temperatures),
                "scipy, vectorised over T",
                repeats if n <= MAX_CLASSES else big_repeats,
                min_seconds,
                note=f"{len(temperatures)} temperatures × {n:,} classes",
                target=None,
            )
        )
    return rows


def run(quick: bool, repeats: int | None = None, selected: Selected = everything) -> list[Row]:
    """The core rows ``selected`` by name; ``quick`` takes few repeats, else a median of 15."""
    repeats = repeats or (3 if quick else 15)
    min_seconds = 0.002 if quick else 0.05
    big_repeats = 1 if quick else min(repeats, 5)
    return (
        softmax_rows(repeats, min_seconds, selected)
        + sampling_rows(repeats, min_seconds, selected)
        + curve_rows(repeats, min_seconds, big_repeats, selected)
    )
