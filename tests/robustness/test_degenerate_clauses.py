"""A clause that names no agency is kept raw and flagged on its task; every other task keeps its agencies."""

from __future__ import annotations

import pytest

import coopstats as cs


@pytest.mark.parametrize(
    "clause", ["牵头", "配合", "等", "；", "\u200b"], ids=["lead", "co", "etc", "semicolon", "zwsp"]
)
def test_a_degenerate_clause_never_refuses_the_document(clause):
    text = f"一、合作\n1. 推进合作。（{clause}）\n2. 完善机制。（省商务厅牵头，省港澳办配合）\n"
    doc = cs.parse_document(text, doc_id="kw")
    assert doc.tasks["flag"].fillna("").tolist() == ["degenerate-clause", ""]
    assert doc.tasks["agency_clause"].iloc[0] == clause  # kept raw
    assert doc.assignments[["task_id", "name", "role"]].values.tolist() == [
        ["kw/c1.i2", "省商务厅", "lead"],
        ["kw/c1.i2", "省港澳办", "co"],
    ]
    note = doc.notes[doc.notes["kind"] == "degenerate-clause"]
    assert note["line"].tolist() == [2]
    assert "kw/c1.i1" in note["message"].iloc[0]
