"""The project's promises about installation: pinned, Python 3.11 to 3.13, each command installing only what it
needs, and one test command shared by README and CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.specifiers import SpecifierSet

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


def supported_by_setup() -> list[str]:
    """The versions scripts/setup.sh accepts (its SUPPORTED line)."""
    line = re.search(r'^SUPPORTED="([^"]+)"$', (REPO / "scripts" / "setup.sh").read_text(), re.MULTILINE)
    return line.group(1).split()


def test_setup_pyproject_readme_and_binder_agree_on_the_python_versions():
    setup = supported_by_setup()
    assert setup == ["3.11", "3.12", "3.13"]
    # requires-python admits exactly those minor versions among 3.8 ... 3.15
    requires = re.search(r'^requires-python = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.MULTILINE)
    admitted = [f"3.{minor}" for minor in range(8, 16) if f"3.{minor}.0" in SpecifierSet(requires.group(1))]
    assert admitted == setup
    assert "Python 3.11, 3.12 or 3.13" in (REPO / "README.md").read_text()
    assert (REPO / "runtime.txt").read_text().strip().removeprefix("python-") in setup   # Binder's
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in setup   # the Python running these tests


def fake_python(folder: Path, version: str) -> Path:
    """An executable that answers setup.sh's version question (and any other) with ``version``."""
    path = folder / f"python{version}"
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(0o755)
    return path


def setup_copy(tmp_path: Path) -> Path:
    """scripts/setup.sh with the files it reads, in a folder of its own (nothing here is touched)."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "setup.sh", root / "scripts")
    for name in ("requirements.txt", "requirements-test.txt", "pyproject.toml"):
        shutil.copy(REPO / name, root)
    shutil.copytree(REPO / "tests" / "axe", root / "tests" / "axe", ignore=shutil.ignore_patterns("node_modules"))
    return root


def test_setup_refuses_other_pythons_before_installing_anything(tmp_path):
    root = setup_copy(tmp_path)
    for version in ("3.10", "3.14"):
        run = subprocess.run(["bash", "scripts/setup.sh", "--tests"], cwd=root, capture_output=True, text=True,
                             env={**os.environ, "PYTHON": str(fake_python(tmp_path, version))})
        assert run.returncode == 1, run.stdout + run.stderr
        assert f"needs Python 3.11, 3.12 or 3.13, but {tmp_path}/python{version} is {version}." in run.stderr
        assert run.stdout == ""
    assert sorted(path.name for path in root.iterdir()) == ["pyproject.toml", "requirements-test.txt",
                                                            "requirements.txt", "scripts", "tests"]


def test_each_command_installs_only_the_parts_it_needs(tmp_path):
    """On a machine without chromium, npm or poppler-utils: building the book asks for none of them,
    the PDF for chromium alone, the tests for all three (setup.sh --dry-run says what it would install)."""
    root = setup_copy(tmp_path)
    bare = tmp_path / "bin"   # /usr/bin without the tools in question
    bare.mkdir()
    for tool in Path("/usr/bin").iterdir():
        if tool.name not in ("chromium", "npm", "pdftotext", "pdftoppm"):
            (bare / tool.name).symlink_to(tool)
    env = {**os.environ, "PATH": str(bare), "PYTHON": sys.executable}

    def plan(*options: str) -> str:
        run = subprocess.run(["bash", "scripts/setup.sh", *options, "--dry-run"], cwd=root, env=env,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        return run.stdout

    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert plan() == f"setup: would create .venv with Python {version} and install requirements.txt into .venv\n"
    assert "Debian packages: chromium\n" in plan("--pdf")
    tests = plan("--tests")
    assert "Debian packages: chromium npm poppler-utils\n" in tests
    assert "install requirements-test.txt" in tests and "axe-core" in tests
    assert not (root / ".venv").exists()
    # the README's commands ask for these parts
    assert "\nbash scripts/setup.sh\n" in (REPO / "scripts" / "build-book.sh").read_text()
    assert "\nbash scripts/setup.sh --tests\n" in (REPO / "scripts" / "test.sh").read_text()


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
    for changed in ("data/patients.csv", "src/rtchx/core/survival.py", "requirements.txt"):
        path = tmp_path / changed
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert rtchx_book.inputs_fingerprint(tmp_path) != before, changed
        path.write_bytes(original)
    assert rtchx_book.inputs_fingerprint(tmp_path) == before
    # data read from elsewhere (RTCHX_DATA_DIR, as rtchx.core.data honours it) is what counts then
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "data", elsewhere)
    (elsewhere / "patients.csv").write_bytes((elsewhere / "patients.csv").read_bytes() + b"\n")
    monkeypatch.setenv("RTCHX_DATA_DIR", str(elsewhere))
    assert rtchx_book.inputs_fingerprint(tmp_path) != before


def test_scripts_and_the_package_never_reach_into_tests():
    """Tests use the project's code, never the other way round: no script or module imports from tests/."""
    offenders = [str(path.relative_to(REPO)) for folder in ("scripts", "src", "book/_ext")
                 for path in (REPO / folder).rglob("*.py")
                 if re.search(r"""["']tests["']|/ ?"tests"|\btests\.\w+ import|from tests\b""", path.read_text())]
    assert offenders == []
