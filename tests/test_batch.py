"""Parsing many documents at once: in this process, a process pool and a Dask cluster give the same frames."""

from __future__ import annotations

import concurrent.futures as cf
import csv
import io
import multiprocessing
import os
import re
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import coopstats as cs
from coopstats import batch, cache, cli, collection, frames
from coopstats.errors import DocumentExistsError, MissingExtraError, ParseError, WorkerEnvironmentError

FIXTURES = Path(__file__).parent / "fixtures"
FRAMES = ("provisions", "tasks", "assignments", "figures", "notes")

# A made-up key-work list in the genre's trailing-clause layout (as in test_collection.py).
KEYWORK = """实施合作框架协议{year}年重点工作

一、跨界基础设施

1. 加快推进港珠澳大桥珠澳口岸配套工程建设，{year}年完成投资12.5亿元。（省发展改革委牵头，省交通运输厅、\
口岸办，珠海市政府等按职责分工负责）

2. 推进粤澳新通道建设。（省口岸办、珠海市政府）

二、合作机制

3. 完善联席会议机制。（省港澳办牵头，省商务厅等按职责分工负责）
"""


def _distributed():
    """distributed, or a skip; on CI (CI=true) its absence fails the test instead."""
    if os.environ.get("CI") == "true":
        import distributed

        return distributed
    return pytest.importorskip("distributed")


def _keywork(folder: Path, name: str, year: int, *, encoding: str = "utf-8") -> Path:
    text = KEYWORK.format(year=year)
    if encoding == "big5":
        import opencc

        text = opencc.OpenCC("s2hk").convert(text)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def documents(tmp_path) -> list[Path]:
    """A handful of documents in several formats and encodings, one not a document, one missing."""
    folder = tmp_path / "in"
    folder.mkdir()
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    return [
        _keywork(folder, "kw-2018.txt", 2018),
        _keywork(folder, "kw-2019-big5.txt", 2019, encoding="big5"),
        empty,
        _keywork(folder, "kw-2020-gb.txt", 2020, encoding="gb18030"),
        folder / "missing.txt",
        FIXTURES / "gdhk-2017-hans.txt",
        FIXTURES / "drc-gd-2026-jnjt-hans.html",
    ]


