"""Command line for the book's data and results.

``python -m rtchx validate`` checks the data; ``python -m rtchx rehash`` records
new checksums; ``results``, ``compare``, ``design`` and ``audit`` print the
headline estimates, the historical comparisons, the trial sizes and the audit.

Every command goes through one gate first: the data folder (``--data-dir``, or
``$RTCHX_DATA_DIR``, or found) must hold a readable ``datapackage.json`` whose
every file passes its schema, its cross-field rules and the claims' rules
(``rtchx.core.audit.claim_problems``) -- exactly what ``validate`` checks. Any
problem with the data or its description is printed as one message that names
the file (and the row and column where there is one), with exit status 1; no
command computes on data that ``validate`` refuses. ``rehash`` first records the
checksums (refusing, and writing nothing, if a file cannot be read at all), then
passes the same gate.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path

from rtchx.book.reasons import why
from rtchx.book.tables import SIZE_BASIS_NAMES, STATUS_SYMBOLS, design_name, design_rule
from rtchx.core import audit, compare, data, design, results
from rtchx.core.schema import DataValidationError, Problem

# --- typed results as the JSON the command line has always printed (tests/fixtures/cli) -----------------

def shape_json(shape: compare.HazardShape) -> dict:
    """A hazard shape as the flat fields of a comparison row."""
    return {"shape": shape.name, "shape_kind": shape.kind.value, "weibull_k": shape.weibull_k,
            "early_months": shape.early_months, "early_share": shape.early_share, "then_plateau": shape.then_plateau}


def comparison_json(row: compare.Comparison) -> dict:
    """A comparison as one flat object: its own fields, then the test's, the shape spread out, without alpha."""
    test_fields = {field.name for field in dataclasses.fields(compare.ObservedExpected)}
    fields = dataclasses.fields(row)
    out = {}
    for field in [f for f in fields if f.name not in test_fields] + [f for f in fields if f.name in test_fields]:
        value = getattr(row, field.name)
        if field.name == "shape":
            out.update(shape_json(value))
        elif field.name != "alpha":
            out[field.name] = value.value if isinstance(value, compare.SizeBasis) else value
    return out


def reference_range_json(r: compare.ReferenceRange) -> dict:
    """The reference-rate uncertainty of a size-matched comparison, as flat fields beside it."""
    return {"reference_level": r.level,
            "reference_rates": {size: dataclasses.asdict(rate) for size, rate in r.rates.items()},
            "expected_events_most": r.expected_most, "expected_events_fewest": r.expected_fewest,
            "p_exact_most": r.p_exact_most, "p_exact_fewest": r.p_exact_fewest,
            "p_exact_fewer_most": r.p_exact_fewer_most, "p_exact_fewer_fewest": r.p_exact_fewer_fewest,
            "expected_events_low": r.expected_low, "expected_events_high": r.expected_high,
            "p_exact_averaged": r.p_exact_averaged, "p_exact_fewer_averaged": r.p_exact_fewer_averaged,
            "reference_draws": r.draws}


def analysis_json(row: compare.AnalysisRow) -> dict:
    """One row of ``compare.every_comparison`` as the JSON object ``compare --json`` prints."""
    result = row.result
    if isinstance(result, compare.ShapeScan):
        return {"analysis": row.analysis.value, "comparator": result.comparator,
                "size_basis": result.size_basis.value, "observed_events": result.observed, "level": result.level,
                "weibull_k": list(result.k), "expected_events": list(result.expected),
                "p_exact": list(result.p_two_sided), "p_exact_fewer": list(result.p_one_sided),
                "flips_two_sided": list(result.flips_two_sided), "flips_one_sided": list(result.flips_one_sided)}
    if isinstance(result, compare.SubsetComparison):
        return {"analysis": row.analysis.value, **comparison_json(result.comparison),
                "subset": f"over 10 cm ({SIZE_BASIS_NAMES[result.size_basis]})", "patients": result.patients,
                "p_exact_fewer_floor": result.p_exact_fewer_floor}
    extra = {} if row.reference is None else reference_range_json(row.reference)
    return {"analysis": row.analysis.value, **comparison_json(result), **extra}


