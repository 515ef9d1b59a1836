"""Results cached by content: what an engine's result on a named scenario depends on.

An engine's result on named scenario ``s`` depends on the code version, the engine, its
options, the seed (for stochastic engines), and on the parts of the scenario it reads:

* the *static* sections — everything except ``shocks``, ``scenarios``, ``claims``,
  ``calibration`` and the free text of ``meta`` (description, sources) — digested once;
* the *timeline* of ``s``: the months × parameters frame after ``s``'s shocks, restricted
  to the parameters the engine reads (``Engine.reads``), and, for an engine that fits to
  data under the scenario of what happened (``Engine.uses_history``), that scenario's
  timeline too.

The named scenario's id is part of the key too (results carry it), so two named scenarios
with equal timelines still have results of their own.

So editing one shock changes the keys of the named scenarios that contain it only, and
editing a claim changes no engine's key: only what depends on the edit reruns.
:class:`ResultCache` keeps pickled results under such keys (written to a temporary file
and renamed into place, so a reader never sees half a file); :func:`run_lock` serialises
runs into the same directory (``fcntl.flock``), so two runs at once neither corrupt nor
duplicate the cache — the second waits and then finds everything done.
"""

from __future__ import annotations

__all__ = ["content_key", "static_digest", "timeline_digest", "ResultCache", "run_lock"]

import contextlib
import hashlib
import json
import os
import pickle
import uuid
from pathlib import Path

import pandas as pd

_DYNAMIC = {"shocks", "scenarios", "claims", "calibration"}


def static_digest(scenario) -> str:
    """Digest of the sections that do not change between named scenarios."""
    memo = scenario.__dict__.get("_static_digest")
    if memo is None:
        data = scenario.model_dump(mode="json", exclude_none=True, exclude=_DYNAMIC)
        meta = data.get("meta", {})
        for free in ("description", "sources", "name"):
            meta.pop(free, None)
        memo = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
        scenario.__dict__["_static_digest"] = memo
    return memo


def timeline_digest(scenario, scenario_id: str, reads: tuple[str, ...] | None) -> str:
    """Digest of named scenario ``scenario_id``'s parameters, month by month, restricted
    to the prefixes in ``reads`` (all when ``None``)."""
    frame = scenario.timeline(scenario_id).frame()
    cols = sorted(c for c in frame.columns if reads is None or c.startswith(reads))
    sub = frame[cols]
    h = hashlib.sha256(",".join(cols).encode())
    h.update(pd.util.hash_pandas_object(sub, index=True).to_numpy().tobytes())
    return h.hexdigest()


def content_key(engine, scenario, scenario_id: str, *, seed: int | None, options: dict,
                params: dict | None = None, upstream: dict[str, str] | None = None,
                extra: dict | None = None) -> str:
    """The key of ``engine``'s result on ``scenario_id`` (see the module docs).

    ``params`` are parameter overrides applied to the scenario (already in ``scenario``
    when given as a variant; named here so that sweeps key them), ``upstream`` the keys of
    the providers' results it consumes.
    """
    from factions import __version__

    parts = {"factions": __version__, "engine": engine.name, "scenario": scenario_id,
             "static": static_digest(scenario),
             "timeline": timeline_digest(scenario, scenario_id, engine.reads),
             "seed": seed, "options": options, "params": params or {},
             "upstream": upstream or {}, **(extra or {})}
    if getattr(engine, "uses_history", False):
        parts["history"] = timeline_digest(scenario, scenario.history_id(), engine.reads)
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ResultCache:
    """Pickled results under content keys in a directory (``None``: no cache)."""

    def __init__(self, directory: str | Path | None):
        self.dir = None if directory is None else Path(directory)

    def get(self, key: str):
        if self.dir is None:
            return None
        path = self.dir / f"{key}.pkl"
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None

    def put(self, key: str, value) -> None:
        if self.dir is None:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / f".{key}.{uuid.uuid4().hex[:8]}.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.dir / f"{key}.pkl")


@contextlib.contextmanager
def run_lock(directory: str | Path | None):
    """Hold an exclusive lock on ``directory`` for the duration (no-op for ``None``)."""
    if directory is None:
        yield
        return
    import fcntl

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    with (d / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
