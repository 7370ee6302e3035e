"""mentoring_outcomes_nightly: the nightly pipeline, one spark-submit per stage.

ingest -> quality -> metrics -> publish -> report, each
``spark-submit --class io.mentoringoutcomes.cli.Main <jar> <stage> --input .. --warehouse .. --as-of ..
--master .. --run-id <run_id>``.

Where each setting comes from, first match wins (resolved when the task runs, not at parse time):

=============  ===================  ====================================  ===================================
setting        dag_run.conf key     Airflow Variable                      then
=============  ===================  ====================================  ===================================
master         master               mentoring_outcomes_master             Connection ``mentoring_outcomes_spark``
                                                                          (host[:port], e.g. yarn,
                                                                          spark://h:7077, k8s://https://h:443),
                                                                          env MENTORING_OUTCOMES_MASTER, local[2]
input          input                mentoring_outcomes_input              env MENTORING_OUTCOMES_INPUT,
                                                                          <repo>/sample-data
warehouse      warehouse            mentoring_outcomes_warehouse          env MENTORING_OUTCOMES_WAREHOUSE,
                                                                          <repo>/warehouse
jar            jar                  mentoring_outcomes_jar                env MENTORING_OUTCOMES_JAR,
                                                                          <repo>/jobs/target/...-spark-submit.jar
as-of date     as_of                (none)                                the run's logical date (ds); when the
                                                                          run has none (triggered with
                                                                          logical_date null): run_after, then
                                                                          data_interval_end, then now, in UTC
spark args     spark_args           mentoring_outcomes_spark_args         extra of the Connection (key
                                                                          ``spark_args``), else nothing
spark-submit   (not from conf)      mentoring_outcomes_spark_submit       env SPARK_SUBMIT, then spark-submit
                                                                          on PATH
=============  ===================  ====================================  ===================================

spark-submit is deliberately not taken from the run conf: whoever may trigger a run should not be
able to choose the program the worker executes.

Schedule: 02:00 UTC daily (env MENTORING_OUTCOMES_SCHEDULE, read at parse time, changes the cron or
turns the schedule off with "none" when an upstream system triggers every run over REST).

Retries: each stage retries twice, 10 minutes apart (env MENTORING_OUTCOMES_RETRIES and
MENTORING_OUTCOMES_RETRY_DELAY_SECONDS override both, read when the DAG file is parsed; the tests
use them). A stage exiting 3 -- the quality gate blocked publication -- raises AirflowFailException,
which fails the task at once without using its retries: the data will not be better ten minutes
later. Any other non-zero exit (a lost executor, a cluster hiccup) raises AirflowException and is
retried. The stage's stdout and stderr are streamed into the task log, so the failed checks that the
job prints appear there.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

from airflow.sdk import DAG, BaseOperator, Connection, CronTriggerTimetable, Variable
from airflow.sdk.exceptions import AirflowException, AirflowFailException

DAG_ID = "mentoring_outcomes_nightly"
STAGES = ("ingest", "quality", "metrics", "publish", "report")
MAIN_CLASS = "io.mentoringoutcomes.cli.Main"
EXIT_QUALITY_BLOCKED = 3
SPARK_CONNECTION_ID = "mentoring_outcomes_spark"

# The repository this file sits in (pipelines/dags/..): only for the local defaults. Deployed
# elsewhere (e.g. /opt/airflow/dags) these defaults point nowhere useful: set the Variables.
_HERE = Path(__file__).resolve()
REPO_ROOT = _HERE.parents[2] if len(_HERE.parents) > 2 else _HERE.parent
DEFAULT_JAR = REPO_ROOT / "jobs" / "target" / "mentoring-outcomes-jobs-0.1.0-SNAPSHOT-spark-submit.jar"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _variable(key: str) -> str | None:
    try:
        value = Variable.get(key, default=None)
    except Exception:  # no Variable backend reachable: treat as unset
        return None
    return value if value not in (None, "") else None


def _spark_connection():
    try:
        return Connection.get(SPARK_CONNECTION_ID)
    except Exception:  # not defined: the usual case locally
        return None


def _connection_master(conn) -> str | None:
    if conn is None or not conn.host:
        return None
    host = conn.host
    return f"{host}:{conn.port}" if conn.port else host


def _connection_spark_args(conn) -> str | None:
    if conn is None:
        return None
    try:
        extra = conn.extra_dejson or {}
    except Exception:
        return None
    return extra.get("spark_args") or None


def _first(*values):
    for value in values:
        if value not in (None, ""):
            return value
    return None


def resolve_as_of(context) -> str:
    """YYYY-MM-DD: conf as_of, else the logical date, else (logical_date null) run_after / data_interval_end / now."""
    dag_run = context.get("dag_run")
    conf = (getattr(dag_run, "conf", None) or {}) if dag_run is not None else {}
    if conf.get("as_of"):
        return str(conf["as_of"])
    candidates = [
        context.get("logical_date"),
        getattr(dag_run, "logical_date", None),
        getattr(dag_run, "run_after", None),
        context.get("data_interval_end"),
        getattr(dag_run, "data_interval_end", None),
    ]
    for moment in candidates:
        if moment is not None:
            if moment.tzinfo is not None:
                moment = moment.astimezone(timezone.utc)
            return moment.strftime("%Y-%m-%d")
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def resolve_settings(context) -> dict:
    """Everything a stage needs, from conf, then Variables / Connection, then env and defaults."""
    dag_run = context.get("dag_run")
    conf = (getattr(dag_run, "conf", None) or {}) if dag_run is not None else {}
    conn = None
    master = _first(conf.get("master"), _variable("mentoring_outcomes_master"))
    if master is None:
        conn = _spark_connection()
        master = _first(_connection_master(conn), os.environ.get("MENTORING_OUTCOMES_MASTER"), "local[2]")
    spark_args = _first(conf.get("spark_args"), _variable("mentoring_outcomes_spark_args"))
    if spark_args is None:
        conn = conn or _spark_connection()
        spark_args = _connection_spark_args(conn) or ""
    return {
        "master": master,
        "input": _first(conf.get("input"), _variable("mentoring_outcomes_input"),
                        os.environ.get("MENTORING_OUTCOMES_INPUT"), str(REPO_ROOT / "sample-data")),
        "warehouse": _first(conf.get("warehouse"), _variable("mentoring_outcomes_warehouse"),
                            os.environ.get("MENTORING_OUTCOMES_WAREHOUSE"), str(REPO_ROOT / "warehouse")),
        # Like spark-submit, the jar is never taken from the run conf: choosing it is choosing the code.
        "jar": _first(_variable("mentoring_outcomes_jar"),
                      os.environ.get("MENTORING_OUTCOMES_JAR"), str(DEFAULT_JAR)),
        "spark_submit": _first(_variable("mentoring_outcomes_spark_submit"), os.environ.get("SPARK_SUBMIT"),
                               "spark-submit"),
        "spark_args": spark_args,
        "as_of": resolve_as_of(context),
        "run_id": context.get("run_id") or getattr(dag_run, "run_id", None) or "manual",
    }


def spark_submit_command(stage: str, s: dict) -> list[str]:
    return [
        s["spark_submit"],
        "--master", s["master"],
        "--name", f"mentoring-outcomes-{stage}",
        "--class", MAIN_CLASS,
        *shlex.split(s["spark_args"]),
        s["jar"],
        stage,
        "--input", s["input"],
        "--warehouse", s["warehouse"],
        "--as-of", s["as_of"],
        "--master", s["master"],
        "--run-id", s["run_id"],
    ]


class SparkStageOperator(BaseOperator):
    """Runs one pipeline stage through spark-submit; exit 3 fails the task without retries."""

    ui_color = "#e8f4ea"

    def __init__(self, *, stage: str, **kwargs):
        super().__init__(**kwargs)
        self.stage = stage
        self._proc: subprocess.Popen | None = None

    def execute(self, context):
        settings = resolve_settings(context)
        cmd = spark_submit_command(self.stage, settings)
        env = dict(os.environ)
        if settings["master"].startswith("local"):
            env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        submit = Path(settings["spark_submit"])
        if "SPARK_HOME" not in env and submit.parent.name == "bin" and (submit.parent.parent / "jars").is_dir():
            # a Spark distribution or the pyspark package's own bin/: spark-submit needs its home
            env["SPARK_HOME"] = str(submit.parent.parent)
        self.log.info("stage %s, as-of %s: %s", self.stage, settings["as_of"], shlex.join(cmd))
        tail: deque[str] = deque(maxlen=40)
        try:
            self._proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
                errors="replace", bufsize=1, start_new_session=True)
        except FileNotFoundError as e:
            raise AirflowException(f"cannot run spark-submit ({settings['spark_submit']}): {e}") from e
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            line = line.rstrip("\n")
            tail.append(line)
            self.log.info("%s", line)
        code = self._proc.wait()
        if code == 0:
            return {"stage": self.stage, "as_of": settings["as_of"], "warehouse": settings["warehouse"]}
        if code == EXIT_QUALITY_BLOCKED:
            raise AirflowFailException(
                f"quality gate blocked publication at stage {self.stage} (exit 3): the failed checks are in "
                f"the log above; not retried. Last lines:\n" + "\n".join(tail))
        raise AirflowException(f"stage {self.stage} failed: spark-submit exited {code}")

    def on_kill(self):
        proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except Exception:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def _schedule():
    """02:00 UTC every day; env MENTORING_OUTCOMES_SCHEDULE=none when an upstream system triggers instead.

    Explicitly a trigger timetable (whatever [scheduler] create_cron_data_intervals says): the logical
    date is the 02:00 trigger time, so ds and --as-of are the night's own date. Note that with
    catchup=False, unpausing the DAG makes the scheduler create a run for the latest 02:00 already
    past (seen with Airflow 3.3.2), as Airflow does for any cron DAG.
    """
    cron = os.environ.get("MENTORING_OUTCOMES_SCHEDULE", "0 2 * * *").strip()
    if cron.lower() in ("", "none", "off"):
        return None
    return CronTriggerTimetable(cron, timezone="UTC")


default_args = {
    "owner": "mentoring-outcomes",
    "retries": _env_int("MENTORING_OUTCOMES_RETRIES", 2),
    "retry_delay": timedelta(seconds=_env_int("MENTORING_OUTCOMES_RETRY_DELAY_SECONDS", 600)),
}

with DAG(
    dag_id=DAG_ID,
    description="Nightly: do mentoring programs work? ingest, quality gate, metrics, publish, report.",
    schedule=_schedule(),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,  # stages write one warehouse: never two nights at once
    default_args=default_args,
    tags=["mentoring-outcomes", "spark"],
    doc_md=__doc__,
) as dag:
    previous = None
    for stage in STAGES:
        task = SparkStageOperator(task_id=stage, stage=stage)
        if previous is not None:
            previous >> task
        previous = task
