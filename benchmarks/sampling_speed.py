"""Time a million draws with explorer.sampling.sample beside numpy's own Generator.choice.

    .venv/bin/python -m benchmarks.sampling_speed [--repeats 7] [--size 1000000]

Both run in the same process on the same probabilities (a seeded Dirichlet draw), each from a
fresh seeded generator, for n = 3, 50 and 50,000 classes; the table gives the median of the
repeats and the ratio ours / numpy. Timings are not asserted in the tests: they depend on the
machine, so this script reports them instead.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from explorer.sampling import MAX_DRAWS, sample


def median_ms(run, repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--size", type=int, default=MAX_DRAWS)
    args = parser.parse_args()
    print(f"{args.size:,} draws, median of {args.repeats} repeats\n")
    print(f"{'classes':>8} {'sample (ms)':>12} {'numpy choice (ms)':>18} {'ours / numpy':>13}")
    for n in (3, 50, 50_000):
        probs = np.random.default_rng(n).dirichlet(np.ones(n))
        ours = median_ms(lambda probs=probs: sample(probs, args.size, rng=0), args.repeats)
        theirs = median_ms(
            lambda n=n, probs=probs: np.random.default_rng(0).choice(n, size=args.size, p=probs),
            args.repeats,
        )
        print(f"{n:>8,} {ours:>12.1f} {theirs:>18.1f} {ours / theirs:>13.2f}")


if __name__ == "__main__":
    main()
