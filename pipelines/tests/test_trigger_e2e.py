"""End to end against a real Airflow 3 (airflow standalone) and the real trigger command.

The server (fixture `airflow`) and the real nightly run (fixture `nightly_run`) are session fixtures in
conftest.py: one Airflow, and one nightly, for the whole session (test_open_formats.py reads the
warehouse that same run published).
"""

from __future__ import annotations

from datetime import UTC, datetime

from e2e_support import DAG_ID, PASSWORD, USER, creds_env, free_port, run_trigger

# ------------------------------------------------------------------ error paths, for real


def test_unreachable_server_is_a_clear_error():
    port = free_port()  # nothing listens there
    r = run_trigger("--url", f"http://127.0.0.1:{port}", env_extra=creds_env())
    assert r.returncode == 8
    assert "cannot reach Airflow" in r.stderr and "connection refused" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_wrong_password_is_a_clear_error(airflow):
    r = run_trigger("--url", airflow.url, env_extra=creds_env("not-the-password"))
    assert r.returncode == 9
    assert "authentication failed" in r.stderr
    assert "not-the-password" not in r.stdout + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_unknown_dag_is_a_clear_error(airflow):
    r = run_trigger("--url", airflow.url, "--dag", "no_such_dag", env_extra=creds_env())
    assert r.returncode == 10
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
    assert r.returncode == 7
    assert "is paused" in r.stderr and "--unpause" in r.stderr
    status, _ = airflow.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/e2e-paused")
    assert status == 404, "a paused DAG must not get a queued run"


# ------------------------------------------------------------------ retry policy, with a stand-in spark-submit

FAKE_SPARK_SUBMIT = """#!/bin/sh
echo "fake spark-submit $*"
case "$*" in
  *e2e-fake-ok*) exit 0 ;;
  *" publish --input "*e2e-blocked*) echo "QUALITY GATE FAILED: audit of gold.program_roi" >&2; exit 3 ;;
  *e2e-blocked*) exit 0 ;;
  *e2e-gate*) echo "QUALITY GATE FAILED: completeness(participants.employee_id) = 0.93 < 1.0" >&2; exit 3 ;;
  *) echo "executor lost" >&2; exit 1 ;;
esac
"""


