"""YAML reading that remembers where every value came from.

PyYAML's composer gives a node tree with start marks; we turn it into plain Python data
and a map from each path (tuple of keys / indices) to its ``(line, column)``, both
1-based, so that any later problem can be reported as ``file:line:col path: message``.
Duplicate mapping keys, which PyYAML would silently overwrite, are reported as errors.
"""

from __future__ import annotations

__all__ = ["Located", "read_yaml"]

from dataclasses import dataclass, field
from typing import Any

import yaml

from factions.errors import Problem, ScenarioError

Path = tuple[str | int, ...]

#: libyaml's parser when PyYAML was built with it (about ten times faster on the embedded
#: scenario's 1,900 lines; the same nodes, marks and errors), else PyYAML's own
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Located:
    """Plain data plus the source position of every path in it."""

    data: Any
    file: str
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest located ancestor."""
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (None, None))

    def problem(self, path: Path, message: str) -> Problem:
        line, col = self.where(path)
        return Problem(self.file, line, col, format_path(path), message)


def format_path(path: Path) -> str:
    """``('actors', 3, 'capability')`` -> ``actors[3].capability``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_yaml(text: str, file: str) -> Located:
    """Parse ``text`` (one YAML document) into :class:`Located` data.

    Raises
    ------
    ScenarioError
        On a YAML syntax error, duplicate keys, non-string keys or an empty document,
        with the line and column of each problem.
    """
    loader = None
    try:
        loader = _LOADER(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg = f"YAML syntax error: {exc.problem or exc.context}"
        raise ScenarioError([Problem(file, line, col, "", msg)]) from None
    except yaml.reader.ReaderError as exc:
        msg = f"unreadable character {exc.character!r}: {exc.reason}"
        raise ScenarioError([Problem(file, None, None, "", msg)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, None, None, "", f"YAML error: {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise ScenarioError([Problem(file, 1, 1, "", "the file is empty")])
    located = Located(None, file)
    problems: list[Problem] = []
    located.data = _convert(root, (), located, problems, loader)
    if problems:
        raise ScenarioError(problems)
    return located


def _convert(node, path: Path, located: Located, problems: list[Problem], loader) -> Any:
    located.marks[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                problems.append(Problem(located.file, line, col, format_path(path),
                                        "mapping keys must be plain scalars"))
                continue
            key = key_node.value
            if key == "<<":
                line, col = _mark(key_node)
                problems.append(Problem(located.file, line, col, format_path(path),
                                        "YAML merge keys (<<) are not supported"))
                continue
            if key in out:
                line, col = _mark(key_node)
                problems.append(Problem(located.file, line, col, format_path((*path, key)),
                                        f"duplicate key {key!r}"))
                continue
            out[key] = _convert(value_node, (*path, key), located, problems, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, (*path, i), located, problems, loader) for i, v in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        line, col = _mark(node)
        problems.append(Problem(located.file, line, col, format_path(path), f"bad value: {exc}"))
        return None
