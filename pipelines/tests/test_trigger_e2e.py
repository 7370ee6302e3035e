"""End to end against a real Airflow 3 (airflow standalone) and the real trigger command.

One Airflow for the module, on a free loopback port, in a temporary AIRFLOW_HOME. Every process it
started is killed in teardown (its process group, then any straggler carrying its AIRFLOW_HOME).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PIPELINES = REPO / "pipelines"
VENV_BIN = Path(sys.executable).parent
DAG_ID = "mentoring_outcomes_nightly"
USER = "admin"
PASSWORD = "e2e-Admin-pass-7c1f"   # fixed by pre-seeding the simple auth manager's password file
JAR = REPO / "jobs" / "target" / "mentoring-outcomes-jobs-0.1.0-SNAPSHOT-spark-submit.jar"
STARTUP_TIMEOUT = float(os.environ.get("E2E_AIRFLOW_STARTUP_TIMEOUT", "300"))
RUN_TIMEOUT = int(os.environ.get("E2E_RUN_TIMEOUT", "900"))


# ------------------------------------------------------------------ the CLI under test

def trigger_command() -> list[str]:
    """bin/mentoring-outcomes trigger when the launcher exists, else java on the built classes."""
    launcher = REPO / "bin" / "mentoring-outcomes"
    if launcher.is_file() and os.access(launcher, os.X_OK):
        return [str(launcher), "trigger"]
    classes = REPO / "jobs" / "target" / "classes"
    cp_file = REPO / "jobs" / "target" / "launcher-classpath.txt"
    if not classes.is_dir() or not cp_file.is_file():
        pytest.fail("build the jobs module first: ./mvnw -q -B -DskipTests package")
    cp = f"{classes}:{cp_file.read_text().strip()}"
    return ["java", "-cp", cp, "io.mentoringoutcomes.cli.Main", "trigger"]


def run_trigger(*args: str, env_extra: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(env_extra or {})
    proc = subprocess.run([*trigger_command(), *args], env=env, capture_output=True, text=True, timeout=timeout)
    print(f"$ trigger {' '.join(args)}\n[exit {proc.returncode}]\n{proc.stdout}{proc.stderr}")
    return proc


def creds_env(password: str = PASSWORD) -> dict:
    return {"AIRFLOW_USERNAME": USER, "AIRFLOW_PASSWORD": password}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ the server

class Airflow:
    def __init__(self, home: Path, port: int, proc: subprocess.Popen):
        self.home, self.port, self.proc = home, port, proc
        self.url = f"http://127.0.0.1:{port}"
        self._token = None

    def request(self, method: str, path: str, body=None, token: bool = True):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {self.token()}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            return e.code, None

    def token(self) -> str:
        if self._token is None:
            status, body = self.request("POST", "/auth/token", {"username": USER, "password": PASSWORD}, token=False)
            assert status in (200, 201), status
            self._token = body["access_token"]
        return self._token

    def task_instances(self, run_id: str) -> dict:
        status, body = self.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")
        assert status == 200, status
        return {ti["task_id"]: ti for ti in body["task_instances"]}

    def task_log(self, run_id: str, task_id: str) -> str:
        files = sorted(self.home.glob(f"logs/dag_id={DAG_ID}/run_id={run_id}/task_id={task_id}/*.log"))
        return "\n".join(f.read_text(errors="replace") for f in files)

    def log_tail(self, n: int = 60) -> str:
        log = self.home / "standalone.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-n:]) if log.exists() else ""


def _kill_everything(home: Path, proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    # Task processes and spark-submit may have left the group (new sessions): find them by their id,
    # through the AIRFLOW_HOME only this test gave them.
    marker = f"AIRFLOW_HOME={home}".encode()
    for _ in range(2):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if marker + b"\0" in environ or environ.endswith(marker):
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.5)


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_home")
    port = free_port()
    (home / "simple_auth_manager_passwords.json.generated").write_text(json.dumps({USER: PASSWORD}))
    spark_home = Path(__import__("pyspark").__file__).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update({
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
        "MENTORING_OUTCOMES_WAREHOUSE": str(home / "default-warehouse"),
        "SPARK_HOME": str(spark_home),
        "SPARK_SUBMIT": str(spark_home / "bin" / "spark-submit"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
    })
    log = open(home / "standalone.log", "wb")
    started = time.monotonic()
    proc = subprocess.Popen([str(VENV_BIN / "airflow"), "standalone"], cwd=home, env=env, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
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
        yield server
    finally:
        _kill_everything(home, proc)
        log.close()


# ------------------------------------------------------------------ error paths, for real

def test_unreachable_server_is_a_clear_error():
    port = free_port()   # nothing listens there
    r = run_trigger("--url", f"http://127.0.0.1:{port}", env_extra=creds_env())
    assert r.returncode == 7
    assert "cannot reach Airflow" in r.stderr and "connection refused" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_wrong_password_is_a_clear_error(airflow):
    r = run_trigger("--url", airflow.url, env_extra=creds_env("not-the-password"))
    assert r.returncode == 8
    assert "authentication failed" in r.stderr
    assert "not-the-password" not in r.stdout + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_unknown_dag_is_a_clear_error(airflow):
    r = run_trigger("--url", airflow.url, "--dag", "no_such_dag", env_extra=creds_env())
    assert r.returncode == 9
    assert "DAG 'no_such_dag' not found" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_paused_dag_is_reported_not_queued(airflow, tmp_path):
    # credentials from a file this time
    creds = tmp_path / "airflow.credentials"
    creds.write_text(f"username={USER}\npassword={PASSWORD}\n")
    r = run_trigger("--url", airflow.url, "--credentials-file", str(creds), "--run-id", "e2e-paused")
    assert r.returncode == 6
    assert "is paused" in r.stderr and "--unpause" in r.stderr
    status, _ = airflow.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/e2e-paused")
    assert status == 404, "a paused DAG must not get a queued run"


# ------------------------------------------------------------------ retry policy, with a stand-in spark-submit

FAKE_SPARK_SUBMIT = """#!/bin/sh
echo "fake spark-submit $*"
case "$*" in
  *e2e-fake-ok*) exit 0 ;;
  *e2e-gate*) echo "QUALITY GATE FAILED: completeness(participants.employee_id) = 0.93 < 1.0" >&2; exit 3 ;;
  *) echo "executor lost" >&2; exit 1 ;;
