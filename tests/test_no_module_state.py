"""Nothing per user outlives the user's session: the app keeps what a visitor does in
``st.session_state`` (freed when Streamlit drops the session), never in module globals, which
live as long as the server process and are shared by every visitor; and every cache is bounded.

Read statically (ast) over the whole app, explorer/ and app.py:

- no ``global`` statement;
- no function changes a module-level name's value in place: item assignment or deletion,
  augmented assignment, attribute assignment, or a mutating method (``append``, ``update``,
  ``setdefault``, …) on a name the module binds, or on a name of another ``explorer`` module;
- every ``st.cache_data`` / ``st.cache_resource`` has ``max_entries`` or ``ttl``;
- ``functools.cache`` only on functions without parameters (one value per process), and
  ``functools.lru_cache`` never with ``maxsize=None``.

The browser side of the same promise (memory comes back after sessions close) is
tests/e2e/test_faults.py.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([ROOT / "app.py", *(ROOT / "explorer").rglob("*.py")])

MUTATORS = frozenset(
    {
        "append",
        "appendleft",
        "add",
        "clear",
        "difference_update",
        "discard",
        "extend",
        "extendleft",
        "insert",
        "intersection_update",
        "pop",
        "popitem",
        "remove",
        "reverse",
        "setdefault",
        "sort",
        "symmetric_difference_update",
        "update",
        "__setitem__",
        "__delitem__",
    }
)
STREAMLIT_CACHES = ("cache_data", "cache_resource")
CACHE_BOUNDS = ("max_entries", "ttl")


def _module_names(tree: ast.Module) -> set[str]:
    """Names the module binds by assignment at its top level (not imports, defs or classes),
    except aliases of ``st.session_state`` (``ss = st.session_state``: per session)."""
    names: set[str] = set()
    for node in tree.body:
        value = getattr(node, "value", None)
        if value is not None and ast.unparse(value).endswith("session_state"):
            continue
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign | ast.AugAssign)
            else []
        )
        names |= set().union(*(_bound(target) for target in targets))
    return names


def _bound(target: ast.expr) -> set[str]:
    """Names an assignment target binds: ``a``, ``a, (b, *c)``; not ``a[k]`` or ``a.b``."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Starred):
        return _bound(target.value)
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*(_bound(element) for element in target.elts))
    return set()


