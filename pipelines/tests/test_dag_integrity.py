"""The DAG file loads in a real DagBag and has the shape the pipeline needs."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta, timezone
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
    for upstream, downstream in zip(STAGES, STAGES[1:], strict=False):
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


def _context(conf=None, logical_date=None, run_after=None, data_interval_end=None):
    dag_run = SimpleNamespace(
        conf=conf or {},
        logical_date=logical_date,
        run_after=run_after,
        data_interval_end=data_interval_end,
        run_id="manual__x",
    )
    ctx = {"dag_run": dag_run, "run_id": "manual__x"}
    if logical_date is not None:
        ctx["logical_date"] = logical_date
        ctx["ds"] = logical_date.strftime("%Y-%m-%d")
    return ctx


def test_as_of_resolution(dagmod):
    utc = UTC
    # conf wins
    assert (
        dagmod.resolve_as_of(_context(logical_date=datetime(2026, 11, 23, 2, tzinfo=utc)), {"as_of": "2026-01-31"})
        == "2026-01-31"
    )
    # the logical date, in UTC (a local 00:30 at +02:00 is the previous day in UTC)
    assert (
        dagmod.resolve_as_of(_context(logical_date=datetime(2026, 11, 23, 0, 30, tzinfo=timezone(timedelta(hours=2)))))
        == "2026-11-22"
    )
    # logical_date null: run_after, then data_interval_end, then now
    assert dagmod.resolve_as_of(_context(run_after=datetime(2026, 11, 24, 23, 59, tzinfo=utc))) == "2026-11-24"
    assert dagmod.resolve_as_of(_context(data_interval_end=datetime(2026, 11, 25, 1, tzinfo=utc))) == "2026-11-25"
    assert dagmod.resolve_as_of(_context()) == datetime.now(utc).strftime("%Y-%m-%d")


# ------------------------------------------------------------------ who chooses what runs

ADMIN = {
    "jar": "/opt/mo/jobs.jar",
    "warehouse": "s3a://wh/mentoring",
    "input": "s3a://landing/mentoring/current",
    "input_root": "s3a://landing/mentoring",
    "spark_conf": {
        "spark.executor.memory": "4g",
        "spark.hadoop.fs.s3a.secret.key": "s3cr3t-Value-91",
        "spark.hadoop.fs.s3a.access.key": "AKIAEXAMPLE123",
        "spark.executor.instances": 4,
    },
}


class _NotFound(Exception):
    """What the task SDK raises for a missing Variable/Connection: an error whose .error.error is *_NOT_FOUND."""

    def __init__(self, kind):
        super().__init__(kind)
        self.error = SimpleNamespace(error=SimpleNamespace(value=kind))


def _raise(error):
    def f(*_):
        raise error

    return f


# Run confs a triggering user might send to choose what runs, or to break out of the input root.
HOSTILE_CONFS = [
    ({"master": "local[*]"}, "master"),
    ({"spark_args": "--jars /tmp/evil.jar"}, "spark_args"),
    ({"spark_args": "--conf spark.driver.extraJavaOptions=-javaagent:/tmp/a.jar"}, "spark_args"),
    ({"jar": "/tmp/evil.jar"}, "jar"),
    ({"warehouse": "/tmp/other"}, "warehouse"),
    ({"spark_submit": "/bin/sh"}, "spark_submit"),
    ({"as_of": "2026-11-23", "packages": "org.evil:x:1"}, "packages"),
    ({"as_of": "2026-11-23 --jars /tmp/evil.jar"}, "as_of"),
    ({"as_of": "23/11/2026"}, "as_of"),
    ({"as_of": "2026-02-30"}, "as_of"),
    ({"as_of": "2026-11-23\n"}, "as_of"),
    ({"as_of": 20261123}, "as_of"),
    ({"as_of": ["2026-11-23"]}, "as_of"),
    ({"input": "s3a://landing/mentoring/../../secrets"}, "input"),
    ({"input": "s3a://landing/mentoring-other/x"}, "input"),
    ({"input": "s3a://other-bucket/mentoring/x"}, "input"),
    ({"input": "/etc/passwd"}, "input"),
    ({"input": "file:///etc"}, "input"),
    ({"input": "--jars=/tmp/evil.jar"}, "input"),
    ({"input": "s3a://landing/mentoring/x --jars /tmp/evil.jar\n--conf a=b"}, "input"),
    ({"input": "s3a://landing/mentoring/x\x00"}, "input"),
    ({"input": "relative/path"}, "input"),
    ({"input": ""}, "input"),
    ({"input": {"path": "s3a://landing/mentoring/x"}}, "input"),
]


@pytest.mark.parametrize("conf,named", HOSTILE_CONFS, ids=[repr(c)[:60] for c, _ in HOSTILE_CONFS])
def test_hostile_run_conf_is_refused_naming_the_key(dagmod, conf, named):
    config = dagmod.validate_config(ADMIN)
    with pytest.raises(dagmod.ConfigError) as e:
        dagmod.validate_params(conf, config)
    assert named in str(e.value)
    assert isinstance(e.value, __import__("airflow.sdk.exceptions", fromlist=["x"]).AirflowFailException)


def test_allowed_run_conf(dagmod):
    config = dagmod.validate_config(ADMIN)
    assert dagmod.validate_params({}, config) == {"as_of": None, "input": None}
    assert dagmod.validate_params(None, config) == {"as_of": None, "input": None}
    assert dagmod.validate_params({"as_of": "2024-02-29", "input": "s3a://landing/mentoring/2024-02-29"}, config) == {
        "as_of": "2024-02-29",
        "input": "s3a://landing/mentoring/2024-02-29",
    }
    assert dagmod.validate_params({"input": "s3a://landing/mentoring"}, config)["input"] == "s3a://landing/mentoring"
    local = dagmod.validate_config({**ADMIN, "input_root": "/data/landing", "input": "/data/landing/today"})
    assert dagmod.validate_params({"input": "/data/landing/2026/11"}, local)["input"] == "/data/landing/2026/11"
    assert dagmod.validate_params({"input": "file:///data/landing/x"}, local)["input"] == "file:///data/landing/x"
    for outside in ("/data/landing2", "/data", "/data/landing/../x"):
        with pytest.raises(dagmod.ConfigError):
            dagmod.validate_params({"input": outside}, local)


BAD_ADMIN = [
    ("not a dict", "JSON object"),
    ({**ADMIN, "master": "local[*]"}, "unknown key(s) master"),
    ({k: v for k, v in ADMIN.items() if k != "jar"}, "missing or empty jar"),
    ({**ADMIN, "warehouse": "  "}, "missing or empty warehouse"),
    ({**ADMIN, "spark_conf": {"--jars": "/x.jar"}}, "not a spark.* setting"),
    ({**ADMIN, "spark_conf": {"spark.x": {"a": 1}}}, "spark_conf spark.x"),
    ({**ADMIN, "spark_conf": "--conf a=b"}, "spark_conf must be"),
    ({**ADMIN, "input": "s3a://elsewhere/x"}, "not under its input_root"),
    ({**ADMIN, "jar": "--jars"}, "jar: not a path"),
]


@pytest.mark.parametrize("raw,message", BAD_ADMIN, ids=[m for _, m in BAD_ADMIN])
def test_bad_admin_config_names_the_setting(dagmod, raw, message):
    with pytest.raises(dagmod.ConfigError) as e:
        dagmod.validate_config(raw)
    assert message in str(e.value) and "Variable 'mentoring_outcomes'" in str(e.value)


def test_deployed_dag_without_config_fails_naming_it(dagmod, monkeypatch):
    monkeypatch.delenv(dagmod.REPO_DEFAULTS_ENV, raising=False)  # deployed: no repo-local defaults
    with pytest.raises(dagmod.ConfigError) as e:
        dagmod.load_config(_raise(_NotFound("VARIABLE_NOT_FOUND")))
    assert "Variable 'mentoring_outcomes' is not set" in str(e.value)
    assert "jar, warehouse, input, input_root" in str(e.value)
    with pytest.raises(dagmod.ConfigError) as e:
        dagmod.read_master(False, _raise(_NotFound("CONNECTION_NOT_FOUND")))
    assert "Connection 'mentoring_outcomes_spark' is not defined" in str(e.value)


def test_unreadable_config_never_falls_back_to_defaults(dagmod, monkeypatch):
    monkeypatch.setenv(dagmod.REPO_DEFAULTS_ENV, "1")  # even in the checkout
    from airflow.sdk.exceptions import AirflowException, AirflowFailException

    with pytest.raises(AirflowException) as e:
        dagmod.load_config(_raise(ConnectionError("API server: 503 Service Unavailable")))
    assert not isinstance(e.value, AirflowFailException)  # retried, like any transient error
    assert "cannot read Airflow Variable 'mentoring_outcomes'" in str(e.value) and "503" in str(e.value)
    with pytest.raises(AirflowException) as e:
        dagmod.read_master(True, _raise(TimeoutError("read timed out")))
    assert "cannot read Connection 'mentoring_outcomes_spark'" in str(e.value)


def test_repo_defaults_only_from_the_checkout_when_asked(dagmod, monkeypatch):
    monkeypatch.setenv(dagmod.REPO_DEFAULTS_ENV, "1")
    config = dagmod.load_config(_raise(_NotFound("VARIABLE_NOT_FOUND")))
    repo = Path(__file__).resolve().parents[2]
    assert config["jar"] == str(repo / "jobs" / "target" / "mentoring-outcomes-jobs-0.1.0-SNAPSHOT-spark-submit.jar")
    assert config["input"] == str(repo / "sample-data") and config["from_repo"] is True
    assert dagmod.read_master(True, _raise(_NotFound("CONNECTION_NOT_FOUND"))) == "local[2]"
    # the same file copied out of its checkout (a deployment's DAG folder) has no defaults
    monkeypatch.setattr(dagmod, "REPO_ROOT", Path("/opt/airflow"))
    with pytest.raises(dagmod.ConfigError):
        dagmod.load_config(_raise(_NotFound("VARIABLE_NOT_FOUND")))


def test_settings_come_from_admin_config_and_params(dagmod, monkeypatch):
    masked = []
    monkeypatch.setattr(
        dagmod,
        "mask_spark_conf",
        lambda conf: masked.extend([v for k, v in conf.items() if dagmod._SECRET_KEY.search(k)]),
    )
    ctx = _context(
        conf={"as_of": "2026-11-20", "input": "s3a://landing/mentoring/2026-11-20"},
        logical_date=datetime(2026, 11, 23, 2, tzinfo=UTC),
    )
    s = dagmod.resolve_settings(ctx, load=lambda: dagmod.validate_config(ADMIN), master=lambda from_repo: "yarn")
    assert s["master"] == "yarn" and s["jar"] == "/opt/mo/jobs.jar" and s["warehouse"] == "s3a://wh/mentoring"
    assert s["input"] == "s3a://landing/mentoring/2026-11-20" and s["as_of"] == "2026-11-20"
    assert s["spark_conf"]["spark.executor.instances"] == "4"
    assert sorted(masked) == ["AKIAEXAMPLE123", "s3cr3t-Value-91"]
    s = dagmod.resolve_settings(
        _context(logical_date=datetime(2026, 11, 23, 2, tzinfo=UTC)),
        load=lambda: dagmod.validate_config(ADMIN),
        master=lambda from_repo: "yarn",
    )
    assert s["input"] == "s3a://landing/mentoring/current" and s["as_of"] == "2026-11-23"


def test_secret_spark_settings_are_masked_in_the_task_log(dagmod):
    from airflow.sdk._shared.secrets_masker.secrets_masker import redact
    from airflow.sdk.log import mask_secret

    dagmod.mask_spark_conf(dagmod.validate_config(ADMIN)["spark_conf"], mask=mask_secret)
    line = "--conf spark.hadoop.fs.s3a.secret.key=s3cr3t-Value-91 --conf spark.hadoop.fs.s3a.access.key=AKIAEXAMPLE123"
    shown = redact(line)
    assert "s3cr3t-Value-91" not in shown and "AKIAEXAMPLE123" not in shown and "***" in shown
    assert redact("--conf spark.executor.memory=4g") == "--conf spark.executor.memory=4g"


# ------------------------------------------------------------------ the provider's operator


def test_stages_are_spark_submit_operators_with_limits(dag, dagmod):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    assert dag.dagrun_timeout == timedelta(hours=12)
    for task in dag.tasks:
        assert isinstance(task, SparkSubmitOperator), task.task_id
        assert task.execution_timeout == timedelta(hours=3), task.task_id
        assert task.pool == "mentoring_outcomes_spark_drivers", task.task_id
        assert task.on_failure_callback in (dagmod.notify_failure, [dagmod.notify_failure]) or [
            getattr(f, "__name__", "") for f in (task.on_failure_callback or [])
        ] == ["notify_failure"], task.task_id
        assert task._conn_id == "mentoring_outcomes_spark" and task._java_class == "io.mentoringoutcomes.cli.Main"
    outlets = {t.task_id: [(o.name, o.uri) for o in t.outlets] for t in dag.tasks}
    assert outlets == {
        "ingest": [],
        "quality": [],
        "metrics": [],
        "report": [],
        "publish": [("mentoring_outcomes.gold", "mentoring-outcomes://warehouse/gold")],
    }


def test_params_form(dag):
    assert set(dag.params.keys()) == {"as_of", "input"}


FAKE_SUBMIT = """#!/bin/sh
echo "fake spark-submit $*"
[ -n "$FAKE_LOG" ] && echo "$*" > "$FAKE_LOG"
[ -n "$FAKE_LOG" ] && printf '%s\\n' "$@" > "$FAKE_LOG.argv"
[ -n "$FAKE_STDOUT" ] && printf '%s\\n' "$FAKE_STDOUT"
exit ${FAKE_EXIT:-0}
"""


@pytest.fixture
def fake_submit(tmp_path, monkeypatch):
    """spark-submit on PATH is a script whose exit code and output the test chooses; the hook, the
    operator and the subprocess are the real ones."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "spark-submit"
    script.write_text(FAKE_SUBMIT)
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "args"))
    return tmp_path / "args"


