"""The per-document frame cache: keyed by every input, written whole, checked on read, pruned."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coopstats import cache as frame_cache

PROBE = """
import coopstats as cs
reg = cs.agencies().set_index("agency_id")
work = cs.workload("panprd-gd-opinions-2017").set_index("agency_id")
assigned = cs.assignments("panprd-gd-opinions-2017")
print(reg.loc["gd-drc", "name_en"])
print(work.loc["gd-drc", "name_en"])
print(sorted(set(assigned.loc[assigned["agency_id"] == "gd-drc", "name_en"])))
"""


def _run(home: Path, script: str) -> list[str]:
    env = {**os.environ, "COOPSTATS_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def test_a_user_registry_edit_reaches_every_frame_in_a_new_process(tmp_path):
    first = _run(tmp_path, PROBE)
    assert first == [
        "Development and Reform Commission of Guangdong Province",
        "Development and Reform Commission of Guangdong Province",
        "['Development and Reform Commission of Guangdong Province']",
    ]
    (tmp_path / "agencies.csv").write_text(
        "agency_id,name,name_en,level\n"
        "gd-drc,省发展改革委,Guangdong DRC (user's own name),provincial-department\n",
        encoding="utf-8",
    )
    second = _run(tmp_path, PROBE)
    assert second == [
        "Guangdong DRC (user's own name)",
        "Guangdong DRC (user's own name)",
        '["Guangdong DRC (user\'s own name)"]',
    ]
    # two environments now: the one before the edit and the one after
    assert len(list((tmp_path / "cache").glob("frames-*"))) == 2


def test_the_cache_holds_one_folder_per_document_with_checksums(tmp_path):
    _run(tmp_path, "import coopstats as cs; cs.tasks()")
    documents = [p for p in (tmp_path / "cache").glob("frames-*/*") if p.is_dir()]
    assert len(documents) == 6  # the six logical documents of the manifest
    for folder in documents:
        names = sorted(p.name for p in folder.iterdir())
        assert names == [
            "assignments.arrow",
            "checksums.json",
            "figures.arrow",
            "notes.arrow",
            "provisions.arrow",
            "tasks.arrow",
        ]


def test_a_damaged_cache_file_is_removed_and_rebuilt_with_a_warning(tmp_path):
    _run(tmp_path, "import coopstats as cs; cs.tasks()")
    target = next((tmp_path / "cache").glob("frames-*/*/tasks.arrow"))
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    target.write_bytes(bytes(data))
    script = (
        "import warnings, coopstats as cs\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    n = len(cs.tasks())\n"
        "print(n, sum('damaged cache' in str(w.message) for w in caught))\n"
    )
    assert _run(tmp_path, script) == ["250 1"]
    assert _run(tmp_path, script) == ["250 0"]  # rebuilt: read cleanly the next time


def test_old_environment_folders_are_pruned_and_recent_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path))
    root = tmp_path / "cache"
    old, recent, current = root / "frames-old", root / "frames-recent", root / "frames-now"
    for folder in (old, recent, current):
        (folder / "doc").mkdir(parents=True)
    day_and_more = time.time() - frame_cache.PRUNE_AFTER_SECONDS - 60
    os.utime(old, (day_and_more, day_and_more))
    removed = frame_cache.prune("now")
    assert removed == [old]
    assert recent.is_dir() and current.is_dir()


@pytest.mark.parametrize(
    "change",
    [{"lead_rule": "first-listed"}, {"published": "2017-03-02"}, {"default_currency": "HKD"}],
    ids=["lead_rule", "published", "default_currency"],
)
def test_every_setting_is_part_of_the_document_key(change):
    base = {"doc_id": "d", "lead_rule": "auto", "published": None, "default_currency": None}
    assert frame_cache.document_key(base, "sha") != frame_cache.document_key({**base, **change}, "sha")
    assert frame_cache.document_key(base, "sha") != frame_cache.document_key(base, "other bytes")


# --- bad reference tables: the table, the row and what was expected -----------------------------


def test_a_bad_vocabulary_row_names_the_table_row_and_expectation(tmp_path, monkeypatch):
    from coopstats import vocabulary
    from coopstats.errors import ReferenceDataError

    reference = tmp_path / "reference"
    reference.mkdir()
    good = (vocabulary.data_dir() / "reference" / vocabulary.TABLE).read_text(encoding="utf-8")
    lines = good.splitlines()
    lines.insert(3, "currency,hk dollar,港纸,,Hong Kong dollar,港元,slang")  # not an ISO code
    (reference / vocabulary.TABLE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(vocabulary, "data_dir", lambda: tmp_path)
    vocabulary._table.cache_clear()
    try:
        with pytest.raises(ReferenceDataError) as caught:
            vocabulary.terms("currency")
    finally:
        vocabulary._table.cache_clear()
    assert (caught.value.table, caught.value.row) == ("vocabulary.csv", 4)
    assert "ISO 4217" in caught.value.expected


def test_a_user_registry_with_a_bad_id_names_its_row(tmp_path, monkeypatch):
    from coopstats.agency_resolution import load_registry
    from coopstats.errors import ReferenceDataError

    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path))
    (tmp_path / "agencies.csv").write_text(
        "agency_id,name\ngd-huizhou-gov,惠州市政府\nBad Id,某某局\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError) as caught:
        load_registry()
    assert caught.value.row == 3
    assert caught.value.table.endswith("agencies.csv")


def test_one_document_asked_for_is_read_alone(tmp_path):
    """``cs.provisions(doc_ids)`` in a fresh process parses and caches those documents, not the corpus."""
    wanted = "['legco-cb-trade-2011', 'gdhk-keywork-2017']"
    out = _run(
        tmp_path,
        f"import coopstats as cs; p = cs.provisions({wanted}); print(list(dict.fromkeys(p['doc_id'])))",
    )
    assert out == [wanted]  # in the order asked for
    documents = [p for p in (tmp_path / "cache").glob("frames-*/*") if p.is_dir()]
    assert len(documents) == 2
    # the same rows as the whole corpus frame gives for them
    same = _run(
        tmp_path,
        f"import coopstats as cs; import pandas.testing as t; p = cs.provisions({wanted});"
        " a = cs.provisions();"
        f" t.assert_frame_equal(p, a[a.doc_id.isin({wanted})].sort_values('doc_id', ascending=False,"
        " kind='stable').reset_index(drop=True)); print(len(p) > 0)",
    )
    assert same == ["True"]


SAMPLES = Path(__file__).parent / "fixtures" / "samples"
DOCUMENT_FRAMES = ("provisions", "tasks", "assignments", "figures", "notes")


@pytest.mark.filterwarnings("ignore::coopstats.errors.UnknownAgencyWarning")
def test_every_frame_of_the_corpus_and_the_samples_reads_back_as_it_was_written(tmp_path, monkeypatch):
    """Written as Arrow files and read back: the same values, dtypes and categories, arrays of its own."""
    import pandas.testing as pdt

    import coopstats as cs
    from coopstats import corpus, frames

    monkeypatch.setattr(frame_cache, "cache_dir", lambda: tmp_path)
    documents = {row.doc_id: frames.build_document(row.doc_id) for row in corpus.manifest()}
    for path in sorted(SAMPLES.iterdir()):
        parsed = cs.parse_document(path)
        documents[path.name] = {name: getattr(parsed, name) for name in DOCUMENT_FRAMES}
    assert len(documents) == 6 + 17
    from coopstats import schemas

    def general_way(name, frame):
        raise AssertionError(f"{name} was read the general way")

    monkeypatch.setattr(schemas, "conform", general_way)  # every column is read from its buffers
    rows = 0
    for key, built in documents.items():
        doc_key = f"k{len(key)}-{abs(hash(key))}"
        frame_cache.write_frames("env", doc_key, built)
        for name, frame in built.items():
            back = frame_cache.read_frame("env", doc_key, name)
            pdt.assert_frame_equal(back, frame, check_categorical=True, check_exact=True)
            rows += len(frame)
            for column in frame.columns:  # a write to what was read changes nothing else
                assert not _shares(back[column].array, frame[column].array), (key, name, column)
                own = frame[column].array
                assert (
                    hasattr(own, "_pa_array") or not len(own) or _shares(own, frame[column].array)
                )  # it can fail
    assert rows > 1_500


def _shares(a, b) -> bool:
    import numpy as np

    if hasattr(a, "_pa_array"):  # Arrow buffers are immutable: sharing them is safe
        return False
    arrays = [getattr(x, "_data", getattr(x, "codes", None)) for x in (a, b)]
    if any(x is None for x in arrays):
        arrays = [np.asarray(x) for x in (a, b)]
    return np.shares_memory(*arrays)


def test_a_cached_frame_of_other_columns_is_conformed_the_general_way(tmp_path, monkeypatch):
    """A file whose columns are not the declared ones in order takes pyarrow's conversion and conform."""
    import pandas as pd

    from coopstats import schemas

    monkeypatch.setattr(frame_cache, "cache_dir", lambda: tmp_path)
    notes = schemas.frame_of("notes", {"kind": ["page-header"], "line": [203], "message": ["x"]}, 1)
    frame_cache.write_frames("env", "doc", {"notes": notes[["line", "kind", "doc_id", "message"]]})
    back = frame_cache.read_frame("env", "doc", "notes")
    pd.testing.assert_frame_equal(back, notes)
