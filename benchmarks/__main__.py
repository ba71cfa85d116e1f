"""Print the benchmark table: every figure beside its reference, measured in the same process.

    .venv/bin/python -m benchmarks [--quick] [--only core|pages|experiments|browser]
                                   [--match TEXT] [--runs N] [--repeats N] [--moves N]
                                   [--sessions N] [--profile TEXT] [--json]

Core rows hold ours against scipy / numpy to a ratio of 1.2; page rows hold the p50 of a warm
rerun to 50 ms (the Explorer) or 150 ms (every page); experiment rows have no target; browser
rows (benchmarks/browser.py, a headless Chromium) hold a key press → readout to 200 ms, a cold
start to 5 s and the sweep animation to 30 frames per second. ✓ and ✗ mark each row against its
target. The numbers depend on the machine and on what else runs on it: rerun a row that looks
wrong before believing it.
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

from benchmarks import browser, core, experiments, pages
from benchmarks.timing import Row, format_seconds

GROUPS = ("core", "pages", "experiments", "browser")
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
        "--moves", type=int, help="key presses timed per page in the browser (default 20; quick 5)"
    )
    parser.add_argument(
        "--sessions",
        type=int,
        help="browser sessions open for the last memory row (default 25; quick 3)",
    )
    parser.add_argument(
        "--profile",
        metavar="TEXT",
        help="cProfile the page script in the timed reruns of the page rows whose name "
        "contains TEXT; printed to stderr (those rows' times include the profiler's overhead)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    for name in ("runs", "repeats", "moves", "sessions"):
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
        "browser": "BROWSER — headless Chromium on `streamlit run app.py`; the reference is the "
        "same measurement on a minimal page (one slider, a metric, three bars) served beside "
        "it; target on the p50",
    }


def format_value(value: float | None, unit: str = "s") -> str:
    """A figure in its unit: seconds as :func:`format_seconds`, ``30.1 fps``, ``112 MiB``."""
    if value is None or unit == "s":
        return format_seconds(value)
    if unit == "fps":
        return f"{value:.3g} fps"
    if unit == "bytes":
        return f"{value / 2**20:.0f} MiB"
    raise ValueError(f"unknown unit {unit!r}")


def cells(row: Row) -> tuple[str, ...]:
    ratio = row.ratio
    mark = {True: "✓", False: "✗", None: ""}[row.passed]
    unit = getattr(row, "unit", "s")
    return (
        row.name,
        format_value(row.seconds, unit),
        format_value(row.p95, unit) if row.p95 is not None else "",
        "  " + (row.reference or "—"),
        format_value(row.reference_seconds, unit),
        "—" if ratio is None else f"{ratio:.2f}",
        "  " + row.target,
        mark,
    )


def line(values: tuple[str, ...]) -> str:
    pairs = zip(values, COLUMNS, strict=True)
    parts = [f"{value:{align}{width}}" for value, (_, width, align) in pairs]
    return " ".join(parts).rstrip()


def loads(values: object) -> str:
    return " ".join(f"{load:g}" for load in values)  # type: ignore[attr-defined]


def table(
    rows: list[Row],
    args: argparse.Namespace,
    elapsed: float,
    skipped: dict[str, str],
    info: dict[str, object] | None = None,
) -> str:
    """The plain-text table: a heading per group, a row per figure, its note after it.

    ``info`` is :func:`machine` as the run started (read now if not given), with the load at
    the end of the run under "load_average_end" if known.
    """
    info = machine() if info is None else info
    end = info.get("load_average_end")
    out = [
        "Softmax temperature explorer — benchmarks "
        f"(python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, "
        f"streamlit {info['streamlit']}; {info['cpus']} CPUs, load at start "
        + loads(info["load_average"])
        + ("" if end is None else f", at end {loads(end)}")
        + ")",
        "Every figure is timed beside its reference in the same process; on a shared machine "
        "they are noisy: rerun a row before believing it.",
    ]
    titles = headings(args)
    for group in GROUPS:
        if group in skipped:
            out += ["", f"{group.upper()} — {skipped[group]}"]
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


def as_json(
    rows: list[Row],
    args: argparse.Namespace,
    elapsed: float,
    skipped: dict[str, str],
    info: dict[str, object] | None = None,
) -> str:
    records = [{"unit": "s"} | dataclasses.asdict(row) | {"ratio": row.ratio} for row in rows]
    settings = {
        name: getattr(args, name) for name in ("quick", "runs", "repeats", "moves", "sessions")
    }
    info = machine() if info is None else info
    report = {"machine": info, "settings": settings, "seconds": elapsed, "rows": records}
    return json.dumps(
        report | {"skipped": skipped},
        ensure_ascii=False,
        indent=1,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = args.only or GROUPS
    texts = [text.lower() for text in args.match or []]

    def selected(name: str) -> bool:
        return not texts or any(text in name.lower() for text in texts)

    info = machine()  # the load as the run starts: it says how noisy the figures will be
    start = time.perf_counter()
    rows: list[Row] = []
    if "core" in wanted:
        rows += core.run(args.quick, args.repeats, selected)
    if "pages" in wanted:
        rows += pages.run(args.quick, args.runs, args.profile, selected)
    if "experiments" in wanted:
        rows += experiments.run(args.quick, args.repeats, selected)
    skipped: dict[str, str] = {}
    if "browser" in wanted:
        try:
            rows += browser.run(args.quick, args.moves, args.sessions, selected)
        except browser.BrowserUnavailable as missing:
            skipped["browser"] = f"skipped: {missing}"
            print(f"browser rows skipped: {missing}", file=sys.stderr)
    elapsed = time.perf_counter() - start
    info["load_average_end"] = [round(load, 2) for load in os.getloadavg()]
    out = as_json if args.json else table
    print(out(rows, args, elapsed, skipped, info))
    return 1 if skipped and os.environ.get("CI") == "true" else 0


if __name__ == "__main__":
    sys.exit(main())
