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