def _explorer_aliases(tree: ast.Module) -> set[str]:
    """Names under which the module imported another ``explorer`` module."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("explorer"):
            aliases |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            aliases |= {
                alias.asname or alias.name.split(".")[0]
                for alias in node.names
                if alias.name.split(".")[0] == "explorer"
            }
    return aliases


def _local_names(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """Parameters and names the function itself binds (they shadow module names)."""
    args = function.args
    names = {
        a.arg
        for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
        if a is not None
    }
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _changed(node: ast.expr, shared: set[str], aliases: set[str]) -> str | None:
    """The module-level object ``node`` reaches, if any: ``X``, ``X[k]``, ``X.a`` for a name
    ``X`` the module binds, ``mod.X…`` for another explorer module (or name from one) ``mod``."""
    while isinstance(node, ast.Subscript | ast.Attribute):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            return f"{node.value.id}.{node.attr}"
        node = node.value
    if isinstance(node, ast.Name) and node.id in shared | aliases:
        return node.id
    return None


def _function_problems(source: str) -> list[str]:
    """What in ``source`` keeps state in module globals (line: problem)."""
    tree = ast.parse(source)
    module_names, aliases = _module_names(tree), _explorer_aliases(tree)
    problems = [
        f"{node.lineno}: global {', '.join(node.names)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Global)
    ]
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        local = _local_names(function)
        shared, imported = module_names - local, aliases - local
        for node in ast.walk(function):
            # In place: X[k] = v, X.a = v, X[k] += v, del X[k] (a bare name is only rebound
            # locally; with `global` it is reported above).
            targets = []
            if isinstance(node, ast.Assign | ast.Delete):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            changed = [
                _changed(t, shared, imported)
                for t in targets
                if isinstance(t, ast.Subscript | ast.Attribute)
            ]
            # X.append(v), X[k].update(…), mod.X.clear(), …
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATORS
            ):
                changed.append(_changed(node.func.value, shared, imported))
            problems += [
                f"{node.lineno}: {function.name}() changes {name}" for name in changed if name
            ]
    return problems


def _has_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = function.args
    return bool(args.posonlyargs or args.args or args.kwonlyargs or args.vararg or args.kwarg)


def _cache_problems(source: str) -> list[str]:
    """Caches without a bound (line: problem)."""
    tree = ast.parse(source)
    problems = []
    configured, used = set(), set()  # st.cache_* called with arguments; st.cache_*.clear()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in STREAMLIT_CACHES
        ):
            configured.add(id(node.func))
            if not {k.arg for k in node.keywords} & set(CACHE_BOUNDS):
                problems.append(f"{node.lineno}: {ast.unparse(node.func)} without a bound")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            used.add(id(node.value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in STREAMLIT_CACHES
            and id(node) not in configured | used
        ):
            problems.append(f"{node.lineno}: bare {ast.unparse(node)}: no max_entries or ttl")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                name = ast.unparse(call.func if call else decorator)
                if name in ("functools.cache", "cache") and _has_parameters(node):
                    problems.append(f"{node.lineno}: {name} keeps every argument of {node.name}")
                unbounded = call is not None and (
                    any(ast.unparse(a) == "None" for a in call.args[:1])
                    or any(
                        k.arg == "maxsize" and ast.unparse(k.value) == "None" for k in call.keywords
                    )
                )
                if name in ("functools.lru_cache", "lru_cache") and unbounded:
                    problems.append(f"{node.lineno}: unbounded lru_cache on {node.name}")
    return problems


# --- the checks themselves, on small examples ----------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "SEEN = {}\ndef f(k):\n    SEEN[k] = 1",
        "SEEN = []\ndef f(k):\n    SEEN.append(k)",
        "SEEN = {}\ndef f(k):\n    SEEN.setdefault(k, []).append(1)",
        "SEEN = {}\ndef f(k):\n    del SEEN[k]",
        "SEEN = {'a': []}\ndef f(k):\n    SEEN['a'] += [k]",
        "LAST = None\ndef f(k):\n    global LAST\n    LAST = k",
        "import types\nBOX = types.SimpleNamespace(n=0)\ndef f():\n    BOX.n = 1",
        "from explorer import state\ndef f(k):\n    state.TABLE[k] = 1",
        "from explorer import state\ndef f():\n    state.TABLE.clear()",
        "from explorer.charts import PALETTE\ndef f():\n    PALETTE.append('#000')",
        "import explorer.state\ndef f(k):\n    explorer.state.TABLE[k] = 1",
        "CACHE = {}\nasync def f(k):\n    CACHE[k] = await g(k)",
    ],
)
def test_the_check_finds_module_state(source):
    assert _function_problems(textwrap.dedent(source))


@pytest.mark.parametrize(
    "source",
    [
        "TABLE = {'a': 1}\ndef f(k):\n    return TABLE.get(k)",
        "TABLE = {'a': 1}\ndef f():\n    TABLE = {}\n    TABLE['b'] = 2\n    return TABLE",
        "TABLE = {'a': 1}\ndef f(TABLE):\n    TABLE['b'] = 2",
        "import streamlit as st\nKEY = 'k'\ndef f():\n    st.session_state[KEY] = 1",
        "import streamlit as st\ndef f():\n    st.session_state.setdefault('k', 1)",
        "import streamlit as st\nss = st.session_state\ndef f():\n    ss['k'] = 1",
        "TABLE = {}\nfor k in 'ab':\n    TABLE[k] = 1",  # at import, once per process
        "CONFIG = {'a': 1}\ndef f():\n    return CONFIG | {'b': 2}",
    ],
)
def test_the_check_leaves_per_session_and_read_only_use_alone(source):
    assert _function_problems(textwrap.dedent(source)) == []


@pytest.mark.parametrize(
    ("source", "bounded"),
    [
        ("@st.cache_data\ndef f(x): ...", False),
        ("@st.cache_data(show_spinner=False)\ndef f(x): ...", False),
        ("@st.cache_resource()\ndef f(x): ...", False),
        ("g = st.cache_data(f)", False),
        ("@functools.cache\ndef f(x): ...", False),
        ("@functools.lru_cache(maxsize=None)\ndef f(x): ...", False),
        ("@st.cache_data(max_entries=4)\ndef f(x): ...", True),
        ("@st.cache_resource(ttl=60)\ndef f(x): ...", True),
        ("g = st.cache_data(f, max_entries=2)", True),
        ("st.cache_data.clear()", True),
        ("@functools.cache\ndef f(): ...", True),
        ("@functools.lru_cache(maxsize=32)\ndef f(x): ...", True),
    ],
)
def test_the_check_finds_unbounded_caches(source, bounded):
    assert (_cache_problems(source) == []) == bounded


# --- the app -------------------------------------------------------------------------------------


def test_the_sources_are_all_read():
    names = {path.relative_to(ROOT).as_posix() for path in SOURCES}
    assert {"app.py", "explorer/views/explorer_page.py", "explorer/core.py"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_keeps_state_in_globals(path):
    assert _function_problems(path.read_text()) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_cache_is_bounded(path):
    assert _cache_problems(path.read_text()) == []


def test_the_pages_cache_with_streamlit_and_bound_it():
    """The check above is not vacuous: the pages do cache, with Streamlit, and each bound."""
    views = "\n".join(p.read_text() for p in (ROOT / "explorer" / "views").glob("*.py"))
    tree = ast.parse(views)
    caches = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in STREAMLIT_CACHES
    ]
    assert len(caches) >= 5
    assert all({k.arg for k in call.keywords} & set(CACHE_BOUNDS) for call in caches)
