"""Gold stays readable by engines other than Spark.

On the warehouse the real nightly run published (session fixture `nightly_warehouse`, conftest.py),
every gold table is opened with delta-rs (the `deltalake` package: Rust, no Spark, no JVM):

* its protocol is the minimal one, (reader 1, writer 2) with no table features, and its configuration
  turns on neither deletion vectors nor column mapping, so any Delta reader can open it;
* the rows delta-rs reads are the rows Spark reads, value for value. Spark's side comes from the
  product's own CLI, `bin/mentoring-outcomes query ... --format json`, in ONE JVM for all tables
  (a JVM start costs 20-25 s on this machine; one per table would add minutes to CI).

Nothing is mocked: a real Spark reads the tables through the CLI, a real delta-rs reads the same files.
"""

from __future__ import annotations

import json
import math
import re
import struct
import subprocess
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pytest
from deltalake import DeltaTable, QueryBuilder
from e2e_support import cli_command

# The tables downstream readers start from: they must have rows on sample-data.
MAIN_TABLES = ("program_roi", "retention_summary")
# What Delta 3.3 gives a new table without table features: reader 1, writer 2 (appendOnly and
# invariants, legacy). Deletion vectors would need (3, 7) and column mapping (2, 5) at least, which
# many readers outside Spark do not support (deltalake 1.6.6's to_pyarrow_table refuses a table with
# deletion vectors: "reader features {'deletionVectors'} ... not yet supported").
MINIMAL_PROTOCOL = (1, 2)
SPARK_LIMIT = 1_000_000
FLOAT_REL_TOL = 1e-12
MAX_REPORTED = 25
SPARK_TIMEOUT = 600


def gold_table_paths(warehouse: Path) -> dict[str, Path]:
    return {log.parent.name: log.parent for log in sorted(warehouse.glob("gold/*/_delta_log"))}


@pytest.fixture(scope="module")
def gold_tables(nightly_warehouse) -> dict[str, Path]:
    tables = gold_table_paths(nightly_warehouse)
    missing = [t for t in MAIN_TABLES if t not in tables]
    assert not missing, f"no gold table {missing} under {nightly_warehouse}/gold (found {sorted(tables)})"
    return tables


# ------------------------------------------------------------------ the protocol


def test_gold_tables_are_on_the_minimal_delta_protocol(gold_tables):
    problems = []
    for name, path in gold_tables.items():
        dt = DeltaTable(str(path))
        protocol = dt.protocol()
        config = dt.metadata().configuration
        found = (protocol.min_reader_version, protocol.min_writer_version)
        print(
            f"gold.{name}: version {dt.version()}, protocol {found}, reader features {protocol.reader_features}, "
            f"writer features {protocol.writer_features}, configuration {config}"
        )
        if found != MINIMAL_PROTOCOL:
            problems.append(
                f"gold.{name}: protocol (minReaderVersion, minWriterVersion) = {found}, expected {MINIMAL_PROTOCOL}"
            )
        if protocol.reader_features:
            problems.append(f"gold.{name}: reader features {protocol.reader_features}")
        if protocol.writer_features:
            problems.append(f"gold.{name}: writer features {protocol.writer_features}")
        if config.get("delta.enableDeletionVectors", "false").strip().lower() == "true":
            problems.append(f"gold.{name}: delta.enableDeletionVectors=true")
        mapping = config.get("delta.columnMapping.mode", "none").strip().lower()
        if mapping != "none":
            problems.append(f"gold.{name}: delta.columnMapping.mode={mapping}")
    assert not problems, "gold tables not on the minimal Delta protocol:\n" + "\n".join(problems)


# ------------------------------------------------------------------ Spark's reading, through the CLI


def spark_sql_dumping(tables) -> str:
    """One query for every table: a row per table row, `gold_table` and the row as Spark's JSON.

    to_json is the generator behind Dataset.toJSON (which the CLI's --format json prints), here with
    nulls kept (ignoreNullFields=false: every row carries every column Spark reads, so a column Spark
    lacks is seen) and timestamps to the microsecond (the default write format stops at ms)."""
    options = (
        "map('ignoreNullFields', 'false', "
        "'timestampFormat', \"yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX\", "
        "'timestampNTZFormat', \"yyyy-MM-dd'T'HH:mm:ss.SSSSSS\")"
    )
    parts = []
    for name in tables:
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"unexpected gold table name {name!r}"
        parts.append(f"SELECT '{name}' AS gold_table, to_json(struct(*), {options}) AS row_json FROM gold.`{name}`")
    return "\nUNION ALL\n".join(parts)