def _run_stage(dagmod, monkeypatch, conn: dict, stage="quality", admin=ADMIN):
    import json

    monkeypatch.setenv("AIRFLOW_CONN_MENTORING_OUTCOMES_SPARK", json.dumps(conn))
    monkeypatch.setattr(dagmod, "load_config", lambda: dagmod.validate_config(admin))
    op = dagmod.NightlyStageOperator(task_id=f"t_{stage}_{len(conn)}", stage=stage)
    ctx = _context(conf={"as_of": "2026-11-20"}, logical_date=datetime(2026, 11, 23, 2, tzinfo=UTC))
    return op.execute(ctx)


def test_exit_3_fails_without_retry_other_codes_are_retried(dagmod, monkeypatch, fake_submit):
    from airflow.sdk.exceptions import AirflowException, AirflowFailException

    conn = {"conn_type": "spark", "host": "yarn", "extra": {"deploy-mode": "client", "queue": "analytics"}}
    monkeypatch.setenv("FAKE_EXIT", "0")
    assert _run_stage(dagmod, monkeypatch, conn)["as_of"] == "2026-11-20"
    args = fake_submit.read_text().split()
    assert args[:2] == ["--master", "yarn"]
    assert "--conf" in args and "spark.executor.memory=4g" in args and "--queue" in args
    i = len(args) - 1 - args[::-1].index("/opt/mo/jobs.jar")  # the application; its first mention is the class path
    joined = " ".join(args[:i])
    assert "--name mentoring-outcomes-quality" in joined and "--class io.mentoringoutcomes.cli.Main" in joined
    # the jar on the driver's class path too: JSON logs need log4j to see its layout from the start
    assert "--driver-class-path /opt/mo/jobs.jar" in joined
    assert "--queue analytics" in joined and "--deploy-mode client" in joined
    assert args[i:] == [
        "/opt/mo/jobs.jar",
        "quality",
        "--input",
        "s3a://landing/mentoring/current",
        "--warehouse",
        "s3a://wh/mentoring",
        "--as-of",
        "2026-11-20",
        "--master",
        "yarn",
        "--run-id",
        "manual__x",
    ]
    monkeypatch.setenv("FAKE_EXIT", "3")
    with pytest.raises(AirflowFailException) as e:
        _run_stage(dagmod, monkeypatch, conn)
    assert "quality gate blocked publication at stage quality (exit 3)" in str(e.value)
    monkeypatch.setenv("FAKE_EXIT", "1")
    with pytest.raises(AirflowException) as e:
        _run_stage(dagmod, monkeypatch, conn)
    assert not isinstance(e.value, AirflowFailException) and "Error code is: 1" in str(e.value)


