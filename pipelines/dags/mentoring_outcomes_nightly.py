"""mentoring_outcomes_nightly: the nightly pipeline, one spark-submit per stage.

ingest -> quality -> metrics -> publish -> report, each
``spark-submit --class io.mentoringoutcomes.cli.Main <jar> <stage> --input .. --warehouse .. --as-of ..
--master .. --run-id <run_id>``.

Who chooses what
----------------
Whoever may trigger a run chooses only the run's **params** (the run conf): ``as_of`` (a date,
YYYY-MM-DD) and ``input`` (a folder under the admin's ``input_root``). Any other key, a value of the
wrong type, a bad date or a path outside the root fails the task at once (no retry), naming the key.

Everything that decides *what runs* is admin-owned configuration, read when the task runs:

* the Airflow Variable ``mentoring_outcomes`` (JSON): ``jar``, ``warehouse``, ``input`` (the default
  input folder), ``input_root`` (the only tree ``params.input`` may point into) and optionally
  ``spark_conf`` (a map of ``spark.*`` settings, passed as ``--conf``) and ``config`` (the pipeline's
  settings file, README "Configuration", passed to every stage as ``--config``; it must be readable
  where the driver runs);
* the Connection ``mentoring_outcomes_spark``: the Spark master (host[:port], e.g. yarn,
  spark://h:7077, k8s://https://h:443).

When that configuration cannot be read, the task fails before anything runs, naming what is missing.
Only when the DAG runs from its own checkout (the repository's pom.xml two folders up) *and* the
environment says ``MENTORING_OUTCOMES_REPO_DEFAULTS=1`` (the tests do) do the repo-local defaults
apply: ``<repo>/jobs/target/...-spark-submit.jar``, ``<repo>/warehouse``, ``<repo>/sample-data``,
``local[2]``.

Values of ``spark_conf`` whose key looks like a secret (secret, password, token, credential, key)
are registered with Airflow's secrets masker, so they appear as ``***`` in the task log.

Each stage is the Spark provider's SparkSubmitOperator (NightlyStageOperator), in the pool
``mentoring_outcomes_spark_drivers`` (one driver JVM each), with an execution_timeout; the run has a
dagrun_timeout; a failed task calls ``notify_failure``; a successful ``publish`` emits the Asset
``mentoring_outcomes.gold``. With env MENTORING_OUTCOMES_MAINTAIN=1 (parse time) a last task
``maintain`` sets each table's retention and runs OPTIMIZE and VACUUM within it.

Schedule: 02:00 UTC daily (env MENTORING_OUTCOMES_SCHEDULE, read at parse time, changes the cron or
turns the schedule off with "none" when an upstream system triggers every run over REST).

Retries: each stage retries twice, 10 minutes apart (env MENTORING_OUTCOMES_RETRIES and
MENTORING_OUTCOMES_RETRY_DELAY_SECONDS override both, read when the DAG file is parsed; the tests
use them). A stage exiting 3 -- the quality gate blocked publication -- raises AirflowFailException,
which fails the task at once without using its retries: the data will not be better ten minutes
later. Any other non-zero exit (a lost executor, a cluster hiccup) raises AirflowException and is
retried.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, Asset, Connection, CronTriggerTimetable, Param, Variable
from airflow.sdk.exceptions import AirflowException, AirflowFailException

DAG_ID = "mentoring_outcomes_nightly"
STAGES = ("ingest", "quality", "metrics", "publish", "report")
# Optional last task: retention properties, OPTIMIZE and VACUUM (env MENTORING_OUTCOMES_MAINTAIN=1).
MAINTAIN = "maintain"
MAIN_CLASS = "io.mentoringoutcomes.cli.Main"
EXIT_QUALITY_BLOCKED = 3
SPARK_CONNECTION_ID = "mentoring_outcomes_spark"
CONFIG_VARIABLE = "mentoring_outcomes"
CONFIG_REQUIRED = ("jar", "warehouse", "input", "input_root")
CONFIG_OPTIONAL = ("spark_conf", "config")
PARAM_KEYS = ("as_of", "input")
REPO_DEFAULTS_ENV = "MENTORING_OUTCOMES_REPO_DEFAULTS"
LOCAL_MASTER = "local[2]"
# The launcher's JIT_FLAGS (bin/mentoring-outcomes; docs/benchmarks/jit-thresholds.md), for the driver
# JVM spark-submit starts: C2 compiles a method after 4x the JDK's default calls and loop turns.
# Before the admin's own spark.driver.extraJavaOptions, so that their -XX flags win.
DRIVER_JIT_FLAGS = (
    "-XX:Tier4InvocationThreshold=20000",
    "-XX:Tier4MinInvocationThreshold=2400",
    "-XX:Tier4CompileThreshold=60000",
    "-XX:Tier4BackEdgeThreshold=160000",
)
DRIVER_JAVA_OPTIONS = "spark.driver.extraJavaOptions"

# The repository this file sits in (pipelines/dags/..): only for the repo-local defaults.
_HERE = Path(__file__).resolve()
REPO_ROOT = _HERE.parents[2] if len(_HERE.parents) > 2 else _HERE.parent
DEFAULT_JAR = REPO_ROOT / "jobs" / "target" / "mentoring-outcomes-jobs-0.1.0-SNAPSHOT-spark-submit.jar"

# Spark settings whose values are credentials: masked in every log line of the task.
_SECRET_KEY = re.compile(r"secret|password|passwd|token|credential|keytab|(^|[._-])key$|access[._-]?key", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URI = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*)://([^/]*)(/.*)?")
_SPARK_CONF_KEY = re.compile(r"spark\.[A-Za-z0-9_.-]+")


class _LocalDefault(str):
    """A master that is the repo-local default, not the Connection's."""


