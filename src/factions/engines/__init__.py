"""Engine registry.

Engines register themselves when their package is imported; :func:`available` imports
every package listed in ``_BUILTIN`` (skipping ones not present yet) and returns them in
report order. See :mod:`factions.engines.base` for the contract.
"""

from __future__ import annotations

__all__ = ["Engine", "EngineResult", "register", "get", "available", "check_options",
           "resolve_engines"]

import importlib
from collections.abc import Mapping

from factions.engines.base import Engine, EngineResult
from factions.errors import EngineError

_REGISTRY: dict[str, Engine] = {}
_BUILTIN = ("digest", "align", "bargain", "ground", "displace")


def register(engine: Engine) -> Engine:
    """Add an engine to the registry (idempotent for the same name)."""
    _REGISTRY[engine.name] = engine
    return engine


def _load_builtins() -> None:
    for name in _BUILTIN:
        try:
            importlib.import_module(f"factions.engines.{name}")
        except ModuleNotFoundError as exc:  # an engine package not shipped yet
            if exc.name != f"factions.engines.{name}":
                raise


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


def check_options(engine: Engine, options: Mapping[str, object]) -> None:
    """Refuse options the engine does not declare, naming the ones it accepts."""
    unknown = sorted(set(options) - set(engine.options))
    if unknown:
        accepted = ", ".join(sorted(engine.options)) or "none"
        raise EngineError(
            f"engine {engine.name!r} does not accept option(s) {', '.join(unknown)}; "
            f"accepted: {accepted}"
        )


def resolve_engines(names, options: Mapping[str, Mapping] | None = None
                    ) -> tuple[list[Engine], dict[str, dict], dict[str, bool]]:
    """The engines named (default: all), their checked options, and which are stochastic.

    Raises
    ------
    EngineError
        An unknown engine, options for an engine not being run, or an option the engine
        does not accept.
    """
    chosen = [get(n) for n in names] if names else available()
    opts = {k: dict(v) for k, v in (options or {}).items()}
    known = {e.name for e in chosen}
    for ename in opts:
        if ename not in known:
            raise EngineError(f"options given for engine {ename!r}, which is not being run")
    for e in chosen:
        check_options(e, opts.get(e.name, {}))
    return chosen, opts, {e.name: e.is_stochastic(opts.get(e.name, {})) for e in chosen}
