"""A calibration's posterior on disk, and the ensemble run that uses it.

``save_posterior`` writes ``posterior.csv`` (the accepted parameter sets, one column per
parameter), ``calibration.json`` (what was fitted, how, against what, and with which
engine options) and the summary tables of an :class:`~factions.run.calibrate.ABCResult`.
``load_posterior`` reads them back; :func:`run_ensemble` runs a scenario's engines as
seeded replicas on Dask — each replica with the next posterior parameter set when a
posterior is given — and answers the claims with the share of replicas in which they hold.
"""

from __future__ import annotations

__all__ = ["Posterior", "save_posterior", "load_posterior", "shipped_posterior", "run_ensemble",
           "resolve_posterior"]

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from factions import __version__
from factions.errors import InputError
from factions.run.plan import scenario_digest


@dataclass
class Posterior:
    """Accepted parameter sets and the settings they were fitted under."""

    draws: pd.DataFrame
    options: dict[str, dict] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    def matches(self, scenario) -> bool:
        """Whether it was fitted on this very scenario content."""
        return self.meta.get("scenario_digest") == scenario_digest(scenario)


def save_posterior(abc, out_dir: str | Path, scenario, options: dict, settings: dict) -> Path:
    """Write ``posterior.csv``, ``calibration.json``, ``posterior_summary.csv``,
    ``hindcast.csv`` and ``runs.csv`` under ``out_dir`` (and, with several targets or a
    hold-out, ``hindcasts.csv`` per target and ``members.csv``, the accepted runs)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    abc.posterior_draws().to_csv(out / "posterior.csv", index=False)
    abc.posterior.to_csv(out / "posterior_summary.csv", index=False)
    abc.hindcast.to_csv(out / "hindcast.csv", index=False)
    abc.runs.to_csv(out / "runs.csv", index=False)
    if len(abc.targets) > 1 or abc.fit_until is not None:
        abc.hindcasts.to_csv(out / "hindcasts.csv", index=False)
        abc.members.to_csv(out / "members.csv", index=False)
    meta = {
        "factions_version": __version__,
        "scenario": scenario.meta.name,
        "scenario_digest": scenario_digest(scenario),
        "metric": abc.metric,
        "accepted": int(abc.runs["accepted"].sum()),
        "runs": int(len(abc.runs)),
        "epsilon": abc.epsilon,
        "spearman": abc.spearman,
        "spearman_p": abc.spearman_p,
        "prior": {k: str(v) for k, v in abc.prior.items()},
        "options": options,
        **settings,
    }
    (out / "calibration.json").write_text(json.dumps(meta, indent=1, default=str))
    return out


def load_posterior(path: str | Path) -> Posterior:
    """Read a directory written by :func:`save_posterior` (or ``factions calibrate``)."""
    p = Path(path)
    csv, meta_file = p / "posterior.csv", p / "calibration.json"
    if not csv.exists() or not meta_file.exists():
        raise InputError(f"{path}: not a calibration directory (needs posterior.csv and "
                         "calibration.json, as written by `factions calibrate`)")
    try:
        meta = json.loads(meta_file.read_text())
        draws = pd.read_csv(csv)
    except (ValueError, OSError) as exc:
        raise InputError(f"{path}: unreadable calibration: {exc}") from None
    if draws.empty:
        raise InputError(f"{csv}: no accepted parameter sets")
    return Posterior(draws, dict(meta.get("options", {})), meta, str(p))


def shipped_posterior(scenario, stale_ok: bool = False) -> Posterior | None:
    """The posterior shipped with an embedded scenario (``<name>.calibration/`` beside its
    file): ``None`` for a user's file, if absent, or if it was fitted on other content than
    ``scenario`` unless ``stale_ok``."""
    if not getattr(scenario, "embedded", None):
        return None
    ref = resources.files("factions.scenarios").joinpath(f"{scenario.embedded}.calibration")
    if not ref.is_dir():
        return None
    with resources.as_file(ref) as d:
        post = load_posterior(d)
    return post if stale_ok or post.matches(scenario) else None


def resolve_posterior(posterior, scenario) -> tuple[Posterior | None, str]:
    """The posterior a run uses and a note for the user (empty if none is due).

    ``posterior``: ``"auto"`` (the shipped one when it matches ``scenario``), ``None`` or
    ``"none"``, a calibration directory, or a :class:`Posterior`.
    """
    if isinstance(posterior, Posterior):
        return posterior, ""
    if posterior is None or (isinstance(posterior, str) and posterior.lower() == "none"):
        return None, ""
    if isinstance(posterior, str) and posterior != "auto" or isinstance(posterior, Path):
        return load_posterior(posterior), ""
    post = shipped_posterior(scenario)
    if post is None and shipped_posterior(scenario, stale_ok=True) is not None:
        return None, ("the shipped calibration was fitted on another version of the embedded "
                      "scenario and is not used; rerun `factions calibrate` (in a checkout "
                      "of the package: scripts/recalibrate)")
    return post, ""


def run_ensemble(scenario, scenario_ids, engines, seed: int, replicas: int,
                 options: dict | None, posterior: Posterior | None, out_dir: str | Path,
                 workers: int = 2, scheduler=None, progress=None, strict=None,
                 draws: pd.DataFrame | None = None, keep=None, judged: bool = True,
                 pairs=None, meanwhile=None):
    """Replicas of ``engines`` on Dask; returns ``(claims, metrics, sweep_result)``.

    Replica ``r`` takes row ``r`` of ``draws`` (default: the posterior's parameter sets,
    cycling) and the engine options the posterior was fitted with (given ``options``
    override them; ``judged=False``: claims without grades, for a caller that grades
    them; ``pairs``: ``{engine: named scenarios}`` to run, and ``meanwhile``: work for
    this process while the cluster runs, see :func:`~factions.run.sweep.sweep`); ``metrics`` has the runner's columns ``engine, scenario, seed, metric,
    month, value`` for every replica.
    """
    from factions.run.summaries import sweep_claims
    from factions.run.sweep import sweep

    opts = {k: dict(v) for k, v in (posterior.options if posterior else {}).items()}
    for k, v in (options or {}).items():
        opts.setdefault(k, {}).update(v)
    if draws is None and posterior is not None:
        draws = posterior.draws
    if engines:
        chosen = set(engines)
        opts = {k: v for k, v in opts.items() if k in chosen}
        if draws is not None:  # parameters of engines not run are dropped
            cols = [c for c in draws.columns
                    if not any(c.startswith(f"{e}.") for e in _engine_names()) or
                    c.split(".", 1)[0] in chosen]
            draws = draws[cols] if cols else None
    if draws is not None and draws.shape[1] == 0:
        draws = None
    res = sweep(scenario, scenario_ids, engines, runs=replicas, seed=seed, out_dir=out_dir,
                scheduler=scheduler, workers=workers, options=opts, progress=progress,
                draws=draws, strict=strict, keep=keep, expand_params=False, pairs=pairs,
                meanwhile=meanwhile)
    claims = sweep_claims(scenario, res, judged=judged)
    frames = res.replica_frames()
    metrics = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return claims, metrics, res


def _engine_names() -> list[str]:
    from factions.engines import available

    return [e.name for e in available()]
