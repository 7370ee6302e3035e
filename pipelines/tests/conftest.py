"""Session fixtures of the end-to-end tests: one real Airflow 3 (`airflow standalone`) and one real
nightly run of the DAG on sample-data/, which every test that needs a published warehouse shares
(the run takes minutes: it must happen once per session, not once per test file)."""

from __future__ import annotations

import json
import os
import time
import urllib.error
from pathlib import Path

import pytest
from e2e_support import (
    DAG_ID,
    DRIVER_POOL,
    JAR,
    PASSWORD,
    PIPELINES,
    REPO,
    RUN_TIMEOUT,
    SPARK_CLIENT_HOME,
    STARTUP_TIMEOUT,
    USER,
    VENV_BIN,
    Airflow,
    NightlyRun,
    creds_env,
    free_port,
    kill_everything,
    run_trigger,
    spawn,
)

NIGHTLY_RUN_ID = "e2e-nightly"
NIGHTLY_AS_OF = "2026-11-22"
# For iterating locally on tests that only read a published warehouse: the path of a warehouse
# `bin/mentoring-outcomes run` already published. Refused under CI, which always runs the real nightly.
PUBLISHED_WAREHOUSE_ENV = "MO_PUBLISHED_WAREHOUSE"


@pytest.fixture(scope="session")
def airflow(tmp_path_factory):
    """One real `airflow standalone` for the whole session, on a free loopback port, in a temporary
    AIRFLOW_HOME. Every process it started is killed in teardown."""
    home = tmp_path_factory.mktemp("airflow_home")
    port = free_port()
    (home / "simple_auth_manager_passwords.json.generated").write_text(json.dumps({USER: PASSWORD}))
    # spark-submit: the pyspark 3.5.4 wheel setup_venv.sh put apart in .venv/spark-client (the Spark
    # provider's pyspark-client owns the venv's own `pyspark`). The hook runs `spark-submit` from PATH:
    # a wrapper first on PATH runs $AIRFLOW_HOME/fake-spark-submit when a test put one there.
    spark_home = SPARK_CLIENT_HOME
    if not (spark_home / "bin" / "spark-submit").is_file():
        pytest.fail(f"no {spark_home}/bin/spark-submit: run pipelines/setup_venv.sh")
    wrappers = home / "bin"
    wrappers.mkdir()
    (wrappers / "spark-submit").write_text(
        '#!/bin/sh\n[ -x "$AIRFLOW_HOME/fake-spark-submit" ] && exec "$AIRFLOW_HOME/fake-spark-submit" "$@"\n'
        'exec "$SPARK_HOME/bin/spark-submit" "$@"\n'
    )
    (wrappers / "spark-submit").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(PIPELINES / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
            "AIRFLOW__CORE__PARALLELISM": "2",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
            "AIRFLOW__API__WORKERS": "1",
            # pick things up quickly: the DAG folder, new runs, queued tasks
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "10",
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
            "AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC": "2",
            # no timer: unpausing would otherwise start a scheduled run for the latest 02:00 past
            "MENTORING_OUTCOMES_SCHEDULE": "none",
            # the DAG's knobs: one quick retry so a test sees retries happen; spark-submit from this venv
            "MENTORING_OUTCOMES_RETRIES": "1",
            "MENTORING_OUTCOMES_RETRY_DELAY_SECONDS": "1",
            # this checkout's DAG may use its repo-local defaults when no Variable/Connection is set
            "MENTORING_OUTCOMES_REPO_DEFAULTS": "1",
            "SPARK_HOME": str(spark_home),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "PATH": f"{wrappers}:{VENV_BIN}:{os.environ.get('PATH', '')}",
        }
    )
    started = time.monotonic()
    proc = spawn([str(VENV_BIN / "airflow"), "standalone"], home, env, home / "standalone.log")
    server = Airflow(home, port, proc)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        ready = False
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"airflow standalone exited {proc.returncode}:\n{server.log_tail()}")
            try:
                status, _ = server.request("GET", f"/api/v2/dags/{DAG_ID}")
                if status == 200:
                    ready = True
                    break
            except (urllib.error.URLError, ConnectionError, AssertionError, OSError):
                server._token = None
            time.sleep(1)
        if not ready:
            pytest.fail(f"Airflow not ready with {DAG_ID} after {STARTUP_TIMEOUT:.0f} s:\n{server.log_tail()}")
        print(f"airflow standalone ready on {server.url} in {time.monotonic() - started:.1f} s")
        # the DAG's pool for driver JVMs, as a deployment creates it
        status, _ = server.request("POST", "/api/v2/pools", {"name": DRIVER_POOL, "slots": 1})
        assert status in (200, 201), status
        yield server
    finally:
        kill_everything(home, proc)


@pytest.fixture(scope="session")
def nightly_run(airflow, tmp_path_factory) -> NightlyRun:
    """The real nightly: the real trigger command starts the DAG on sample-data/ in the real Airflow,
    every stage spark-submits the real jar, and the run publishes into a fresh warehouse. Once per
    session. Asserts nothing itself: test_nightly_run_publishes_gold_tables says what went wrong."""
    if not JAR.is_file():
        pytest.fail(f"no {JAR.name}: build it first (./mvnw -q -B -DskipTests package)")
    warehouse = tmp_path_factory.mktemp("nightly") / "warehouse"
    # as a deployment configures it: the admin's Variable and Connection (the run conf cannot)
    airflow.set_config(
        {
            "jar": str(JAR),
            "warehouse": str(warehouse),
            "input": str(REPO / "sample-data"),
            "input_root": str(REPO / "sample-data"),
        },
        master="local[2]",
    )
    started = time.monotonic()
    try:
        r = run_trigger(
            "--url",
            airflow.url,
            "--unpause",
            "--wait",
            "--poll-interval",
            "1",
            "--timeout",
            str(RUN_TIMEOUT),
            "--run-id",
            NIGHTLY_RUN_ID,
            "--input",
            str(REPO / "sample-data"),
            "--as-of",
            NIGHTLY_AS_OF,
            env_extra=creds_env(),
            timeout=RUN_TIMEOUT + 60,
        )
    finally:
        airflow.clear_config()
    seconds = time.monotonic() - started
    print(f"nightly run {NIGHTLY_RUN_ID} finished in {seconds:.0f} s (trigger exit {r.returncode})")
    return NightlyRun(NIGHTLY_RUN_ID, warehouse, r, seconds)


@pytest.fixture(scope="session")
def nightly_warehouse(request) -> Path:
    """The warehouse the real nightly run published: what downstream readers get."""
    override = os.environ.get(PUBLISHED_WAREHOUSE_ENV)
    if override:
        if os.environ.get("CI"):
            pytest.fail(f"{PUBLISHED_WAREHOUSE_ENV} is for local iteration only; CI tests the real nightly run")
        path = Path(override)
        if not any(path.glob("gold/*/_delta_log")):
            pytest.fail(f"{PUBLISHED_WAREHOUSE_ENV}={override} has no gold/*/_delta_log")
        print(f"using the published warehouse {path} ({PUBLISHED_WAREHOUSE_ENV}), not a nightly run")
        return path
    run: NightlyRun = request.getfixturevalue("nightly_run")
    if run.trigger.returncode != 0:
        pytest.fail(
            f"the nightly run {run.run_id} did not succeed (trigger exit {run.trigger.returncode}):\n"
            f"{run.trigger.stderr}"
        )
    return run.warehouse
