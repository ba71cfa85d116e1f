"""The Dockerfile, checked without Docker (there is no engine here): what it copies exists and
reaches the build, it installs requirements.txt, and its ENTRYPOINT, run on the files it copies
and nothing else, starts an app whose pages work and whose HEALTHCHECK passes. About 15 s.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.server import free_port, healthy
from benchmarks.wsclient import Session, run_coroutine

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("", "sampling_page", "physics_page", "applications_page", "quiz_page")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, comments dropped, continuations joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, rest = line.partition(" ")
            found.append((name.upper(), rest.strip()))
    return found


def arguments(rest: str) -> list[str]:
    """An instruction's arguments: exec form (JSON) or shell words."""
    return json.loads(rest) if rest.startswith("[") else shlex.split(rest)


def copies() -> list[tuple[str, str]]:
    return [tuple(arguments(rest)) for name, rest in instructions() if name == "COPY"]


def _pattern(glob: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*|\*|\?)", glob.strip("/"))
    wild = {"**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wild.get(part, re.escape(part)) for part in parts) + r"\Z")


def ignored(path: str) -> bool:
    """Whether .dockerignore keeps ``path`` (relative, with /) out of the build context.

    As Docker reads it: the last pattern that matches the path or one of its parent folders
    decides, and ``!`` lets a path back in.
    """
    prefixes = [path] + ["/".join(path.split("/")[:i]) for i in range(1, path.count("/") + 1)]
    verdict = False
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = _pattern(line.lstrip("!"))
        if any(pattern.match(prefix) for prefix in prefixes):
            verdict = not negated
    return verdict


def context_files(source: str) -> list[Path]:
    """The files of ``source`` (a file or folder of the repository) the build context holds."""
    path = ROOT / source
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return [f for f in files if not ignored(f.relative_to(ROOT).as_posix())]


def test_the_image_is_built_from_python_slim_and_installs_requirements_txt():
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = [rest for name, rest in steps if name == "RUN" and "pip install" in rest]
    assert runs == ["pip install --no-cache-dir -r requirements.txt"]
    order = [name if name != "COPY" else arguments(rest)[0] for name, rest in steps]
    assert order.index("requirements.txt") < order.index("RUN")  # copied before it is used
    assert ("EXPOSE", "8501") in steps


def test_every_copy_source_exists_and_reaches_the_build():
    assert copies(), "the Dockerfile copies nothing"
    for source, _ in copies():
        assert (ROOT / source).exists(), source
        assert context_files(source), f"{source} is excluded by .dockerignore"
    assert ignored("tests/test_core.py") and ignored(".git/config") and ignored(".venv/x")
    assert ignored("explorer/__pycache__/core.cpython-311.pyc")
    assert not ignored("explorer/views/explorer_page.py")


def build_app_folder(target: Path) -> Path:
    """What the image's WORKDIR holds: each COPY applied to the build context."""
    workdir = target / "app"
    for source, destination in copies():
        into = workdir / destination.removeprefix("./")
        for file in context_files(source):
            inside = file.relative_to(ROOT / source) if (ROOT / source).is_dir() else file.name
            out = into / inside if destination.endswith("/") else into
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, out)
    return workdir


def test_the_entrypoint_on_the_copied_files_serves_every_page(tmp_path):
    steps = dict(instructions())
    entrypoint = arguments(steps["ENTRYPOINT"])
    assert entrypoint[:3] == ["streamlit", "run", "app.py"]
    assert "--server.port=8501" in entrypoint and "--server.address=0.0.0.0" in entrypoint
    workdir = build_app_folder(tmp_path)
    assert not (workdir / "tests").exists() and (workdir / ".streamlit" / "config.toml").is_file()
    port = free_port()
    local = {"--server.port=8501": f"--server.port={port}"}
    local["--server.address=0.0.0.0"] = "--server.address=127.0.0.1"  # loopback only here
    command = [sys.executable, "-m", *[local.get(arg, arg) for arg in entrypoint]]
    name, _, value = steps["ENV"].partition("=")
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        command,
        cwd=workdir,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), name: value},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not healthy(f"http://127.0.0.1:{port}"):
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "not healthy within 60 s"
            time.sleep(0.1)
        check = arguments(steps["HEALTHCHECK"].removeprefix("CMD").strip())
        check = [sys.executable if word == "python" else word for word in check]
        check = [word.replace(":8501/", f":{port}/") for word in check]
        assert subprocess.run(check, timeout=30).returncode == 0

        async def every_page() -> list[str | None]:
            errors = []
            for page in PAGES:
                query = "present=1" if page == "" else ""  # presentation mode reads assets/
                async with await Session.open(f"http://127.0.0.1:{port}", page, query) as s:
                    errors.append(s.last.error)
            return errors

        assert run_coroutine(every_page()) == [None] * len(PAGES)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.parametrize("missing", ["assets/presentation.css", "explorer/views/quiz_page.py"])
def test_the_page_check_would_notice_a_file_left_out(tmp_path, missing):
    """The previous test's check can fail: without a file the image needs, a page breaks."""
    workdir = build_app_folder(tmp_path)
    (workdir / missing).unlink()
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", "app.py", f"--server.port={port}"),
            *("--server.address=127.0.0.1", "--server.headless=true"),
        ],
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not healthy(f"http://127.0.0.1:{port}"):
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)

        async def open_it() -> str | None:
            page = "quiz_page" if "quiz" in missing else ""
            async with await Session.open(f"http://127.0.0.1:{port}", page, "present=1") as s:
                return s.last.error

        error = run_coroutine(open_it())
        assert error is not None and error.startswith("exception in the page"), error
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
