"""Validate a CSV file against its Frictionless Table Schema, with errors a person can act on.

Only the parts of the Table Schema specification that ``data/datapackage.json``
uses are implemented (types integer, number, boolean, string; constraints
required, unique, enum, minimum, maximum, pattern; primary keys; the sha256
hash). Every problem names the file, the row (with its line number and its
primary key) and the column, and says what was expected.

Numbers are read strictly, more strictly than Python's ``int()`` and ``float()``:
plain ASCII digits with an optional sign, decimal point and (for numbers, not
integers) exponent. Full-width digits ('１２'), underscores ('1_000'), spaces
around the number, 'nan' and 'inf' are refused, each with its reason, because a
value that only Python happens to accept is a typing or copying slip. A cell
longer than ``MAX_CELL_CHARS`` or holding a control character is refused too.
A CSV file may end its lines with LF or CRLF (RFC 4180) and may start with a
UTF-8 byte-order mark (what spreadsheet programs write as "CSV UTF-8"): neither
changes a value.
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


class SchemaNotSupported(DataValidationError, NotImplementedError):
    """Raised when ``datapackage.json`` uses a field type or constraint this validator does not implement.

    A data problem to the command line (it names the file and the field), and a
    NotImplementedError to code that asks what kind of failure it is.
    """


#: The Table Schema field types this validator reads.
SUPPORTED_TYPES = ("integer", "number", "boolean", "string")

#: The longest cell accepted, in characters. The longest cell of the real data is a note of a few
#: hundred characters; ten thousand is far more than any transcribed value or note needs, and a longer
#: cell almost always means a quote that was opened and never closed, so the rest of the file ran into it.
MAX_CELL_CHARS = 10_000


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
    if "minimum" in c and "maximum" in c and "enum" not in c:
        parts.append(f"from {c['minimum']} to {c['maximum']}")
    elif "minimum" in c:
        parts.append(f">= {c['minimum']}")
    elif "maximum" in c:
        parts.append(f"<= {c['maximum']}")
    return " ".join(parts)


_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _why_not_a_number(raw: str, kind: str) -> str:
    """Why ``raw`` is not a plainly written integer or number (for the message), given that it does not match."""
    odd = [c for c in raw if not c.isascii()]
    if odd:
        sign = odd[0]
        if "\uff10" <= sign <= "\uff19":
            return "it is written with full-width digits; write the digits 0-9"
        return f"it holds the character {sign!r} (U+{ord(sign):04X}), which is not a plain digit; write 0-9"
    if "_" in raw:
        return "it holds an underscore; write the digits without separators (1000, not 1_000)"
    if raw != raw.strip():
        return "it has spaces before or after it"
    if "," in raw:
        return "write a decimal point, not a comma"
    if raw.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return "it is not a finite number"
    if kind == "integer" and _NUMBER.fullmatch(raw):
        return "an integer is written with digits only, without a decimal point or exponent"
    return ""


def _cast(raw: str, field: dict) -> Any:
    """Turn one cell's text into a typed value; raise ValueError (with the reason, if one is known) if it is not
    of the field's type."""
    kind = field["type"]
    if kind == "string":
        return raw
    if kind == "integer":
        if not _INTEGER.fullmatch(raw):
            raise ValueError(_why_not_a_number(raw, kind))
        return int(raw)
    if kind == "number":
        if not _NUMBER.fullmatch(raw):
            raise ValueError(_why_not_a_number(raw, kind))
        value = float(raw)
        if not math.isfinite(value):   # 1e999
            raise ValueError("it is not a finite number")
        return value
    if kind == "boolean":
        if raw in field.get("trueValues", ["true"]):
            return True
        if raw in field.get("falseValues", ["false"]):
            return False
        raise ValueError
    raise SchemaNotSupported([Problem("datapackage.json", f"field {field['name']!r}: type {kind!r} is not "
                                                          "supported by rtchx.core.schema")])


#: The Table Schema constraints this validator enforces; any other is refused rather than silently ignored.
SUPPORTED_CONSTRAINTS = {"required", "unique", "enum", "minimum", "maximum", "pattern"}


def _bound_reason(field: dict, opening: str) -> str:
    """The sentence of the field's description that gives the reason for a bound ("At most 180 months: ..."),
    to quote after the problem; empty if the description has none."""
    found = re.search(rf"{opening}\b.*?\.(?= [A-Z]|$)", field.get("description", ""))
    return f" ({found.group()})" if found else ""


