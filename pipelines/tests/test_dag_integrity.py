"""The DAG file loads in a real DagBag and has the shape the pipeline needs."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

DAGS = Path(__file__).resolve().parents[1] / "dags"
DAG_ID = "mentoring_outcomes_nightly"
STAGES = ["ingest", "quality", "metrics", "publish", "report"]


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_home")
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
    os.environ.pop("MENTORING_OUTCOMES_RETRIES", None)
    os.environ.pop("MENTORING_OUTCOMES_RETRY_DELAY_SECONDS", None)
    os.environ.pop("MENTORING_OUTCOMES_SCHEDULE", None)
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="module")
def dag(dagbag):
    assert dagbag.import_errors == {}, dagbag.import_errors
    assert DAG_ID in dagbag.dags
    return dagbag.dags[DAG_ID]


@pytest.fixture(scope="module")
def dagmod():
    sys.path.insert(0, str(DAGS))
    try:
        import mentoring_outcomes_nightly as mod
    finally:
        sys.path.remove(str(DAGS))
    return mod


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert list(dagbag.dags) == [DAG_ID]


def test_tasks_and_edges(dag):
    assert sorted(dag.task_ids) == sorted(STAGES)
    for upstream, downstream in zip(STAGES, STAGES[1:]):
        assert dag.get_task(upstream).downstream_task_ids == {downstream}
        assert dag.get_task(downstream).upstream_task_ids == {upstream}
    assert dag.get_task("ingest").upstream_task_ids == set()
    assert dag.get_task("report").downstream_task_ids == set()


def test_schedule_and_catchup(dag):
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    from airflow.sdk import CronTriggerTimetable

    timetable = dag.timetable
    assert type(timetable).__name__ == CronTriggerTimetable.__name__
    assert timetable.expression == "0 2 * * *"
    assert str(timetable.timezone) in ("UTC", "Timezone('UTC')")


def test_retries(dag):
    for task in dag.tasks:
        assert task.retries == 2, task.task_id
        assert task.retry_delay == timedelta(minutes=10), task.task_id


def test_spark_submit_command(dagmod):
    settings = {
        "spark_submit": "/opt/spark/bin/spark-submit", "master": "yarn", "spark_args": "--deploy-mode cluster",
        "jar": "hdfs:///jars/mo.jar", "input": "/in", "warehouse": "s3a://wh", "as_of": "2026-11-23",
        "run_id": "scheduled__2026-11-23T02:00:00+00:00",
    }
    cmd = dagmod.spark_submit_command("quality", settings)
    assert cmd[:7] == ["/opt/spark/bin/spark-submit", "--master", "yarn", "--name", "mentoring-outcomes-quality",
                       "--class", "io.mentoringoutcomes.cli.Main"]
    assert cmd[7:9] == ["--deploy-mode", "cluster"]
    assert cmd[9:] == ["hdfs:///jars/mo.jar", "quality", "--input", "/in", "--warehouse", "s3a://wh",
                       "--as-of", "2026-11-23", "--master", "yarn",
                       "--run-id", "scheduled__2026-11-23T02:00:00+00:00"]


def _context(conf=None, logical_date=None, run_after=None, data_interval_end=None):
    dag_run = SimpleNamespace(conf=conf or {}, logical_date=logical_date, run_after=run_after,
                              data_interval_end=data_interval_end, run_id="manual__x")
    ctx = {"dag_run": dag_run, "run_id": "manual__x"}
    if logical_date is not None:
        ctx["logical_date"] = logical_date
        ctx["ds"] = logical_date.strftime("%Y-%m-%d")
    return ctx


def test_as_of_resolution(dagmod):
    utc = timezone.utc
    # conf wins
    assert dagmod.resolve_as_of(_context(conf={"as_of": "2026-01-31"},
                                         logical_date=datetime(2026, 11, 23, 2, tzinfo=utc))) == "2026-01-31"
    # the logical date, in UTC (a local 00:30 at +02:00 is the previous day in UTC)
    assert dagmod.resolve_as_of(_context(
        logical_date=datetime(2026, 11, 23, 0, 30, tzinfo=timezone(timedelta(hours=2))))) == "2026-11-22"
    # logical_date null: run_after, then data_interval_end, then now
    assert dagmod.resolve_as_of(_context(run_after=datetime(2026, 11, 24, 23, 59, tzinfo=utc))) == "2026-11-24"
    assert dagmod.resolve_as_of(_context(data_interval_end=datetime(2026, 11, 25, 1, tzinfo=utc))) == "2026-11-25"
    assert dagmod.resolve_as_of(_context()) == datetime.now(utc).strftime("%Y-%m-%d")


def test_settings_precedence_without_variables(dagmod, monkeypatch):
    monkeypatch.setattr(dagmod, "_variable", lambda key: {"mentoring_outcomes_input": "/var/in"}.get(key))
    monkeypatch.setattr(dagmod, "_spark_connection", lambda: None)
    monkeypatch.setenv("MENTORING_OUTCOMES_WAREHOUSE", "/env/wh")
    monkeypatch.setenv("SPARK_SUBMIT", "/env/spark-submit")
    monkeypatch.delenv("MENTORING_OUTCOMES_MASTER", raising=False)
    monkeypatch.delenv("MENTORING_OUTCOMES_JAR", raising=False)
    s = dagmod.resolve_settings(_context(conf={"master": "spark://h:7077", "spark_submit": "/evil", "jar": "/evil.jar"},
                                         logical_date=datetime(2026, 11, 23, 2, tzinfo=timezone.utc)))
    assert s["master"] == "spark://h:7077"          # conf
    assert s["input"] == "/var/in"                  # Variable
    assert s["warehouse"] == "/env/wh"              # env
    assert s["jar"] == str(dagmod.DEFAULT_JAR)      # default, never from conf
    assert s["spark_submit"] == "/env/spark-submit"  # never from conf
    assert s["as_of"] == "2026-11-23"
    s = dagmod.resolve_settings(_context())
    assert s["master"] == "local[2]"
