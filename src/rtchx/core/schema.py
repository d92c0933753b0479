"""Validate a CSV file against its Frictionless Table Schema, with errors a person can act on.

Only the parts of the Table Schema specification that ``data/datapackage.json``
uses are implemented (types integer, number, boolean, string; constraints
required, unique, enum, minimum, maximum, pattern; primary keys; the sha256
hash). Every problem names the file, the row (with its line number and its
primary key) and the column, and says what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located as precisely as possible."""

    file: str
    message: str
    row: int | None = None  # 1-based data row (the header is not counted)
    key: str | None = None  # the row's primary key, e.g. "patient 5"
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            row = f"row {self.row} (line {self.row + 1})"
            if self.key:
                row += f", {self.key}"
            where.append(row)
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return ", ".join(where) + ": " + self.message


class DataValidationError(ValueError):
    """Raised when a data file breaks its schema or a cross-field rule; lists every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data:\n{lines}")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes, as written in ``datapackage.json`` after 'sha256:'."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_hash(path: Path, resource: dict) -> list[Problem]:
    """Compare the file's sha256 with the one recorded for it in the data package."""
    recorded = resource.get("hash", "")
    if not recorded.startswith("sha256:"):
        return [Problem(path.name, f"datapackage.json records no sha256 hash for this file (found {recorded!r})")]
    actual = sha256_of(path)
    if recorded[len("sha256:"):] != actual:
        return [Problem(
            path.name,
            f"the file's sha256 is {actual}, but datapackage.json records {recorded[7:]}. "
            "The file changed without its record; if the change is intended, run "
            "`python -m rtchx rehash` and commit both files.",
        )]
    return []


def _describe(field: dict) -> str:
    """A short phrase for what a field expects, used in error messages."""
    kind = {"integer": "an integer", "number": "a number", "boolean": "true or false", "string": "text"}[field["type"]]
    c = field.get("constraints", {})
    parts = [kind]
    if "enum" in c:
        parts = ["one of " + ", ".join(repr(v) for v in c["enum"])]
    if "minimum" in c:
        parts.append(f">= {c['minimum']}")
    if "maximum" in c:
        parts.append(f"<= {c['maximum']}")
    return " ".join(parts)


def _cast(raw: str, field: dict) -> Any:
    """Turn one cell's text into a typed value; raise ValueError if it is not of the field's type."""
    kind = field["type"]
    if kind == "string":
        return raw
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", raw.strip()):
            raise ValueError
        return int(raw)
    if kind == "number":
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError
        return value
    if kind == "boolean":
        if raw in field.get("trueValues", ["true"]):
            return True
        if raw in field.get("falseValues", ["false"]):
            return False
        raise ValueError
    raise NotImplementedError(f"field type {kind!r} is not supported by rtchx.core.schema")


#: The Table Schema constraints this validator enforces; any other is refused rather than silently ignored.
SUPPORTED_CONSTRAINTS = {"required", "unique", "enum", "minimum", "maximum", "pattern"}


def _check_constraints(value: Any, field: dict) -> str | None:
    """Return why a typed value breaks the field's constraints, or None if it does not."""
    c = field.get("constraints", {})
    unknown = set(c) - SUPPORTED_CONSTRAINTS
    if unknown:
        raise NotImplementedError(f"constraint(s) {', '.join(sorted(unknown))} of field {field['name']!r} "
                                  "are not supported by rtchx.core.schema")
    if "enum" in c and value not in c["enum"]:
        return f"expected {_describe(field)}"
    if "minimum" in c and value < c["minimum"]:
        return f"expected {_describe(field)}"
    if "maximum" in c and value > c["maximum"]:
        return f"expected {_describe(field)}"
    if "pattern" in c and not re.fullmatch(c["pattern"], value):
        return f"expected text matching the pattern {c['pattern']!r}"
    return None