def _check_constraints(value: Any, field: dict) -> tuple[str, str] | None:
    """Return why a typed value breaks the field's constraints (what was expected, and the reason for a bound
    or an empty string), or None if it does not."""
    c = field.get("constraints", {})
    unknown = set(c) - SUPPORTED_CONSTRAINTS
    if unknown:
        raise SchemaNotSupported([Problem("datapackage.json", f"constraint(s) {', '.join(sorted(unknown))} of "
                                                              f"field {field['name']!r} are not supported by "
                                                              "rtchx.core.schema")])
    if "enum" in c and value not in c["enum"]:
        return f"expected {_describe(field)}", ""
    if "minimum" in c and value < c["minimum"]:
        return f"expected {_describe({'type': field['type']})} >= {c['minimum']}", _bound_reason(field, "At least")
    if "maximum" in c and value > c["maximum"]:
        return f"expected {_describe({'type': field['type']})} <= {c['maximum']}", _bound_reason(field, "At most")
    if "pattern" in c and not re.fullmatch(c["pattern"], value):
        hint = (": it holds a line break" if "\n" in value or "\r" in value
                else ": it has spaces at its start or end" if value != value.strip() else "")
        return f"expected text matching the pattern {c['pattern']!r}", hint
    return None


def descriptor_problems(resource: Any) -> tuple[list[Problem], list[Problem]]:
    """What is wrong with one resource's description in ``datapackage.json``, before any file is read.

    Parameters
    ----------
    resource : object
        One item of the descriptor's ``resources`` list, as parsed from JSON.

    Returns
    -------
    tuple of two lists of Problem
        The description's mistakes (a missing name, path or field list, an enum
        that is not a list, a pattern that is not a regular expression, a primary
        key that names no field, ...), and the features it uses that this
        validator does not implement (types, constraints). Both empty if it is fine.

    Example
    -------
    >>> broken, unsupported = descriptor_problems({"name": "x", "path": "x.csv", "schema": {"fields": [
    ...     {"name": "a", "type": "date"}]}})
    >>> broken, [p.message for p in unsupported]   # doctest: +ELLIPSIS
    ([], ["resource 'x', field 'a': type 'date' is not supported by rtchx.core.schema (expected one of ...)"])
    """
    broken: list[Problem] = []
    unsupported: list[Problem] = []

    def problem(message: str, to: list[Problem] = broken) -> None:
        to.append(Problem("datapackage.json", message))

    if not isinstance(resource, dict):
        problem(f"each resource must be an object, found {resource!r:.60}")
        return broken, unsupported
    name = resource.get("name")
    if not isinstance(name, str) or not name:
        problem(f"a resource has no 'name' (found {name!r})")
        name = "?"
    where = f"resource {name!r}"
    if not isinstance(resource.get("path"), str) or not resource["path"]:
        problem(f"{where}: expected a 'path' naming its file, found {resource.get('path')!r}")
    if "encoding" in resource and not isinstance(resource["encoding"], str):
        problem(f"{where}: expected the 'encoding' as text, found {resource['encoding']!r}")
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not fields:
        problem(f"{where}: expected a 'schema' with a non-empty 'fields' list")
        return broken, unsupported
    names = []
    for number, field in enumerate(fields, start=1):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            problem(f"{where}, field {number}: expected an object with a 'name'")
            continue
        at = f"{where}, field {field['name']!r}"
        if field["name"] in names:
            problem(f"{at}: the name is used twice")
        names.append(field["name"])
        if field.get("type") not in SUPPORTED_TYPES:
            problem(f"{at}: type {field.get('type')!r} is not supported by rtchx.core.schema "
                    f"(expected one of {', '.join(SUPPORTED_TYPES)})", unsupported)
        c = field.get("constraints", {})
        if not isinstance(c, dict):
            problem(f"{at}: expected 'constraints' to be an object")
            continue
        if set(c) - SUPPORTED_CONSTRAINTS:
            problem(f"{at}: constraint(s) {', '.join(sorted(set(c) - SUPPORTED_CONSTRAINTS))} are not "
                    "supported by rtchx.core.schema", unsupported)
        if "enum" in c and not isinstance(c["enum"], list):
            problem(f"{at}: expected the enum constraint to be a list")
        for bound in ("minimum", "maximum"):
            if bound in c and (isinstance(c[bound], bool) or not isinstance(c[bound], int | float)):
                problem(f"{at}: expected the {bound} to be a number, found {c[bound]!r}")
        if "pattern" in c:
            try:
                re.compile(c["pattern"])
            except (re.error, TypeError) as error:
                problem(f"{at}: the pattern {c['pattern']!r} is not a regular expression ({error})")
    for key in schema.get("primaryKey", []) if isinstance(schema.get("primaryKey", []), list) else ["?"]:
        if key not in names:
            problem(f"{where}: the primary key {key!r} names no field")
    if not isinstance(schema.get("missingValues", []), list):
        problem(f"{where}: expected 'missingValues' to be a list")
    return broken, unsupported


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode(path: Path, encoding: str) -> str:
    """The file's text; DataValidationError if it cannot be read or decoded (with the line and the byte)."""
    name = path.name
    if not path.exists():
        raise DataValidationError([Problem(name, f"file not found at {path}")])
    if not path.is_file():
        raise DataValidationError([Problem(name, f"{path} is a folder or a special file, not a CSV file")])
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataValidationError([Problem(name, f"the file cannot be read ({error.strerror})")]) from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise DataValidationError([Problem(
            name, f"line {line} is not valid {encoding} (byte {error.object[error.start]:#04x}); "
                  f"save the file as {encoding}")]) from None
    except LookupError:
        raise DataValidationError([Problem(
            name, f"datapackage.json gives its encoding as {encoding!r}, which Python does not know")]) from None
    return text.removeprefix("\ufeff")   # a byte-order mark is not part of the first column's name


