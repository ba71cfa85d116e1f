"""The Explorer's numbers to take away: CSV, JSON, and a NumPy snippet that reproduces them.

Pure functions of an :class:`~explorer.state.ExplorerState` (no Streamlit). Numbers are written
in full (shortest round-trip form), so a reader gets back exactly the floats the page shows.
Labels are user text: they are quoted as data in every format, never run.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np

from explorer.checks import check_real
from explorer.core import entropy, softmax
from explorer.state import ExplorerState

#: The CSV's columns; temperature and entropy (at that T) repeat on every row.
COLUMNS = ("label", "logit", "probability", "probability_at_T1", "temperature", "entropy_nats")
#: A spreadsheet cell starting with one of these is run as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: How much bigger each pixel of a downloaded chart image is than on screen.
IMAGE_SCALE = 2


def file_stem(temperature: float) -> str:
    """``softmax-T-1.5``: the name of every file exported at ``temperature`` (``inf`` for ∞).

    >>> file_stem(1.5), file_stem(0.0), file_stem(1e-5), file_stem(math.inf)
    ('softmax-T-1.5', 'softmax-T-0', 'softmax-T-1e-05', 'softmax-T-inf')
    """
    value = check_real(temperature, "temperature")
    if not value >= 0:  # NaN fails too
        raise ValueError(f"temperature must be ≥ 0, got {value!r}")
    return f"softmax-T-{value:g}"


def image_options(temperature: float) -> dict[str, object]:
    """Plotly's ``toImageButtonOptions``: the toolbar's camera saves ``softmax-T-<T>.png``."""
    return {"format": "png", "filename": file_stem(temperature), "scale": IMAGE_SCALE}


def _check_state(state: object) -> ExplorerState:
    if not isinstance(state, ExplorerState):
        raise TypeError(f"state must be an ExplorerState, got {type(state).__name__}")
    return state


def rows(state: ExplorerState) -> list[dict[str, object]]:
    """One dict per class: label, logit, probability at the state's T and at T = 1."""
    _check_state(state)
    at_temperature, at_one = state.probs, softmax(state.logits)
    return [
        {
            "label": label,
            "logit": float(logit),
            "probability": float(p),
            "probability_at_T1": float(p1),
        }
        for label, logit, p, p1 in zip(
            state.labels, state.logits, at_temperature, at_one, strict=True
        )
    ]