class ConfigError(AirflowFailException):
    """Bad run conf or admin configuration: failing again in ten minutes helps nobody."""


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def runs_from_checkout() -> bool:
    """True when this file is pipelines/dags/ of a mentoring-outcomes checkout and the env opts in."""
    pom = REPO_ROOT / "pom.xml"
    return (
        os.environ.get(REPO_DEFAULTS_ENV) == "1"
        and pom.is_file()
        and "<artifactId>mentoring-outcomes" in pom.read_text(errors="replace")
    )


def repo_defaults() -> dict:
    return {
        "jar": str(DEFAULT_JAR),
        "warehouse": str(REPO_ROOT / "warehouse"),
        "input": str(REPO_ROOT / "sample-data"),
        "input_root": str(REPO_ROOT),
        "spark_conf": {},
        "from_repo": True,
    }


def _is_not_found(error: Exception) -> bool:
    """Airflow 3's task SDK says 'not found' with an AirflowRuntimeError carrying *_NOT_FOUND."""
    kind = getattr(getattr(getattr(error, "error", None), "error", None), "value", "")
    return str(kind).endswith("_NOT_FOUND") or type(error).__name__ == "AirflowNotFoundException"


def load_config(read_variable=None) -> dict:
    """The admin configuration (Variable ``mentoring_outcomes``), validated; never the run conf."""
    read_variable = read_variable or (lambda: Variable.get(CONFIG_VARIABLE, deserialize_json=True))
    try:
        raw = read_variable()
    except Exception as e:  # noqa: BLE001 - told apart below: missing vs unreadable
        if _is_not_found(e):
            if runs_from_checkout():
                return repo_defaults()
            raise ConfigError(
                f"Airflow Variable '{CONFIG_VARIABLE}' is not set: it must be a JSON object with "
                f"{', '.join(CONFIG_REQUIRED)} (and optionally spark_conf); see pipelines/README.md"
            ) from e
        # an API-server error: fail this try (it is retried), never fall back to defaults
        raise AirflowException(f"cannot read Airflow Variable '{CONFIG_VARIABLE}': {type(e).__name__}: {e}") from e
    return validate_config(raw)


def validate_config(raw) -> dict:
    where = f"Variable '{CONFIG_VARIABLE}'"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a JSON object, not {type(raw).__name__}")
    unknown = sorted(set(raw) - set(CONFIG_REQUIRED) - set(CONFIG_OPTIONAL))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(CONFIG_REQUIRED + CONFIG_OPTIONAL)}"
        )
    missing = [k for k in CONFIG_REQUIRED if not isinstance(raw.get(k), str) or not raw[k].strip()]
    if missing:
        raise ConfigError(f"{where}: missing or empty {', '.join(missing)}")
    for key in CONFIG_REQUIRED:
        _check_path(raw[key], f"{where} {key}")
    spark_conf = raw.get("spark_conf") or {}
    if not isinstance(spark_conf, dict):
        raise ConfigError(f"{where} spark_conf must be a JSON object of spark.* settings")
    clean = {}
    for key, value in spark_conf.items():
        if not isinstance(key, str) or not _SPARK_CONF_KEY.fullmatch(key):
            raise ConfigError(f"{where} spark_conf: {key!r} is not a spark.* setting")
        if not isinstance(value, (str, int, float, bool)):
            raise ConfigError(f"{where} spark_conf {key}: a string or number, not {type(value).__name__}")
        clean[key] = str(value).lower() if isinstance(value, bool) else str(value)
        if any(c in clean[key] for c in "\r\n\0"):
            raise ConfigError(f"{where} spark_conf {key}: control characters")
    config = {k: raw[k].strip() for k in CONFIG_REQUIRED}
    config["spark_conf"] = clean
    settings_file = raw.get("config")
    if settings_file is not None:
        if not isinstance(settings_file, str) or not settings_file.strip():
            raise ConfigError(f"{where} config: the path of the pipeline's settings file, not {settings_file!r}")
        _check_path(settings_file.strip(), f"{where} config")
        config["config"] = settings_file.strip()
    config["from_repo"] = False
    if not within_root(config["input"], config["input_root"]):
        raise ConfigError(f"{where} input {config['input']} is not under its input_root {config['input_root']}")
    return config


