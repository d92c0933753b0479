"""glue_result: one call glues a typed result's fields under prefix.field, as the prose pastes them."""

import enum
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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


def displayed(monkeypatch, module, name: str) -> list:
    """What ``module.name`` (a display function) is called with, instead of showing it."""
    calls = []
    monkeypatch.setattr(module, name, lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


def test_glue_writes_the_output_myst_nb_reads(monkeypatch):
    """glue writes myst-nb's glue format itself (not through myst_nb.glue, slow to import): the same
    output, value for value, as myst-nb's own glue, for each kind of value the chapters glue."""
    import myst_nb.ext.glue as myst_glue
    from IPython.display import Image, Markdown

    png = (Path(__file__).parents[1] / "book" / "_static" / "favicon.png").read_bytes()
    values = [11, 0.7, book.Text("five years"), Markdown("**bold** words"), Image(data=png, format="png")]
    ours, theirs = displayed(monkeypatch, book, "display"), displayed(monkeypatch, myst_glue, "ipy_display")
    for n, value in enumerate(values):
        book._glue_output(f"key{n}", value, shown=False)
        myst_glue.glue(f"key{n}", value, display=False)
    book._glue_output("figure", values[-1], shown=True)
    myst_glue.glue("figure", values[-1], display=True)
    assert len(ours) == len(values) + 1 and ours == theirs
    assert "application/papermill.record/text/markdown" in ours[3][0][0]


def test_glueing_imports_neither_myst_nb_nor_nbformat():
    """A chapter's kernel pays for what it uses: glueing must not load nbformat and jsonschema (1.9 s)."""
    script = ("import sys\nfrom rtchx.book import glue, Text\nglue('n', 11)\nglue('t', Text('x'))\n"
              "print(sorted(m for m in ('myst_nb', 'nbformat', 'jsonschema') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