def spreadsheet_safe(label: str) -> str:
    """``label``, with a leading ``'`` if a spreadsheet would otherwise run it as a formula.

    >>> spreadsheet_safe("cat"), spreadsheet_safe("=1+2"), spreadsheet_safe("-x")
    ('cat', "'=1+2", "'-x")
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a text, got {type(label).__name__}")
    return "'" + label if label.startswith(_FORMULA_STARTS) else label


def to_csv(state: ExplorerState) -> str:
    """The classes as CSV (RFC 4180 quoting, CRLF lines), with the header :data:`COLUMNS`.

    Numbers are Python's shortest round-trip form: ``-inf`` for a masked logit, ``inf`` for
    T = ∞. Labels that a spreadsheet would run as formulas start with ``'`` (see
    :func:`spreadsheet_safe`).
    """
    entropy_nats = repr(float(entropy(_check_state(state).probs)))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows(state):
        writer.writerow(
            [
                spreadsheet_safe(row["label"]),
                repr(row["logit"]),
                repr(row["probability"]),
                repr(row["probability_at_T1"]),
                repr(float(state.temperature)),
                entropy_nats,
            ]
        )
    return buffer.getvalue()


def _json_number(value: float) -> float | str:
    """Standard JSON has no infinities: ``"Infinity"`` / ``"-Infinity"``, which both
    Python's ``float()`` and JavaScript's ``Number()`` read back."""
    return value if math.isfinite(value) else ("Infinity" if value > 0 else "-Infinity")


def to_json(state: ExplorerState) -> str:
    """``{"temperature", "entropy_nats", "classes": [{label, logit, probability,
    probability_at_T1}, …]}`` as strict JSON (infinities as strings, see :func:`_json_number`).
    """
    document = {
        "temperature": _json_number(float(_check_state(state).temperature)),
        "entropy_nats": float(entropy(state.probs)),
        "classes": [
            {name: _json_number(value) if name != "label" else value for name, value in row.items()}
            for row in rows(state)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)


def _float_literal(value: float) -> str:
    return "-np.inf" if value == -math.inf else repr(float(value))


def _wrapped(opening: str, items: list[str], closing: str, width: int = 79) -> list[str]:
    """``opening item, item, … closing`` on one line, or one indented block of lines no wider
    than ``width`` (an item is never split)."""
    line = opening + ", ".join(items) + closing
    if len(line) <= width:
        return [line]
    rows, row = [], "   "
    for item in items:
        if len(row) + len(item) + 2 > width and row.strip():
            rows.append(row)
            row = "   "
        row += f" {item},"
    return [opening, *rows, row, closing]


def numpy_snippet(state: ExplorerState) -> str:
    """Python that computes exactly the probabilities the page shows (bit for bit), with numpy.

    The arithmetic is :func:`explorer.core.softmax`'s, written out for this state only: the
    greedy limit at T = 0, uniform over unmasked classes at T = ∞, otherwise "subtract the
    largest, divide by T, exponentiate, normalise" (with the float-range care of
    ``explorer.core`` only where these logits need it). Labels are Python string literals.
    """
    temperature = float(_check_state(state).temperature)
    lines = [
        "import numpy as np",
        "",
        *_wrapped("labels = [", [repr(str(label)) for label in state.labels], "]"),
    ]
    if state.input_mode == "probabilities":
        lines.append("# the probabilities as typed, turned into logits log p")
    lines += _wrapped("logits = np.array([", list(map(_float_literal, state.logits)), "])")
    if temperature == 0:
        lines += [
            "",
            "# T = 0, greedy: ties for the largest logit share it all",
            "top = (logits == logits.max()).astype(float)",
            "probs = top / top.sum()",
        ]
    elif math.isinf(temperature):
        lines += [
            "",
            "# T = inf: equal shares for every unmasked (finite) logit",
            "kept = np.isfinite(logits).astype(float)",
            "probs = kept / kept.sum()",
        ]
    else:
        lines += [f"T = {temperature!r}", "", *_stable_softmax_lines(state.logits, temperature)]
    lines += ["", "print(dict(zip(labels, probs.tolist())))"]
    return "\n".join(lines) + "\n"


def _stable_softmax_lines(logits: tuple[float, ...], temperature: float) -> list[str]:
    """softmax(logits / T) for 0 < T < ∞, as few lines as these logits allow."""
    z = np.asarray(logits, dtype=float)
    with np.errstate(over="ignore"):
        gaps = z - z.max()
        spread_overflows = bool((np.isneginf(gaps) & np.isfinite(z)).any())
        scaled = gaps / temperature
        quotient_overflows = bool((np.isinf(scaled) & np.isfinite(gaps)).any())
    comment = "# subtract the largest logit first so exp cannot overflow"
    if spread_overflows:
        body = [
            "gaps = logits - logits.max()",
            "# gaps beyond 1.8e308: computed from halves",
            "halves = (logits * 0.5 - logits.max() * 0.5) / T * 2.0",
            "scaled = np.where(np.isneginf(gaps) & np.isfinite(logits), halves, gaps / T)",
            "weights = np.exp(scaled)",
        ]
    else:
        body = ["weights = np.exp((logits - logits.max()) / T)"]
    if spread_overflows or quotient_overflows:
        guard = 'with np.errstate(over="ignore"):  # too large: -inf, whose exp is 0'
        body = [guard, *("    " + line for line in body)]
    return [comment, *body, "probs = weights / weights.sum()"]
