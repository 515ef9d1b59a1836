"""Engine registry.

Engines register themselves when their package is imported; :func:`available` imports
every package listed in ``_BUILTIN`` and returns them in report order. See
:mod:`factions.engines.base` for the contract, :mod:`factions.engines.options` and
:mod:`factions.engines.needs` for the declarations the registry checks in one place.
"""

from __future__ import annotations

__all__ = ["Engine", "EngineResult", "Observable", "Option", "Need", "register", "get",
           "available", "check_options", "resolve_engines", "dependency_order", "unmet_needs",
           "upstream_of",
           "observables", "known_metrics"]

import importlib
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase

from factions.engines.base import Engine, EngineResult, Observable
from factions.engines.needs import Need, unmet
from factions.engines.options import Option
from factions.errors import EngineError
from factions.jit_startup import preload_cython_blas

preload_cython_blas()  # before any engine imports numba (see factions.jit_startup)

_REGISTRY: dict[str, Engine] = {}
_BUILTIN = ("digest", "align", "bargain", "ground", "displace")


def register(engine: Engine) -> Engine:
    """Add an engine to the registry (idempotent for the same name)."""
    _REGISTRY[engine.name] = engine
    return engine


def _load_builtins() -> None:
    for name in _BUILTIN:
        importlib.import_module(f"factions.engines.{name}")


def available() -> list[Engine]:
    """Every registered engine, in report order."""
    _load_builtins()
    return sorted(_REGISTRY.values(), key=lambda e: (e.order, e.name))


def get(name: str) -> Engine:
    """The engine called ``name``; :class:`EngineError` naming the known ones otherwise."""
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise EngineError(f"unknown engine {name!r}; known engines: {known}") from None


def check_options(engine: Engine, options: Mapping[str, object] | None) -> dict:
    """The engine's options with their checked values (see :mod:`.options`)."""
    return engine.check_options(options)


def dependency_order(engines: Sequence[Engine]) -> list[Engine]:
    """``engines`` ordered so that every provider of a name runs before its consumers.

    Ties keep report order. Only the engines given take part: a consumer whose provider is
    not among them runs on the scenario's own inputs.

    Raises
    ------
    EngineError
        The engines' ``provides``/``consumes`` form a cycle.
    """
    chosen = sorted(engines, key=lambda e: (e.order, e.name))
    providers = {name: e.name for e in chosen for name in e.provides}
    deps = {e.name: {providers[c] for c in e.consumes if c in providers} - {e.name}
            for e in chosen}
    out: list[Engine] = []
    done: set[str] = set()
    while len(out) < len(chosen):
        ready = [e for e in chosen if e.name not in done and deps[e.name] <= done]
        if not ready:
            left = sorted(n for n in deps if n not in done)
            raise EngineError("engines " + ", ".join(left) + " depend on each other in a "
                              "cycle (provides/consumes)")
        out.append(ready[0])
        done.add(ready[0].name)
    return out


def upstream_of(engine: Engine, engines: Sequence[Engine]) -> dict[str, str]:
    """``{name: provider engine}`` for the names ``engine`` consumes among ``engines``."""
    providers = {name: e.name for e in engines for name in e.provides if e.name != engine.name}
    return {c: providers[c] for c in engine.consumes if c in providers}


def resolve_engines(names, options: Mapping[str, Mapping] | None = None
                    ) -> tuple[list[Engine], dict[str, dict], dict[str, bool]]:
    """The engines named (default: all) in dependency order, their checked options (as
    given, checked, not completed) and which are stochastic.

    An engine that consumes a stochastic provider's output is stochastic too.

    Raises
    ------
    EngineError
        An unknown engine, options for an engine not being run, an option the engine does
        not accept or a bad value, or a dependency cycle.
    """
    chosen = [get(n) for n in dict.fromkeys(names)] if names else available()
    chosen = dependency_order(chosen)
    opts = {k: dict(v) for k, v in (options or {}).items()}
    known = {e.name for e in chosen}
    for ename in opts:
        if ename not in known:
            raise EngineError(f"options given for engine {ename!r}, which is not being run")
    for e in chosen:
        e.check_options(opts.get(e.name, {}))
    stoch: dict[str, bool] = {}
    for e in chosen:
        ups = upstream_of(e, chosen).values()
        stoch[e.name] = e.is_stochastic(opts.get(e.name, {})) or any(stoch[u] for u in ups)
    return chosen, opts, stoch


def unmet_needs(engine: Engine, scenario, options: Mapping | None = None) -> list[str]:
    """Why ``engine`` cannot run on ``scenario`` with these options (empty when its needs
    are met)."""
    return unmet(engine.needs, scenario, engine.check_options(options))


def observables() -> dict[str, Observable]:
    """Every quantity an observation may ``compares``: ``{"<engine>.<name>": Observable}``."""
    return {f"{e.name}.{k}": v for e in available() for k, v in e.observables.items()}


def known_metrics(engine: Engine, scenario) -> list[str] | None:
    """The metric names (patterns, without the engine prefix) ``engine`` reports on
    ``scenario``; ``None`` when the engine does not declare them."""
    return None if engine.metrics is None else list(engine.metrics(scenario))


def metric_declared(metric: str, scenario) -> str | None:
    """``None`` if ``<engine>.<name>`` is a metric some engine reports on ``scenario``,
    else why not (unknown engine, or the names it reports)."""
    engine, _, name = metric.partition(".")
    if engine not in {e.name for e in available()}:
        return (f"unknown engine {engine!r} in metric {metric!r}; engines: "
                + ", ".join(e.name for e in available()))
    pats = known_metrics(get(engine), scenario)
    if pats is None or any(fnmatchcase(name, p) for p in pats):
        return None
    shown = ", ".join(pats[:12]) + (", …" if len(pats) > 12 else "")
    return f"engine {engine!r} reports no metric {name!r} on this scenario (it reports: {shown})"
