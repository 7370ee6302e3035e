"""What the end-to-end tests share: the CLI under test, a client for the real Airflow server, and the
clean-up of everything that server started. The fixtures that use it are in conftest.py."""

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
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PIPELINES = REPO / "pipelines"
VENV_BIN = Path(sys.executable).parent
DAG_ID = "mentoring_outcomes_nightly"
USER = "admin"
PASSWORD = "e2e-Admin-pass-7c1f"  # fixed by pre-seeding the simple auth manager's password file
SPARK_CLIENT_HOME = PIPELINES / ".venv" / "spark-client" / "pyspark"
DRIVER_POOL = "mentoring_outcomes_spark_drivers"
CONFIG_VARIABLE = "mentoring_outcomes"
SPARK_CONNECTION_ID = "mentoring_outcomes_spark"
JAR = REPO / "jobs" / "target" / "mentoring-outcomes-jobs-0.1.0-SNAPSHOT-spark-submit.jar"
STARTUP_TIMEOUT = float(os.environ.get("E2E_AIRFLOW_STARTUP_TIMEOUT", "300"))
RUN_TIMEOUT = int(os.environ.get("E2E_RUN_TIMEOUT", "900"))


# ------------------------------------------------------------------ the CLI under test


def cli_command(subcommand: str) -> list[str]:
    """bin/mentoring-outcomes SUBCOMMAND when the launcher exists, else java on the built classes."""
    launcher = REPO / "bin" / "mentoring-outcomes"
    if launcher.is_file() and os.access(launcher, os.X_OK):
        return [str(launcher), subcommand]
    classes = REPO / "jobs" / "target" / "classes"
    cp_file = REPO / "jobs" / "target" / "launcher-classpath.txt"
    if not classes.is_dir() or not cp_file.is_file():
        pytest.fail("build the jobs module first: ./mvnw -q -B -DskipTests package")
    cp = f"{classes}:{cp_file.read_text().strip()}"
    return ["java", "-cp", cp, "io.mentoringoutcomes.cli.Main", subcommand]


def trigger_command() -> list[str]:
    return cli_command("trigger")


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

    def set_config(self, config: dict, master: str) -> None:
        """The admin's configuration: the Variable (JSON) and the spark Connection."""
        self.clear_config()
        status, _ = self.request("POST", "/api/v2/variables", {"key": CONFIG_VARIABLE, "value": json.dumps(config)})
        assert status in (200, 201), status
        status, _ = self.request(
            "POST", "/api/v2/connections", {"connection_id": SPARK_CONNECTION_ID, "conn_type": "spark", "host": master}
        )
        assert status in (200, 201), status

    def clear_config(self) -> None:
        self.request("DELETE", f"/api/v2/variables/{CONFIG_VARIABLE}")
        self.request("DELETE", f"/api/v2/connections/{SPARK_CONNECTION_ID}")

    def wait_for_run(self, run_id: str, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")
            assert status == 200, status
            if body["state"] in ("success", "failed"):
                return body["state"]
            time.sleep(1)
        raise AssertionError(f"run {run_id} not finished after {timeout} s")

    def asset_events(self, run_id: str) -> list:
        status, body = self.request("GET", f"/api/v2/assets/events?source_dag_id={DAG_ID}&source_run_id={run_id}")
        assert status == 200, status
        return body["asset_events"]

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


def spawn(command: list[str], cwd: Path, env: dict, log: Path) -> subprocess.Popen:
    """A long-lived test daemon: output to its log file, no stdin, leading its own process group (so
    one killpg stops it and what it started)."""
    with open(log, "wb") as out:
        # The child keeps its own copy of the descriptor.
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip


def kill_everything(home: Path, proc: subprocess.Popen) -> None:
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


@dataclass
class NightlyRun:
    """The real nightly run the session triggered once (fixture ``nightly_run``)."""

    run_id: str
    warehouse: Path
    trigger: subprocess.CompletedProcess
    seconds: float
