"""Segments kept by key: in memory, and on disk under one cache directory.

The interface is two methods, :meth:`SegmentCache.get` and :meth:`SegmentCache.put`, so
that it can give way to the pipeline's own result cache. On disk a segment is
``<key>.parquet`` (its metrics) and ``<key>.json`` (the rest), written to a temporary name
and renamed; only names that are keys are ever read. Interactive figures stay in memory.
"""

from __future__ import annotations

__all__ = ["SegmentCache", "default_cache_dir"]

import json
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path

import pandas as pd

from factions.dashboard.segments import Segment

_KEY = re.compile(r"^[0-9a-f]{32}$")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/factions/dashboard`` (default ``~/.cache/factions/dashboard``)."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "factions" / "dashboard"


class SegmentCache:
    """Segments by key.

    Parameters
    ----------
    directory
        Where segments are kept across runs of the server (created on first write);
        ``None``: in memory only.
    memory_items
        Segments kept in memory (least recently used first out).
    """

    def __init__(self, directory: str | Path | None = None, memory_items: int = 256):
        self.directory = None if directory is None else Path(directory)
        self.memory_items = int(memory_items)
        self._mem: OrderedDict[str, Segment] = OrderedDict()
        self._lock = threading.Lock()

    def _paths(self, key: str) -> tuple[Path, Path]:
        if not _KEY.match(key):
            raise ValueError(f"not a cache key: {key[:40]!r}")
        return self.directory / f"{key}.parquet", self.directory / f"{key}.json"

    def get(self, key: str) -> Segment | None:
        """The segment of ``key``, or ``None``."""
        with self._lock:
            if key in self._mem:
                self._mem.move_to_end(key)
                return self._mem[key]
        if self.directory is None:
            return None
        table, meta = self._paths(key)
        if not (table.is_file() and meta.is_file()):
            return None
        try:
            info = json.loads(meta.read_text())
            metrics = pd.read_parquet(table)
        except (OSError, ValueError):
            return None  # a damaged entry is a miss; the run writes it again
        seg = Segment(info["scenario_id"], metrics,
                      [tuple(x) for x in info["skipped"]],
                      [tuple(x) for x in info["degenerate"]], list(info["notes"]),
                      float(info["seconds"]))
        self._remember(key, seg)
        return seg

    def put(self, key: str, seg: Segment) -> None:
        """Keep ``seg`` under ``key``."""
        self._remember(key, seg)
        if self.directory is None:
            return
        table, meta = self._paths(key)
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = table.with_suffix(".parquet.tmp")
        seg.metrics.to_parquet(tmp, index=False)
        tmp.replace(table)
        info = {"scenario_id": seg.scenario_id, "skipped": seg.skipped,
                "degenerate": seg.degenerate, "notes": seg.notes, "seconds": seg.seconds}
        tmp = meta.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(info))
        tmp.replace(meta)

    def _remember(self, key: str, seg: Segment) -> None:
        with self._lock:
            self._mem[key] = seg
            self._mem.move_to_end(key)
            while len(self._mem) > self.memory_items:
                self._mem.popitem(last=False)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None
