#!/usr/bin/env bash
# Creates pipelines/.venv and installs requirements-lock.txt into it. Idempotent: a stamp of the
# lock's hash and the Python version makes a second run a no-op (about a second).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
lock="$here/requirements-lock.txt"
python="${PYTHON:-python3}"

want="$(cat "$lock" "$here/requirements.txt" "$here/requirements-spark-client.txt" | sha256sum | cut -c1-16) $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
stamp="$venv/.installed-lock"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "pipelines/.venv is up to date"
  exit 0
fi

start=$SECONDS
# A venv made before the Spark provider had the full pyspark 3.5.4 inside; with pyspark-client beside
# it, both would own site-packages/pyspark. Start such a venv afresh.
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -m pip show -q pyspark >/dev/null 2>&1; then
  echo "pipelines/.venv has pyspark installed (before the Spark provider): recreating it"
  rm -rf "$venv"
fi
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$lock" -r "$here/requirements.txt"
"$venv/bin/python" -m pip check
# spark-submit for the tests: pyspark 3.5.4 in its own folder (see requirements-spark-client.txt)
rm -rf "$venv/spark-client"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --target "$venv/spark-client" \
  -r "$here/requirements-spark-client.txt"
echo "$want" > "$stamp"
echo "pipelines/.venv installed in $((SECONDS - start)) s"
