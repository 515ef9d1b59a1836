"""Bargaining inputs: validation of plain arrays and the KTAB-style CSV reader.

Every model in :mod:`factions.engines.bargain` works on three arrays of equal length,
one entry per actor:

* ``capability`` (BDM's :math:`c_i`): non-negative, finite; at least one positive;
* ``position`` (:math:`x_i`): finite numbers on the issue scale (0-100 in KTAB and DEU);
* ``salience`` (:math:`s_i`): in [0, 1] (KTAB and DEU use 0-100: divide by 100).

:func:`validate_inputs` checks them once, at the boundary; the model functions trust
their input after that.
"""

from __future__ import annotations

__all__ = ["BargainInput", "validate_inputs", "KtabData", "read_ktab_csv"]

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factions.errors import InputError


@dataclass(frozen=True)
class BargainInput:
    """Validated arrays of one issue (float64, 1-D, equal length).

    Attributes
    ----------
    capability, position, salience : numpy.ndarray
        Per-actor capability :math:`c_i \\ge 0`, position :math:`x_i`, salience
        :math:`s_i \\in [0, 1]`.
    names : tuple of str
        Actor labels (``"0"``, ``"1"``, ... when none were given).
    scale : tuple of float
        ``(low, high)`` of the issue scale; distances are divided by ``high - low``.
    """

    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    names: tuple[str, ...]
    scale: tuple[float, float]

    @property
    def n(self) -> int:
        return int(self.position.size)

    @property
    def span(self) -> float:
        """Width of the scale, ``high - low`` (1.0 if degenerate)."""
        width = self.scale[1] - self.scale[0]
        return float(width) if width > 0 else 1.0

    @property
    def weight(self) -> np.ndarray:
        """Effective weight :math:`c_i s_i` used by the compromise and median models."""
        return self.capability * self.salience


def _as_vector(name: str, values, n: int | None) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers; got {values!r}") from None
    if arr.ndim != 1:
        raise InputError(f"{name} must be one value per actor (1-D); got shape {arr.shape}")
    if n is not None and arr.size != n:
        raise InputError(f"{name} has {arr.size} values but capability has {n}; give one per actor")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InputError(f"{name}[{bad[0]}] is {arr[bad[0]]}; every value must be finite")
    return arr


def validate_inputs(
    capability,
    position,
    salience,
    names=None,
    scale: tuple[float, float] | None = None,
) -> BargainInput:
    """Check per-actor arrays once and return them as a :class:`BargainInput`.

    Parameters
    ----------
    capability, position, salience : array_like
        One value per actor. Capability non-negative (at least one positive), salience
        in [0, 1], all finite.
    names : sequence of str, optional
        Unique actor labels.
    scale : (float, float), optional
        ``(low, high)`` of the issue scale. Default: the range of the positions.

    Returns
    -------
    BargainInput

    Raises
    ------
    InputError
        On an empty input, unequal lengths, a non-finite value, a negative capability,
        a salience outside [0, 1], no positive weight, repeated names or a bad scale.
    """
    cap = _as_vector("capability", capability, None)
    if cap.size == 0:
        raise InputError("no actors: capability, position and salience are empty")
    pos = _as_vector("position", position, cap.size)
    sal = _as_vector("salience", salience, cap.size)
    neg = np.flatnonzero(cap < 0)
    if neg.size:
        raise InputError(f"capability[{neg[0]}] is {cap[neg[0]]}; capabilities must be >= 0")
    out = np.flatnonzero((sal < 0) | (sal > 1))
    if out.size:
        raise InputError(
            f"salience[{out[0]}] is {sal[out[0]]}; saliences must lie in [0, 1] "
            "(divide 0-100 saliences by 100)"
        )
    if not np.any(cap * sal > 0):
        raise InputError("every actor has zero capability or zero salience; nothing to forecast")
    if names is None:
        labels = tuple(str(i) for i in range(cap.size))
    else:
        labels = tuple(str(v) for v in names)
        if len(labels) != cap.size:
            raise InputError(f"names has {len(labels)} entries but there are {cap.size} actors")
        seen: set[str] = set()
        for label in labels:
            if label in seen:
                raise InputError(f"actor {label!r} is repeated; actor names must be unique")
            seen.add(label)
    if scale is None:
        low, high = float(pos.min()), float(pos.max())
    else:
        try:
            low, high = (float(v) for v in scale)
        except (TypeError, ValueError):
            raise InputError(f"scale must be (low, high); got {scale!r}") from None
        if not (np.isfinite(low) and np.isfinite(high)) or high < low:
            raise InputError(f"scale must be finite with low <= high; got {scale!r}")
        if pos.min() < low - 1e-9 or pos.max() > high + 1e-9:
            raise InputError(
                f"positions span [{pos.min()}, {pos.max()}], outside the scale [{low}, {high}]"
            )
    return BargainInput(cap, pos, sal, labels, (low, high))


