"""Columns built directly from Python lists equal pandas' general conversion (issue 19).

``schemas.column_array`` turns lists of plain values into NumPy or Arrow buffers without pandas'
inference; these properties compare it with the general conversion it replaces, value by value and
dtype by dtype, on random lists (missing values included) and on values it must leave to pandas.
"""

from __future__ import annotations

import datetime as dt

import hypothesis.strategies as st
import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import given, settings

from coopstats import schemas


def general(dtype: str, values: list[object]) -> pd.api.extensions.ExtensionArray:
    """pandas' own conversion of ``values`` to ``dtype`` (what column_array did before issue 19)."""
    if dtype.startswith("datetime64"):
        return pd.to_datetime(pd.Series(values, dtype="object")).astype(dtype).array
    if dtype in ("string", "Int64", "boolean"):
        return pd.array(values, dtype=dtype)
    return pd.Series(values).astype(dtype).array


def same(dtype: str, values: list[object]) -> None:
    pdt.assert_extension_array_equal(schemas.column_array(dtype, values), general(dtype, values))


def maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[list[object]]:
    return st.lists(st.one_of(st.none(), strategy), max_size=30)


@settings(max_examples=60, deadline=None)
@given(maybe(st.text()))
def test_strings(values: list[object]) -> None:
    same("string", values)


@settings(max_examples=60, deadline=None)
@given(maybe(st.integers(min_value=-(2**63), max_value=2**63 - 1)))
def test_integers(values: list[object]) -> None:
    same("Int64", values)


@settings(max_examples=60, deadline=None)
@given(maybe(st.booleans()))
def test_booleans(values: list[object]) -> None:
    same("boolean", values)


@settings(max_examples=60, deadline=None)
@given(maybe(st.one_of(st.floats(allow_nan=True), st.integers(min_value=-(2**53), max_value=2**53))))
def test_floats(values: list[object]) -> None:
    same("float64", values)


@settings(max_examples=60, deadline=None)
@given(maybe(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))))
def test_dates(values: list[object]) -> None:
    same("datetime64[s]", values)


@settings(max_examples=200, deadline=None)
@given(maybe(st.dates()))
def test_dates_of_any_year_by_day_numbers(values: list[object]) -> None:
    """Beyond pandas' nanosecond range too (years 1–9999): NumPy's own conversion of the dates."""
    import numpy as np

    expected = pd.array(np.array(values, dtype="datetime64[s]"))
    pdt.assert_extension_array_equal(schemas.column_array("datetime64[s]", values), expected)


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        ("string", ["a", 5, None]),  # not all str: pandas converts 5 to "5"
        ("string", ["a", float("nan")]),  # NaN is missing
        ("Int64", [True, None]),  # bool is not an int here
        ("Int64", [3.0, pd.NA]),
        ("boolean", [1, 0, None]),
        ("float64", [True, 2.5]),
        ("datetime64[s]", [dt.datetime(2020, 1, 2, 3, 4, 5), "2021-02", None]),
    ],
)
def test_values_left_to_pandas(dtype: str, values: list[object]) -> None:
    same(dtype, values)


@pytest.mark.parametrize(("dtype", "values"), [("Int64", [2**70]), ("string", ["\ud800"])])
def test_refused_as_pandas_refuses(dtype: str, values: list[object]) -> None:
    """Beyond int64, a lone surrogate (not encodable): the same error as pandas' conversion."""
    with pytest.raises(Exception) as theirs:
        general(dtype, values)
    with pytest.raises(type(theirs.value)):
        schemas.column_array(dtype, values)


def test_categories() -> None:
    column = next(c for c in schemas.FRAMES["assignments"] if c.name == "role")
    values = [column.values[0], None, column.values[-1]]
    built = schemas.column_array(column, values)
    expected = pd.Categorical(values, dtype=pd.CategoricalDtype(list(column.values)))
    pdt.assert_extension_array_equal(built, expected)
    assert built.codes.tolist() == [0, -1, len(column.values) - 1]


