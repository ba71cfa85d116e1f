"""The app runs on requirements.txt alone: every package it imports at run time is listed there.

(The test suite installs requirements-dev.txt too, so a runtime import of a test-only package
would pass every other test and still crash `bash scripts/start.sh`.)
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT_NAME = {"scikit-learn": "sklearn"}  # distributions whose import name differs


def runtime_requirements() -> set[str]:
    names = set()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"\s*([A-Za-z0-9_.-]+)", line.split("#")[0])
        if match:
            name = match.group(1).lower()
            names.add(IMPORT_NAME.get(name, name.replace("-", "_")))
    return names


def third_party_imports(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m != "explorer"}


def test_every_runtime_import_is_a_runtime_requirement():
    required = runtime_requirements()
    sources = [ROOT / "app.py", *sorted((ROOT / "explorer").rglob("*.py"))]
    missing = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sources
        for module in third_party_imports(path) - required
    }
    assert not missing, f"imported at run time but not in requirements.txt: {sorted(missing)}"