@dataclass(frozen=True)
class KtabData:
    """The content of a KTAB scenario CSV.

    Attributes
    ----------
    name, description : str
        From line 1.
    actors, descriptions : tuple of str
        Actor short names and descriptions.
    capability : numpy.ndarray, shape (n,)
        The ``Power``/``Influence`` column.
    positions, saliences : numpy.ndarray, shape (n, d)
        Positions on 0-100 and saliences as fractions (KTAB's 0-100 divided by 100).
    dimensions : tuple of str
        Dimension names taken from the header (``"Pstn1"`` -> ``"1"``,
        ``"Policy Position"`` -> ``"Policy"``).
    lines : tuple of int
        The file line of each actor's row.
    """

    name: str
    description: str
    actors: tuple[str, ...]
    descriptions: tuple[str, ...]
    capability: np.ndarray
    positions: np.ndarray
    saliences: np.ndarray
    dimensions: tuple[str, ...]
    lines: tuple[int, ...] = ()

    def check_smp(self, path) -> None:
        """Raise a located :class:`InputError` for an actor KTAB's SMP cannot weigh.

        KTAB's ``Model::vote`` refuses a capability <= 0 and ``bvDiff`` an actor with no
        salience on any dimension.
        """
        for k, name in enumerate(self.actors):
            where = f"{path}:{self.lines[k]}" if self.lines else f"{path}"
            if not self.capability[k] > 0:
                raise InputError(f"{where}: capability of {name!r} is {self.capability[k]:g}; "
                                 "the SMP needs a positive capability")
            if not self.saliences[k].sum() > 0:
                raise InputError(f"{where}: saliences of {name!r} are all 0; the SMP needs a "
                                 "positive salience on some dimension")

    def issue(self, dim: int = 0) -> BargainInput:
        """Validated inputs of dimension ``dim`` on the 0-100 scale."""
        return validate_inputs(
            self.capability,
            self.positions[:, dim],
            self.saliences[:, dim],
            names=self.actors,
            scale=(0.0, 100.0),
        )


