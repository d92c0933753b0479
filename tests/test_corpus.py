"""Every command over the broken-input corpus: a clear message or a right answer, never a traceback (issue 15).

``tests/corpus/broken_inputs.toml`` lists the cases: each alters a copy of
``data/`` one way and says what the message must contain. For a broken case
every command (validate, results, audit, compare, design, rehash) must exit
non-zero without a traceback, with the expected text and the file's name in
its message; ``rehash`` must write nothing where a file cannot be read, and
repair a case that is only a stale checksum. For a valid case every command
must exit 0.

The commands run in this process (``rtchx.__main__.main`` with stdout and
stderr captured; an exception that escapes is turned into the traceback a
process would print), which keeps the file fast. ``PROCESS_RUNS`` run as real
processes in the background meanwhile: a few broken cases, which must print
exactly what the same run prints in process, so that nothing a process shows
escapes the in-process runs, and a valid one.
A valid case whose values are those of data/ must print what
``tests/fixtures/cli`` holds.

The harness records checksums itself (``record_hashes``), not with
``rtchx.core.data.rehash``, so that it does not depend on the code under test.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_cli_regression import differences

from rtchx.__main__ import main
from rtchx.core import protocol

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO / "data"
CORPUS = Path(__file__).resolve().parent / "corpus" / "broken_inputs.toml"

COMMANDS = (("validate",), ("results", "--json"), ("audit", "--json"), ("compare", "--json"), ("design", "--json"),
            ("rehash",))   # rehash last: it rewrites datapackage.json
#: On valid data the commands' text form must answer too (it prints every row, including those not computable).
TEXT_COMMANDS = (("results",), ("audit",), ("compare",), ("design",))


def load_cases() -> list[dict]:
    """The corpus's cases, in file order."""
    return tomllib.loads(CORPUS.read_text(encoding="utf-8"))["case"]


# --- altering a copy of data/ --------------------------------------------------------------------------

def _read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _row(rows: list[list[str]], key: str) -> int:
    found = [i for i, row in enumerate(rows) if i and row and row[0] == key]
    assert len(found) == 1, f"{len(found)} rows start with {key!r}"
    return found[0]


def _json_path(package, path: list):
    *parents, last = path
    for step in parents:
        package = package[step]
    return package, last


def _apply(op: dict, path: Path) -> None:
    """One alteration of one file (see the corpus's header for the ops)."""
    kind = op["op"]
    if kind in ("set", "long_cell", "delete_row", "duplicate_row", "drop_column", "add_column", "rename_column",
                "swap_columns", "set_column", "header_only"):
        rows = _read_rows(path)
        header = rows[0]
        if kind in ("set", "long_cell"):
            value = op["value"] if kind == "set" else "x" * op["length"]
            rows[_row(rows, op["key"])][header.index(op["column"])] = value
        elif kind == "delete_row":
            del rows[_row(rows, op["key"])]
        elif kind == "duplicate_row":
            i = _row(rows, op["key"])
            rows.insert(i + 1, list(rows[i]))
        elif kind == "drop_column":
            j = header.index(op["column"])
            rows = [row[:j] + row[j + 1:] for row in rows]
        elif kind == "add_column":
            rows = [rows[0] + [op["column"]]] + [row + [op["value"]] for row in rows[1:]]
        elif kind == "rename_column":
            header[header.index(op["column"])] = op["to"]
        elif kind == "swap_columns":
            a, b = header.index(op["column"]), header.index(op["to"])
            for row in rows:
                row[a], row[b] = row[b], row[a]
        elif kind == "set_column":
            j = header.index(op["column"])
            for row in rows[1:]:
                row[j] = op["value"]
        elif kind == "header_only":
            rows = rows[:1]
        _write_rows(path, rows)
    elif kind == "replace":
        text = path.read_text(encoding="utf-8")
        assert text.count(op["old"]) == 1, f"{op['old']!r} occurs {text.count(op['old'])} times in {path.name}"
        path.write_text(text.replace(op["old"], op["new"]), encoding="utf-8")
    elif kind == "encode":
        text = path.read_text(encoding="utf-8")
        if "old" in op:
            assert text.count(op["old"]) >= 1, f"{op['old']!r} is not in {path.name}"
            text = text.replace(op["old"], op["new"], 1)
        path.write_bytes(text.encode(op["encoding"]))
    elif kind == "bytes":
        path.write_bytes(bytes.fromhex(op["hex"]))
    elif kind == "line_endings":
        assert op["ending"] == "crlf"
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(("\ufeff" if op.get("bom") else "").encode("utf-8") + text.encode("utf-8"))
    elif kind == "remove":
        path.unlink()
    elif kind == "folder":
        path.unlink()
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncate":
        path.write_text(path.read_text(encoding="utf-8")[:op["keep"]], encoding="utf-8")
    elif kind in ("json_set", "json_delete"):
        package = json.loads(path.read_text(encoding="utf-8"))
        parent, last = _json_path(package, op["path"])
        if kind == "json_set":
            parent[last] = op["value"]
        else:
            del parent[last]
        path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        raise ValueError(f"unknown op {kind!r}")


