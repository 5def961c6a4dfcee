"""The parser's output is unchanged by the speed work (issue 19).

Every frame of every corpus document and fixture sample is compared with the snapshot written by
``tests/snapshots/make_snapshot.py`` before the optimisations: values (through a Parquet round trip, as
the snapshot stores them) and the dtypes of the frame as built. The snapshot is the parser's own output,
not gold.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib

import pandas as pd
import pandas.testing as pdt
import pytest

SNAPSHOTS = pathlib.Path(__file__).resolve().parent / "snapshots"


def _maker():
    spec = importlib.util.spec_from_file_location("make_snapshot", SNAPSHOTS / "make_snapshot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = _maker()
DTYPES: dict[str, dict[str, list[list[str]]]] = json.loads((SNAPSHOTS / "dtypes.json").read_text())


@pytest.fixture(scope="module")
def built() -> dict[str, dict[str, pd.DataFrame]]:
    frames, skipped = MAKER.documents()
    assert skipped == json.loads((SNAPSHOTS / "skipped.json").read_text())
    return frames


def test_the_same_documents(built: dict[str, dict[str, pd.DataFrame]]) -> None:
    assert sorted(built) == sorted(DTYPES)


@pytest.mark.parametrize("key", sorted(DTYPES))
def test_frames_unchanged(built: dict[str, dict[str, pd.DataFrame]], key: str) -> None:
    for name in MAKER.FRAMES:
        frame = built[key][name]
        assert MAKER.dtypes(frame) == DTYPES[key][name], f"{key} {name}: dtypes changed"
        expected = pd.read_parquet(SNAPSHOTS / MAKER.file_name(key, name))
        pdt.assert_frame_equal(MAKER.round_trip(frame), expected, obj=f"{key} {name}")
