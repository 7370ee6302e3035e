"""End to end against a real Airflow 3 (airflow standalone) and the real trigger command.

The server (fixture `airflow`) and the real nightly run (fixture `nightly_run`) are session fixtures in
conftest.py: one Airflow, and one nightly, for the whole session (test_open_formats.py reads the
warehouse that same run published).
"""

from __future__ import annotations

from datetime import datetime, timezone

from e2e_support import DAG_ID, PASSWORD, USER, creds_env, free_port, run_trigger


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
    # paused whatever ran before in this session (the nightly run unpauses it)
    status, _ = airflow.request("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": True})
    assert status == 200, status
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

def test_nightly_run_publishes_gold_tables(airflow, nightly_run):
    r, warehouse = nightly_run.trigger, nightly_run.warehouse
    log = airflow.task_log(nightly_run.run_id, "ingest")
    assert "spark-submit" in log and "io.mentoringoutcomes.cli.Main" in log
    assert r.returncode == 0, r.stderr
    for task, ti in airflow.task_instances(nightly_run.run_id).items():
        assert ti["state"] == "success", (task, ti)
    gold = sorted(p.parent.name for p in warehouse.glob("gold/*/_delta_log"))
    assert {"program_roi", "retention_summary", "retention_curve", "turnover_rate"} <= set(gold), gold
    print("gold tables:", gold)