def record_hashes(data_dir: Path) -> None:
    """Record the sha256 of every resource's file that is there, as ``rehash`` would (independently of it)."""
    path = data_dir / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        file = data_dir / resource.get("path", "")
        if file.is_file():
            resource["hash"] = "sha256:" + hashlib.sha256(file.read_bytes()).hexdigest()
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextlib.contextmanager
def environment(changes: dict[str, str | None]):
    """Set (or, for None, remove) environment variables for the length of the block."""
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def prepare(case: dict, tmp: Path) -> tuple[Path, list[str], dict[str, str | None], str | None]:
    """Copy data/ into ``tmp``, alter it as ``case`` says; return the copy, the arguments that point a command
    at it, the environment to run with, and the path an ``env`` case points to."""
    copy = tmp / "data"
    shutil.copytree(REAL_DATA, copy)
    env: dict[str, str | None] = {"RTCHX_DATA_DIR": None}
    prefix = ["--data-dir", str(copy)]
    pointed = str(copy)
    if case["op"] == "env":
        target = {"missing": tmp / "nowhere", "file": copy / "patients.csv", "empty_folder": tmp / "empty"}[
            case["points_to"]]
        if case["points_to"] == "empty_folder":
            target.mkdir()
        pointed = str(target)
        if case["file"] == "RTCHX_DATA_DIR":
            env["RTCHX_DATA_DIR"] = pointed
            prefix = []
        else:
            prefix = ["--data-dir", pointed]
        return copy, prefix, env, pointed
    for op in [case, *case.get("also", [])]:
        _apply(op, copy / case["file"])
    if case.get("rehash", True):
        record_hashes(copy)
    return copy, prefix, env, pointed


def run(argv: list[str], env: dict[str, str | None]) -> tuple[int | None, str, str]:
    """``python -m rtchx`` in this process: (exit status or None if an exception escaped, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code: int | None
    with environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:   # argparse
            code = stop.code if isinstance(stop.code, int) else 1
        except Exception:   # what a process would print before dying
            code = None
            print(traceback.format_exc(), file=sys.stderr)
    return code, out.getvalue(), err.getvalue()


def expected_text(case: dict, pointed: str) -> list[str]:
    """Everything a failing command's message must contain: the file's name and the case's phrases."""
    names = case.get("names", Path(case["file"]).name)
    return [names, *(phrase.replace("{path}", pointed) for phrase in case.get("message", []))]


def outcome_problems(case: dict, command: tuple[str, ...], code: int | None, out: str, err: str, pointed: str,
                     descriptor_before: bytes | None, descriptor_after: bytes | None) -> list[str]:
    """What is wrong with one command's outcome on one case (empty if nothing)."""
    said = out + err
    wrong = []
    if code is None or "Traceback" in said:
        return [f"{command[0]}: a traceback\n{said[-3000:]}"]
    if case.get("valid") or (command[0] == "rehash" and case.get("rehash_cmd") == "fixes"):
        if code != 0:
            wrong.append(f"{command[0]}: exit {code} on valid data\n{said[-2000:]}")
        return wrong
    if code == 0:
        wrong.append(f"{command[0]}: exit 0 on broken data")
    wrong += [f"{command[0]}: the message lacks {text!r}\n{err[-2000:]}" for text in expected_text(case, pointed)
              if text not in err]
    if command[0] == "rehash" and case.get("rehash_cmd") == "refuses":
        if descriptor_before != descriptor_after:
            wrong.append("rehash: datapackage.json changed although a file cannot be read")
        if descriptor_before is not None and case["op"] != "env" and "no checksum was recorded" not in err:
            wrong.append("rehash: the message does not say that no checksum was recorded")
    return wrong


def _descriptor(copy: Path) -> bytes | None:
    path = copy / "datapackage.json"
    return path.read_bytes() if path.is_file() else None


CASES = load_cases()

#: Runs as real processes, in the background while the in-process runs go on: a few broken cases, which must
#: print exactly what the same run prints in process (so nothing a process shows escapes the in-process
#: runs), and a valid one.
PROCESS_RUNS = [("latin1_patients", ("results", "--json")), ("field_beyond_the_csv_limit", ("audit", "--json")),
                ("truncated_datapackage", ("compare", "--json")), ("env_dir_nowhere", ("design", "--json")),
                ("ifosfamide_total_unexplained", ("rehash",)), ("valid_spreadsheet_round_trip", ("results", "--json"))]


