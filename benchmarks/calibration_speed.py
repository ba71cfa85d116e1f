"""Time temperature scaling: fit_temperature and calibrate on the digits model and on large
random logits, and parse_upload on a CSV near the upload limit.

    .venv/bin/python -m benchmarks.calibration_speed [--repeats 3]

The digits model is trained first (about a second, not timed). The random logits are seeded
normal draws times 4, with the label the top class for 70% of the rows (so T is not at a bound):
100,000 × 100 to fit T on, and as many more to test it. fit_temperature runs on the validation
rows, calibrate on both. Timings are medians of the
repeats; they are not asserted in the tests, since they depend on the machine.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import numpy as np

from explorer.calibration import calibrate, fit_temperature
from explorer.digits import digits_experiment
from explorer.uploads import MAX_UPLOAD_BYTES, parse_upload


def median_ms(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def random_logits(rows: int, classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(rows, classes)) * 4
    labels = rng.integers(0, classes, rows)
    right = rng.random(rows) < 0.7
    labels[right] = logits[right].argmax(axis=1)
    return logits, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    experiment = digits_experiment()
    cases = {
        "digits (359 val / 360 test × 10)": (
            experiment.logits_val,
            experiment.split.y_val,
            experiment.logits_test,
            experiment.split.y_test,
        ),
    }
    logits, labels = random_logits(200_000, 100)
    half = len(labels) // 2
    cases["random 100,000 × 100 (and as many)"] = (
        logits[:half],
        labels[:half],
        logits[half:],
        labels[half:],
    )
    print(f"median of {args.repeats} repeats\n")
    print(f"{'data':<34} {'T':>8} {'fit (ms)':>10} {'calibrate (ms)':>15}")
    for name, (z_val, y_val, z_test, y_test) in cases.items():
        temperature = fit_temperature(z_val, y_val)
        fit = median_ms(lambda z=z_val, y=y_val: fit_temperature(z, y), args.repeats)
        report = median_ms(lambda c=(z_val, y_val, z_test, y_test): calibrate(*c), args.repeats)
        print(f"{name:<34} {temperature:>8.4f} {fit:>10.1f} {report:>15.1f}")
    logits, labels = random_logits(100_000, 10)
    buffer = io.StringIO()
    np.savetxt(buffer, np.column_stack([logits, labels]), delimiter=",", fmt="%.6f")
    data = buffer.getvalue().encode()[:MAX_UPLOAD_BYTES]
    data = data[: data.rindex(b"\n") + 1]
    parse = median_ms(lambda: parse_upload("logits.csv", data), args.repeats)
    rows = data.count(b"\n")
    print(f"\nparse_upload, CSV of {len(data) / 1e6:.1f} MB ({rows:,} rows × 11): {parse:.0f} ms")


if __name__ == "__main__":
    main()
