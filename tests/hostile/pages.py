"""Every page's link parameters, an independent judge of each value, and hostile values.

The judges are written from the state modules' documented rules (ranges, choices, lengths),
not from their code: a value the rules call bad must be refused (a notice, the field as if the
parameter were absent); a value they call good must be taken as that value; for a few values
the rules leave open (``1_0``, full-width digits, a label with a control character) either is
allowed, as long as the page is consistent.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from explorer import applications_state, physics_state, presentation, quiz_state, sampling_state
from explorer import state as explorer_state
from explorer.quiz import KEYS as QUIZ_KEYS
from explorer.temperature import TEMPERATURE_STOPS
from explorer.units import UNITS


class _Refuse:
    def __repr__(self) -> str:
        return "REFUSE"


class _Either:
    def __repr__(self) -> str:
        return "EITHER"


REFUSE, EITHER = _Refuse(), _Either()


@dataclass(frozen=True)
class Accept:
    value: object


@dataclass(frozen=True)
class Partly:
    """A notice, and yet the field takes ``value`` (the part of the text that was good)."""

    value: object


Verdict = _Refuse | _Either | Accept | Partly
Judge = Callable[[str], Verdict]

# --- judges -------------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ASCII_SPACE = " \t\n\r\f\v"


def number(
    low: float,
    high: float,
    integer: bool = False,
    stops: tuple[float, ...] | None = None,
    step: float | None = None,
    power_of_two: bool = False,
) -> Judge:
    """A number in [low, high] written in ASCII decimal (a whole one if ``integer``), on
    ``stops`` or a multiple of ``step`` if given; NaN and ±inf are never in range."""

    def judge(raw: str) -> Verdict:
        text = raw.strip()  # whitespace around, as Python counts it (\x1c–\x1f too)
        pattern = _INT if integer else _FLOAT
        if not pattern.fullmatch(text):
            if integer and _FLOAT.fullmatch(text):
                value = float(text)  # 2.5 is not whole; 2.0 or 1e3 may be read as whole
                return EITHER if value.is_integer() and low <= value <= high else REFUSE
            try:
                value = float(text)  # Python's own idea of a number: 1_0, ١٢, "inf", " 5 "
            except ValueError:
                return REFUSE
            return EITHER if math.isfinite(value) and low <= value <= high else REFUSE
        if integer and len(text) > 30:
            return REFUSE  # far beyond every range (and int() refuses over 4,300 digits)
        value = int(text) if integer else float(text)
        if not (low <= value <= high) or (not integer and not math.isfinite(value)):
            return REFUSE
        if stops is not None and value not in stops:
            return REFUSE
        if step is not None:
            steps = round(value / step)
            if abs(steps * step - value) > 1e-9 * max(1.0, value):
                return REFUSE
            value = round(steps * step, 2)
        if power_of_two and value & (value - 1):
            return REFUSE
        return Accept(value)

    return judge


def flag(raw: str) -> Verdict:
    """0 or 1, nothing else."""
    return Accept(raw == "1") if raw in ("0", "1") else REFUSE


def choice(options: tuple[str, ...]) -> Judge:
    """Exactly one of ``options`` (case and spaces matter)."""
    return lambda raw: Accept(raw) if raw in options else REFUSE


def text_up_to(limit: int, exact: bool = True) -> Judge:
    """Any text up to ``limit`` characters (taken as it is if ``exact``)."""

    def judge(raw: str) -> Verdict:
        if len(raw) > limit:
            return REFUSE
        return Accept(raw) if exact else EITHER

    return judge


_NUMBER_LIST_CHARS = re.compile(r"[\w\s,;.+\-−∞()\[\]]*")


def numbers(limit: int, count: tuple[int, int], low: float, high: float) -> Judge:
    """A list of ``count`` numbers in [low, high] by commas, at most ``limit`` characters: text
    with characters no number list has (letters aside), or too long, is refused."""

    def judge(raw: str) -> Verdict:
        if len(raw) > limit or not _NUMBER_LIST_CHARS.fullmatch(raw):
            return REFUSE
        parts = [p for p in re.split(r"[,\s]+", raw.strip(_ASCII_SPACE)) if p]
        if parts and all(_FLOAT.fullmatch(p) for p in parts):
            values = [float(p) for p in parts]
            fine = all(low <= v <= high for v in values)  # NaN is never in range
            return EITHER if fine and count[0] <= len(values) <= count[1] else REFUSE
        return EITHER

    return judge


def present(raw: str) -> Verdict:
    """present=: 1/true/yes/on or 0/false/no/off/empty, any case, spaces around allowed."""
    word = raw.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return Accept(True)
    if word in ("0", "false", "no", "off", ""):
        return Accept(False)
    return REFUSE


def hide(raw: str) -> Verdict:
    """hide=: control names by commas (any case); any unknown name gets a notice, and a text
    longer than MAX_HIDE_CHARS is refused whole."""
    if len(raw) > presentation.MAX_HIDE_CHARS:
        return REFUSE
    names = {name.strip().lower() for name in raw.split(",")} - {""}
    known = tuple(name for name in presentation.HIDEABLE if name in names)
    return Partly(known) if names - set(known) else Accept(known)


# --- pages --------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Param:
    name: str
    store: str  # the session-state key of the state object holding it
    field: str
    judge: Judge
    good: str | None  # a valid, non-default value (None: left out of good links)
    depends: tuple[str, ...] = ()  # parameters whose fields follow this one's value
    partial: bool = False  # a notice may leave part of it applied (hide=: the names known)
    widget: str | None = None  # the key of the widget that shows the field as it is

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


@dataclass(frozen=True, repr=False)
class Page:
    name: str
    path: str
    section: str | None  # the parameter choosing a view or section
    sections: tuple[str, ...]
    params: tuple[Param, ...]
    from_query: Callable  # params → state, notices (the page's own link parser)
    store: str
    slow: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # section → params kept good

    def __repr__(self) -> str:
        return f"Page({self.name!r})"

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def good(self, section: str | None = None, without: tuple[str, ...] = ()) -> dict[str, str]:
        link = {p.name: p.good for p in self.params if p.name not in without and p.good}
        if self.section is not None and self.section not in without:
            link[self.section] = section or self.sections[0]
        return link


EXPLORER, SAMPLING = "explorer_state", "sampling_state"
PHYSICS, APPLICATIONS, QUIZ, SHOWN = (
    "physics_state",
    "applications_state",
    "quiz_state",
    "presentation",
)
MAX_T = explorer_state.MAX_TEMPERATURE
PRESENTATION = (
    Param("present", SHOWN, "on", present, "1"),
    Param("hide", SHOWN, "hidden", hide, "formula,mistakes", partial=True),
)
DISTRIBUTION = (
    Param(
        "z",
        EXPLORER,
        "logits",
        numbers(600, (2, 12), -math.inf, sys.float_info.max),
        "3,1,-2",
        ("labels",),
    ),
    Param("labels", EXPLORER, "labels", text_up_to(600, exact=False), "u,v,w"),
    Param("T", EXPLORER, "temperature", number(0, MAX_T), "0.5", widget="x_temperature_exact"),
)

PAGES = {
    "explorer": Page(
        "explorer",
        "explorer/views/explorer_page.py",
        "view",
        explorer_state.VIEWS,
        (
            *DISTRIBUTION,
            Param(
                "T2", EXPLORER, "compare_temperature", number(0, 100, stops=TEMPERATURE_STOPS), "4"
            ),
            Param(
                "mode",
                EXPLORER,
                "input_mode",
                choice(explorer_state.INPUT_MODES),
                "probabilities",
                widget="x_mode",
            ),
            Param("view", EXPLORER, "view", choice(explorer_state.VIEWS), "curves"),
            # An image's logits replace the link's (the image decides): no good value here, so
            # that z and labels can survive; img=7 is in tests/views.
            Param("img", EXPLORER, "digit", number(0, 359, integer=True), None, ("z", "labels")),
            *PRESENTATION,
        ),
        explorer_state.from_query,
        EXPLORER,
    ),
    "sampling": Page(
        "sampling",
        "explorer/views/sampling_page.py",
        "sec",
        sampling_state.SECTIONS,
        (
            *DISTRIBUTION,
            Param(
                "sec",
                SAMPLING,
                "section",
                choice(sampling_state.SECTIONS),
                "draws",
                widget="s_section",
            ),
            Param(
                "seed", SAMPLING, "seed", number(0, 2**32 - 1, integer=True), "7", widget="s_seed"
            ),
            Param(
                "N", SAMPLING, "draws", number(1, 1_000_000, integer=True), "500", widget="s_draws"
            ),
            Param("k", SAMPLING, "top_k", number(0, 1000, integer=True), "2", widget="s_top_k"),
            Param("p", SAMPLING, "top_p", number(0.01, 1), "0.8", widget="s_top_p"),
            Param("minp", SAMPLING, "min_p", number(0, 1), "0.05", widget="s_min_p"),
            Param("tlast", SAMPLING, "temperature_last", flag, "1", widget="s_tlast"),
            Param(
                "tau",
                SAMPLING,
                "tau",
                number(0.01, 100, stops=TEMPERATURE_STOPS[1:]),
                "2",
                widget="s_tau",
            ),
            Param("prompt", SAMPLING, "prompt", text_up_to(200), "Th", widget="s_prompt"),
            Param("order", SAMPLING, "order", number(1, 8, integer=True), "3", widget="s_order"),
            Param(
                "len", SAMPLING, "length", number(1, 2000, integer=True), "40", widget="s_length"
            ),
            Param("Ts", SAMPLING, "text_temperatures", numbers(10_000, (1, 4), 0, 100), "0.5,2"),
            *PRESENTATION,
        ),
        sampling_state.from_query,
        SAMPLING,
    ),
    "physics": Page(
        "physics",
        "explorer/views/physics_page.py",
        "pview",
        physics_state.VIEWS,
        (
            Param(
                "psys",
                PHYSICS,
                "system",
                choice(physics_state.SYSTEMS),
                "custom",
                ("pE", "pg", "punit"),
                widget="p_system",
            ),
            Param("punit", PHYSICS, "unit", choice(UNITS), "eV", ("pE",), widget="p_unit"),
            Param(
                "pE",
                PHYSICS,
                "energies",
                numbers(3000, (2, 80), -1e12, 1e12),
                "0,0.01,0.03",
                ("pg",),
            ),
            Param("pg", PHYSICS, "degeneracies", numbers(3000, (2, 80), 0, 1e12), "1,3,5"),
            Param("pK", PHYSICS, "kelvin", number(1e-6, 1e9), "500", widget="p_kelvin_exact"),
            Param(
                "pN",
                PHYSICS,
                "particles",
                number(1, physics_state.MAX_PARTICLES, integer=True),
                "50",
                widget="p_n",
            ),
            Param(
                "pseed", PHYSICS, "seed", number(0, 2**32 - 1, integer=True), "3", widget="p_seed"
            ),
            Param("pview", PHYSICS, "view", choice(physics_state.VIEWS), "thermo", widget="p_view"),
            *PRESENTATION,
        ),
        physics_state.from_query,
        PHYSICS,
    ),
    "applications": Page(
        "applications",
        "explorer/views/applications_page.py",
        "sec",
        applications_state.SECTIONS,
        (
            Param(
                "sec",
                APPLICATIONS,
                "section",
                choice(applications_state.SECTIONS),
                "calibration",
                widget="a_section",
            ),
            Param(
                "calT",
                APPLICATIONS,
                "manual_temperature",
                number(0.1, 10, step=0.01),
                "1.5",
                widget="a_calT",
            ),
            Param("bins", APPLICATIONS, "bins", number(5, 50, integer=True), "10", widget="a_bins"),
            Param(
                "kdimg", APPLICATIONS, "image", number(0, 359, integer=True), "5", widget="a_img"
            ),
            Param(
                "kdT",
                APPLICATIONS,
                "kd_temperature",
                number(0.1, 20, step=0.1),
                "2.0",
                widget="a_kdT",
            ),
            Param(
                "seed",
                APPLICATIONS,
                "seed",
                number(0, 2**32 - 1, integer=True),
                "3",
                widget="a_seed",
            ),
            Param(
                "runs", APPLICATIONS, "runs", number(1, 2000, integer=True), "20", widget="a_runs"
            ),
            Param(
                "steps",
                APPLICATIONS,
                "steps",
                number(1, 2000, integer=True),
                "50",
                widget="a_steps",
            ),
            Param(
                "Ts", APPLICATIONS, "bandit_temperatures", numbers(10_000, (1, 8), 0, 100), "0.1,1"
            ),
            Param(
                "d",
                APPLICATIONS,
                "dimension",
                number(1, 4096, integer=True, power_of_two=True),
                "16",
                widget="a_d",
            ),
            Param("keys", APPLICATIONS, "keys", number(2, 64, integer=True), "8", widget="a_keys"),
            *PRESENTATION,
        ),
        applications_state.from_query,
        APPLICATIONS,
        # The page's default bandit (2000 runs × 1000 steps) takes ~10 s: on the exploration
        # section these stay small; the other sections parse them all the same.
        slow={"exploration": ("runs", "steps", "seed", "Ts")},
    ),
    "quiz": Page(
        "quiz",
        "explorer/views/quiz_page.py",
        None,
        ("",),
        (
            Param(
                "q",
                QUIZ,
                "question",
                choice(QUIZ_KEYS),
                QUIZ_KEYS[3],
                ("show",),
                widget="q_question",
            ),
            Param("show", QUIZ, "show", flag, "1"),
            *PRESENTATION,
        ),
        quiz_state.from_query,
        QUIZ,
    ),
}


def parse_link(page: Page, link: Mapping[str, str | list[str]]) -> tuple[dict, list[str]]:
    """The states a page builds from ``link`` (keyed by session-state key) and its notices,
    through the pure parsers the page calls: the shared distribution's, the page's own, and
    presentation mode's."""
    states, notices = {}, []
    if any(p.store == EXPLORER for p in page.params):
        states[EXPLORER], said = explorer_state.from_query(link)
        notices += said
    if page.store != EXPLORER:
        states[page.store], said = page.from_query(link)
        notices += said
    states[SHOWN], said = presentation.from_query(link)
    return states, notices + said


