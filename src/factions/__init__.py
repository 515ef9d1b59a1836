"""factions: model a conflict as a system of factions and test shocks and claims against data."""

#: the package version (pyproject.toml reads it from here)
__version__ = "0.1.0"

__all__ = ["__version__"]
