"""glue_result: one call glues a typed result's fields under prefix.field, as the prose pastes them."""

import enum
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import rtchx.book as book


class Verdict(enum.Enum):
    FEWER = "fewer failures than expected"


@dataclass(frozen=True)
class Inner:
    low: float
    high: float


@dataclass(frozen=True)
class Outer:
    observed: int
    expected: np.float64
    verdict: Verdict
    basis: str
    interval: Inner
    missing: None
    rows: tuple
    table: pd.DataFrame


@pytest.fixture
def glued(monkeypatch):
    seen = {}
    monkeypatch.setattr(book, "glue", lambda key, value: seen.__setitem__(key, value))
    return seen


def test_glue_result_glues_numbers_words_and_nested_fields(glued):
    result = Outer(2, np.float64(5.5), Verdict.FEWER, "Kepka by size", Inner(0.25, 0.75), None, (1, 2),
                   pd.DataFrame({"a": [1]}))
    keys = book.glue_result("primary", result)
    # worked out from the fields: None, the tuple and the table are skipped; Inner is flattened
    assert keys == ["primary.observed", "primary.expected", "primary.verdict", "primary.basis",
                    "primary.interval.low", "primary.interval.high"]
    assert list(glued) == keys
    assert glued["primary.observed"] == 2 and glued["primary.expected"] == 5.5
    assert repr(glued["primary.verdict"]) == "fewer failures than expected"
    assert isinstance(glued["primary.basis"], book.Text) and repr(glued["primary.basis"]) == "Kepka by size"
    assert glued["primary.interval.high"] == 0.75


def test_glue_result_refuses_what_is_not_a_result(glued):
    with pytest.raises(TypeError, match="dataclass instance"):
        book.glue_result("x", {"a": 1})
    with pytest.raises(TypeError, match="dataclass instance"):
        book.glue_result("x", Inner)
