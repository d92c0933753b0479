"""Locate, load and validate the book's data, and derive what Table 3 implies but does not print.

``data/patients.csv`` holds only what Table 3 of Eckert et al. (2010) prints.
Anything inferred (size class, intended ifosfamide dose, cycles given) is
computed here, with its reasoning, so that it can be read and tested.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from rtchx.core import protocol
from rtchx.core.schema import (
    DataValidationError,
    Problem,
    SchemaNotSupported,
    descriptor_problems,
    read_table,
    readable,
    sha256_of,
)

#: Environment variable that points rtchx at another ``data/`` folder (tests, experiments).
DATA_DIR_ENV = "RTCHX_DATA_DIR"

#: The resources the book reads; ``datapackage.json`` must describe each (it may describe more).
RESOURCES = ("patients", "historical", "literature", "claims", "published_designs")

#: Table 3 abbreviates histologies; these are the names spelt out.
HISTOLOGY_NAMES = {
    "Leiomyos.": "Leiomyosarcoma",
    "PNET": "Peripheral neuroectodermal tumour",
    "Anaplastic S.": "Anaplastic sarcoma",
    "Angios.": "Angiosarcoma",
    "Chondros.": "Chondrosarcoma",
    "Synovials.": "Synovial sarcoma",
    "Pleomorphic S.": "Pleomorphic sarcoma",
    "Rhabdomyos.": "Rhabdomyosarcoma",
}



class DataFolderNotFound(DataValidationError, FileNotFoundError):
    """Raised when the data folder someone named, or the search for one, finds no ``datapackage.json``.

    A data problem to the command line (one message, exit 1), and still a
    FileNotFoundError to code that asks what kind of failure it is.
    """


def find_data_dir(start: str | os.PathLike | None = None) -> Path:
    """Find the ``data/`` folder that holds ``datapackage.json``.

    Looks, in order, at ``$RTCHX_DATA_DIR``; at ``data/`` in ``start`` (default:
    the working directory) and each of its parents, so the repository root and
    ``notebooks/`` both work; and at the repository this package was installed
    from (an editable install), so a test's temporary folder works too.

    Parameters
    ----------
    start : path, optional
        Where to start looking (default: the working directory).

    Returns
    -------
    Path
        The folder that holds ``datapackage.json``.

    Example
    -------
    >>> (find_data_dir() / "datapackage.json").is_file()
    True
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return check_data_dir(Path(override), f"${DATA_DIR_ENV}")
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "datapackage.json").is_file():
            return folder / "data"
    installed = Path(__file__).resolve().parents[3] / "data"
    if (installed / "datapackage.json").is_file():
        return installed
    raise DataFolderNotFound([Problem(
        "datapackage.json", f"no data/datapackage.json in {here} or its parents, nor beside the rtchx package; "
                            f"set ${DATA_DIR_ENV} (or pass --data-dir) to the folder that holds it")])


def check_data_dir(path: Path, named: str) -> Path:
    """Check that a data folder someone named (``$RTCHX_DATA_DIR``, ``--data-dir``) holds a data package.

    Parameters
    ----------
    path : Path
        The folder as given.
    named : str
        How it was given, for the message: ``"$RTCHX_DATA_DIR"`` or ``"--data-dir"``.

    Returns
    -------
    Path
        ``path``, unchanged, if it is a folder that holds ``datapackage.json``.

    Raises
    ------
    DataFolderNotFound
        Naming the setting, the path and what is wrong with it.

    Example
    -------
    >>> check_data_dir(Path("/nowhere"), "--data-dir")
    Traceback (most recent call last):
    ...
    rtchx.core.data.DataFolderNotFound: 1 problem(s) in the data:
      - --data-dir: '/nowhere' does not exist; expected the folder that holds datapackage.json
    """
    expected = "expected the folder that holds datapackage.json"
    if not path.exists():
        why = f"{str(path)!r} does not exist"
    elif not path.is_dir():
        why = f"{str(path)!r} is a file, not a folder"
    elif not (path / "datapackage.json").exists():
        why = f"{str(path)!r} is a folder without datapackage.json"
    else:
        return path
    raise DataFolderNotFound([Problem(named, f"{why}; {expected}")])


