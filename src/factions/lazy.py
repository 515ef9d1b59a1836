"""Names of a package imported on first use (PEP 562), so that importing the package
stays cheap: ``__getattr__ = lazy_names(__name__, {"name": "submodule", ...}, globals())``.
"""

from __future__ import annotations

__all__ = ["lazy_names"]

from collections.abc import Callable, Mapping
from importlib import import_module


def lazy_names(package: str, where: Mapping[str, str], namespace: dict) -> Callable:
    """A module ``__getattr__`` that imports ``package.<where[name]>`` when ``name`` is
    first read and keeps the value in the package's ``namespace``."""

    def __getattr__(name: str):
        if name in where:
            value = getattr(import_module(f"{package}.{where[name]}"), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