@pytest.fixture(scope="module")
def spark_rows(gold_tables, nightly_warehouse, tmp_path_factory) -> dict[str, list[dict]]:
    sql = spark_sql_dumping(gold_tables)
    cmd = [
        *cli_command("query"),
        sql,
        "--warehouse",
        str(nightly_warehouse),
        "--format",
        "json",
        "--limit",
        str(SPARK_LIMIT),
        "--master",
        "local[2]",
    ]
    started = time.monotonic()
    # cwd: Spark's local spark-warehouse/ lands there, not in the repository
    proc = subprocess.run(
        cmd, cwd=tmp_path_factory.mktemp("spark_query"), capture_output=True, text=True, timeout=SPARK_TIMEOUT
    )
    print(
        f"Spark (bin/mentoring-outcomes query, one JVM, {len(gold_tables)} tables): "
        f"{time.monotonic() - started:.1f} s, exit {proc.returncode}"
    )
    assert proc.returncode == 0, f"bin/mentoring-outcomes query failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    rows: dict[str, list[dict]] = {name: [] for name in gold_tables}
    n = 0
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        try:
            outer = json.loads(line)
            row = json.loads(outer["row_json"], parse_float=Decimal, parse_constant=Decimal)
        except (ValueError, KeyError, TypeError) as e:
            pytest.fail(f"not a JSON row from query --format json ({e}): {line[:300]!r}")
        rows.setdefault(outer["gold_table"], []).append(row)
        n += 1
    assert n < SPARK_LIMIT, f"{n} rows: the query's --limit {SPARK_LIMIT} may have cut the output"
    return rows


# ------------------------------------------------------------------ delta-rs's reading


def read_with_to_pyarrow_table(path: Path) -> pa.Table:
    # delta-rs replays the log and picks the files; pyarrow reads them through a native local
    # filesystem. (The default, a Python filesystem over delta-rs's object store called from Arrow's
    # C++ threads, makes the interpreter abort at exit about one run in two with deltalake 1.6.6 and
    # pyarrow 26: "terminate called without an active exception", exit 134, after correct results.)
    return DeltaTable(str(path)).to_pyarrow_table(filesystem=pafs.SubTreeFileSystem(str(path), pafs.LocalFileSystem()))


def read_with_query_builder(path: Path) -> pa.Table:
    # delta-rs end to end: its own (DataFusion) scan of the table, no Arrow C++ Parquet reader.
    return pa.table(QueryBuilder().register("t", DeltaTable(str(path))).execute("SELECT * FROM t"))


DELTA_RS_READERS = {
    "DeltaTable.to_pyarrow_table": read_with_to_pyarrow_table,
    "deltalake.QueryBuilder": read_with_query_builder,
}


# ------------------------------------------------------------------ normalising both sides


class Unsupported(Exception):
    pass


