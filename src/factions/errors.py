"""Exception hierarchy.

Every error a user can cause is a :class:`FactionsError`; the CLI prints its
message (one line per problem) and exits with a non-zero code instead of a
traceback. Engines raise :class:`EngineError` for bad options and
:class:`InputError` for bad plain-array / CSV input.
"""

from __future__ import annotations

__all__ = ["FactionsError", "ScenarioError", "InputError", "EngineError", "Problem"]

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what is wrong."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        path = f" {self.path}:" if self.path else ""
        return f"{where}{path} {self.message}"


class FactionsError(Exception):
    """Base class of every error caused by user input or options."""

    exit_code = 2

    def lines(self) -> list[str]:
        return str(self).splitlines() or [str(self)]


class ScenarioError(FactionsError):
    """A scenario file (or its content) is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("<scenario>", None, None, "", problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class InputError(FactionsError):
    """Plain-array, CSV or command-line input is invalid."""


class EngineError(FactionsError):
    """An engine was asked for something it cannot do (unknown option, bad value)."""