def read_table(path: Path, resource: dict) -> list[dict]:
    """Read ``path`` and return its rows as dicts of typed values.

    Raises DataValidationError listing every problem found (not just the first),
    so that a person fixing a file sees the whole picture at once.
    """
    path = Path(path)
    name = path.name
    schema = resource["schema"]
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    missing_values = set(schema.get("missingValues", [""]))

    if not path.exists():
        raise DataValidationError([Problem(name, f"file not found at {path}")])
    if not path.is_file():
        raise DataValidationError([Problem(name, f"{path} is a folder or a special file, not a CSV file")])
    encoding = resource.get("encoding", "utf-8")
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError as error:
        line = path.read_bytes()[:error.start].count(b"\n") + 1
        raise DataValidationError([Problem(
            name, f"line {line} is not valid {encoding} (byte {error.object[error.start]:#04x}); "
                  f"save the file as {encoding}")]) from None
    problems = check_hash(path, resource)
    if not text.strip():
        raise DataValidationError(problems + [Problem(
            name, "the file is empty; expected a header row with the columns " + ", ".join(names))])

    # a quoted field may hold a line break: read records, not lines
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        records = list(reader)
    except csv.Error as error:
        raise DataValidationError(problems + [Problem(
            name, f"the CSV cannot be read at line {reader.line_num}: {error}")]) from None
    for column in names:
        if column not in header:
            problems.append(Problem(name, "this column is missing from the header row", column=column))
    for column in header:
        if column not in names:
            problems.append(Problem(name, "this column is not described in datapackage.json", column=column))
    if not problems and header != names:
        problems.append(Problem(name, "the columns are in a different order from datapackage.json: "
                                      "expected " + ", ".join(names)))
    if problems:
        raise DataValidationError(problems)

    key_fields = schema.get("primaryKey", [])
    rows: list[dict] = []
    seen: dict[str, dict[Any, int]] = {f["name"]: {} for f in fields if f.get("constraints", {}).get("unique")}
    seen_keys: dict[tuple, int] = {}
    for number, cells in enumerate(records, start=1):
        if not cells:
            continue
        raw = dict(zip(header, cells, strict=False))  # a short or long row is reported below
        key = ", ".join(f"{k} {raw.get(k, '?')}" for k in key_fields) or None
        if len(cells) != len(header):
            problems.append(Problem(name, f"the row has {len(cells)} cells but the header has {len(header)}",
                                    row=number, key=key))
            continue
        record: dict[str, Any] = {}
        for field in fields:
            column = field["name"]
            cell = raw[column]
            required = field.get("constraints", {}).get("required", False)
            if cell in missing_values:
                if required:
                    problems.append(Problem(name, f"the cell is empty; expected {_describe(field)}",
                                            row=number, key=key, column=column))
                record[column] = None
                continue
            try:
                value = _cast(cell, field)
            except ValueError:
                problems.append(Problem(name, f"expected {_describe(field)}, found {cell!r}",
                                        row=number, key=key, column=column))
                record[column] = None
                continue
            why = _check_constraints(value, field)
            if why:
                problems.append(Problem(name, f"{why}, found {cell!r}", row=number, key=key, column=column))
            if column in seen:
                if value in seen[column]:
                    problems.append(Problem(name, f"the value {cell!r} must be unique but also stands in row "
                                                  f"{seen[column][value]}", row=number, key=key, column=column))
                else:
                    seen[column][value] = number
            record[column] = value
        if key_fields:
            key_value = tuple(record[k] for k in key_fields)
            if None not in key_value:
                if key_value in seen_keys and not all(k in seen for k in key_fields):
                    problems.append(Problem(name, f"duplicate primary key; also in row {seen_keys[key_value]}",
                                            row=number, key=key, column=",".join(key_fields)))
                seen_keys.setdefault(key_value, number)
        rows.append(record)
    if not rows:
        problems.append(Problem(name, "the file has a header but no data rows"))
    if problems:
        raise DataValidationError(problems)
    return rows
