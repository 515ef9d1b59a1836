"""factions: model a conflict as a system of factions and test shocks and claims against data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("factions")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
