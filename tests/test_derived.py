"""Derived columns: what Table 3 implies but does not print."""

import pytest

from rtchx.core import data


@pytest.mark.parametrize("total, expected", [(5, (10, 1)), (7.5, (15, 1)), (10, (10, 2)), (15, (15, 2))])
def test_ifosfamide_schedule_from_total(total, expected):
    # 1.0 or 1.5 g/m2 on 5 days per cycle: one cycle is 5 or 7.5, two are 10 or 15.
    assert data.infer_ifosfamide_schedule(total) == expected


@pytest.mark.parametrize("total", [0, 2.5, 12, 20])
def test_ifosfamide_total_that_fits_no_schedule_is_an_error(total):
    with pytest.raises(ValueError, match="fits no schedule"):
        data.infer_ifosfamide_schedule(total)


@pytest.mark.parametrize("size, label", [(4, "<=5 cm"), (5, "<=5 cm"), (5.1, "5-10 cm"), (10, "5-10 cm"),
                                         (10.5, ">10 cm"), (25, ">10 cm")])
def test_size_class_boundaries(size, label):
    assert data.size_class(size) == label


def test_every_histology_has_a_name(patients):
    assert patients["histology_name"].notna().all()


def test_find_data_dir_from_root_notebooks_and_elsewhere(repo, tmp_path, monkeypatch):
    expected = (repo / "data").resolve()
    monkeypatch.delenv(data.DATA_DIR_ENV, raising=False)
    assert data.find_data_dir(repo).resolve() == expected
    assert data.find_data_dir(repo / "notebooks").resolve() == expected
    monkeypatch.chdir(tmp_path)  # a test's temporary folder: falls back to the installed package's repository
    assert data.find_data_dir().resolve() == expected


def test_find_data_dir_honours_the_environment(data_copy, monkeypatch, tmp_path):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_copy))
    assert data.find_data_dir() == data_copy
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="RTCHX_DATA_DIR"):
        data.find_data_dir()
