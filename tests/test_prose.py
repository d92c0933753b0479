"""The sentences that change with the data say what the numbers say."""

from rtchx import prose


def test_benchmarks_verdict():
    assert "inside" in prose.benchmarks_verdict(0.22, 0.92, {"a": 0.29, "b": 0.32})
    assert prose.benchmarks_verdict(0.4, 0.92, {"a": 0.29, "b": 0.32}).endswith("below its lower limit.")
    assert prose.benchmarks_verdict(0.30, 0.92, {"a": 0.29, "b": 0.32}) == "Only b lies inside the interval."


def test_ratio_verdict():
    kwargs = {"fewer": "fewer failures", "more": "more failures"}
    assert "cannot rule out" in prose.ratio_verdict(0.04, 1.17, **kwargs)
    assert "below 1" in prose.ratio_verdict(0.02, 0.68, **kwargs)
    assert "more failures" in prose.ratio_verdict(1.2, 2.0, **kwargs)


def test_fraction_words():
    assert prose.fraction_words(2 / 6.18) == "about a third"
    assert prose.fraction_words(0.5) == "about half"
    assert prose.fraction_words(0.1) == "10%"


def test_size_split_verdict():
    assert "lies in the smaller tumours" in prose.size_split_verdict((0, 4.6), (2, 1.57))
    assert "lies in the tumours over 10 cm" in prose.size_split_verdict((3, 2.0), (0, 3.0))
    assert prose.size_split_verdict((0, 1.0), (0, 1.0)).startswith("Both")
    assert prose.size_split_verdict((2, 1.0), (2, 1.0)).startswith("Neither")


def test_ratio_verdict_gives_the_direction_of_the_estimate():
    text = prose.ratio_verdict(0.49, 2.25, fewer="fewer deaths", more="more deaths", estimate=1.14)
    assert "cannot rule out" in text and text.endswith("points to more deaths.")


def test_plain_interval_remark():
    assert prose.plain_interval_remark(0.34, 1.06) == ", past what a probability can be"
    assert prose.plain_interval_remark(0.2, 0.9) == ""