def _check_path(value: str, what: str) -> None:
    if any(ord(c) < 32 for c in value) or value.startswith("-"):
        raise ConfigError(f"{what}: not a path: {value!r}")


def _split(location: str) -> tuple[str, str, str]:
    """(scheme, authority, normalised absolute path); a plain path is ('file', '', path)."""
    m = _URI.fullmatch(location)
    if m:
        scheme, authority, path = m.group(1).lower(), m.group(2), m.group(3) or "/"
    elif location.startswith("file:/"):
        scheme, authority, path = "file", "", location[len("file:") :]
    else:
        scheme, authority, path = "file", "", location
    if scheme == "file" and authority not in ("", "localhost"):
        raise ValueError("a file URI with a host")
    if not path.startswith("/"):
        raise ValueError("not absolute")
    if any(part == ".." for part in path.split("/")):
        raise ValueError("'..' in the path")
    return scheme, authority if scheme != "file" else "", posixpath.normpath(path)


def within_root(location: str, root: str) -> bool:
    try:
        s, a, p = _split(location)
        rs, ra, rp = _split(root)
    except ValueError:
        return False
    return (s, a) == (rs, ra) and (p == rp or p.startswith(rp.rstrip("/") + "/"))


def validate_params(conf, config: dict) -> dict:
    """The run conf: only as_of (a date) and input (under input_root); anything else fails the task."""
    conf = conf or {}
    if not isinstance(conf, dict):
        raise ConfigError("the run conf must be a JSON object")
    unknown = sorted(str(k) for k in conf if k not in PARAM_KEYS)
    if unknown:
        raise ConfigError(
            f"run conf key(s) {', '.join(unknown)} not allowed: a run chooses only "
            f"{' and '.join(PARAM_KEYS)}; master, Spark settings, jar and warehouse are the "
            f"admin's (Variable '{CONFIG_VARIABLE}', Connection '{SPARK_CONNECTION_ID}')"
        )
    params = {"as_of": None, "input": None}
    as_of = conf.get("as_of")
    if as_of is not None:
        if not isinstance(as_of, str) or not _DATE.fullmatch(as_of):
            raise ConfigError(f"run conf as_of {as_of!r}: expected a date YYYY-MM-DD")
        try:
            date.fromisoformat(as_of)
        except ValueError as e:
            raise ConfigError(f"run conf as_of {as_of!r}: {e}") from e
        params["as_of"] = as_of
    value = conf.get("input")
    if value is not None:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"run conf input {value!r}: expected a folder path")
        if any(ord(c) < 32 for c in value) or value.startswith("-") or not within_root(value, config["input_root"]):
            raise ConfigError(
                f"run conf input {value!r} is not a folder under the allowed root "
                f"{config['input_root']} (Variable '{CONFIG_VARIABLE}' input_root)"
            )
        params["input"] = value
    return params


def read_master(config_from_repo: bool, get_connection=None) -> str:
    """The Spark master from the Connection; local[2] only for the repo-local defaults."""
    get_connection = get_connection or (lambda: Connection.get(SPARK_CONNECTION_ID))
    try:
        conn = get_connection()
    except Exception as e:  # noqa: BLE001
        if _is_not_found(e):
            if config_from_repo:
                return _LocalDefault(LOCAL_MASTER)
            raise ConfigError(
                f"Connection '{SPARK_CONNECTION_ID}' is not defined: it names the Spark master "
                f"(host[:port], e.g. yarn, spark://h:7077, k8s://https://h:443)"
            ) from e
        raise AirflowException(f"cannot read Connection '{SPARK_CONNECTION_ID}': {type(e).__name__}: {e}") from e
    if conn is None or not conn.host:
        raise ConfigError(f"Connection '{SPARK_CONNECTION_ID}' has no host: it must name the Spark master")
    return f"{conn.host}:{conn.port}" if conn.port else conn.host