esac
"""


def test_dag_with_stand_in_spark_submit(airflow, tmp_path):
    fake = tmp_path / "spark-submit"
    fake.write_text(FAKE_SPARK_SUBMIT)
    fake.chmod(0o755)
    status, _ = airflow.request("POST", "/api/v2/variables",
                                {"key": "mentoring_outcomes_spark_submit", "value": str(fake)})
    assert status in (200, 201), status
    try:
        # logical_date null: the DAG must still compute an as-of date (the run's run_after, UTC)
        r = run_trigger("--url", airflow.url, "--unpause", "--wait", "--poll-interval", "1", "--timeout", "300",
                        "--run-id", "e2e-gate", "--logical-date", "none", env_extra=creds_env())
        assert r.returncode == 4
        assert "failed task(s): ingest" in r.stderr
        ingest = airflow.task_instances("e2e-gate")["ingest"]
        assert ingest["state"] == "failed" and ingest["try_number"] == 1, ingest   # exit 3: no retry
        log = airflow.task_log("e2e-gate", "ingest")
        assert "QUALITY GATE FAILED: completeness(participants.employee_id)" in log  # the checks reach the log
        today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        assert f"--as-of {today}" in log

        # the same run id again: 409, said plainly, and --wait follows the existing run
        r = run_trigger("--url", airflow.url, "--run-id", "e2e-gate", "--wait", "--poll-interval", "1",
                        env_extra=creds_env())
        assert "already triggered" in r.stdout and "following it" in r.stdout
        assert r.returncode == 4 and "failed task(s): ingest" in r.stderr
        assert airflow.task_instances("e2e-gate")["ingest"]["try_number"] == 1

        r = run_trigger("--url", airflow.url, "--wait", "--poll-interval", "1", "--timeout", "300",
                        "--run-id", "e2e-flaky", env_extra=creds_env())
        assert r.returncode == 4
        ingest = airflow.task_instances("e2e-flaky")["ingest"]
        assert ingest["state"] == "failed" and ingest["try_number"] == 2, ingest   # exit 1: retried

        # all five stages succeed: the run succeeds, trigger exits 0, and every stage got the run's conf
        r = run_trigger("--url", airflow.url, "--wait", "--poll-interval", "1", "--timeout", "300",
                        "--run-id", "e2e-fake-ok", "--logical-date", "2026-01-15T02:00:00Z",
                        "--input", "/data/in", "--warehouse", "/data/wh", "--master", "local[1]",
                        "--conf", "spark_args=--conf spark.ui.enabled=false", env_extra=creds_env())
        assert r.returncode == 0, r.stderr
        assert "succeeded" in r.stdout
        tis = airflow.task_instances("e2e-fake-ok")
        assert {t: ti["state"] for t, ti in tis.items()} == {t: "success" for t in
                                                             ("ingest", "quality", "metrics", "publish", "report")}
        for stage in ("ingest", "quality", "metrics", "publish", "report"):
            log = airflow.task_log("e2e-fake-ok", stage)
            assert (f"--master local[1] --name mentoring-outcomes-{stage} --class io.mentoringoutcomes.cli.Main "
                    f"--conf spark.ui.enabled=false") in log, stage
            assert (f" {stage} --input /data/in --warehouse /data/wh --as-of 2026-01-15 --master local[1] "
                    f"--run-id e2e-fake-ok") in log, stage

        # a new run id on a logical date another run holds: Airflow's 409, reported as such
        r = run_trigger("--url", airflow.url, "--run-id", "e2e-same-date", "--logical-date", "2026-01-15T02:00:00Z",
                        env_extra=creds_env())
        assert r.returncode == 1
        assert "HTTP 409" in r.stderr and "logical_date 2026-01-15T02:00:00Z" in r.stderr
    finally:
        airflow.request("DELETE", "/api/v2/variables/mentoring_outcomes_spark_submit")
        status, runs = airflow.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns")
        for run in (runs or {}).get("dag_runs", []):
            print("run:", run["dag_run_id"], run["run_type"], run["logical_date"], run["state"])


# ------------------------------------------------------------------ the nightly run, for real

def test_nightly_run_publishes_gold_tables(airflow, tmp_path):
    if not JAR.is_file():
        pytest.fail(f"no {JAR.name}: build it first (./mvnw -q -B -DskipTests package)")
    warehouse = tmp_path / "warehouse"
    r = run_trigger("--url", airflow.url, "--unpause", "--wait", "--poll-interval", "1",
                    "--timeout", str(RUN_TIMEOUT), "--run-id", "e2e-nightly",
                    "--input", str(REPO / "sample-data"), "--warehouse", str(warehouse),
                    "--master", "local[2]", "--as-of", "2026-11-22", env_extra=creds_env(), timeout=RUN_TIMEOUT + 60)
    log = airflow.task_log("e2e-nightly", "ingest")
    assert "spark-submit" in log and "io.mentoringoutcomes.cli.Main" in log
    assert r.returncode == 0, r.stderr
    for task, ti in airflow.task_instances("e2e-nightly").items():
        assert ti["state"] == "success", (task, ti)
    gold = sorted(p.parent.name for p in warehouse.glob("gold/*/_delta_log"))
    assert {"program_roi", "retention_summary", "retention_curve", "turnover_rate"} <= set(gold), gold
    print("gold tables:", gold)
