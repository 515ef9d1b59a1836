"""What an engine needs from a scenario, declared once and checked in one place.

An engine lists :class:`Need` entries (in the spirit of NetworkX's
``not_implemented_for``): a section that must not be empty, locations of given kinds, an
observation of a given quantity, or a named check. :func:`unmet` returns one sentence per
unmet need; the pipeline then skips the engine *with that reason* — in the terminal, the
report and ``results.json`` — instead of crashing the run or reporting zeros.
"""

from __future__ import annotations

__all__ = ["Need", "unmet"]

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    """One requirement on a scenario.

    Build one with :meth:`section`, :meth:`locations`, :meth:`observation` or
    :meth:`rule`; ``check(scenario, options)`` returns ``None`` when met, else the
    reason (``options``: the engine's checked options).
    """

    what: str
    check: Callable[[object, dict], str | None]

    @classmethod
    def section(cls, name: str, why: str = "") -> Need:
        """The section ``name`` has at least one entry."""
        def check(sc, options=None) -> str | None:
            if getattr(sc, name, None):
                return None
            return f"needs {name} (the scenario has none){': ' + why if why else ''}"
        return cls(f"a non-empty `{name}` section", check)

    @classmethod
    def locations(cls, *kinds: str) -> Need:
        """At least one location of each kind group (``"origin"``, ``"host|idp|camp"``)."""
        def check(sc, options=None) -> str | None:
            have = {loc.kind for loc in getattr(sc, "locations", [])}
            for group in kinds:
                if not have & set(group.split("|")):
                    return f"needs a location of kind {' or '.join(group.split('|'))}"
            return None
        return cls("locations of kinds " + ", ".join(kinds), check)

    @classmethod
    def observation(cls, quantity: str, why: str = "") -> Need:
        """An observation declaring ``compares: <quantity>``."""
        def check(sc, options=None) -> str | None:
            if any(getattr(o, "compares", None) == quantity for o in sc.observations):
                return None
            return (f"needs an observation with `compares: {quantity}`"
                    f"{' (' + why + ')' if why else ''}")
        return cls(f"an observation that compares {quantity}", check)

    @classmethod
    def rule(cls, what: str, check: Callable[[object, dict], str | None]) -> Need:
        """Any other requirement: ``check(scenario, options)`` returns ``None`` or the
        reason."""
        return cls(what, check)


def unmet(needs: Iterable[Need], scenario, options: dict | None = None) -> list[str]:
    """One reason per unmet need, in declaration order (empty when all are met)."""
    return [r for r in (n.check(scenario, options or {}) for n in needs) if r]
