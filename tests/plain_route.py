"""The README's plain install route, followed once for the whole test run (conftest's ``plain_route_run``).

A new virtual environment gets `pip install -r requirements.txt jupyterlab`, as a student without
Debian (or Binder) installs; then every notebook runs top to bottom in a fresh kernel, from
notebooks/, and after its last cell its prose's {eval} expressions are evaluated as jupyterlab-myst
evaluates them (execute_request's user_expressions). tests/test_binder.py checks the route,
tests/test_jupyterlab.py that each expression gives what the book pastes.
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import time
from pathlib import Path

import nbformat
from bookbuild import REPO, folder_bytes, fresh_environment

#: An inline {eval} role.
EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")


def markdown(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def eval_expressions(path: Path) -> list[str]:
    return [expression for text in markdown(path) for expression in EVAL_ROLE.findall(text)]


RUN_EVERY_NOTEBOOK = r"""
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

expressions = json.loads(Path(sys.argv[1]).read_text())   # notebook name -> its {eval} expressions
failures, evaluated = [], {}
for path in sorted(Path("notebooks").glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    asked = expressions.get(path.name, [])
    # then the prose's expressions, as jupyterlab-myst evaluates them (execute_request's user_expressions)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json\nprint(json.dumps(get_ipython().user_expressions(" + repr(dict(enumerate(asked))) + ")))"))
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", shutdown_kernel="immediate",   # outputs are in
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as error:  # report every notebook, not only the first failure
        failures.append(f"{path.name}: {type(error).__name__}: {str(error)[-300:]}")
        continue
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                failures.append(f"{path.name}: wrote to stderr: {output.text[:200]}")
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    evaluated[path.name] = {asked[int(i)]: result for i, result in json.loads(printed).items()}
    print(path.name, "ok")
Path(sys.argv[2]).write_text(json.dumps(evaluated))
print("\n".join(failures), file=sys.stderr)
sys.exit(1 if failures else 0)
"""


def follow_the_plain_route(folder: Path) -> dict:
    """Install as the README's plain route does, run every notebook and evaluate its prose's expressions."""
    env_dir = folder / "plain-env"
    # the README's pip install line (test_binder.README_ROUTE)
    install, install_seconds = fresh_environment(env_dir, "jupyterlab")
    made = {"install_returncode": install.returncode, "install_stderr": install.stderr[-2000:]}
    if install.returncode != 0:
        return made
    python = env_dir / "bin" / "python"
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    lab = subprocess.run([str(env_dir / "bin" / "jupyter"), "lab", "--version"], capture_output=True, text=True)
    asked, answers = folder / "expressions.json", folder / "evaluated.json"
    asked.write_text(json.dumps({p.name: sorted(set(eval_expressions(p)))
                                 for p in sorted((REPO / "notebooks").glob("*.ipynb"))}))
    start = time.monotonic()
    run = subprocess.run([str(python), "-c", RUN_EVERY_NOTEBOOK, str(asked), str(answers)], cwd=REPO,
                         capture_output=True, text=True,
                         env={"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(folder),
                              "JUPYTER_PATH": str(env_dir / "share" / "jupyter"), "MPLBACKEND": "Agg"})
    return made | {
        "pip_check_returncode": check.returncode, "pip_check": check.stdout + check.stderr,
        "lab_returncode": lab.returncode, "lab_version": lab.stdout, "lab_stderr": lab.stderr,
        "run_returncode": run.returncode, "run_stdout": run.stdout, "run_stderr": run.stderr[-3000:],
        "evaluated": json.loads(answers.read_text()) if answers.exists() else {},
        "record": {"python": platform.python_version(), "install_seconds": round(install_seconds, 1),
                   "environment_mb": round(folder_bytes(env_dir) / 1e6, 1),
                   "notebooks_seconds": round(time.monotonic() - start, 1),
                   "notebooks": run.stdout.split().count("ok")}}