def find_chapters(data_dir: Path) -> Path | None:
    """The ``notebooks/`` folder whose chapters ``claims.csv`` may name, for the data in ``data_dir``.

    The chapters belong to the book, not to the data: a data folder inside a copy
    of the project (``<root>/data``) is checked against that copy's
    ``notebooks/``; any other data folder (a scratch copy to experiment on, as
    ``$RTCHX_DATA_DIR`` allows) against the notebooks of the project this package
    was installed from, which are the chapters that will show the claims. None
    if neither exists (a package installed without its project); the chapter
    check is then skipped.

    Parameters
    ----------
    data_dir : Path
        The folder holding ``datapackage.json``.

    Returns
    -------
    Path or None
        The ``notebooks/`` folder.

    Example
    -------
    >>> find_chapters(find_data_dir()).name
    'notebooks'
    """
    for root in (Path(data_dir).resolve().parent, Path(__file__).resolve().parents[3]):
        if (root / "notebooks").is_dir():
            return root / "notebooks"
    return None


def read_datapackage(data_dir: Path | None = None) -> dict:
    """The parsed ``datapackage.json`` descriptor.

    Parameters
    ----------
    data_dir : Path, optional
        The folder holding it (default: ``find_data_dir()``).

    Returns
    -------
    dict
        The descriptor: its ``resources`` list each file with its schema and hash.

    Example
    -------
    >>> [r["name"] for r in read_datapackage()["resources"]][:2]
    ['patients', 'historical']
    """
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    path = data_dir / "datapackage.json"
    if not path.exists():
        raise DataValidationError([Problem("datapackage.json", f"no such file at {path}")])
    if not path.is_file():
        raise DataValidationError([Problem("datapackage.json", f"{path} is a folder, not a file")])
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise DataValidationError([Problem("datapackage.json", f"not valid UTF-8 ({error.reason})")]) from None
    except json.JSONDecodeError as error:
        raise DataValidationError([Problem(
            "datapackage.json", f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}")]) from None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise DataValidationError([Problem("datapackage.json", "expected an object with a 'resources' list")])
    broken, unsupported = [], []
    for resource in package["resources"]:
        found = descriptor_problems(resource)
        broken += found[0]
        unsupported += found[1]
    names = [r.get("name") for r in package["resources"] if isinstance(r, dict)]
    broken += [Problem("datapackage.json", f"two resources are named {name!r}")
               for name in sorted({n for n in names if names.count(n) > 1 and isinstance(n, str)})]
    broken += [Problem("datapackage.json", f"no resource is named {name!r}; the book needs "
                                           f"{', '.join(RESOURCES)}") for name in RESOURCES if name not in names]
    if broken:
        raise DataValidationError(broken + unsupported)
    if unsupported:
        raise SchemaNotSupported(unsupported)
    return package



def _resource(package: dict, name: str) -> dict:
    for resource in package["resources"]:
        if resource["name"] == name:
            return resource
    raise DataValidationError([Problem("datapackage.json", f"no resource is named {name!r}")])


def _frame(rows: list[dict], resource: dict) -> pd.DataFrame:
    """Rows of typed values as a DataFrame with one dtype per schema type."""
    frame = pd.DataFrame(rows, columns=[f["name"] for f in resource["schema"]["fields"]])
    for field in resource["schema"]["fields"]:
        column = field["name"]
        if field["type"] == "integer":
            frame[column] = frame[column].astype("Int64" if frame[column].isna().any() else "int64")
        elif field["type"] == "number":
            frame[column] = frame[column].astype("float64")
        elif field["type"] == "boolean":
            frame[column] = frame[column].astype("bool")
        else:
            frame[column] = frame[column].fillna("").astype(str)
    return frame


#: The toxicity text of Table 3 for the patient who died during radiotherapy (patient 6).
DIED_IN_THERAPY = "Death during therapy"


def _patient_rules(rows: list[dict], file: str) -> list[Problem]:
    """Rules that involve more than one column of a patient's row."""
    problems = []
    for number, r in enumerate(rows, start=1):
        key = f"patient {r['patient']}"

        def problem(column: str, message: str, number=number, key=key) -> None:
            problems.append(Problem(file, message, row=number, key=key, column=column))

        if r["lc_months"] > r["os_months"]:
            problem("lc_months", f"local control ({r['lc_months']:g} months) cannot last longer than "
                                 f"survival (os_months = {r['os_months']:g})")
        if r["local_failure"] and r["lc_months"] <= 0:
            problem("lc_months", "a local failure needs a positive time to failure, found 0")
        if r["local_failure"] and r["status"] == "AWOD":
            problem("local_failure", "a patient alive without disease (AWOD) cannot have failed locally")
        if r["toxicity"] == DIED_IN_THERAPY and r["status"] != "DOD":
            problem("status", f"the toxicity column says {DIED_IN_THERAPY!r}, so the status must be DOD "
                              f"(found {r['status']})")
        if r["diameter_before_rt_cm"] > r["diameter_initial_cm"]:
            problem("diameter_before_rt_cm", f"the size before radiotherapy ({r['diameter_before_rt_cm']:g} cm) "
                                             f"exceeds the initial size ({r['diameter_initial_cm']:g} cm)")
        if r["cohort"] == "primary" and r["diameter_before_rt_cm"] != r["diameter_initial_cm"]:
            problem("diameter_before_rt_cm", "a patient without resection (cohort 'primary') should have "
                                             "the same size before radiotherapy as initially")
        try:
            infer_ifosfamide_schedule(r["ifosfamide_total_g_m2"])
        except ValueError as error:
            totals = ", ".join(f"{t:g}" for t in explained_ifosfamide_totals())
            problem("ifosfamide_total_g_m2", f"{error}; the totals the schedule explains are {totals} g/m2")
    return problems


def _historical_rules(rows: list[dict], file: str) -> list[Problem]:
    """A rate with a count and a denominator must be the count over the denominator, rounded."""
    problems = []
    for number, r in enumerate(rows, start=1):
        key = f"id {r['id']}"
        if r["count"] is not None and r["denominator"] is not None:
            if r["count"] > r["denominator"]:
                problems.append(Problem(file, f"count {r['count']} exceeds denominator {r['denominator']}",
                                        row=number, key=key, column="count"))
            elif abs(r["rate"] - r["count"] / r["denominator"]) > 0.005:
                problems.append(Problem(file, f"rate {r['rate']} is not {r['count']}/{r['denominator']} "
                                              "to the nearest percent", row=number, key=key, column="rate"))
    return problems


def _published_design_rules(rows: list[dict], file: str) -> list[Problem]:
    """A design must be a design: p1 above p0, stages that fit inside the trial, fields its kind needs."""
    problems = []
    for number, r in enumerate(rows, start=1):
        def problem(column: str, message: str, number=number, key=f"id {r['id']}") -> None:
            problems.append(Problem(file, message, row=number, key=key, column=column))

        for column in ("p0", "p1", "alpha", "power"):
            if not 0 < r[column] < 1:
                problem(column, f"a probability strictly between 0 and 1 is expected, found {r[column]}")
        if r["p1"] <= r["p0"]:
            problem("p1", f"the hoped-for rate ({r['p1']}) must exceed the uninteresting one ({r['p0']})")
        if r["r"] > r["n"]:
            problem("r", f"the cut-off ({r['r']}) cannot exceed the number of patients ({r['n']})")
        two_stage = r["design"].startswith("simon_")
        for column in ("r1", "n1"):
            if two_stage and r[column] is None:
                problem(column, f"a two-stage design ({r['design']}) needs {column}")
            if not two_stage and r[column] is not None:
                problem(column, f"a single-stage design has no {column}")
        stages_given = two_stage and r["r1"] is not None and r["n1"] is not None
        if stages_given and not r["r1"] < r["n1"] < r["n"]:
            problem("n1", f"stage 1 must satisfy r1 < n1 < n, found {r['r1']} / {r['n1']} / {r['n']}")
    return problems


def _literature_rules(rows: list[dict], file: str) -> list[Problem]:
    """A percentage is at most 100."""
    return [Problem(file, f"a percentage cannot exceed 100, found {r['value']:g}", row=number, key=f"id {r['id']}",
                    column="value")
            for number, r in enumerate(rows, start=1) if r["unit"] == "%" and r["value"] > 100]


_RULES = {"patients": _patient_rules, "historical": _historical_rules, "literature": _literature_rules,
          "published_designs": _published_design_rules}


def load_resource(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """Load one resource of the data package, validated against its schema and cross-field rules.

    Parameters
    ----------
    name : str
        The resource's name in ``datapackage.json`` (``"patients"``, ``"claims"``, ...).
    data_dir : Path, optional
        The folder holding the package (default: ``find_data_dir()``).

    Returns
    -------
    DataFrame
        One column per schema field, typed as the schema says.

    Raises
    ------
    DataValidationError
        Listing every problem found: file, row, column and what was expected.

    Example
    -------
    >>> float(load_resource("claims").set_index("id").loc["r_lc_5y", "reported"])
    70.0
    """
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    package = read_datapackage(data_dir)
    return _frame(validate_resource(name, data_dir, package), _resource(package, name))


def validate_resource(name: str, data_dir: Path, package: dict | None = None) -> list[dict]:
    """Validate one resource against its schema and cross-field rules; its rows as dicts of typed values.

    ``load_resource`` without building the DataFrame, for a caller that only
    needs to know whether the file is valid (``python -m rtchx validate``).

    Parameters
    ----------
    name : str
        The resource's name in ``datapackage.json``.
    data_dir : Path
        The folder holding the package.
    package : dict, optional
        The parsed descriptor, if the caller has read it already (``read_datapackage``).

    Returns
    -------
    list of dict
        One dict per data row, in file order.

    Raises
    ------
    DataValidationError
        Listing every problem found: file, row, column and what was expected.

    Example
    -------
    >>> len(validate_resource("patients", find_data_dir()))
    11
    """
    resource = _resource(package or read_datapackage(data_dir), name)
    path = Path(data_dir) / resource["path"]
    rows = read_table(path, resource)
    problems = _RULES.get(name, lambda rows, file: [])(rows, path.name)
    if problems:
        raise DataValidationError(problems)
    return rows


def load_patients(data_dir: Path | None = None) -> pd.DataFrame:
    """The eleven patients of Table 3, validated, indexed 0..10 in table order.

    Parameters
    ----------
    data_dir : Path, optional
        The folder holding the package (default: ``find_data_dir()``).

    Returns
    -------
    DataFrame
        One row per patient, the columns of ``data/patients.csv``.

    Example
    -------
    >>> load_patients()["patient"].tolist()
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    """
    return load_resource("patients", data_dir)


def load_historical(data_dir: Path | None = None) -> pd.DataFrame:
    """The historical comparator figures, validated.

    Parameters
    ----------
    data_dir : Path, optional
        The folder holding the package (default: ``find_data_dir()``).

    Returns
    -------
    DataFrame
        One row per outside figure (``data/historical.csv``), rates as fractions.

    Example
    -------
    >>> float(load_historical().set_index("id").loc["rt_alone_range_high", "rate"])
    0.45
    """
    return load_resource("historical", data_dir)


#: How ``historical.csv``'s ``stated_in`` begins for a figure the paper itself states.
STATED_BY_THE_PAPER = "Eckert"


@dataclass(frozen=True)
class PackageContents:
    """How much the data package holds: its tables, and the rows of each that the book describes.

    ``historical_from_paper`` counts comparator figures the paper itself states,
    ``historical_from_source`` those taken from the cited series' own text, and
    ``historical_cohort_shares`` the rows that describe a comparator cohort (its share
    of large or high-grade tumours) rather than an outcome.
    """

    tables: int
    patient_rows: int
    patient_columns: int
    historical_rows: int
    historical_from_paper: int
    historical_from_source: int
    historical_cohort_shares: int
    claims: int
    published_designs: int


def package_contents(data_dir: Path | None = None) -> PackageContents:
    """Count the tables of the data package and the rows of each, every table loaded and validated.

    Parameters
    ----------
    data_dir : Path, optional
        The folder holding ``datapackage.json`` (default: ``find_data_dir()``).

    Returns
    -------
    PackageContents
        The counts.

    Example
    -------
    >>> contents = package_contents()
    >>> contents.tables, contents.patient_rows, contents.patient_columns
    (5, 11, 17)
    """
    patients, historical = load_patients(data_dir), load_historical(data_dir)
    from_paper = historical["stated_in"].str.startswith(STATED_BY_THE_PAPER)
    return PackageContents(
        tables=len(read_datapackage(data_dir)["resources"]),
        patient_rows=len(patients),
        patient_columns=patients.shape[1],
        historical_rows=len(historical),
        historical_from_paper=int(from_paper.sum()),
        historical_from_source=int((~from_paper).sum()),
        historical_cohort_shares=int((historical["endpoint"] == "share_of_cohort").sum()),
        claims=len(load_resource("claims", data_dir)),
        published_designs=len(load_resource("published_designs", data_dir)),
    )


def rehash(data_dir: Path | None = None) -> dict[str, str]:
    """Record each file's current sha256 in ``datapackage.json``; return {file: hash}.

    For a maintainer who changed a data file on purpose. The descriptor is
    rewritten with its key order kept. A checksum vouches for a file, so none is
    recorded unless every file can be read: one that is missing, a folder, not in
    its encoding or not CSV stops the rehash with the problems, and
    ``datapackage.json`` is left as it was. Whether the values are valid is
    ``validate``'s question, asked after the rehash.

    Parameters
    ----------
    data_dir : Path, optional
        The folder holding the package (default: ``find_data_dir()``).

    Returns
    -------
    dict
        File name -> its new hex sha256.

    Raises
    ------
    DataValidationError
        If ``datapackage.json`` or any data file cannot be read; nothing is written then.

    Example
    -------
    >>> rehash(scratch_copy_of_data)   # doctest: +SKIP
    {'patients.csv': '5f1c...', ...}
    """
    data_dir = Path(data_dir) if data_dir else find_data_dir()
    descriptor_path = data_dir / "datapackage.json"
    refused = Problem("datapackage.json", "no checksum was recorded: a checksum vouches for a file that can be read")
    try:
        package = read_datapackage(data_dir)
    except DataValidationError as error:
        raise DataValidationError([*error.problems, refused]) from None
    unreadable = []
    for resource in package["resources"]:
        try:
            readable(data_dir / resource["path"], resource)
        except DataValidationError as error:
            unreadable += error.problems
    if unreadable:
        raise DataValidationError([*unreadable, refused])
    hashes = {}
    for resource in package["resources"]:
        digest = sha256_of(data_dir / resource["path"])
        resource["hash"] = f"sha256:{digest}"
        hashes[resource["path"]] = digest
    descriptor_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return hashes


# --- derived quantities -------------------------------------------------------------------------

def size_class(diameter_cm: float) -> str:
    """Table 1's size classes: '<=5 cm', '5-10 cm' (up to and including 10 cm) or '>10 cm'."""
    if diameter_cm <= 5:
        return "<=5 cm"
    if diameter_cm <= 10:
        return "5-10 cm"
    return ">10 cm"


def explained_ifosfamide_totals() -> tuple[float, ...]:
    """Every total ifosfamide dose the schedule explains (``infer_ifosfamide_schedule``), smallest first.

    Returns
    -------
    tuple of float
        The totals in g/m2.

    Example
    -------
    >>> explained_ifosfamide_totals()
    (5.0, 7.5, 10.0, 15.0)
    """
    days, planned = protocol.IFOSFAMIDE_DAYS_PER_CYCLE, len(protocol.IFOSFAMIDE_CYCLE_WEEKS)
    totals = [daily * days * cycles for daily in protocol.IFOSFAMIDE_DAILY_DOSES_G_M2
              for cycles in range(1, planned + 1)]
    return tuple(sorted(t for t in set(totals) if totals.count(t) == 1))


class IfosfamideSchedule(NamedTuple):
    """The course a total ifosfamide dose implies (a tuple, so ``intended, cycles = ...`` works)."""

    intended_g_m2: float     # the two-cycle total of the daily dose given
    cycles_given: int


def infer_ifosfamide_schedule(total_g_m2: float) -> IfosfamideSchedule:
    """Infer the intended total dose and the cycles given from the total ifosfamide a patient received.

    The methods describe one schedule with two variants: 1.0 or 1.5 g/m2 a day on
    five days, in weeks 1 and 5, so a full course is 10 or 15 g/m2 and one cycle
    is 5 or 7.5 g/m2. A total is explained by exactly one (daily dose, cycles)
    pair: 5 = one cycle of 1.0, 7.5 = one cycle of 1.5, 10 = two of 1.0,
    15 = two of 1.5. The intended dose is the two-cycle total of that daily dose.
    A total no pair explains, or more than one does, is an error, not a guess.

    Parameters
    ----------
    total_g_m2 : float
        The total dose Table 3 gives, in g/m².

    Returns
    -------
    IfosfamideSchedule
        ``intended_g_m2`` and ``cycles_given``.

    Example
    -------
    >>> infer_ifosfamide_schedule(7.5)   # one cycle of 1.5 g/m2 on five days
    IfosfamideSchedule(intended_g_m2=15.0, cycles_given=1)
    """
    days, planned = protocol.IFOSFAMIDE_DAYS_PER_CYCLE, len(protocol.IFOSFAMIDE_CYCLE_WEEKS)
    matches = [
        (daily, cycles)
        for daily in protocol.IFOSFAMIDE_DAILY_DOSES_G_M2
        for cycles in range(1, planned + 1)
        if abs(daily * days * cycles - total_g_m2) < 1e-9
    ]
    if len(matches) != 1:
        raise ValueError(f"a total ifosfamide dose of {total_g_m2:g} g/m2 fits "
                         f"{'no' if not matches else 'more than one'} schedule of 1.0 or 1.5 g/m2 "
                         "on 5 days in one or two cycles")
    daily, cycles = matches[0]
    return IfosfamideSchedule(daily * days * planned, cycles)


def with_derived_columns(patients: pd.DataFrame) -> pd.DataFrame:
    """A copy of the patient table with the columns that follow from it.

    Adds ``histology_name``, ``size_class_initial``, ``size_class_before_rt``,
    ``intended_ifosfamide_g_m2``, ``ifosfamide_cycles_given``, ``regimen_complete``
    and ``died`` (status DOD).

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``load_patients``).

    Returns
    -------
    DataFrame
        A copy with the derived columns added.

    Example
    -------
    >>> derived = with_derived_columns(load_patients())
    >>> derived.loc[derived["patient"] == 1, ["size_class_initial", "ifosfamide_cycles_given"]].values.tolist()
    [['5-10 cm', 1]]
    """
    out = patients.copy()
    out["histology_name"] = out["histology"].map(HISTOLOGY_NAMES)
    out["size_class_initial"] = out["diameter_initial_cm"].map(size_class)
    out["size_class_before_rt"] = out["diameter_before_rt_cm"].map(size_class)
    schedule = out["ifosfamide_total_g_m2"].map(infer_ifosfamide_schedule)
    out["intended_ifosfamide_g_m2"] = schedule.map(lambda s: s.intended_g_m2)
    out["ifosfamide_cycles_given"] = schedule.map(lambda s: s.cycles_given)
    out["regimen_complete"] = out["ifosfamide_cycles_given"] == len(protocol.IFOSFAMIDE_CYCLE_WEEKS)
    out["died"] = out["status"] == "DOD"
    return out