def analysis_line(row: dict) -> str:
    """One ``compare --json`` object as a line of text for the terminal."""
    if row["analysis"] == "weibull scan":
        flips = ", ".join(f"{k:.2f}" for k in row["flips_two_sided"]) or "none"
        return (f"{row['analysis']:<14} {row['comparator']:<24} {row['size_basis']:<9} "
                f"two-sided p crosses {row['level']:g} at Weibull k = {flips}")
    if "not_computable" in row:
        return (f"{row['analysis']:<14} {row['comparator']:<24} {row['size_basis']:<9} {row['shape']:<20} "
                f"not computable: {row['not_computable']}")
    return (f"{row['analysis']:<14} {row['comparator']:<24} {row['size_basis']:<9} {row['shape']:<20} "
            f"E = {row['expected_events']:6.2f}  O/E = {row['o_over_e']:.2f} "
            f"({row['o_over_e_ci_low']:.2f}-{row['o_over_e_ci_high']:.2f})  p exact = {row['p_exact']:.3f}"
            f"  one-sided {row['p_exact_fewer']:.3f}")


def trial_size_json(size: design.TrialSize, assumptions: design.Assumptions) -> dict:
    """One design of ``design.trial_sizes`` as the JSON object ``design --json`` prints."""
    return {"design": design_name(size.design), "expected_patients": size.expected_patients,
            "patients": size.patients, "rule": design_rule(size, assumptions)}


def _print_rows(make_rows, as_json: bool, line) -> int:
    """Print the rows ``make_rows()`` returns as JSON or one ``line(row)`` each; a ValueError is a usage error (2)."""
    try:
        rows = make_rows()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(line(row))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rtchx", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder holding datapackage.json (default: found from the working directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="validate every data file against datapackage.json")
    commands.add_parser("rehash", help="record the current sha256 of every data file in datapackage.json")
    show = commands.add_parser("results", help="print the headline estimates")
    show.add_argument("--json", action="store_true", help="as one flat JSON object (default: aligned text)")
    versus = commands.add_parser("compare", help="print every comparison with the historical series, and every "
                                 "variant of the sensitivity analysis (hazard shapes, reference uncertainty)")
    versus.add_argument("--json", action="store_true", help="as a JSON list of objects (default: one line each)")
    versus.add_argument("--shape", choices=compare.SHAPES, default="exponential",
                        help="reference hazard of the 'comparison' rows: constant throughout, or constant up to the "
                             "time point then zero (the 'sensitivity' rows try every shape)")
    versus.add_argument("--alpha", type=float, default=0.05, help="for the O/E interval (default 0.05)")
    size = commands.add_parser("design", help="print how many patients each confirmatory-trial design needs")
    size.add_argument("--json", action="store_true", help="as a JSON list of objects (default: one line each)")
    size.add_argument("--p0", type=float, default=design.DEFAULTS.p0, help="historical local control (0-1)")
    size.add_argument("--p1", type=float, default=design.DEFAULTS.p1, help="hoped-for local control (0-1)")
    size.add_argument("--power", type=float, default=design.DEFAULTS.power, help="power (0-1)")
    check = commands.add_parser("audit", help="print every reported number beside its recomputed value and status")
    check.add_argument("--json", action="store_true", help="as a JSON list of objects (default: one line each)")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (DataValidationError, FileNotFoundError) as error:
        # one error path for every command: what is wrong with the data, and where, never a traceback
        print(f"python -m rtchx {args.command}: the data cannot be used.\n{error}", file=sys.stderr)
        return 1


def gate(data_dir: Path) -> tuple[list[str], list[Problem]]:
    """Validate the whole data package as ``validate`` does: every resource, then the claims' own rules.

    Parameters
    ----------
    data_dir : Path
        The folder holding ``datapackage.json``.

    Returns
    -------
    tuple
        One line per valid file ("patients.csv: 11 rows, valid"), and every problem found.

    Example
    -------
    >>> lines, problems = gate(data.find_data_dir())
    >>> lines[0], problems
    ('patients.csv: 11 rows, valid', [])
    """
    lines: list[str] = []
    problems: list[Problem] = []
    package = data.read_datapackage(data_dir)
    for resource in package["resources"]:
        try:
            if resource["name"] == "claims":   # its own rules need the quantities, which data cannot import
                rows = data.load_resource("claims", data_dir)
                found = audit.claim_problems(rows, data.find_chapters(data_dir))
                if found:
                    raise DataValidationError(found)
            else:
                rows = data.validate_resource(resource["name"], data_dir, package)
        except DataValidationError as error:
            problems += error.problems
        else:
            lines.append(f"{resource['path']}: {len(rows)} rows, valid")
    return lines, problems


