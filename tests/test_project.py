"""The project's promises about installation: pinned, Python 3.11, and one test command shared by README and CI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
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


def test_package_tests_scripts_and_notebooks_pass_ruff():
    """One linter for all the project's Python, notebooks included (rules in pyproject.toml)."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "src", "tests", "notebooks",
                             "scripts", "book/_ext"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_build_cache_fingerprint_follows_data_and_code_not_notebooks(tmp_path, monkeypatch):
    """book/_ext/rtchx_book.py clears the notebook cache when this fingerprint changes (see README)."""
    sys.path.insert(0, str(REPO / "book" / "_ext"))
    try:
        import rtchx_book
    finally:
        sys.path.remove(str(REPO / "book" / "_ext"))
    for name in ("data", "src", "book/_ext", "notebooks"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(REPO / "requirements.txt", tmp_path)
    before = rtchx_book.inputs_fingerprint(tmp_path)
    (tmp_path / "notebooks" / "01_cohort_at_a_glance.ipynb").write_text("{}")   # the cache keys notebooks itself
    (tmp_path / "src" / "rtchx" / "__pycache__").mkdir(exist_ok=True)
    (tmp_path / "src" / "rtchx" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert rtchx_book.inputs_fingerprint(tmp_path) == before
    for changed in ("data/patients.csv", "src/rtchx/survival.py", "requirements.txt"):
        path = tmp_path / changed
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert rtchx_book.inputs_fingerprint(tmp_path) != before, changed
        path.write_bytes(original)
    assert rtchx_book.inputs_fingerprint(tmp_path) == before
    # data read from elsewhere (RTCHX_DATA_DIR, as rtchx.data honours it) is what counts then
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "data", elsewhere)
    (elsewhere / "patients.csv").write_bytes((elsewhere / "patients.csv").read_bytes() + b"\n")
    monkeypatch.setenv("RTCHX_DATA_DIR", str(elsewhere))
    assert rtchx_book.inputs_fingerprint(tmp_path) != before
