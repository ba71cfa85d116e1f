"""What every page's AppTest needs: a session on the app, widgets to drive, charts to read."""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


def run(at: AppTest) -> AppTest:
    """Rerun, and fail with the traceback if the page raised."""
    at.run()
    assert not at.exception, [(e.message, e.stack_trace[-3:]) for e in at.exception]
    return at


def start(page: str | None = None, **query: str) -> AppTest:
    """A fresh session on app.py, opened from a link with ``query``, on ``page`` if given."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    if page is not None:
        at.switch_page(page)  # straight to the page, as a link to it does
    return run(at)


def set_widget(at: AppTest, key: str, value) -> AppTest:
    at.get_by_key(key).set_value(value)
    return run(at)


def decode(value) -> np.ndarray:
    """A plotly number array: a plain list, or {"dtype", "bdata"(, "shape")} base64."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.astype(float)
    return np.array([math.nan if v is None else v for v in value], dtype=float)


def chart(at: AppTest, index: int = 0) -> dict:
    """The index-th plotly figure on the page, as plotly JSON."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def plain(text: str) -> str:
    """Messages are markdown-escaped (a backslash before punctuation); undo that."""
    return re.sub(r"\\(.)", r"\1", text)


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def notices(at: AppTest) -> list[str]:
    return [plain(i.value) for i in at.info]


def query(at: AppTest, name: str) -> str:
    """The page's link parameter ``name`` (the last value if repeated)."""
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value
