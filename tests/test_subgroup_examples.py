"""The Example sections of the subgroup, Schoenfeld and case-report functions run and print what they show."""

from __future__ import annotations

import doctest
import sys

import pytest

from rtchx.book import figures, prose, tables
from rtchx.core import design, exact, quantities, survival

FUNCTIONS = [survival.logrank, survival.subgroup_tests, exact.subgroup_tests, design.detectable_hazard_ratio,
             design.events_needed, tables.subgroup_table, prose.comparison_name, quantities.case_report_match,
             tables.case_report_comparison, figures.case_timeline]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_the_example_runs(function):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    found = doctest.DocTestFinder(recurse=False).find(function, globs=vars(sys.modules[function.__module__]).copy())
    assert found and found[0].examples, "no Example section"
    for test in found:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
