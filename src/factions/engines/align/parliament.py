"""Parliaments as weighted majority games: seat files and power tables."""

from __future__ import annotations

__all__ = ["power_table", "read_seats_csv"]

import csv
import io
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from factions.engines.align.power import banzhaf_swings, shapley_shubik
from factions.errors import InputError


def power_table(parties: Sequence, seats: Sequence[int], quota: float) -> pd.DataFrame:
    """One row per party: seats, seat share, Banzhaf (normalised, absolute), Shapley-Shubik.

    ``shapley_shubik`` is NaN when the exact computation would need more than 1.5 GB
    (thousands of parties with large seat counts); Banzhaf is always exact. ``swings`` is
    the exact swing count as a string (it can exceed any machine integer).

    Raises
    ------
    InputError
        Bad seats or quota, or ``len(parties) != len(seats)``.
    """
    if len(parties) != len(seats):
        raise InputError(f"{len(parties)} parties for {len(seats)} seat counts")
    swings = banzhaf_swings(seats, quota)
    total = sum(swings)
    n = len(seats)
    try:
        ss = shapley_shubik(seats, quota)
    except InputError:  # too large to do exactly: report what is exact
        ss = np.full(n, np.nan)
    return pd.DataFrame({
        "party": list(parties),
        "seats": [int(s) for s in seats],
        "seat_share": np.asarray(seats, dtype=float) / float(sum(seats)),
        "banzhaf": [float(Fraction(s, total)) for s in swings],
        "banzhaf_absolute": [float(Fraction(s, 1 << (n - 1))) for s in swings],
        "shapley_shubik": ss,
        "swings": [str(s) for s in swings],
    })


def read_seats_csv(path: str | Path) -> tuple[list[str], list[int]]:
    """Read a ``party,seats`` CSV (header required; extra columns ignored).

    Returns
    -------
    parties : list of str
    seats : list of int

    Raises
    ------
    InputError
        Missing file or columns, empty or duplicate party names, seats that are not
        non-negative integers; messages read ``file:line: problem``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read seats file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    fh = io.StringIO(text, newline="")
    parties, seats, seen = [], [], {}
    with fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in ("party", "seats") if c not in header]
        if missing:
            raise InputError(f"{path}:1: missing column(s) {', '.join(missing)}; "
                             "expected party,seats")
        ip, iseat = header.index("party"), header.index("seats")
        for line, rec in enumerate(reader, start=2):
            if not rec or all(not c.strip() for c in rec):
                continue
            if len(rec) <= max(ip, iseat):
                raise InputError(f"{path}:{line}: expected {len(header)} fields, got {len(rec)}")
            party, raw = rec[ip].strip(), rec[iseat].strip()
            if not party:
                raise InputError(f"{path}:{line}: empty party name")
            if party in seen:
                raise InputError(f"{path}:{line}: duplicate party {party!r} "
                                 f"(first at line {seen[party]})")
            if not raw.isdigit():
                raise InputError(f"{path}:{line}: seats must be a non-negative integer, "
                                 f"got {raw!r}")
            seen[party] = line
            parties.append(party)
            seats.append(int(raw))
    if not parties:
        raise InputError(f"{path}: no parties")
    return parties, seats