def test_the_driver_runs_with_the_launchers_jit_flags_and_the_admins_own_win(dagmod, monkeypatch, fake_submit):
    import re

    launcher = (Path(__file__).resolve().parents[2] / "bin" / "mentoring-outcomes").read_text()
    declared = re.search(r"(?m)^JIT_FLAGS=\(\n((?:[ \t]+\S+\n)+)\)", launcher)
    assert declared, "bin/mentoring-outcomes declares JIT_FLAGS=( ... )"
    assert dagmod.DRIVER_JIT_FLAGS == tuple(declared.group(1).split()), "the DAG's flags are the launcher's"

    conn = {"conn_type": "spark", "host": "yarn", "extra": {"deploy-mode": "client"}}
    monkeypatch.setenv("FAKE_EXIT", "0")

    def driver_options(admin) -> list[str]:
        _run_stage(dagmod, monkeypatch, conn, admin=admin)
        argv = Path(f"{fake_submit}.argv").read_text().splitlines()
        settings = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--conf"]
        found = [v for v in settings if v.startswith("spark.driver.extraJavaOptions=")]
        assert len(found) == 1, settings
        return found[0].removeprefix("spark.driver.extraJavaOptions=").split(" ")

    assert driver_options(ADMIN) == list(dagmod.DRIVER_JIT_FLAGS)
    # An admin's own options follow ours, one argument: the JVM takes the last value of a repeated -XX flag.
    own = "-XX:Tier4InvocationThreshold=5000 -Dmentoring.spark.ui=true"
    admin = {**ADMIN, "spark_conf": {**ADMIN["spark_conf"], "spark.driver.extraJavaOptions": own}}
    assert driver_options(admin) == [*dagmod.DRIVER_JIT_FLAGS, *own.split(" ")]
    assert ADMIN["spark_conf"].get("spark.driver.extraJavaOptions") is None, "the admin's config is not changed"


