"""`--engine dask` on a real LocalCluster (worker processes, one thread each)."""
from __future__ import annotations

import shutil

import pytest

from extractor.bulk.runner import run_bulk
from extractor.bulk.store import Store

from .bulk_helpers import convert_or_misbehave, copy_renderings, run_cli


def _export(out) -> list[str]:
    r = run_cli("export", out, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


@pytest.mark.slow
def test_dask_local_cluster_stores_what_the_process_pool_stores(tmp_path):
    """The same per-file function on Dask: the store must end up identical to the pool's (no input
    lost or doubled in the round trip through the scheduler)."""
    copy_renderings(tmp_path / "in", 8, names=("form.md", "form.layout.txt"))
    r = run_cli("bulk", tmp_path / "in", "--out", tmp_path / "dask", "--engine", "dask", "-j", "2")
    assert r.returncode == 0, r.stderr
    assert "dask local cluster" in r.stderr
    r = run_cli("bulk", tmp_path / "in", "--out", tmp_path / "pool", "-j", "2")
    assert r.returncode == 0, r.stderr
    assert _export(tmp_path / "dask") == _export(tmp_path / "pool") and len(_export(tmp_path / "pool")) == 16


@pytest.mark.slow
def test_dask_times_out_a_hanging_input_and_survives_a_crashing_one(tmp_path):
    """Dask cannot interrupt a task: the engine must still record the hanging input as `timeout`
    (and restart its worker), and the one that kills its worker as `worker_crashed`."""
    files = copy_renderings(tmp_path / "in", 4)
    (tmp_path / "in" / "hang.md").write_bytes(files[0].read_bytes() + b"\n")
    (tmp_path / "in" / "crash.md").write_bytes(files[1].read_bytes() + b"\n")
    summary = run_bulk([str(tmp_path / "in")], tmp_path / "out", workers=2, timeout=5, engine="dask",
                       fn=convert_or_misbehave)
    with Store(tmp_path / "out") as s:
        rows = {i["path"]: i for i in s.inputs()}
    assert rows[str(tmp_path / "in" / "hang.md")]["error_code"] == "timeout"
    assert rows[str(tmp_path / "in" / "crash.md")]["error_code"] == "worker_crashed"
    assert [(f.name, rows[str(f)]["error_code"]) for f in files if rows[str(f)]["status"] == "failed"] == []
    assert summary.failures == {"timeout": 1, "worker_crashed": 1}


@pytest.mark.slow
def test_dask_scheduler_address_uses_an_existing_cluster(tmp_path):
    """`--scheduler ADDRESS`: the run goes to the cluster at that address (here one started by the
    test), not to a LocalCluster of its own."""
    from distributed import Client, LocalCluster
    files = copy_renderings(tmp_path / "in", 3)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        r = run_cli("bulk", tmp_path / "in", "--out", tmp_path / "out", "--scheduler", cluster.scheduler_address)
        assert r.returncode == 0, r.stderr
        assert f"dask at {cluster.scheduler_address}" in r.stderr
        prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert "convert" in prefixes                  # the per-file tasks went through this scheduler
    assert len(_export(tmp_path / "out")) == len(files)