def test_columns_refuse_undeclared_names_and_ragged_lengths() -> None:
    with pytest.raises(KeyError, match="not columns of notes: \\['colour'\\]"):
        schemas.Columns("notes", {"kind": ["a"], "colour": ["red"]}, 1)
    with pytest.raises(ValueError, match="notes: 2 rows, but columns of lengths \\{'kind': 1\\}"):
        schemas.Columns("notes", {"kind": ["a"], "line": [1, 2]}, 2)
    notes = schemas.Columns("notes", {"kind": ["a", "b"]}, 2)
    assert notes["line"] == [None, None]
    with pytest.raises(KeyError, match="not a column of notes: 'colour'"):
        notes["colour"]
    built = notes.replace(line=[3, 4]).frame()
    assert built.columns.tolist() == ["doc_id", "line", "kind", "message"]
    assert built["line"].tolist() == [3, 4] and str(built["line"].dtype) == "Int64"


def _block_layout(frame: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """Each block's dtype and the column positions it holds, in placement order."""
    return sorted((str(block.dtype), list(block.mgr_locs.as_array)) for block in frame._mgr.blocks)


ALL_DTYPES = ("string", "Int64", "boolean", "float64", "datetime64[s]")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_frame_from_arrays_is_the_constructors_frame(data: st.DataObject) -> None:
    length = data.draw(st.integers(min_value=0, max_value=6))
    dtypes = data.draw(st.lists(st.sampled_from(ALL_DTYPES), min_size=1, max_size=10))
    values = {
        "string": st.one_of(st.none(), st.text(max_size=3)),
        "Int64": st.one_of(st.none(), st.integers(-5, 5)),
        "boolean": st.one_of(st.none(), st.booleans()),
        "float64": st.one_of(st.none(), st.floats(allow_nan=False)),
        "datetime64[s]": st.one_of(st.none(), st.dates()),
    }
    arrays = {
        f"c{k}": schemas.column_array(
            dtype, data.draw(st.lists(values[dtype], min_size=length, max_size=length))
        )
        for k, dtype in enumerate(dtypes)
    }
    built = schemas.frame_from_arrays(arrays, length)
    expected = pd.DataFrame(arrays, index=pd.RangeIndex(length), copy=False)
    pdt.assert_frame_equal(built, expected)
    assert _block_layout(built) == _block_layout(expected)


def test_frame_from_arrays_without_the_block_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before pandas 3.0 (no ``create_dataframe_from_blocks``) the constructor builds the same frame."""
    arrays = {
        "a": schemas.column_array("string", ["x", None]),
        "b": schemas.column_array("float64", [1.5, None]),
    }
    with_blocks = schemas.frame_from_arrays(arrays, 2)
    monkeypatch.setattr(schemas, "_blocks_builder", lambda: None)
    pdt.assert_frame_equal(schemas.frame_from_arrays(arrays, 2), with_blocks)


def test_a_conformed_frame_shares_no_data_with_its_input() -> None:
    """A write to what conform returns leaves the frame it was given as it was, and the other way round."""
    given = pd.DataFrame(
        {
            "kind": pd.array(["page-header", "table"], dtype="string"),
            "line": pd.array([203, 4], dtype="Int64"),
            "extra": [1.0, 2.0],
        }
    )
    before = given.copy()
    out = schemas.conform("notes", given)
    out.loc[0, ["kind", "line", "extra"]] = ["x", 999, 5.0]
    pdt.assert_frame_equal(given, before)
    given.loc[1, ["line", "extra"]] = [7, 8.0]
    assert out.loc[1, "line"] == 4 and out.loc[1, "extra"] == 2.0


def test_frames_from_arrays_have_their_own_columns_index() -> None:
    """The columns index is made once per names, but each frame's is its own: naming one names no other."""
    arrays = {"a": schemas.column_array("string", ["x"])}
    first = schemas.frame_from_arrays(arrays, 1)
    first.columns.name = "field"
    assert schemas.frame_from_arrays(arrays, 1).columns.name is None
