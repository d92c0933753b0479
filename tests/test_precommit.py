"""The pre-commit configuration a contributor installs: it passes on the project and catches what it guards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bookbuild import REPO, clean_copy

pytestmark = pytest.mark.slow


def run_hooks(root: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def copy(tmp_path):
    root = clean_copy(tmp_path / "repo")
    (root / ".venv").symlink_to(Path(sys.prefix))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def test_hooks_pass_on_the_project_and_fail_on_what_they_guard(copy, tmp_path):
    clean = run_hooks(copy, tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    # break each thing once: an unused import, a notebook with an output, a trailing space, no final newline
    (copy / "src" / "rtchx" / "core" / "survival.py").write_text(
        "import os\n" + (copy / "src" / "rtchx" / "core" / "survival.py").read_text())
    chapter = copy / "notebooks" / "06_survival.ipynb"
    nb = json.loads(chapter.read_text())
    code = next(cell for cell in nb["cells"] if cell["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["left behind\n"]}]
    chapter.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    (copy / "README.md").write_text((copy / "README.md").read_text() + "a trailing space \n")
    (copy / "CONTRIBUTING.md").write_text((copy / "CONTRIBUTING.md").read_text().rstrip("\n"))

    broken = run_hooks(copy, tmp_path)
    assert broken.returncode != 0
    report = broken.stdout
    for hook in ("ruff (Python and notebooks)", "notebooks committed without outputs", "no trailing whitespace",
                 "text files end with one newline"):
        line = next(line for line in report.splitlines() if line.startswith(hook))
        assert line.endswith("Failed"), report
    assert "README.md" in report and "CONTRIBUTING.md" in report
    # the hooks that can mend a file did: the import is gone and the output stripped
    assert not (copy / "src" / "rtchx" / "core" / "survival.py").read_text().startswith("import os")
    assert "left behind" not in chapter.read_text()


def test_the_configuration_is_the_projects():
    config = (REPO / ".pre-commit-config.yaml").read_text()
    assert "repo: local" in config and "ruff check" in config and "strip-outputs.sh" in config


def test_commit_subjects_over_72_characters_are_refused(copy, tmp_path):
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))

    def check(message: str) -> int:
        path = tmp_path / "COMMIT_EDITMSG"
        path.write_text(message)
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--hook-stage", "commit-msg",
                               "--commit-msg-filename", str(path)], cwd=copy, env=env,
                              capture_output=True, text=True, timeout=120).returncode

    assert check("x" * 72 + "\n\nA body line may be as long as it needs to be, " + "y" * 100 + "\n") == 0
    assert check("x" * 73 + "\n") != 0