def _assert_same_results(got: list[batch.BatchResult], expected: list[batch.BatchResult]) -> None:
    assert [(r.name, r.doc_id, r.status) for r in got] == [(r.name, r.doc_id, r.status) for r in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.error == theirs.error
        assert mine.warnings == theirs.warnings
        if mine.document is None:
            continue
        assert mine.document.meta == theirs.document.meta
        assert mine.document.settings == theirs.document.settings
        assert mine.document.source == theirs.document.source
        for name in FRAMES:
            pd.testing.assert_frame_equal(getattr(mine.document, name), getattr(theirs.document, name))


def _statuses(results: list[batch.BatchResult]) -> list[tuple[str, str]]:
    return [(Path(r.name).name, r.status) for r in results]


EXPECTED_STATUSES = [
    ("kw-2018.txt", "parsed"),
    ("kw-2019-big5.txt", "parsed"),
    ("empty.txt", "refused"),
    ("kw-2020-gb.txt", "parsed"),
    ("missing.txt", "refused"),
    ("gdhk-2017-hans.txt", "parsed"),
    ("drc-gd-2026-jnjt-hans.html", "parsed"),
]


@pytest.mark.filterwarnings("ignore::coopstats.errors.UnknownAgencyWarning")  # the web page names some
def test_in_process_results_are_those_of_parse_document_in_input_order(documents):
    results = cs.parse_documents(documents, jobs=1, progress=False)
    assert _statuses(results) == EXPECTED_STATUSES
    assert all(r.worker.endswith(f":{os.getpid()}") for r in results)
    for path, result in zip(documents, results, strict=True):
        if not result.ok:
            assert str(path) in result.error  # the error names the file
            assert isinstance(result.exception, ParseError)
            continue
        alone = cs.parse_document(path)
        assert result.document.meta == alone.meta
        for name in FRAMES:
            pd.testing.assert_frame_equal(getattr(result.document, name), getattr(alone, name))
    assert results[1].document.meta["script"] == "hant"
    assert results[3].document.meta["encoding"] == "gb18030"
    assert results[6].document.meta["format"] == "html"
    assert "no such file" in results[4].error


def test_a_process_pool_gives_the_in_process_frames(documents):
    local = cs.parse_documents(documents, jobs=1, progress=False, lead_rule="auto")
    with batch.make_executor(2) as pool:
        pooled = cs.parse_documents(documents, executor=pool, progress=False, lead_rule="auto")
    _assert_same_results(pooled, local)
    parsed_in = {r.worker for r in pooled if r.ok}
    assert parsed_in and all(not w.endswith(f":{os.getpid()}") for w in parsed_in)
    # the refusal came back as an error this process can raise again
    with pytest.raises(ParseError, match="empty"):
        pooled[2].raise_error()


class _CountingExecutor(cf.ThreadPoolExecutor):
    """A thread pool of two workers that records each task's documents and the most tasks in flight."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.tasks: list[list[str]] = []
        self.running = 0
        self.most_running = 0
        self.count_lock = threading.Lock()  # tasks end in the pool's threads

    def submit(self, fn, /, *args, **kwargs):
        self.tasks.append([name for _, name, _ in args[0]])
        with self.count_lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._ended)
        return future

    def _ended(self, _future) -> None:
        with self.count_lock:
            self.running -= 1


def test_small_documents_go_to_a_worker_several_to_a_task_in_input_order(tmp_path):
    """40 documents on two workers: tasks of 5 (4 tasks a worker), a file not read keeps its place."""
    files = [_keywork(tmp_path, f"kw-{2000 + k}.txt", 2000 + k) for k in range(40)]
    files[7] = tmp_path / "missing-7.txt"
    files[12] = tmp_path / "missing-12.txt"
    local = cs.parse_documents(files, jobs=1, progress=False)
    with _CountingExecutor() as executor:
        chunked = cs.parse_documents(files, executor=executor, progress=False)
    _assert_same_results(chunked, local)
    assert [Path(r.name).name for r in chunked] == [f.name for f in files]
    assert [r.status for r in chunked].count("refused") == 2
    assert [len(task) for task in executor.tasks] == [5] * 7 + [3]  # 38 read, five to a task
    assert "missing-7.txt" not in {Path(name).name for task in executor.tasks for name in task}
    assert executor.tasks[1] == [str(f) for f in files[5:7] + files[8:11]]
    # documents are read and sent as results are taken: never more than 4 tasks a worker ahead
    assert executor.most_running <= 8


def test_a_big_document_goes_alone_and_a_task_that_fails_fails_each_of_its_files(tmp_path, monkeypatch):
    files = [_keywork(tmp_path, f"kw-{2000 + k}.txt", 2000 + k) for k in range(24)]
    monkeypatch.setattr(batch, "_TASK_BYTES", 2 * files[0].stat().st_size)  # two documents fill a task
    with _CountingExecutor() as executor:
        results = cs.parse_documents(files, executor=executor, progress=False)
    assert all(r.ok for r in results)
    assert [len(task) for task in executor.tasks] == [2] * 12  # 3 a task by count, 2 by bytes

    def dies(documents, **_):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(batch, "parse_many", dies)
    with _CountingExecutor() as executor:
        results = cs.parse_documents(files, executor=executor, progress=False)
    assert [r.status for r in results] == ["failed"] * 24
    assert [r.name for r in results] == [str(f) for f in files]
    assert results[5].error == "RuntimeError: the worker died"


def test_small_files_parse_in_this_process_unless_jobs_are_asked_for(tmp_path, monkeypatch):
    """``jobs`` omitted: a pool only for files that hold POOL_WORTH_BYTES together (it takes a second)."""
    files = [_keywork(tmp_path, f"kw-{year}.txt", year) for year in (2018, 2019)]
    size = sum(f.stat().st_size for f in files)
    assert batch.resolve_jobs(None, 2, files) == 1
    assert batch.resolve_jobs(2, 2, files) == 2 and batch.resolve_jobs(0, 2, files) == min(2, os.cpu_count())
    monkeypatch.setattr(batch, "POOL_WORTH_BYTES", size)  # together they hold just enough
    assert batch.resolve_jobs(None, 2, files) == min(2, os.cpu_count())
    assert batch.resolve_jobs(None, 2, [*files, tmp_path / "missing.txt"]) == min(2, os.cpu_count())
    assert batch.resolve_jobs(None, 2, [files[0], tmp_path / "missing.txt"]) == 1
    monkeypatch.setattr(batch, "POOL_WORTH_BYTES", size + 1)
    results = cs.parse_documents(files, progress=False)
    assert all(r.ok and r.worker.endswith(f":{os.getpid()}") for r in results)


def test_documents_per_task():
    assert batch._task_documents(1_000, 2) == batch._TASK_DOCUMENTS
    assert batch._task_documents(64, 2) == 8  # four tasks a worker
    assert batch._task_documents(7, 2) == 1
    assert batch._task_documents(0, 2) == 1
    assert batch._task_documents(1_000, 64) == 3


def test_a_scheduler_without_the_dask_extra_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    wanted = re.escape("pip install 'coopstats[dask]'")
    with (
        pytest.raises(MissingExtraError, match=wanted) as caught,
        batch.dask_executor("tcp://127.0.0.1:8786"),
    ):
        pass
    assert caught.value.extra == "dask" and caught.value.package == "distributed"
    result = CliRunner().invoke(
        cli.cli,
        ["parse", str(FIXTURES / "gdhk-2017-hans.txt"), "--out", str(tmp_path), "--scheduler", "tcp://x:1"],
    )
    assert isinstance(result.exception, MissingExtraError)


def test_a_worker_with_another_environment_refuses_to_parse():
    data = KEYWORK.format(year=2018).encode()
    good = batch.parse_one(data, "kw.txt", {}, environment=cache.environment_key())
    assert good.ok
    stale = batch.parse_one(data, "kw.txt", {}, environment="0123456789abcdef")
    assert stale.status == "refused" and stale.error_type == "WorkerEnvironmentError"
    assert "same coopstats version" in stale.error
    assert isinstance(stale.exception, (WorkerEnvironmentError, ParseError))


def test_a_crash_in_one_document_is_its_error_and_the_batch_goes_on(tmp_path, monkeypatch):
    files = [_keywork(tmp_path, f"kw-{year}.txt", year) for year in (2018, 2019, 2020)]
    real = frames.ParsedDocument.from_bytes.__func__

    def breaks_on_2019(cls, data, **kwargs):
        if kwargs.get("doc_id") == "kw-2019":
            raise KeyError("a bug")
        return real(cls, data, **kwargs)

    monkeypatch.setattr(frames.ParsedDocument, "from_bytes", classmethod(breaks_on_2019))
    results = cs.parse_documents(files, jobs=1, progress=False)
    assert [r.status for r in results] == ["parsed", "failed", "parsed"]
    assert results[1].error == "KeyError: 'a bug'" and "breaks_on_2019" in results[1].traceback
    with pytest.raises(KeyError):
        results[1].raise_error()  # in this process: the original exception


def test_bad_settings_are_refused_before_any_file_is_read(tmp_path):
    with pytest.raises(TypeError, match="unknown document settings doc_id"):
        cs.parse_documents([tmp_path / "a.txt"], doc_id="x")
    with pytest.raises(ValueError, match="lead_rule must be one of"):
        cs.parse_documents([tmp_path / "a.txt"], lead_rule="loudest")


def test_progress_lines_off_a_terminal_and_silence(tmp_path, capsys):
    files = [_keywork(tmp_path, "kw-2018.txt", 2018), tmp_path / "missing.txt"]
    cs.parse_documents(files, jobs=1)  # stderr is not a terminal under pytest: one line per document
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"\[1/2\] parsed  .*kw-2018\.txt \d+\.\d\ds", lines[0])
    assert re.fullmatch(r"\[2/2\] refused .*missing\.txt \d+\.\d\ds: .*no such file.*", lines[1])
    cs.parse_documents(files, jobs=1, progress=False)
    assert capsys.readouterr().err == ""


def test_progress_is_one_bar_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = batch._Progress(3, True, stream)
    assert bar.mode == "bar"
    for _ in range(3):
        bar.update(batch.BatchResult(name="x.txt", doc_id="x", error="refused", refused=True))
    bar.close()
    shown = stream.getvalue()
    assert "3/3" in shown and "failed=3" in shown and "refused" not in shown.replace("failed", "")


# ---------------------------------------------------------------------------
# cs.add through a batch
# ---------------------------------------------------------------------------


def _manifest(home: Path) -> list[dict[str, str]]:
    with (home / "corpus" / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return [{k: v for k, v in row.items() if k != "added"} for row in csv.DictReader(handle)]


def _cached_user_frames() -> dict[str, pd.DataFrame]:
    """The frames of the user's documents as this home's cache holds them (none may be missing)."""
    from coopstats import corpus

    env_key = cache.environment_key()
    out = {}
    for name in FRAMES:
        parts = []
        for row in corpus.manifest():
            if row.origin == "user":
                cached = cache.read_frame(env_key, frames._corpus_document_key(row), name)
                assert cached is not None, f"{row.doc_id}/{name} is not in the cache"
                parts.append(cached)
        out[name] = pd.concat(parts, ignore_index=True)
    return out


def test_adding_with_two_jobs_gives_the_manifest_and_frames_of_one_by_one(tmp_path, monkeypatch):
    files = [
        _keywork(tmp_path, "kw-2018.txt", 2018),
        _keywork(tmp_path, "kw-2019-big5.txt", 2019, encoding="big5"),
        _keywork(tmp_path, "kw-2020.txt", 2020),
        _keywork(tmp_path, "kw-2021-gb.txt", 2021, encoding="gb18030"),
    ]
    one_home, batch_home = tmp_path / "one", tmp_path / "batch"
    monkeypatch.setenv("COOPSTATS_HOME", str(one_home))
    for path in files:
        cs.add(path, published="2019-02-01")
    one_manifest, one_frames = _manifest(one_home), _cached_user_frames()

    monkeypatch.setenv("COOPSTATS_HOME", str(batch_home))
    added = cs.add(files, published="2019-02-01", jobs=2)
    assert added["doc_id"].tolist() == ["kw-2018", "kw-2019-big5", "kw-2020", "kw-2021-gb"]
    assert _manifest(batch_home) == one_manifest
    batch_frames = _cached_user_frames()
    for name in FRAMES:
        pd.testing.assert_frame_equal(batch_frames[name], one_frames[name])
    frames._MEMO.clear()
    assert cs.tasks()["doc_id"].str.startswith("kw-").sum() == 12  # and the corpus frames cover them
    for path in files:
        assert (batch_home / "corpus" / "raw" / path.name).read_bytes() == path.read_bytes()


def test_only_the_main_process_writes_the_manifest_and_the_cache(tmp_path, monkeypatch):
    """Workers forked with the spies in place would record their own pid if they ever wrote."""
    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path / "home"))
    writes = tmp_path / "writes.txt"
    files = [_keywork(tmp_path, f"kw-{year}.txt", year) for year in (2018, 2019, 2020, 2021)]

    def spy(module, name):
        real = getattr(module, name)

        def recorded(*args, **kwargs):
            with writes.open("a") as handle:
                handle.write(f"{name} {os.getpid()}\n")
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, recorded)

    for module, name in ((collection, "_lock"), (collection, "_write_manifest"), (collection, "atomic_write"),
                         (cache, "write_frames")):  # fmt: skip
        spy(module, name)
    pool = cf.ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))
    with pool:
        outcomes = list(collection.iter_add(files, executor=pool))
    assert [type(added).__name__ for _, added, _ in outcomes] == ["AddedDocument"] * 4
    workers = {result.worker for _, _, result in outcomes}
    assert workers and all(not w.endswith(f":{os.getpid()}") for w in workers)
    recorded = writes.read_text().split("\n")[:-1]
    written_by = {"_lock", "_write_manifest", "atomic_write", "write_frames"}
    assert {line.split()[0] for line in recorded} == written_by
    assert {line.split()[1] for line in recorded} == {str(os.getpid())}


def test_a_batch_add_stops_where_one_by_one_would_and_the_cli_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path / "home"))
    good = _keywork(tmp_path, "kw-2018.txt", 2018)
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    later = _keywork(tmp_path, "kw-2019.txt", 2019)
    with pytest.raises(ParseError, match="empty"):
        cs.add([good, bad, later], jobs=2)
    assert [r["doc_id"] for r in _manifest(tmp_path / "home")] == ["kw-2018"]
    with pytest.raises(DocumentExistsError):
        cs.add([later, good], jobs=2)  # kw-2019 added, then kw-2018 refused
    assert [r["doc_id"] for r in _manifest(tmp_path / "home")] == ["kw-2018", "kw-2019"]
    result = CliRunner().invoke(cli.cli, ["add", str(bad), str(good), str(later), "--replace", "--jobs", "2"])
    assert result.exit_code == 1
    assert "empty.txt: not added" in result.output
    assert result.output.count("replaced as") == 2


# ---------------------------------------------------------------------------
# A Dask cluster (last: the pool tests above fork, and a cluster runs threads in this process)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    distributed = _distributed()
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_a_dask_cluster_gives_the_in_process_frames(documents, dask_client):
    local = cs.parse_documents(documents, jobs=1, progress=False)
    remote = cs.parse_documents(documents, executor=dask_client.get_executor(), progress=False)
    _assert_same_results(remote, local)
    workers = {r.worker for r in remote if r.ok}
    assert all(not w.endswith(f":{os.getpid()}") for w in workers)


def test_coopstats_parse_and_add_on_a_scheduler(tmp_path, dask_client, monkeypatch):
    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path / "home"))
    address = dask_client.scheduler.address
    files = [_keywork(tmp_path, f"kw-{year}.txt", year) for year in (2018, 2019)]
    runner = CliRunner()
    out = str(tmp_path / "out")
    parsed = runner.invoke(cli.cli, ["parse", *map(str, files), "--out", out, "--scheduler", address])
    assert parsed.exit_code == 0, parsed.output
    assert parsed.output.count("parsed  ") == 2
    written = pd.read_parquet(tmp_path / "out" / "kw-2019" / "tasks.parquet")
    pd.testing.assert_frame_equal(written, cs.parse_document(files[1]).tasks, check_dtype=False)
    added = runner.invoke(cli.cli, ["add", *map(str, files), "--scheduler", address])
    assert added.exit_code == 0, added.output
    assert "added as kw-2019 (text, task-list): 3 tasks, 8 assignments" in added.output
    assert cs.tasks(["kw-2018", "kw-2019"])["doc_id"].value_counts().to_dict() == {"kw-2018": 3, "kw-2019": 3}
    both = runner.invoke(cli.cli, ["parse", str(files[0]), "--out", str(tmp_path / "o"), "--jobs", "2",
                                   "--scheduler", address])  # fmt: skip
    assert both.exit_code == 2 and "exclude each other" in both.output
