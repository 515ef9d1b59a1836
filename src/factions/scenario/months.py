"""Calendar months as ``YYYY-MM`` strings, and arithmetic on them."""

from __future__ import annotations

import functools

__all__ = ["parse_month", "month_index", "month_range", "add_months", "MONTH_PATTERN"]

import datetime as _dt
import re

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(value: object) -> str:
    """Normalise a month given as ``YYYY-MM`` (or a YAML date, whose day is refused).

    Raises
    ------
    ValueError
        With a message fit for the user when ``value`` is not a month.
    """
    if isinstance(value, _dt.date):
        raise ValueError(f"must be a month YYYY-MM, got the date {value.isoformat()}")
    if not isinstance(value, str) or not MONTH_PATTERN.match(value.strip()):
        raise ValueError(f"must be a month YYYY-MM, got {value!r}")
    return value.strip()


@functools.lru_cache(maxsize=4096)
def month_index(month: str) -> int:
    """Months since year 0, so that consecutive months differ by one."""
    m = MONTH_PATTERN.match(month)
    if not m:
        raise ValueError(f"must be a month YYYY-MM, got {month!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def add_months(month: str, n: int) -> str:
    i = month_index(month) + n
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def month_range(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` inclusive."""
    a, b = month_index(start), month_index(end)
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(a, b + 1)]
