"""Shared history: a lattice run resumes from the last month it has in common with an
earlier run in the same process.

The named scenarios of one draw share their seed (common random numbers) and differ only
from the month their shocks first change a lattice parameter: until then every one of them
runs exactly the same ticks. :class:`PrefixMemo` keeps a copy of the simulator
(:meth:`~factions.engines.ground.simulator.Simulator.copy`) after every
:data:`STORE_EVERY`-th month (and the last), keyed by a
digest of everything that determined it — the lattice's size and rules, the first month's
agents and parameters, the random stream's starting state, and each month's parameters so
far — and a later run starts from the copy with the longest matching history. The kernel
is deterministic given its state and stream, so a resumed run is bit-for-bit the run from
the start (``tests/ground/test_prefix.py`` checks it, scenario by scenario); only the time
differs.

The memo is per process and bounded (least recently used copies are dropped past
:data:`MAX_BYTES`); :func:`memo_stats` counts hits, and :func:`clear_memo` empties it.
Cost: one copy of the state arrays (about 105 bytes per site) per ``STORE_EVERY`` months
run.
"""

from __future__ import annotations

__all__ = ["PrefixMemo", "MEMO", "MAX_BYTES", "STORE_EVERY", "clear_memo", "memo_stats", "digest_chain"]

import hashlib
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

#: the memo's bound, in bytes of copied state arrays (per process)
MAX_BYTES = 192 * 2**20

#: a run keeps a copy every this many months (and after its last): a copy costs about a
#: fifth of a month's ticks, a resumed run reruns at most ``STORE_EVERY - 1`` shared months
STORE_EVERY = 2


def _update(h, *parts) -> None:
    for part in parts:
        if isinstance(part, np.ndarray):
            a = np.ascontiguousarray(part)
            h.update(f"{a.dtype.str}{a.shape}".encode())
            h.update(a.tobytes())
        else:
            h.update(repr(part).encode())
        h.update(b"\x1f")


def digest_chain(setup: Sequence, months: Sequence[Sequence]) -> list[bytes]:
    """Digests ``d_0 .. d_M``: ``d_0`` of the ``setup`` values, ``d_k`` of ``d_{k-1}`` and
    month ``k``'s values (numpy arrays are hashed by dtype, shape and bytes, anything else by
    its ``repr``)."""
    h = hashlib.blake2b(digest_size=20)
    _update(h, *setup)
    out = [h.digest()]
    for values in months:
        h = hashlib.blake2b(out[-1], digest_size=20)
        _update(h, *values)
        out.append(h.digest())
    return out


class PrefixMemo:
    """Copies of running simulators by the digest of their history (least recently used
    dropped past ``max_bytes``)."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict[bytes, tuple[object, int]] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.months_saved = 0

    def __len__(self) -> int:
        return len(self._items)

    def longest(self, digests: Sequence[bytes]):
        """``(k, simulator copy)`` for the largest ``k`` whose ``digests[k]`` is held, or
        ``(-1, None)``."""
        for k in range(len(digests) - 1, -1, -1):
            item = self._items.get(digests[k])
            if item is not None:
                self._items.move_to_end(digests[k])
                self.hits += 1
                self.months_saved += k
                return k, item[0].copy()
        self.misses += 1
        return -1, None

    def put(self, digest: bytes, sim) -> None:
        """Keep a copy of ``sim`` under ``digest``."""
        if digest in self._items or self.max_bytes <= 0:
            return
        size = sim.nbytes()
        if size > self.max_bytes:
            return
        self._items[digest] = (sim.copy(), size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, n) = self._items.popitem(last=False)
            self.bytes -= n

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0
        self.hits = self.misses = self.months_saved = 0


#: the process's memo, used by the ground engine on a scenario
MEMO = PrefixMemo()


def clear_memo() -> None:
    """Empty the process's memo and reset its counters."""
    MEMO.clear()


def memo_stats() -> dict[str, int]:
    """``hits``, ``misses``, ``months_saved`` (months not rerun), ``entries``, ``bytes``."""
    return {"hits": MEMO.hits, "misses": MEMO.misses, "months_saved": MEMO.months_saved,
            "entries": len(MEMO), "bytes": MEMO.bytes}
