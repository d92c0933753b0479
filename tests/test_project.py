"""The project's promises about installation: pinned, Python 3.11, and one test command shared by README and CI."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def requirement_lines(name: str) -> list[str]:
    lines = (REPO / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_every_python_dependency_is_pinned():
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in requirement_lines(name):
            if line in ("-e .", "-r requirements.txt"):
                continue
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line), f"{name}: {line!r} is not pinned"


def test_stack_versions():
    pins = dict(line.split("==") for line in requirement_lines("requirements.txt") if "==" in line)
    assert pins["jupyter-book"].startswith("1."), "the book is built with jupyter-book 1.x"
    for package in ("pandas", "lifelines", "seaborn", "ipywidgets", "myst-nb"):
        assert package in pins, package
    assert "-e ." in requirement_lines("requirements.txt"), "Binder must get the rtchx package too"
    assert (REPO / "runtime.txt").read_text().strip() == "python-3.11"


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    assert "bash scripts/test.sh" in readme and "bash scripts/build-book.sh" in readme
    ci = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == "exec bash scripts/test.sh"
