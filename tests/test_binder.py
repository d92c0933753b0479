"""The plain install route, the README's for macOS and Windows and Binder's: no system packages, no scripts.

The README tells students without Debian to make a virtual environment, run
`pip install -r requirements.txt jupyterlab` and open JupyterLab on notebooks/.
Binder (repo2docker) does the same: it reads runtime.txt for the Python version,
installs requirements.txt, nothing else, and brings JupyterLab itself. The slow
test follows that route in a new virtual environment made from the Python that
runs the suite (any of the supported versions), runs every notebook top to bottom
with notebooks/ as its working directory, as JupyterLab's kernels have it, and
writes the install time and size to _build/binder-environment.json for the record
(see README).
"""

from __future__ import annotations

import json
import platform
import subprocess
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
        NotebookClient(nb, timeout=300, kernel_name="python3", shutdown_kernel="immediate",
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


# The README's commands for that route ("On macOS or Windows"), which the slow test follows.
README_ROUTE = ("python3 -m venv .venv", "pip install -r requirements.txt jupyterlab", "jupyter lab notebooks/")


def test_binder_and_the_readme_route_are_what_the_test_follows():
    assert (REPO / "runtime.txt").read_text().strip() == "python-3.11"
    readme = (REPO / "README.md").read_text()
    route = readme[readme.index("## On macOS or Windows"):]
    for command in README_ROUTE:
        assert f"\n{command}\n" in route, command


@pytest.mark.slow
def test_the_plain_route_installs_and_runs_every_notebook(tmp_path):
    env_dir = tmp_path / "plain-env"
    install, install_seconds = fresh_environment(env_dir, "jupyterlab")   # README_ROUTE's pip install line
    assert install.returncode == 0, install.stderr[-2000:]
    python = env_dir / "bin" / "python"
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr   # no resolver conflicts among the pins
    lab = subprocess.run([str(env_dir / "bin" / "jupyter"), "lab", "--version"], capture_output=True, text=True)
    assert lab.returncode == 0 and lab.stdout.startswith("4."), lab.stdout + lab.stderr
    start = time.monotonic()
    run = subprocess.run([str(python), "-c", RUN_EVERY_NOTEBOOK], cwd=REPO, capture_output=True, text=True,
                         env={"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
                              "JUPYTER_PATH": str(env_dir / "share" / "jupyter"), "MPLBACKEND": "Agg"})
    assert run.returncode == 0, run.stderr[-3000:]
    record = {"python": platform.python_version(), "install_seconds": round(install_seconds, 1),
              "environment_mb": round(folder_bytes(env_dir) / 1e6, 1),
              "notebooks_seconds": round(time.monotonic() - start, 1),
              "notebooks": run.stdout.split().count("ok")}
    (REPO / "_build").mkdir(exist_ok=True)
    (REPO / "_build" / "binder-environment.json").write_text(json.dumps(record, indent=2) + "\n")
    assert record["notebooks"] == len(list((REPO / "notebooks").glob("*.ipynb")))
