"""The same jar on a real Spark cluster (issue #14): a standalone master and two workers, each its own
process on 127.0.0.1, started from the pinned Spark distribution setup_venv.sh put in .venv/spark-client.
The real Airflow (session fixture `airflow`) runs the nightly DAG with its Connection pointing at
`spark://127.0.0.1:PORT`, so every stage is the DAG's own spark-submit of the real jar on that cluster.

Asserted:
* the night succeeds and publishes the same gold as the session's `local[2]` night (fixture
  `nightly_warehouse`: same input, same as-of), read with delta-rs, value for value (floating-point
  sums may add in another order across executors: relative 1e-9);
* the executors really ran the work: every stage's event log shows tasks finished on executors, none
  on the driver, and the metrics stage's on both workers' executors; the master's JSON status lists
  each stage's application as FINISHED.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import NIGHTLY_AS_OF
from deltalake import DeltaTable
from e2e_support import JAR, REPO, RUN_TIMEOUT, SPARK_CLIENT_HOME, creds_env, free_port, run_trigger, spawn

CLUSTER_RUN_ID = "e2e-cluster"
WORKERS = 2
STARTUP_TIMEOUT = 120
# Executors start per stage and tasks cross processes: a cluster night takes longer than a local one.
CLUSTER_RUN_TIMEOUT = int(os.environ.get("E2E_CLUSTER_RUN_TIMEOUT", str(max(RUN_TIMEOUT, 2400))))
FLOAT_REL_TOL = 1e-9
# The DAG's stages, each a spark-submit and so an application of the cluster.
STAGES = ("ingest", "quality", "metrics", "publish", "report")


@dataclass
class Cluster:
    url: str
    status_url: str
    home: Path

    def status(self) -> dict:
        with urllib.request.urlopen(self.status_url, timeout=10) as r:
            return json.load(r)


def _stop(proc: subprocess.Popen) -> None:
    # Each daemon leads its own process group; a worker's executors are in its group.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def spark_cluster(tmp_path_factory):
    spark_class = SPARK_CLIENT_HOME / "bin" / "spark-class"
    if not spark_class.is_file():
        pytest.fail(f"no {spark_class}: run pipelines/setup_venv.sh")
    home = tmp_path_factory.mktemp("spark_cluster")
    port, ui = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "AIRFLOW"))}
    env.update({"SPARK_HOME": str(SPARK_CLIENT_HOME), "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_NO_DAEMONIZE": "1"})
    procs: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> None:
        procs.append(spawn([str(spark_class), *args], home, env, home / f"{name}.log"))

    cluster = Cluster(f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui}/json/", home)
    try:
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
              "--webui-port", str(ui))  # fmt: skip
        for i in range(1, WORKERS + 1):
            work = home / f"worker{i}"
            work.mkdir()
            worker = ["--host", "127.0.0.1", "--cores", "1", "--memory", "1200m", "--work-dir", str(work)]
            start(f"worker{i}", "org.apache.spark.deploy.worker.Worker", *worker, "--webui-port", str(free_port()),
                  cluster.url)  # fmt: skip
        deadline = time.monotonic() + STARTUP_TIMEOUT
        alive = 0
        while time.monotonic() < deadline:
            for p in procs:
                if p.poll() is not None:
                    logs = "\n".join(f.read_text(errors="replace")[-2000:] for f in sorted(home.glob("*.log")))
                    pytest.fail(f"a cluster daemon exited {p.returncode}:\n{logs}")
            try:
                alive = cluster.status().get("aliveworkers", 0)
            except OSError:
                alive = 0
            if alive == WORKERS:
                break
            time.sleep(1)
        if alive != WORKERS:
            pytest.fail(f"{alive} of {WORKERS} workers alive after {STARTUP_TIMEOUT} s")
        yield cluster
    finally:
        for p in reversed(procs):
            _stop(p)


def _tasks_by_executor(event_log: Path) -> tuple[set[str], dict[str, int]]:
    """The application's Spark job groups (the metrics stage names one per table, `metrics:...`) and
    its finished tasks per executor id, from its Spark event log."""
    groups, tasks = set(), {}
    with open(event_log) as f:
        for line in f:
            event = json.loads(line)
            if event["Event"] == "SparkListenerJobStart":
                groups.add((event.get("Properties") or {}).get("spark.jobGroup.id", ""))
            elif event["Event"] == "SparkListenerTaskEnd":
                executor = event["Task Info"]["Executor ID"]
                tasks[executor] = tasks.get(executor, 0) + 1
    return groups, tasks


def _gold(warehouse: Path) -> dict[str, list[dict]]:
    """Every gold table's rows (delta-rs, no Spark), in a canonical order."""
    out = {}
    for log in sorted(warehouse.glob("gold/*/_delta_log")):
        rows = DeltaTable(str(log.parent)).to_pyarrow_table().to_pylist()
        # ordered by every value, floats to 6 places: a last-bit difference must not reorder rows
        out[log.parent.name] = sorted(rows, key=lambda r: json.dumps(_rounded(r), sort_keys=True, default=str))
    return out


