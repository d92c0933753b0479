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

The route is followed once per test run (tests/plain_route.py, conftest's ``plain_route_run``),
and the same run evaluates, after each notebook's last cell, every {eval} expression of its
prose as jupyterlab-myst does: tests/test_jupyterlab.py compares those values with what the
book pastes, without running the notebooks a second time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]



# The README's commands for that route ("On macOS or Windows"), which the slow test follows.
README_ROUTE = ("python3 -m venv .venv", "pip install -r requirements.txt jupyterlab", "jupyter lab notebooks/")


def test_binder_and_the_readme_route_are_what_the_test_follows():
    assert (REPO / "runtime.txt").read_text().strip() == "python-3.11"
    readme = (REPO / "README.md").read_text()
    route = readme[readme.index("## On macOS or Windows"):]
    for command in README_ROUTE:
        assert f"\n{command}\n" in route, command


@pytest.mark.slow
def test_the_plain_route_installs_and_runs_every_notebook(plain_route_run):
    made = plain_route_run
    assert made["install_returncode"] == 0, made["install_stderr"]
    assert made["pip_check_returncode"] == 0, made["pip_check"]   # no resolver conflicts among the pins
    assert made["lab_returncode"] == 0 and made["lab_version"].startswith("4."), \
        made["lab_version"] + made["lab_stderr"]
    assert made["run_returncode"] == 0, made["run_stderr"]
    record = made["record"]
    (REPO / "_build").mkdir(exist_ok=True)
    (REPO / "_build" / "binder-environment.json").write_text(json.dumps(record, indent=2) + "\n")
    assert record["notebooks"] == len(list((REPO / "notebooks").glob("*.ipynb")))
