"""Binder's view of the project: a fresh environment built only from requirements.txt and runtime.txt.

Binder (repo2docker) reads runtime.txt for the Python version and installs
requirements.txt, nothing else. This test does the same in a new virtual
environment, then runs every notebook top to bottom from notebooks/ in it, and
writes the install time and size to _build/binder-environment.json for the
record (see README).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bookbuild import folder_bytes, fresh_environment

REPO = Path(__file__).resolve().parents[1]

RUN_EVERY_NOTEBOOK = r"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

failures = []
for path in sorted(Path("notebooks").glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as error:  # report every notebook, not only the first failure
        failures.append(f"{path.name}: {type(error).__name__}: {str(error)[-300:]}")
        continue
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                failures.append(f"{path.name}: wrote to stderr: {output.text[:200]}")
    print(path.name, "ok")
print("\n".join(failures), file=sys.stderr)
sys.exit(1 if failures else 0)
"""


def test_runtime_asks_for_the_python_the_project_pins():
    assert (REPO / "runtime.txt").read_text().strip() == "python-3.11"
    assert sys.version_info[:2] == (3, 11)


@pytest.mark.slow
def test_a_binder_like_environment_runs_every_notebook(tmp_path):
    env_dir = tmp_path / "binder-env"
    install, install_seconds = fresh_environment(env_dir)
    assert install.returncode == 0, install.stderr[-2000:]
    python = env_dir / "bin" / "python"
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr   # no resolver conflicts among the pins
    start = time.monotonic()
    run = subprocess.run([str(python), "-c", RUN_EVERY_NOTEBOOK], cwd=REPO, capture_output=True, text=True,
                         env={"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
                              "JUPYTER_PATH": str(env_dir / "share" / "jupyter"), "MPLBACKEND": "Agg"})
    assert run.returncode == 0, run.stderr[-3000:]
    record = {"install_seconds": round(install_seconds, 1), "environment_mb": round(folder_bytes(env_dir) / 1e6, 1),
              "notebooks_seconds": round(time.monotonic() - start, 1),
              "notebooks": run.stdout.split().count("ok")}
    (REPO / "_build").mkdir(exist_ok=True)
    (REPO / "_build" / "binder-environment.json").write_text(json.dumps(record, indent=2) + "\n")
    assert record["notebooks"] == len(list((REPO / "notebooks").glob("*.ipynb")))
