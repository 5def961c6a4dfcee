"""The inputs that once stalled a run give their figures (costs per character: benchmarks/scaling.py)."""

from __future__ import annotations

import coopstats as cs


def test_four_thousand_rates_in_one_run_on_sentence():
    """Was 26 s: every figure copied the whole run-on "sentence". Each 增长1% is one growth of 1."""
    found = cs.extract_figures("增长1%，" * 4000)
    assert len(found) == 4000
    assert set(found["value"]) == {1.0} and set(found["measure"]) == {"growth"}
    assert found["sentence"].str.len().max() <= 2 * 400 + 8  # a bounded window, not the whole text


def test_sixteen_thousand_fraction_words():
    """Was 206 s. 三分之三分之… reads as 三分之三 (three thirds, 100%) every second time."""
    found = cs.extract_figures("三分之" * 16000)
    assert len(found) == 8000
    assert set(found["value"]) == {100.0}


def test_a_clause_of_role_words_only_after_one_name():
    """Was 26 s for 16,000 牵头: stripping role words rescanned the name each time."""
    resolved = cs.resolve_agencies("省商务厅" + "牵头" * 16000)
    assert resolved[["name", "role"]].values.tolist() == [["省商务厅", "lead"]]