def _parse(text: str, name: str) -> list[list[str]]:
    """Every record of a CSV text (a quoted field may hold a line break); DataValidationError with the line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    while True:
        start = reader.line_num + 1
        try:
            records.append(next(reader))
        except StopIteration:
            return records
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                why = (f"a cell is longer than {csv.field_size_limit()} characters, the most the csv module "
                       f"reads (at most {MAX_CELL_CHARS} are expected); is a closing quote missing?")
            elif "unexpected end of data" in str(error):
                why = "a quoted cell is never closed: a quote (\") is missing"
            else:
                why = f"{error} (a quote inside a cell must be doubled, and the cell quoted)"
            raise DataValidationError([Problem(
                name, f"the CSV cannot be read in the record starting at line {start}: {why}")]) from None


def readable(path: Path, resource: dict) -> None:
    """Check that a data file can be read as CSV at all: there, a file, in its encoding, CSV syntax.

    What ``rehash`` needs before it records a file's checksum; what the values
    mean is ``read_table``'s business.

    Parameters
    ----------
    path : Path
        The file.
    resource : dict
        Its resource in ``datapackage.json`` (for the encoding).

    Returns
    -------
    None

    Raises
    ------
    DataValidationError
        Naming the file and, where there is one, the line.

    Example
    -------
    >>> readable(Path("data/patients.csv"), {"encoding": "utf-8"})   # doctest: +SKIP
    """
    _parse(_decode(Path(path), resource.get("encoding", "utf-8")), Path(path).name)


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

    text = _decode(path, resource.get("encoding", "utf-8"))
    problems = check_hash(path, resource)
    if not text.strip():
        raise DataValidationError(problems + [Problem(
            name, "the file is empty; expected a header row with the columns " + ", ".join(names))])

    # a quoted field may hold a line break: read records, not lines
    try:
        header, *records = _parse(text, name)
    except DataValidationError as error:
        raise DataValidationError(problems + error.problems) from None
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
            if len(cell) > MAX_CELL_CHARS:
                problems.append(Problem(name, f"the cell holds {len(cell)} characters, more than the "
                                              f"{MAX_CELL_CHARS} any value or note needs; is a closing quote missing?",
                                        row=number, key=key, column=column))
                record[column] = None
                continue
            if _CONTROL.search(cell):
                sign = _CONTROL.search(cell).group()
                problems.append(Problem(name, f"the cell holds the control character U+{ord(sign):04X}, which no "
                                              "value contains; is the file damaged or binary?",
                                        row=number, key=key, column=column))
                record[column] = None
                continue
            if cell in missing_values:
                if required:
                    problems.append(Problem(name, f"the cell is empty; expected {_describe(field)}",
                                            row=number, key=key, column=column))
                record[column] = None
                continue
            try:
                value = _cast(cell, field)
            except ValueError as error:
                reason = f": {error}" if str(error) else ""
                problems.append(Problem(name, f"expected {_describe(field)}, found {cell!r}{reason}",
                                        row=number, key=key, column=column))
                record[column] = None
                continue
            broken = _check_constraints(value, field)
            if broken:
                problems.append(Problem(name, f"{broken[0]}, found {cell!r}{broken[1]}", row=number, key=key,
                                        column=column))
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
