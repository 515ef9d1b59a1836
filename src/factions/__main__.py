"""``python -m factions …``: the same command line as the ``factions`` script."""

from factions.cli import entry

entry()