def _rounded(row: dict) -> dict:
    return {k: round(v, 6) if isinstance(v, float) and math.isfinite(v) else v for k, v in row.items()}


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=FLOAT_REL_TOL, abs_tol=1e-12)
    return a == b


def test_the_nightly_on_a_standalone_cluster_publishes_the_local_nights_gold(
    airflow, nightly_warehouse, spark_cluster, tmp_path
):
    if not JAR.is_file():
        pytest.fail(f"no {JAR.name}: build it first (./mvnw -q -B -DskipTests package)")
    warehouse = tmp_path / "warehouse"
    events = tmp_path / "events"
    events.mkdir()
    # As an admin configures a standalone cluster (pipelines/README.md): the Connection's host is the
    # master, the Variable's spark_conf sizes the executors; the event log is this test's witness.
    airflow.set_config(
        {
            "jar": str(JAR),
            "warehouse": str(warehouse),
            "input": str(REPO / "sample-data"),
            "input_root": str(REPO / "sample-data"),
            "spark_conf": {
                "spark.executor.cores": "1",
                "spark.executor.memory": "1g",
                # Spark's default of 200 is for big data; two one-core executors want a handful
                "spark.sql.shuffle.partitions": "4",
                "spark.eventLog.enabled": "true",
                "spark.eventLog.dir": events.as_uri(),
            },
        },
        master=spark_cluster.url,
    )
    started = time.monotonic()
    try:
        r = run_trigger(
            "--url", airflow.url, "--unpause", "--wait", "--poll-interval", "2", "--timeout", str(CLUSTER_RUN_TIMEOUT),
            "--run-id", CLUSTER_RUN_ID, "--input", str(REPO / "sample-data"), "--as-of", NIGHTLY_AS_OF,
            env_extra=creds_env(),
            timeout=CLUSTER_RUN_TIMEOUT + 60,
        )  # fmt: skip
    finally:
        airflow.clear_config()
    print(f"cluster night {CLUSTER_RUN_ID} finished in {time.monotonic() - started:.0f} s")
    if r.returncode != 0:
        logs = "\n".join(airflow.task_log(CLUSTER_RUN_ID, s)[-3000:] for s in STAGES)
        pytest.fail(f"the cluster night failed (trigger exit {r.returncode}):\n{r.stderr}\n{logs}")
    assert f"master {spark_cluster.url}" in airflow.task_log(CLUSTER_RUN_ID, "metrics")

    # The executors ran the work, on both workers.
    apps = {}
    for log in sorted(events.iterdir()):
        groups, tasks = _tasks_by_executor(log)
        apps[log.name] = (groups, tasks)
        print(f"{log.name}: tasks per executor {tasks}")
        assert "driver" not in tasks, f"{log.name} ran tasks on the driver: {tasks}"
    assert len(apps) >= len(STAGES), f"one application per stage: {apps}"
    metrics = [tasks for groups, tasks in apps.values() if any(g.startswith("metrics:") for g in groups)]
    assert len(metrics) == 1, f"one metrics application: {apps}"
    assert len(metrics[0]) >= WORKERS and all(n > 0 for n in metrics[0].values()), metrics
    finished = {a["id"]: a["state"] for a in spark_cluster.status()["completedapps"]}
    for app_id in apps:
        assert finished.get(app_id) == "FINISHED", f"{app_id} on the master: {finished}"
    # Executors really ran on the workers: each worker's work folder holds the night's applications.
    for i in range(1, WORKERS + 1):
        ran = {p.name for p in (spark_cluster.home / f"worker{i}").iterdir()}
        assert set(apps) <= ran, f"worker{i} launched executors for {sorted(ran)}, not all of {sorted(apps)}"

    # The same gold as the local night's.
    local, clustered = _gold(nightly_warehouse), _gold(warehouse)
    assert sorted(clustered) == sorted(local)
    for table, rows in local.items():
        assert len(clustered[table]) == len(rows), table
        for i, (want, got) in enumerate(zip(rows, clustered[table], strict=True)):
            assert want.keys() == got.keys(), table
            diff = {c: (want[c], got[c]) for c in want if not _same(want[c], got[c])}
            assert not diff, f"gold.{table} row {i} differs (local, cluster): {diff}"
    # Reliable checkpoints were taken under the warehouse and deleted when the metrics stage ended.
    assert not any((warehouse / "_checkpoints" / "metrics").glob("*/rdd-*")), "checkpoints left behind"