def resolve_as_of(context, params: dict | None = None) -> str:
    """YYYY-MM-DD: params as_of, else the logical date, else (logical_date null) run_after / data_interval_end / now."""
    if params and params.get("as_of"):
        return params["as_of"]
    dag_run = context.get("dag_run")
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
                moment = moment.astimezone(UTC)
            return moment.strftime("%Y-%m-%d")
    return datetime.now(UTC).strftime("%Y-%m-%d")


def mask_spark_conf(spark_conf: dict, mask=None) -> None:
    """Register secret-looking values with Airflow's secrets masker: they print as *** in the task log."""
    if mask is None:
        from airflow.sdk.log import mask_secret as mask
    for key, value in spark_conf.items():
        if _SECRET_KEY.search(key) and value:
            mask(value, name=key)


def resolve_settings(context, load=None, master=None) -> dict:
    """Everything a stage needs: params from the run conf, the rest from admin configuration only."""
    load, master = load or load_config, master or read_master
    config = load()
    dag_run = context.get("dag_run")
    params = validate_params(getattr(dag_run, "conf", None) if dag_run is not None else None, config)
    mask_spark_conf(config["spark_conf"])
    spark_master = master(config["from_repo"])
    return {
        "master": spark_master,
        "local_master": isinstance(spark_master, _LocalDefault),
        "input": params["input"] or config["input"],
        "warehouse": config["warehouse"],
        "jar": config["jar"],
        "spark_conf": config["spark_conf"],
        "config": config.get("config"),
        "as_of": resolve_as_of(context, params),
        "run_id": context.get("run_id") or getattr(dag_run, "run_id", None) or "manual",
    }


def stage_arguments(stage: str, s: dict, master: str) -> list[str]:
    """The jar's arguments: the stage and where it reads and writes. master repeats spark-submit's,
    because the job sizes its shuffle by it."""
    if stage == MAINTAIN:
        return [stage, "--warehouse", s["warehouse"], "--master", master]
    args = [
        stage,
        "--input",
        s["input"],
        "--warehouse",
        s["warehouse"],
        "--as-of",
        s["as_of"],
        "--master",
        master,
        "--run-id",
        s["run_id"],
    ]
    if s.get("config"):
        args += ["--config", s["config"]]
    return args


def with_driver_jit_flags(spark_conf: dict) -> dict:
    """The stage's --conf settings: the admin's, with the launcher's JIT flags first in the driver's options."""
    conf = dict(spark_conf)
    own = conf.get(DRIVER_JAVA_OPTIONS, "").strip()
    conf[DRIVER_JAVA_OPTIONS] = " ".join(DRIVER_JIT_FLAGS + ((own,) if own else ()))
    return conf


def driver_class_path(jar: str) -> str | None:
    """The jar again on the driver's own class path, where the jar is a path the driver can name.

    spark-submit puts the application jar in a child class loader, after log4j-core (from Spark's
    jars) has collected its plugins: the jar's JsonTemplateLayout stays invisible to it and
    ``--log-format json`` cannot log JSON. On the driver's class path it is there from the start.
    A remote jar (``hdfs://``, ``s3a://``) cannot be named on a class path: such a driver logs in
    the human format and says why.
    """
    try:
        scheme, _, path = _split(jar)
    except ValueError:
        return None
    return path if scheme in ("file", "local") else None


def spark_exit_code(hook) -> int | None:
    """The exit code of the stage, where spark-submit lets it through.

    Client deploy mode (any master): spark-submit exits with the driver's own code. Kubernetes cluster
    mode: spark-submit logs the driver container's "Exit code: N", which the hook keeps. YARN and
    standalone cluster mode: only the application's final state comes back (FAILED), the code is lost.
    """
    if hook is None:
        return None
    if getattr(hook, "_is_kubernetes", False) and getattr(hook, "_spark_exit_code", None):
        return hook._spark_exit_code
    proc = getattr(hook, "_submit_sp", None)
    return getattr(proc, "returncode", None)


