"""Report runs on a Dask cluster: notebooks run on the workers; the main process writes reports, index."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coopstats import reports
from coopstats.reports import run

TEST_NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


@pytest.fixture(scope="module")
def cluster_executor():
    if os.environ.get("CI") == "true":
        import distributed  # CI installs the dev extra: a missing distributed is a failure there
    else:
        distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client.get_executor()


def test_a_small_grid_on_a_cluster_gives_the_local_reports(tmp_path, cluster_executor):
    grid = [("echo", {"message": f"run-{k}", "repeat": 3}) for k in range(3)]
    local = run.run_all(tmp_path / "local", grid=grid, notebook_dir=TEST_NOTEBOOKS, progress="none")
    remote = run.run_all(
        tmp_path / "cluster",
        grid=grid,
        notebook_dir=TEST_NOTEBOOKS,
        progress="none",
        executor=cluster_executor,
    )
    assert [r.status for r in remote] == ["ok"] * 3
    assert [(r.name, r.slug, r.html) for r in remote] == [(r.name, r.slug, r.html) for r in local]
    for record in remote:
        html = (tmp_path / "cluster" / record.html).read_text(encoding="utf-8")
        assert record.parameters["message"] in html
    index = json.loads((tmp_path / "cluster" / "index.json").read_text(encoding="utf-8"))
    assert sorted(e["parameters"]["message"] for e in index["reports"]) == ["run-0", "run-1", "run-2"]


def test_a_failing_cell_on_a_worker_is_reported_with_its_cell(tmp_path, cluster_executor):
    [record] = run.run_all(
        tmp_path,
        grid=[("echo", {"fail": True})],
        notebook_dir=TEST_NOTEBOOKS,
        progress="none",
        executor=cluster_executor,
    )
    assert record.status == "failed" and record.ename == "RuntimeError"
    assert (tmp_path / record.notebook).is_file()  # the failed notebook came back and is kept
    assert reports.read_index(tmp_path)[0]["status"] == "failed"