class WrongJsonKind:
    """A Spark JSON value of the wrong kind for its column (a string where a number belongs...)."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"<JSON {type(self.value).__name__} {self.value!r}>"


def _float32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def _iso_timestamp(value: datetime, tz_aware: bool) -> str:
    if tz_aware:
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value} without an offset")
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


def from_arrow(value, typ: pa.DataType):
    """A delta-rs value as a canonical Python value: ints, floats, bools, str, Decimal, ISO strings."""
    if value is None:
        return None
    if pa.types.is_integer(typ) or pa.types.is_boolean(typ) or pa.types.is_decimal(typ):
        return value
    if pa.types.is_float64(typ):
        return float(value)
    if pa.types.is_float32(typ):
        return _float32(float(value))
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
        return value
    if pa.types.is_date(typ):
        return value.isoformat()
    if pa.types.is_timestamp(typ):
        return _iso_timestamp(value, typ.tz is not None)
    raise Unsupported(f"column type {typ}: extend the comparison in test_open_formats.py")


def from_spark_json(value, typ: pa.DataType):
    """Spark's JSON value (floats parsed as Decimal, so nothing is rounded on the way) as the same
    canonical value. A value of the wrong JSON kind is returned as it is, and then differs."""
    if value is None:
        return None
    if pa.types.is_boolean(typ):
        return value
    if pa.types.is_integer(typ):
        return value if isinstance(value, int) and not isinstance(value, bool) else WrongJsonKind(value)
    if pa.types.is_floating(typ):
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):  # Spark quotes these
            value = float(value)
        if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
            x = float(value)
            return _float32(x) if pa.types.is_float32(typ) else x
        return WrongJsonKind(value)
    if pa.types.is_decimal(typ):
        return (
            Decimal(value)
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool)
            else WrongJsonKind(value)
        )
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
        return value
    if pa.types.is_date(typ):
        return date.fromisoformat(value).isoformat() if isinstance(value, str) else WrongJsonKind(value)
    if pa.types.is_timestamp(typ):
        return (
            _iso_timestamp(datetime.fromisoformat(value), typ.tz is not None)
            if isinstance(value, str)
            else WrongJsonKind(value)
        )
    raise Unsupported(f"column type {typ}: extend the comparison in test_open_formats.py")


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= FLOAT_REL_TOL * max(abs(a), abs(b))
    return type(a) is type(b) and a == b


def sort_key(row: tuple, order: list[int]) -> tuple:
    key = []
    for i in order:
        v = row[i]
        if isinstance(v, float) and math.isnan(v):
            key.append((1, "nan", 0))
        elif v is None:
            key.append((0, "", 0))
        else:
            key.append((1, type(v).__name__, repr(v) if isinstance(v, WrongJsonKind) else v))
    return tuple(key)


def describe_row(k: int, n: int, row: tuple, columns: list[str], key_columns: list[int]) -> str:
    shown = ", ".join(f"{columns[i]}={row[i]!r}" for i in key_columns[:8])
    return f"{k} of {n} ({shown})"


def compare_table(name: str, reader: str, table: pa.Table, spark: list[dict]) -> list[str]:
    """Every difference between delta-rs's rows and Spark's, each naming table, row and column."""
    where = f"gold.{name} [{reader} vs Spark]"
    columns = table.column_names
    types = [f.type for f in table.schema]
    problems = []
    if table.num_rows != len(spark):
        problems.append(f"{where}: {table.num_rows} rows read by delta-rs, {len(spark)} by Spark")
    for j, row in enumerate(spark):
        if list(row) != columns:
            problems.append(f"{where}: Spark row {j} has columns {list(row)}, delta-rs reads {columns}")
            return problems
    try:
        ours = [tuple(from_arrow(v, t) for v, t in zip(r.values(), types, strict=False)) for r in table.to_pylist()]
        theirs = [tuple(from_spark_json(r.get(c), t) for c, t in zip(columns, types, strict=False)) for r in spark]
    except Unsupported as e:
        return [f"{where}: {e}"]
    if problems:  # row counts differ: pairing rows would only add noise
        return problems
    # Canonical order: the exact-valued columns (ids, cohorts, horizons, dates, counts) first, then
    # floats. Rows equal in every column pair off; each row left (some value differs) is paired with
    # the row left on Spark's side that differs from it in the fewest columns, so one wrong value is
    # reported once, in its column, not as a shift of every row after it.
    exact = [i for i, t in enumerate(types) if not pa.types.is_floating(t)]
    order = exact + [i for i, t in enumerate(types) if pa.types.is_floating(t)]
    ours.sort(key=lambda r: sort_key(r, order))
    theirs.sort(key=lambda r: sort_key(r, order))
    by_key: dict[tuple, list[tuple]] = {}
    for b in theirs:
        by_key.setdefault(sort_key(b, exact), []).append(b)
    unmatched = []
    for k, a in enumerate(ours):
        group = by_key.get(sort_key(a, exact), [])
        equal = next((j for j, b in enumerate(group) if all(map(same, a, b))), None)
        if equal is None:
            unmatched.append((k, a))
        else:
            del group[equal]
    left = sorted((b for group in by_key.values() for b in group), key=lambda r: sort_key(r, order))
    pairs = []
    for k, a in unmatched:
        if len(unmatched) <= 2000:
            j = min(range(len(left)), key=lambda j: sum(not same(x, y) for x, y in zip(a, left[j], strict=False)))
        else:  # too many to search: pair in canonical order
            j = 0
        pairs.append((k, a, left.pop(j)))
    for k, a, b in pairs:
        for i, column in enumerate(columns):
            if not same(a[i], b[i]):
                problems.append(
                    f"{where}: row {describe_row(k, len(ours), a, columns, exact)} column {column}: "
                    f"delta-rs {a[i]!r} != Spark {b[i]!r}"
                )
    return problems


def test_delta_rs_reads_the_figures_spark_reads(gold_tables, spark_rows):
    problems, counts = [], {}
    for name, path in gold_tables.items():
        for reader, read in DELTA_RS_READERS.items():
            try:
                table = read(path)
            except Exception as e:  # e.g. DeltaProtocolError: a reader feature delta-rs lacks
                problems.append(f"gold.{name} [{reader}]: delta-rs cannot read it: {type(e).__name__}: {e}")
                continue
            counts[name] = table.num_rows
            problems += compare_table(name, reader, table, spark_rows[name])
    print(
        "rows compared per gold table (each read twice by delta-rs):",
        counts,
        f"total {sum(counts.values())} rows in {len(counts)} tables",
    )
    empty = [t for t in MAIN_TABLES if counts.get(t, 0) == 0]
    assert not empty, f"gold tables without rows on sample-data: {empty}"
    assert not problems, (
        f"{len(problems)} problem(s) reading gold with delta-rs, or differences from Spark:\n"
        + "\n".join(problems[:MAX_REPORTED])
        + (f"\n... and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else "")
    )
