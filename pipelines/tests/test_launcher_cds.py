"""The local launcher's class data sharing (AppCDS), on the real build, the real JVM and real Spark.

`bin/mentoring-outcomes` writes one archive per build (jobs/target/cds/launcher.jsa) on the first launch
of a Spark command, from the packaged jar, and every later launch maps its classes from it. Checked here:

* the first launch writes the archive and its stdout is still exactly the command's output (the JVM's
  archive warnings go to stderr), the query's answer computed by Spark;
* a later launch loads Spark's classes from the archive: the JVM's own class-load log says
  "shared objects file" for `org.apache.spark.sql.SparkSession`, and for most of the classes it loads;
* MENTORING_CDS=off runs without it: no class comes from the archive's top layer.

Runs after `mvn verify` (bin/test), when jobs/target holds a current jar; skipped before `package`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TARGET = REPO / "jobs" / "target"
ARCHIVE = TARGET / "cds" / "launcher.jsa"
LAUNCHER = REPO / "bin" / "mentoring-outcomes"
SQL = "SELECT 6 * 7 AS answer"


def packaged_jar_is_current() -> bool:
    jars = [p for p in TARGET.glob("mentoring-outcomes-jobs-*.jar") if not p.name.endswith("-spark-submit.jar")]
    classes = TARGET / "classes"
    if len(jars) != 1 or not classes.is_dir():
        return False
    built = jars[0].stat().st_mtime
    return all(f.stat().st_mtime <= built for f in classes.rglob("*") if f.is_file())


needs_jar = pytest.mark.skipif(not packaged_jar_is_current(), reason="needs a packaged jar newer than target/classes")


def launch(tmp_path: Path, class_log: Path | None = None, **env_extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MENTORING_CDS", "MENTORING_JAVA_OPTS")}
    env.update(env_extra)
    if class_log is not None:
        env["MENTORING_JAVA_OPTS"] = f"-Xmx1g -Xlog:class+load=info:file={class_log}"
    cmd = [str(LAUNCHER), "query", "--warehouse", str(tmp_path / "wh"), "--format", "csv", SQL]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def from_archive(class_log: Path) -> tuple[set[str], int]:
    """The classes the JVM mapped from the dynamic archive (the top layer), and all classes it loaded."""
    shared, total = set(), 0
    for line in class_log.read_text().splitlines():
        if " source: " not in line:
            continue
        total += 1
        if "source: shared objects file (top)" in line:
            shared.add(line.split("]")[-1].split(" source: ")[0].strip())
    return shared, total


@needs_jar
def test_the_first_launch_archives_and_the_next_maps_sparks_classes(tmp_path):
    ARCHIVE.unlink(missing_ok=True)
    first = launch(tmp_path)
    assert first.stdout.splitlines() == ["answer", "42"], first.stdout
    assert "[cds] archiving" in first.stderr, first.stderr
    assert ARCHIVE.is_file() and ARCHIVE.stat().st_size > 10_000_000, "an archive of Spark's classes"

    class_log = tmp_path / "classes.log"
    second = launch(tmp_path, class_log)
    assert second.stdout.splitlines() == ["answer", "42"], second.stdout
    assert "[cds]" not in second.stderr, "archived once per build"
    shared, total = from_archive(class_log)
    assert "org.apache.spark.sql.SparkSession" in shared
    assert "io.delta.sql.DeltaSparkSessionExtension" in shared
    assert len(shared) > total / 2, f"{len(shared)} of {total} classes from the archive"


@needs_jar
def test_an_interrupted_training_leaves_no_partial_archive_and_no_scratch(tmp_path):
    # The JVM writes its archive as it exits, on SIGTERM too: the launcher must wait for it, then delete it.
    ARCHIVE.unlink(missing_ok=True)
    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MENTORING_CDS", "MENTORING_JAVA_OPTS")}
    env["TMPDIR"] = str(scratch_parent)
    cmd = [str(LAUNCHER), "query", "--warehouse", str(tmp_path / "wh"), SQL]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stderr.readline().startswith("[cds] archiving"), "the launch trains an archive"
    deadline = time.monotonic() + 60
    while not list(scratch_parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # into the JVM's start, with classes loaded
    os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=60) == 143
    assert list(ARCHIVE.parent.glob("launcher.jsa*")) == [], "no archive, whole or partial"
    assert list(scratch_parent.iterdir()) == [], "the scratch warehouse is removed"


@needs_jar
def test_mentoring_cds_off_runs_without_the_archive(tmp_path):
    class_log = tmp_path / "classes.log"
    off = launch(tmp_path, class_log, MENTORING_CDS="off")
    assert off.stdout.splitlines() == ["answer", "42"], off.stdout
    shared, total = from_archive(class_log)
    assert total > 5000 and shared == set(), f"{len(shared)} of {total} classes from an archive"


# MENTORING_CDS is an allow-list of two words; anything else stops the launcher before it builds or starts
# a JVM, so a typo such as "Off" or "0" cannot silently mean "on".
HOSTILE_CDS_VALUES = [
    "Off",
    "ON",
    "0",
    "false",
    "no",
    " off",
    "off ",
    "off;touch {marker}",
    "$(touch {marker})",
    "`touch {marker}`",
]


@pytest.mark.parametrize("value", HOSTILE_CDS_VALUES)
def test_mentoring_cds_accepts_only_on_or_off(tmp_path, value):
    marker = tmp_path / "pwned"
    env = {k: v for k, v in os.environ.items() if k != "MENTORING_CDS"}
    env["MENTORING_CDS"] = value.format(marker=marker)
    cmd = [str(LAUNCHER), "query", "--warehouse", str(tmp_path / "wh"), SQL]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "MENTORING_CDS must be 'on' or 'off'" in proc.stderr, proc.stderr
    assert proc.stdout == "" and not marker.exists() and not (tmp_path / "wh").exists()