def _run(args: argparse.Namespace) -> int:
    """Carry out one parsed command; data problems propagate to ``main``, which reports them."""
    data_dir = data.check_data_dir(args.data_dir, "--data-dir") if args.data_dir else data.find_data_dir()
    if args.command == "rehash":
        for path, digest in data.rehash(data_dir).items():
            print(f"{path}: sha256:{digest}")
        _, problems = gate(data_dir)
        if problems:
            print("python -m rtchx rehash: the checksums are recorded, but the data cannot be used yet.\n"
                  f"{DataValidationError(problems)}", file=sys.stderr)
            return 1
        return 0
    lines, problems = gate(data_dir)
    if args.command == "validate":
        print("\n".join(lines))
    if problems:
        raise DataValidationError(problems)
    if args.command == "validate":
        return 0
    if args.command == "design":
        def sizes() -> list[dict]:
            found = design.trial_sizes(args.p0, args.p1, power=args.power)
            return [trial_size_json(size, found.assumptions) for size in found]

        return _print_rows(sizes, args.json, lambda r: f"{r['design']:<40} {r['patients'] or '-':>4}  {r['rule']}")
    if args.command == "compare":
        patients = data.with_derived_columns(data.load_patients(data_dir))
        return _print_rows(
            lambda: [analysis_json(row) for row in compare.every_comparison(
                patients, data.load_historical(data_dir), data.load_resource("literature", data_dir), args.shape,
                args.alpha)],
            args.json, analysis_line)
    if args.command == "audit":
        patients = data.with_derived_columns(data.load_patients(data_dir))
        table = audit.ledger(data.load_resource("claims", data_dir), patients)
        # The JSON is a stable interface (tests/fixtures/cli/audit.json): the recomputed value keeps its old key,
        # "reproduced", although the ledger calls it ``recomputed``; the explanation is the ledger's reasons
        # in words (rtchx.book.reasons), the caveat's mark included.
        records = [
            {"id": r.id, "location": r.location, "phrase": r.phrase, "quantity": r.quantity, "reported": r.reported,
             "decimals": int(r.decimals), "unit": r.unit,
             "reproduced": None if r.recomputed is None or math.isnan(r.recomputed) else r.recomputed,
             "status": r.status.value, "caveat": None if r.caveat is None else r.caveat.value,
             "explanation": why(r), "chapter": r.chapter}
            for r in table.itertuples(index=False)
        ]
        if args.json:
            print(json.dumps(records, indent=2, ensure_ascii=False))
        else:
            for r in records:
                shown = "-" if r["reproduced"] is None else f"{r['reproduced']:.4g}"
                printed = f"{r['reported']:.{r['decimals']}f}"
                print(f"{STATUS_SYMBOLS[audit.Status(r['status'])]} {r['id']:<28} reported {printed:<6} "
                      f"recomputed {shown:<7} {r['status']}" + (f" ({r['caveat']})" if r["caveat"] else ""))
            score = audit.scorecard(table)
            print(", ".join(f"{n} {s.value}" for s, n in score.by_status().items()) + "; flagged apart: "
                  + ", ".join(f"{n} {c.value}" for c, n in score.by_caveat().items()))
        return 0
    if args.command == "results":
        values = results.headline(data.with_derived_columns(data.load_patients(data_dir))).as_dict()
        if args.json:
            # JSON has no infinity: a median that is not reached is null
            print(json.dumps({k: (None if isinstance(v, float) and math.isinf(v) else v)
                              for k, v in values.items()}, indent=2))
        else:
            width = max(map(len, values))
            for key, value in values.items():
                print(f"{key:<{width}}  {value:.4g}" if isinstance(value, float) else f"{key:<{width}}  {value}")
        return 0
    raise ValueError(f"unknown command {args.command!r}")   # argparse allows only the commands above


if __name__ == "__main__":
    sys.exit(main())
