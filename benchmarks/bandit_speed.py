"""Time the 10-armed testbed (2,000 runs × 1,000 steps) per policy, beside a numpy reference.

    .venv/bin/python -m benchmarks.bandit_speed [--repeats 3] [--runs 2000] [--steps 1000]

Each policy of the default comparison runs from the same seed; the table gives the median of
the repeats and the ratio against a reference measured in the same process: drawing the same
random numbers with numpy alone (runs × steps uniforms and normals, plus the testbed's q*), the
least any simulation of this size must do. The last line times the whole comparison.
Timings are not asserted in the tests: they depend on the machine, so this script reports them.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from explorer.bandit import DEFAULT_EPSILONS, DEFAULT_TEMPERATURES, compare, run_bandit


def median_seconds(run, repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def same_draws(runs: int, steps: int, arms: int) -> None:
    rng = np.random.default_rng(0)
    rng.standard_normal((runs, arms))
    for _ in range(steps):
        rng.random(runs)
        rng.standard_normal(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()
    size = dict(runs=args.runs, steps=args.steps)
    reference = median_seconds(lambda: same_draws(args.runs, args.steps, 10), args.repeats)
    print(f"{args.runs:,} runs × {args.steps:,} steps, 10 arms, median of {args.repeats}")
    print(f"numpy reference (the same random draws only): {reference:.3f} s\n")
    print(f"{'policy':<22} {'seconds':>8} {'/ reference':>12}")
    policies = [("softmax", t) for t in DEFAULT_TEMPERATURES]
    policies += [("epsilon-greedy", e) for e in DEFAULT_EPSILONS]
    for policy, parameter in policies:
        seconds = median_seconds(
            lambda policy=policy, parameter=parameter: run_bandit(policy, parameter, **size),
            args.repeats,
        )
        label = run_bandit(policy, parameter, runs=1, steps=1).label
        print(f"{label:<22} {seconds:>8.3f} {seconds / reference:>12.1f}")
    start = time.perf_counter()
    compare(**size)
    print(f"\nwhole comparison ({len(policies)} policies): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