def field_of(states: Mapping[str, object], param: Param) -> object:
    return getattr(states[param.store], param.field)


# --- hostile values -------------------------------------------------------------------------


def received(wire: str) -> str:
    """What Streamlit hands the page for ``?x=<wire>``: parse_qs decodes percent-escapes as
    UTF-8 with errors replaced (so invalid UTF-8 becomes U+FFFD, never a lone surrogate)."""
    return parse_qs(f"x={wire}", keep_blank_values=True)["x"][-1]


#: Name → the value as the page receives it (a list: the parameter repeated in the link).
HOSTILE: dict[str, str | list[str]] = {
    "empty": "",
    "space": " ",
    "nul": "\x00",
    "nul-in-number": "1\x002",
    "controls": "\x01\x08\x1b[31m\x7f",
    "newline": "1\n2",
    "rtl-override": "\u202e1.5",
    "rtl-mark": "\u200f2",
    "zero-width": "1\u200b",
    "bom": "\ufeff3",
    "emoji": "🔥",
    "keycap-emoji": "1️⃣",
    "invalid-utf8": received("%ff%fe"),
    "overlong-utf8": received("%c0%af"),
    "surrogate-utf8": received("%ed%a0%80"),
    "cut-utf8": received("1%e2%82"),
    "nan": "nan",
    "NaN": "NaN",
    "inf": "inf",
    "-inf": "-inf",
    "Infinity": "Infinity",
    "-0": "-0",
    "-0.0": "-0.0",
    "1e309": "1e309",
    "-1e309": "-1e309",
    "5e-324": "5e-324",
    "1e-300": "1e-300",
    "huge-int": "9" * 400,
    "2**64": str(2**64),
    "-1": "-1",
    "-huge": "-99999999999",
    "2.5": "2.5",
    "hex": "0x10",
    "underscore": "1_0",
    "full-width": "１２",
    "arabic-digits": "١٢",
    "plus": "+3",
    "spaces-around": " 3 ",
    "python-list": "[1, 2]",
    "json": '{"a": 1}',
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "markdown": "**bold** [x](javascript:alert(1)) :red[r]",
    "latex": "$$\\frac{}$$",
    "sql": "1' OR '1'='1",
    "path": "../../etc/passwd",
    "format": "{0}%s%n{}",
    "10kB-digits": "9" * 10_000,
    "10kB-text": "x" * 10_000,
    "10kB-list": "1," * 5_000,
    "repeated": ["1", "<script>"],
    "repeated-empty-last": ["2", ""],
    "repeated-many": [str(i) for i in range(50)],
}
#: Strings no URL can carry (the wire is UTF-8, decoded with errors replaced), for the pure
#: parsers only: text decoded with errors="surrogateescape", and lone surrogates.
SURROGATES = {
    "surrogateescape": b"\xff\xfe1".decode("utf-8", "surrogateescape"),
    "lone-high": "1\ud800",
    "lone-low": "\udfff",
}


def last(value: str | list[str]) -> str:
    return value[-1] if isinstance(value, list) else value


def parse_query(query: str) -> dict[str, str | list[str]]:
    """A query string as Streamlit hands it to a page: parse_qs, one value or a list."""
    parsed = parse_qs(query, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def wire_round_trip(link: Mapping[str, str | list[str]]) -> dict[str, str | list[str]]:
    """The link as the page gets it: encoded by urlencode (as AppTest and browsers do) and
    decoded by parse_qs (as Streamlit does)."""
    return parse_query(urlencode(link, doseq=True))


def mentions(notices: list[str], name: str) -> bool:
    """A notice is about parameter ``name`` (they start "The link's “name”")."""
    return any(
        notice.startswith((f"The link's “{name}”", f"The link’s “{name}”")) for notice in notices
    )