def test_exit_3_survives_kubernetes_cluster_mode(dagmod, monkeypatch, fake_submit):
    """In Kubernetes cluster mode spark-submit exits 0 and logs the driver container's exit code."""
    pytest.importorskip("airflow.providers.cncf.kubernetes", reason="the hook's K8s mode needs the cncf provider")
    from airflow.sdk.exceptions import AirflowFailException

    conn = {
        "conn_type": "spark",
        "host": "k8s://https://127.0.0.1:6443",
        "extra": {"deploy-mode": "cluster", "namespace": "analytics"},
    }
    monkeypatch.setenv("FAKE_EXIT", "0")
    monkeypatch.setenv("FAKE_STDOUT", "\t container status: terminated\n\t Exit code: 3")
    with pytest.raises(AirflowFailException):
        _run_stage(dagmod, monkeypatch, conn)
    monkeypatch.setenv("FAKE_STDOUT", "\t Exit code: 0")
    assert _run_stage(dagmod, monkeypatch, conn)["stage"] == "quality"
    assert "--deploy-mode cluster" in fake_submit.read_text()


def test_optional_maintain_task(dagmod, tmp_path, monkeypatch):
    monkeypatch.setenv("MENTORING_OUTCOMES_MAINTAIN", "1")
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    dag = bag.dags[DAG_ID]
    assert dag.get_task("report").downstream_task_ids == {"maintain"}
    assert dag.get_task("maintain").outlets == []
    s = {"warehouse": "s3a://wh/mentoring", "input": "x", "as_of": "2026-11-23", "run_id": "r"}
    assert dagmod.stage_arguments("maintain", s, "yarn") == [
        "maintain",
        "--warehouse",
        "s3a://wh/mentoring",
        "--master",
        "yarn",
    ]


