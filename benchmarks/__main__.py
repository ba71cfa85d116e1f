"""Print the benchmark table: every figure beside its reference, measured in the same process.

    .venv/bin/python -m benchmarks [--quick] [--only core|pages|experiments] [--match TEXT]
                                   [--runs N] [--repeats N] [--profile TEXT] [--json]

Core rows hold ours against scipy / numpy to a ratio of 1.2; page rows hold the p50 of a warm
rerun to 50 ms (the Explorer) or 150 ms (every page); experiment rows have no target. ✓ and ✗
mark each row against its target. The numbers depend on the machine and on what else runs on
it: rerun a row that looks wrong before believing it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import time

import numpy as np
import scipy
import streamlit

from benchmarks import core, experiments, pages
from benchmarks.timing import Row, format_seconds

GROUPS = ("core", "pages", "experiments")
COLUMNS = (("what", 35, "<"), ("ours", 9, ">"), ("p95", 9, ">"), ("  reference", 30, "<"))
COLUMNS += (("ref", 9, ">"), ("ratio", 7, ">"), ("  target", 10, "<"), ("", 1, "<"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="few repeats and reruns, small experiments (~1 min)"
    )
    parser.add_argument(
        "--only", choices=GROUPS, action="append", help="run this group only (repeatable)"
    )
    parser.add_argument(
        "--match",
        metavar="TEXT",
        action="append",
        help="run only the rows whose name contains TEXT (any of them, if repeated)",
    )
    parser.add_argument("--runs", type=int, help="timed reruns per page (default 30; quick 4)")
    parser.add_argument(
        "--repeats", type=int, help="repeats of core rows and experiments (default 15 and 3)"
    )
    parser.add_argument(
        "--profile",
        metavar="TEXT",
        help="cProfile the page script in the timed reruns of the page rows whose name "
        "contains TEXT; printed to stderr (those rows' times include the profiler's overhead)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    for name in ("runs", "repeats"):
        value = getattr(args, name)
        if value is not None and not 1 <= value <= 1000:
            parser.error(f"--{name} must be 1 to 1000, got {value}")
    return args


def machine() -> dict[str, object]:
    """What the numbers depend on: versions, cores, and the load when the run started."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "streamlit": streamlit.__version__,
        "cpus": os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def headings(args: argparse.Namespace) -> dict[str, str]:
    quick = args.quick
    repeats_core = args.repeats or (3 if quick else 15)
    repeats_experiments = args.repeats or (1 if quick else 3)
    runs = args.runs or (4 if quick else 30)
    return {
        "core": "CORE — ours against the reference on identical inputs, T = "
        f"{core.TEMPERATURE:g}; median of {repeats_core} repeats, time per call; target on "
        "the ratio",
        "pages": "PAGES — one AppTest rerun after an interaction, warm caches (first run and one "
        f"cycle excluded); p50 and p95 of {runs} reruns, each paired with a rerun of the "
        "reference page; target on the p50",
        "experiments": f"EXPERIMENTS — as the app runs them; median of {repeats_experiments} "
        "(the quick ones of at least 3 or 5); no target"
        + (" — quick: large ones shrunk, see the notes" if quick else ""),
    }


def cells(row: Row) -> tuple[str, ...]:
    ratio = row.ratio
    mark = {True: "✓", False: "✗", None: ""}[row.passed]
    return (
        row.name,
        format_seconds(row.seconds),
        format_seconds(row.p95) if row.p95 is not None else "",
        "  " + (row.reference or "—"),
        format_seconds(row.reference_seconds),
        "—" if ratio is None else f"{ratio:.2f}",
        "  " + row.target,
        mark,
    )


def line(values: tuple[str, ...]) -> str:
    pairs = zip(values, COLUMNS, strict=True)
    parts = [f"{value:{align}{width}}" for value, (_, width, align) in pairs]
    return " ".join(parts).rstrip()


def table(rows: list[Row], args: argparse.Namespace, elapsed: float) -> str:
    """The plain-text table: a heading per group, a row per figure, its note after it."""
    info = machine()
    out = [
        "Softmax temperature explorer — benchmarks "
        f"(python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, "
        f"streamlit {info['streamlit']}; {info['cpus']} CPUs, load at start "
        + " ".join(f"{load:g}" for load in info["load_average"])  # type: ignore[union-attr]
        + ")",
        "Every figure is timed beside its reference in the same process; on a shared machine "
        "they are noisy: rerun a row before believing it.",
    ]
    titles = headings(args)
    for group in GROUPS:
        members = [row for row in rows if row.group == group]
        if not members:
            continue
        out += ["", titles[group], line(tuple(name for name, _, _ in COLUMNS))]
        for row in members:
            out.append(line(cells(row)) + (f"   {row.note}" if row.note else ""))
    judged = [row for row in rows if row.passed is not None]
    missed = [row.name for row in judged if not row.passed]
    out += [
        "",
        f"Targets: {len(judged) - len(missed)} of {len(judged)} met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
        + f". Took {elapsed:.0f} s.",
    ]
    return "\n".join(out)


def as_json(rows: list[Row], args: argparse.Namespace, elapsed: float) -> str:
    records = [dataclasses.asdict(row) | {"ratio": row.ratio} for row in rows]
    settings = {"quick": args.quick, "runs": args.runs, "repeats": args.repeats}
    return json.dumps(
        {"machine": machine(), "settings": settings, "seconds": elapsed, "rows": records},
        ensure_ascii=False,
        indent=1,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = args.only or GROUPS
    texts = [text.lower() for text in args.match or []]

    def selected(name: str) -> bool:
        return not texts or any(text in name.lower() for text in texts)

    start = time.perf_counter()
    rows: list[Row] = []
    if "core" in wanted:
        rows += core.run(args.quick, args.repeats, selected)
    if "pages" in wanted:
        rows += pages.run(args.quick, args.runs, args.profile, selected)
    if "experiments" in wanted:
        rows += experiments.run(args.quick, args.repeats, selected)
    elapsed = time.perf_counter() - start
    print(as_json(rows, args, elapsed) if args.json else table(rows, args, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