class NightlyStageOperator(SparkSubmitOperator):
    """The provider's SparkSubmitOperator for one stage; settings are resolved when the task runs, and
    exit 3 (the quality gate blocked publication) fails the task without retries."""

    ui_color = "#e8f4ea"

    def __init__(self, *, stage: str, **kwargs):
        super().__init__(
            application="",
            java_class=MAIN_CLASS,
            conn_id=SPARK_CONNECTION_ID,
            name=f"mentoring-outcomes-{stage}",
            **kwargs,
        )
        self.stage = stage

    def execute(self, context):
        settings = resolve_settings(context)
        if settings["local_master"]:
            # repo-local defaults only (the Connection is absent): the same Connection, from the env
            os.environ[f"AIRFLOW_CONN_{SPARK_CONNECTION_ID.upper()}"] = json.dumps(
                {"conn_type": "spark", "host": settings["master"]}
            )
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        self.application = settings["jar"]
        self.driver_class_path = driver_class_path(settings["jar"])
        self.conf = with_driver_jit_flags(settings["spark_conf"])
        self._hook = None
        hook = self._hook = self._get_hook()
        master = hook._connection["master"]
        hook._application_args = self.application_args = stage_arguments(self.stage, settings, master)
        self.log.info("stage %s, as-of %s, master %s", self.stage, settings["as_of"], master)
        try:
            super().execute(context)
        except Exception as e:
            code = spark_exit_code(hook)
            if code == EXIT_QUALITY_BLOCKED:
                raise AirflowFailException(
                    f"quality gate blocked publication at stage {self.stage} (exit 3): the failed checks are "
                    f"in the log above; not retried."
                ) from e
            raise
        for outlet in self.outlets or []:
            if isinstance(outlet, Asset):
                context["outlet_events"][outlet].extra = {"as_of": settings["as_of"], "run_id": settings["run_id"]}
        return {"stage": self.stage, "as_of": settings["as_of"], "warehouse": settings["warehouse"]}


def notify_failure(context) -> None:
    """on_failure_callback: one line naming the night, the stage and why. Replace it with a Notifier
    (e.g. SmtpNotifier or SlackNotifier from their providers) to page someone; see pipelines/README.md."""
    ti = context.get("task_instance")
    log = logging.getLogger("airflow.task")
    log.error(
        "mentoring-outcomes nightly %s: stage %s failed (try %s): %s",
        context.get("run_id"),
        getattr(ti, "task_id", "?"),
        getattr(ti, "try_number", "?"),
        context.get("exception"),
    )


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


# Tonight's gold, for downstream DAGs (e.g. a BI refresh scheduled on it): publish emits an event
# only when it succeeds, with the night's as_of and run_id as the event's extra.
GOLD_ASSET = Asset(name="mentoring_outcomes.gold", uri="mentoring-outcomes://warehouse/gold")
# Every stage is one Spark driver JVM on the worker (client mode): the pool bounds how many run at
# once across DAGs. Create it before the first run: airflow pools set mentoring_outcomes_spark_drivers 2 ...
DRIVER_POOL = os.environ.get("MENTORING_OUTCOMES_POOL", "mentoring_outcomes_spark_drivers")

default_args = {
    "owner": "mentoring-outcomes",
    "retries": _env_int("MENTORING_OUTCOMES_RETRIES", 2),
    "retry_delay": timedelta(seconds=_env_int("MENTORING_OUTCOMES_RETRY_DELAY_SECONDS", 600)),
    "execution_timeout": timedelta(minutes=_env_int("MENTORING_OUTCOMES_STAGE_TIMEOUT_MINUTES", 180)),
    "pool": DRIVER_POOL,
    "on_failure_callback": notify_failure,
}

with DAG(
    dag_id=DAG_ID,
    description="Nightly: do mentoring programs work? ingest, quality gate, metrics, publish, report.",
    schedule=_schedule(),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,  # stages write one warehouse: never two nights at once
    dagrun_timeout=timedelta(minutes=_env_int("MENTORING_OUTCOMES_RUN_TIMEOUT_MINUTES", 720)),
    default_args=default_args,
    # The trigger form: the only two things a run may choose. The task validates them again
    # (and refuses any other key), because the REST API accepts any conf.
    params={
        "as_of": Param(
            None,
            type=["null", "string"],
            format="date",
            description="The night's as-of date (YYYY-MM-DD); default: the run's logical date.",
        ),
        "input": Param(
            None,
            type=["null", "string"],
            description="Input folder under the admin's input_root; default: the configured input.",
        ),
    },
    tags=["mentoring-outcomes", "spark"],
    doc_md=__doc__,
) as dag:
    previous = None
    with_maintain = os.environ.get("MENTORING_OUTCOMES_MAINTAIN", "").strip() == "1"
    for stage in STAGES + ((MAINTAIN,) if with_maintain else ()):
        task = NightlyStageOperator(task_id=stage, stage=stage, outlets=[GOLD_ASSET] if stage == "publish" else [])
        if previous is not None:
            previous >> task
        previous = task
