"""The scenarios a dashboard offers: the embedded ones, or the one file it was given.

Nothing else is read: a scenario is chosen by its key in :class:`ScenarioLibrary`, never
by a path coming from the browser.
"""

from __future__ import annotations

__all__ = ["ScenarioLibrary", "FILE_KEY"]

import threading
from pathlib import Path

from factions.errors import InputError
from factions.scenario import (
    DEFAULT_SCENARIO,
    Scenario,
    embedded_scenario,
    embedded_scenarios,
    load_scenario,
)

#: the key of the file given on the command line
FILE_KEY = "file"


class ScenarioLibrary:
    """Scenarios by key: ``"file"`` for the given file, else the embedded scenarios' names.

    Parameters
    ----------
    file
        A scenario file (then it is the only choice), the name of an embedded scenario
        (then the embedded scenarios, that one first) or ``None`` (the embedded scenarios,
        the default first). A file is loaded at once, so that a bad file is refused before
        the server starts.

    Raises
    ------
    ScenarioError
        The file is not a valid scenario.
    """

    def __init__(self, file: str | Path | None = None):
        self._lock = threading.Lock()
        self._loaded: dict[str, Scenario] = {}
        embedded = embedded_scenarios()
        if file is not None and (Path(file).exists() or str(file) not in embedded):
            sc = load_scenario(file)
            self._labels = {FILE_KEY: f"{Path(file).name} — {sc.meta.name}"}
            self._loaded[FILE_KEY] = sc
            return
        first = str(file) if file is not None else DEFAULT_SCENARIO
        order = sorted(embedded, key=lambda k: k != first)
        self._labels = {k: embedded[k] for k in order}

    def choices(self) -> dict[str, str]:
        """``{key: label}`` in display order."""
        return dict(self._labels)

    @property
    def default(self) -> str:
        return next(iter(self._labels))

    def get(self, key) -> Scenario:
        """The scenario of ``key`` (loaded once).

        Raises
        ------
        InputError
            An unknown key.
        """
        if not isinstance(key, str) or key not in self._labels:
            raise InputError(f"scenario {str(key)[:60]!r}: not offered here; choose one of "
                             + ", ".join(self._labels))
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = embedded_scenario(key)
            return self._loaded[key]