def test_settings_file_reaches_every_stage(dagmod):
    base = {"jar": "/opt/mo/mo.jar", "warehouse": "/data/wh", "input": "/data/in/today", "input_root": "/data/in"}
    config = dagmod.validate_config({**base, "config": "/etc/mentoring-outcomes/settings.yaml"})
    assert config["config"] == "/etc/mentoring-outcomes/settings.yaml"
    s = {
        "warehouse": "/data/wh",
        "input": "/data/in/today",
        "as_of": "2026-11-23",
        "run_id": "r",
        "config": config["config"],
    }
    assert dagmod.stage_arguments("metrics", s, "yarn")[-2:] == ["--config", "/etc/mentoring-outcomes/settings.yaml"]
    assert "--config" not in dagmod.stage_arguments("metrics", {**s, "config": None}, "yarn")
    for bad in ("", "--jars=/tmp/x.jar", "a\nb", 7):
        with pytest.raises(dagmod.ConfigError, match="config"):
            dagmod.validate_config({**base, "config": bad})


def test_driver_class_path_names_the_jar_only_where_a_class_path_can(dagmod):
    assert dagmod.driver_class_path("/opt/mo/jobs.jar") == "/opt/mo/jobs.jar"
    assert dagmod.driver_class_path("local:///opt/mentoring-outcomes/jobs.jar") == "/opt/mentoring-outcomes/jobs.jar"
    assert dagmod.driver_class_path("file:///srv/jobs.jar") == "/srv/jobs.jar"
    assert dagmod.driver_class_path("file:/srv/jobs.jar") == "/srv/jobs.jar"
    assert dagmod.driver_class_path("s3a://artifacts/jobs.jar") is None
    assert dagmod.driver_class_path("hdfs://nn/jobs.jar") is None