def test_dag_with_stand_in_spark_submit(airflow, tmp_path):
    # the hook runs `spark-submit` from PATH; the test's wrapper there hands over to this script
    fake = airflow.home / "fake-spark-submit"
    fake.write_text(FAKE_SPARK_SUBMIT)
    fake.chmod(0o755)
    try:
        # no Variable, no Connection: this checkout's repo-local defaults (local[2], <repo>/sample-data).
        # logical_date null: the DAG must still compute an as-of date (the run's run_after, UTC)
        r = run_trigger(
            "--url",
            airflow.url,
            "--unpause",
            "--wait",
            "--poll-interval",
            "1",
            "--timeout",
            "300",
            "--run-id",
            "e2e-gate",
            "--logical-date",
            "none",
            env_extra=creds_env(),
        )
        assert r.returncode == 5
        assert "failed task(s): ingest" in r.stderr
        ingest = airflow.task_instances("e2e-gate")["ingest"]
        assert ingest["state"] == "failed" and ingest["try_number"] == 1, ingest  # exit 3: no retry
        log = airflow.task_log("e2e-gate", "ingest")
        assert "QUALITY GATE FAILED: completeness(participants.employee_id)" in log  # the checks reach the log
        assert "quality gate blocked publication at stage ingest (exit 3)" in log
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        assert f"--as-of {today}" in log and "--master local[2]" in log

        # the same run id again: 409, said plainly, and --wait follows the existing run
        r = run_trigger(
            "--url", airflow.url, "--run-id", "e2e-gate", "--wait", "--poll-interval", "1", env_extra=creds_env()
        )
        assert "already triggered" in r.stdout and "following it" in r.stdout
        assert r.returncode == 5 and "failed task(s): ingest" in r.stderr
        assert airflow.task_instances("e2e-gate")["ingest"]["try_number"] == 1

        r = run_trigger(
            "--url",
            airflow.url,
            "--wait",
            "--poll-interval",
            "1",
            "--timeout",
            "300",
            "--run-id",
            "e2e-flaky",
            env_extra=creds_env(),
        )
        assert r.returncode == 5
        ingest = airflow.task_instances("e2e-flaky")["ingest"]
        assert ingest["state"] == "failed" and ingest["try_number"] == 2, ingest  # exit 1: retried

        # a run conf that tries to choose what runs: refused at once, spark-submit never started
        status, _ = airflow.request(
            "POST",
            f"/api/v2/dags/{DAG_ID}/dagRuns",
            {
                "dag_run_id": "e2e-hostile",
                "logical_date": None,
                "conf": {"spark_args": "--conf spark.driver.extraJavaOptions=-javaagent:/tmp/a.jar"},
            },
        )
        assert status in (200, 201), status
        assert airflow.wait_for_run("e2e-hostile") == "failed"
        ingest = airflow.task_instances("e2e-hostile")["ingest"]
        assert ingest["state"] == "failed" and ingest["try_number"] == 1, ingest
        log = airflow.task_log("e2e-hostile", "ingest")
        assert "run conf key(s) spark_args not allowed" in log and "fake spark-submit" not in log

        # deployed configuration: the admin's Variable and Connection; the run chooses as_of and input
        airflow.set_config(
            {
                "jar": "/opt/mo/jobs.jar",
                "warehouse": "/data/wh",
                "input": "/data/in/current",
                "input_root": "/data/in",
                "spark_conf": {"spark.ui.enabled": "false", "spark.hadoop.fs.s3a.secret.key": "e2e-S3cret-Key-Value"},
            },
            master="local[1]",
        )
        r = run_trigger(
            "--url",
            airflow.url,
            "--wait",
            "--poll-interval",
            "1",
            "--timeout",
            "300",
            "--run-id",
            "e2e-fake-ok",
            "--logical-date",
            "2026-01-15T02:00:00Z",
            "--input",
            "/data/in/2026-01-15",
            env_extra=creds_env(),
        )
        assert r.returncode == 0, r.stderr
        assert "succeeded" in r.stdout
        tis = airflow.task_instances("e2e-fake-ok")
        assert {t: ti["state"] for t, ti in tis.items()} == {
            t: "success" for t in ("ingest", "quality", "metrics", "publish", "report")
        }
        for stage in ("ingest", "quality", "metrics", "publish", "report"):
            log = airflow.task_log("e2e-fake-ok", stage)
            assert "--master local[1]" in log and f"--name mentoring-outcomes-{stage}" in log, stage
            assert "--class io.mentoringoutcomes.cli.Main" in log and "--conf spark.ui.enabled=false" in log, stage
            assert (
                f"/opt/mo/jobs.jar {stage} --input /data/in/2026-01-15 --warehouse /data/wh --as-of 2026-01-15 "
                f"--master local[1] --run-id e2e-fake-ok"
            ) in log, stage
            assert "e2e-S3cret-Key-Value" not in log, stage  # masked
        # publish succeeded: tonight's gold asset event, with the night's as_of
        events = airflow.asset_events("e2e-fake-ok")
        assert [(e["uri"], e["source_task_id"], e["extra"].get("as_of")) for e in events] == [
            ("mentoring-outcomes://warehouse/gold", "publish", "2026-01-15")
        ], events

        # the gate blocks at publish: the task fails without retry and no asset event is emitted
        r = run_trigger(
            "--url",
            airflow.url,
            "--wait",
            "--poll-interval",
            "1",
            "--timeout",
            "300",
            "--run-id",
            "e2e-blocked",
            "--logical-date",
            "2026-01-16T02:00:00Z",
            env_extra=creds_env(),
        )
        assert r.returncode == 5 and "failed task(s): publish" in r.stderr
        publish = airflow.task_instances("e2e-blocked")["publish"]
        assert publish["state"] == "failed" and publish["try_number"] == 1, publish
        assert airflow.asset_events("e2e-blocked") == []

        # a new run id on a logical date another run holds: Airflow's 409, reported as such
        r = run_trigger(
            "--url",
            airflow.url,
            "--run-id",
            "e2e-same-date",
            "--logical-date",
            "2026-01-15T02:00:00Z",
            env_extra=creds_env(),
        )
        assert r.returncode == 1
        assert "HTTP 409" in r.stderr and "logical_date 2026-01-15T02:00:00Z" in r.stderr
    finally:
        fake.unlink(missing_ok=True)
        airflow.clear_config()
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
