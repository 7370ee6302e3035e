#!/usr/bin/env bash
# Runs the pipelines/ test suite: the DAG's integrity (DagBag) and the end-to-end test against a real
# `airflow standalone` driven by the Java trigger command. Extra arguments go to pytest, e.g.
#   pipelines/run_tests.sh -k integrity
# Needs the jobs module built (the trigger's classes and the spark-submit jar); builds it when missing,
# or always with MO_BUILD=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"

"$here/setup_venv.sh"

jar="$repo/jobs/target/mentoring-outcomes-jobs-0.1.0-SNAPSHOT-spark-submit.jar"
if [[ "${MO_BUILD:-0}" == 1 || ! -f "$jar" || ! -f "$repo/jobs/target/launcher-classpath.txt" ]]; then
  echo "building the jobs module (mvn package, tests skipped)"
  (cd "$repo" && ./mvnw -q -B -DskipTests package)
fi

cd "$here"
# The layout is ruff's, not taste: lint and format are checked before any test runs.
"$here/.venv/bin/ruff" check dags tests
"$here/.venv/bin/ruff" format --check dags tests
exec "$here/.venv/bin/python" -m pytest "$@"