def _cells(line: str) -> list[str]:
    row = next(csv.reader([line], skipinitialspace=True))
    cells = [c.strip() for c in row]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _number(text: str, where: str, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: {field} is {text!r}, not a number") from None
    if not np.isfinite(value):
        raise InputError(f"{where}: {field} is {text!r}; it must be finite")
    return value


def _dimension_name(header: str, fallback: str) -> str:
    text = header.strip()
    for token in ("Position", "Pstn", "position", "pstn"):
        if token in text:
            text = text.replace(token, "").strip()
            break
    return text or fallback


def read_ktab_csv(path: str | Path) -> KtabData:
    """Read a KTAB SMP scenario CSV.

    Line 1: ``name, description, nActors, nDims``; line 2: the header ``Actor,
    Description, Power|Influence, Pstn1, Sal1, ...``; then one row per actor. Spaces around
    fields and trailing commas are tolerated, blank lines are skipped.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    KtabData

    Raises
    ------
    InputError
        Naming file and line: unreadable file, a missing column, a non-numeric or
        negative capability, a position outside 0-100, a salience outside 0-100 or an
        actor's saliences summing above 100, a repeated actor, or an actor count that
        differs from ``nActors``.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    numbered = [(k + 1, ln) for k, ln in enumerate(lines) if ln.strip()]
    if len(numbered) < 3:
        raise InputError(f"{path}: a KTAB CSV needs a title line, a header and actor rows")
    lno, first = numbered[0]
    head = _cells(first)
    if len(head) < 4:
        raise InputError(f"{path}:{lno}: first line must be 'name, description, nActors, nDims'")
    n_actors = int(_number(head[2], f"{path}:{lno}", "nActors"))
    n_dims = int(_number(head[3], f"{path}:{lno}", "nDims"))
    if n_actors < 1 or n_dims < 1:
        raise InputError(f"{path}:{lno}: nActors and nDims must be >= 1")
    hno, header_line = numbered[1]
    header = _cells(header_line)
    need = 3 + 2 * n_dims
    if len(header) < need:
        raise InputError(
            f"{path}:{hno}: header has {len(header)} columns, {need} needed "
            f"(Actor, Description, Power, then position and salience for {n_dims} dimension(s))"
        )
    dims = tuple(_dimension_name(header[3 + 2 * d], str(d + 1)) for d in range(n_dims))
    actors: list[str] = []
    descs: list[str] = []
    caps: list[float] = []
    rows_p: list[list[float]] = []
    rows_s: list[list[float]] = []
    seen: dict[str, int] = {}
    where_lines: list[int] = []
    for k, line in numbered[2:]:
        where = f"{path}:{k}"
        cells = _cells(line)
        if len(cells) < need:
            missing = header[len(cells)] if len(cells) < len(header) else f"column {len(cells) + 1}"
            raise InputError(f"{where}: column {missing!r} is missing ({len(cells)} of {need})")
        name = cells[0]
        if not name:
            raise InputError(f"{where}: actor name is empty")
        if name in seen:
            raise InputError(f"{where}: actor {name!r} is repeated (first on line {seen[name]})")
        seen[name] = k
        power = _number(cells[2], where, header[2])
        if power < 0:
            raise InputError(f"{where}: {header[2]} of {name!r} is {power}; it must be >= 0")
        p_row, s_row = [], []
        for d in range(n_dims):
            p_field, s_field = header[3 + 2 * d], header[4 + 2 * d]
            p = _number(cells[3 + 2 * d], where, p_field)
            s = _number(cells[4 + 2 * d], where, s_field)
            if not 0 <= p <= 100:
                raise InputError(f"{where}: {p_field} of {name!r} is {p}; positions lie in 0-100")
            if not 0 <= s <= 100:
                raise InputError(f"{where}: {s_field} of {name!r} is {s}; saliences lie in 0-100")
            p_row.append(p)
            s_row.append(s)
        if sum(s_row) > 100 + 1e-6:
            raise InputError(
                f"{where}: saliences of {name!r} sum to {sum(s_row):g}; they must sum to <= 100"
            )
        actors.append(name)
        where_lines.append(k)
        descs.append(cells[1])
        caps.append(power)
        rows_p.append(p_row)
        rows_s.append(s_row)
    if len(actors) != n_actors:
        raise InputError(f"{path}:{lno}: nActors is {n_actors} but {len(actors)} actor rows follow")
    cap = np.asarray(caps, dtype=float)
    pos = np.asarray(rows_p, dtype=float)
    sal = np.asarray(rows_s, dtype=float) / 100.0
    return KtabData(head[0], head[1], tuple(actors), tuple(descs), cap, pos, sal, dims,
                    tuple(where_lines))