def _in_a_process(case: dict, command: tuple[str, ...], tmp: Path) -> tuple[tuple[int, str, str], str]:
    _, prefix, env, _ = prepare(case, tmp)
    process_env = {k: v for k, v in os.environ.items() if k != "RTCHX_DATA_DIR"}
    process_env.update({k: v for k, v in env.items() if v is not None})
    done = subprocess.run([sys.executable, "-m", "rtchx", *prefix, *command], capture_output=True, text=True,
                          env=process_env, cwd=tmp)
    return (done.returncode, done.stdout, done.stderr), str(tmp)


@pytest.fixture(scope="module")
def processes(tmp_path_factory):
    """The PROCESS_RUNS, started one at a time in a background thread (the thread only waits on the process)."""
    by_name = {c["name"]: c for c in CASES}
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield {(name, command): pool.submit(_in_a_process, by_name[name], command,
                                            tmp_path_factory.mktemp(f"process_{name}"))
               for name, command in PROCESS_RUNS}


def _marks(case: dict):
    return [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []


def saved_output(command: str):
    """What the command printed on data/ (tests/fixtures/cli, kept identical by test_cli_regression.py)."""
    return json.loads((REPO / "tests" / "fixtures" / "cli" / f"{command}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", [pytest.param(c, id=c["name"], marks=_marks(c)) for c in CASES])
def test_every_command_on_the_case(case, tmp_path, processes):
    copy, prefix, env, pointed = prepare(case, tmp_path)
    wrong = []
    for command in COMMANDS + (TEXT_COMMANDS if case.get("valid") else ()):
        if (case["name"], command) in processes:
            continue   # runs as a process (test_what_runs_as_a_process)
        before = _descriptor(copy)
        code, out, err = run([*prefix, *command], env)
        wrong += outcome_problems(case, command, code, out, err, pointed, before, _descriptor(copy))
        if case.get("same_as_real") and "--json" in command and command[0] in ("results", "audit", "design") \
                and code == 0:
            found = differences(saved_output(command[0]), json.loads(out), command[0])
            wrong += [f"{command[0]}: differs from data/ at {d}" for d in found[:5]]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name, command", [pytest.param(*r, id=f"{r[0]}-{r[1][0]}") for r in PROCESS_RUNS])
def test_what_runs_as_a_process(name, command, processes, tmp_path):
    case = {c["name"]: c for c in CASES}[name]
    (code, out, err), where = processes[(name, command)].result()
    wrong = outcome_problems(case, command, code, out, err, where, None, None)
    if case.get("same_as_real") and code == 0:
        wrong += [f"differs from data/ at {d}" for d in differences(saved_output(command[0]), json.loads(out))[:5]]
    if not case.get("valid"):
        # the same case in this process prints the same (paths apart): the in-process runs see all a process shows
        _, prefix, env, _ = prepare(case, tmp_path)
        assert run([*prefix, *command], env) == (code, out.replace(where, str(tmp_path)),
                                                 err.replace(where, str(tmp_path)))
    assert not wrong, "\n".join(wrong)


def test_the_corpus_covers_the_issue():
    broken = [c for c in CASES if not c.get("valid")]
    assert len(broken) >= 70 and len({c["name"] for c in CASES}) == len(CASES)
    assert {c["op"] for c in CASES} >= {"encode", "long_cell", "truncate", "folder", "remove", "env", "set",
                                        "json_set", "duplicate_row", "drop_column", "add_column", "empty",
                                        "header_only", "line_endings", "bytes"}
    refusing = [c for c in broken if c.get("rehash_cmd") == "refuses"]
    stale = [c for c in broken if c.get("rehash_cmd") == "fixes"]
    assert len(refusing) >= 10 and len(stale) >= 3 and all(not c.get("rehash", True) for c in stale)
    assert len([c for c in CASES if c.get("valid")]) >= 4


def test_the_months_bound_is_the_time_from_first_treatment_to_publication():
    # derived a second way: the first study year from the protocol, the publication year from the citation
    package = json.loads((REAL_DATA / "datapackage.json").read_text(encoding="utf-8"))
    published = int(package["sources"][0]["title"].split("Radiation Oncology ")[1][:4])
    months = 12 * (published - protocol.STUDY_YEARS[0] + 1)
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert (published, months) == (2010, 180)
    assert fields["lc_months"]["constraints"]["maximum"] == fields["os_months"]["constraints"]["maximum"] == months
