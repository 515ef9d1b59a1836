"""Sweep results on disk: Parquet batches written atomically, read back without duplicates.

Layout of a sweep directory::

    out/
      sweep.json                 # the last sweep's settings (for people; not read back)
      part-00001-3fa2c1d0.parquet
      part-00002-9b0e44aa.parquet
      ...

Each part holds the results of a batch of finished tasks, one row per metric value, with
the task's key columns (``key, engine, scenario, run, seed, params``), ``status``
(``ok`` or ``skipped``), ``message``, and ``metric, month, value``. A task whose engine
returned no metric (or was skipped) still writes one row with ``metric`` null, so that the
directory records that the task is finished. A part is written to a hidden temporary file
and renamed into place (``os.replace``, atomic on POSIX): a killed sweep leaves complete
parts only. If a task's result is found in several parts (two sweeps racing on the same
directory), only the rows of the first part (by name) count.
"""

from __future__ import annotations

__all__ = ["RESULT_COLUMNS", "write_batch", "read_results", "finished_keys", "part_files"]

import json
import os
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from factions.errors import InputError

RESULT_COLUMNS = ["key", "engine", "scenario", "run", "seed", "params", "status", "message",
                  "metric", "month", "value"]

_SCHEMA = pa.schema([("key", pa.string()), ("engine", pa.string()), ("scenario", pa.string()),
                     ("run", pa.int64()), ("seed", pa.int64()),
                     ("params", pa.dictionary(pa.int32(), pa.string())),
                     ("status", pa.string()), ("message", pa.string()),
                     ("metric", pa.string()), ("month", pa.string()), ("value", pa.float64())])


def part_files(out_dir: str | Path) -> list[Path]:
    """The finished parts of a sweep directory, in name order."""
    d = Path(out_dir)
    if not d.exists():
        return []
    return sorted(p for p in d.glob("part-*.parquet") if p.is_file())


def write_batch(out_dir: str | Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` (columns :data:`RESULT_COLUMNS`) as the next part, atomically."""
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    seq = len(part_files(d)) + 1
    name = f"part-{seq:05d}-{uuid.uuid4().hex[:8]}.parquet"
    tmp = d / f".{name}.tmp"
    table = pa.Table.from_pandas(frame[RESULT_COLUMNS], schema=_SCHEMA, preserve_index=False)
    pq.write_table(table, tmp)
    os.replace(tmp, d / name)
    return d / name


def _read_parts(out_dir) -> pd.DataFrame:
    """Every part in one frame (column ``_part``: the file's name); ``params`` is
    categorical (one JSON text per task, however many rows it has)."""
    tables = []
    for p in part_files(out_dir):
        try:
            table = pq.read_table(p, read_dictionary=["params"]).cast(_SCHEMA)
        except (OSError, pa.ArrowInvalid) as exc:
            raise InputError(f"{p}: not a readable sweep part ({exc})") from None
        tables.append(table.append_column("_part", pa.array([p.name] * table.num_rows,
                                                            pa.string())))
    if not tables:
        return pd.DataFrame(columns=RESULT_COLUMNS + ["_part"])
    return pa.concat_tables(tables).unify_dictionaries().to_pandas()


def _dedupe(raw: pd.DataFrame) -> pd.DataFrame:
    if raw.empty:
        return raw.drop(columns="_part")
    first = raw.groupby("key", sort=False)["_part"].transform("min")
    return raw[raw["_part"] == first].drop(columns="_part").reset_index(drop=True)


def finished_keys(out_dir: str | Path) -> set[str]:
    """Keys of every task with a result in ``out_dir``."""
    keys: set[str] = set()
    for p in part_files(out_dir):
        keys |= set(pq.read_table(p, columns=["key"]).column("key").to_pylist())
    return keys


def read_results(out_dir: str | Path, keys=None, expand_params: bool = True) -> pd.DataFrame:
    """All results of ``out_dir`` (optionally only ``keys``), each task counted once.

    Rows are sorted by ``key, metric, month`` so that two identical sweeps read back equal.
    With ``expand_params`` each varied parameter becomes a column of its own.
    """
    df = _dedupe(_read_parts(out_dir))
    if keys is not None:
        df = df[df["key"].isin(set(keys))]
    df = df.sort_values(["key", "metric", "month"], na_position="first", kind="stable")
    df = df.reset_index(drop=True)
    if isinstance(df["params"].dtype, pd.CategoricalDtype):  # independent of part order
        cat = df["params"].cat.remove_unused_categories()
        df["params"] = cat.cat.reorder_categories(sorted(cat.cat.categories))
    if expand_params and not df.empty:
        uniq = pd.unique(df["params"])
        table = pd.DataFrame.from_records([json.loads(s) for s in uniq], index=uniq)
        for col in sorted(table.columns):
            if col not in df.columns:
                df[col] = df["params"].map(table[col])
    return df
