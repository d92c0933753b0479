"""The command line prints the same values as the saved outputs in tests/fixtures/cli/.

A restructuring of the package must not change any number a reader sees: these files are what
`python -m rtchx results|audit|compare|design --json` printed before it (see tests/fixtures/README.md).
Numbers are compared to 1e-9 relative, everything else exactly, so that a change of float
formatting alone does not fail it but any change of value, key, status or order does.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "cli"


def differences(saved, now, where: str = "") -> list[str]:
    """Every place where two JSON values differ (numbers to 1e-9 relative), as 'path: saved != now'."""
    if isinstance(saved, bool) or isinstance(now, bool) or saved is None or now is None:
        return [] if saved == now else [f"{where}: {saved!r} != {now!r}"]
    if isinstance(saved, int | float) and isinstance(now, int | float):
        same = math.isclose(saved, now, rel_tol=1e-9, abs_tol=1e-12)
        return [] if same else [f"{where}: {saved!r} != {now!r}"]
    if isinstance(saved, dict) and isinstance(now, dict):
        if list(saved) != list(now):
            return [f"{where}: keys {list(saved)} != {list(now)}"]
        return [d for key in saved for d in differences(saved[key], now[key], f"{where}.{key}")]
    if isinstance(saved, list) and isinstance(now, list):
        if len(saved) != len(now):
            return [f"{where}: {len(saved)} items != {len(now)}"]
        return [d for i, (a, b) in enumerate(zip(saved, now, strict=True)) for d in differences(a, b, f"{where}[{i}]")]
    return [] if saved == now else [f"{where}: {saved!r} != {now!r}"]


@pytest.mark.parametrize("command", ["results", "audit", "compare", "design"])
def test_the_command_line_prints_the_saved_values(repo, command):
    out = subprocess.run([sys.executable, "-m", "rtchx", command, "--json"], cwd=repo, capture_output=True,
                         text=True, check=True).stdout
    found = differences(json.loads((FIXTURES / f"{command}.json").read_text()), json.loads(out), command)
    assert not found, "\n".join(found[:20])


def test_the_comparison_notices_a_changed_value():
    saved = {"rows": [{"p": 0.109, "status": "reproduced", "n": 11}]}
    assert not differences(saved, {"rows": [{"p": 0.109 + 1e-15, "status": "reproduced", "n": 11}]})
    assert differences(saved, {"rows": [{"p": 0.110, "status": "reproduced", "n": 11}]})
    assert differences(saved, {"rows": [{"p": 0.109, "status": "rounding", "n": 11}]})
    assert differences(saved, {"rows": [{"status": "reproduced", "p": 0.109, "n": 11}]})    # key order
    assert differences(saved, {"rows": []})
