"""Shared fixtures: the repository, the validated data, and scratch copies of data/ to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rtchx import data

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def patients():
    """The validated patient table with derived columns."""
    return data.with_derived_columns(data.load_patients(REPO / "data"))


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A scratch copy of data/ that a test may break."""
    copy = tmp_path / "data"
    shutil.copytree(REPO / "data", copy)
    return copy


def edit_csv(path: Path, old: str, new: str, *, rehash: bool = True) -> None:
    """Replace one exact piece of text in a data file (it must occur once), then record the new hash.

    Rehashing isolates the problem under test from the checksum check; pass
    ``rehash=False`` to test the checksum itself.
    """
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    if rehash:
        data.rehash(path.parent)
