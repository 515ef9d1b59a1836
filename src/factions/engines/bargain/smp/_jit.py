"""Serial and parallel twins of a numba kernel, chosen by problem size.

On a small problem the threads of a parallel kernel cost more than they save (and far
more on a busy machine, where each synchronisation can wait a scheduler slice), so the
O(n³) kernels come in two compiled versions and :func:`pick` takes the parallel one only
from :data:`PARALLEL_MIN_ACTORS` actors on.
"""

from __future__ import annotations

__all__ = ["twin", "pick", "PARALLEL_MIN_ACTORS"]

import types

from numba import njit

#: Below this many actors the serial kernels run (measured: at 160 actors on 2 busy cores
#: the parallel ones were 2-3x slower; from a few hundred on they win when cores are free).
PARALLEL_MIN_ACTORS = 256


def twin(fn):
    """``(serial, parallel)`` numba dispatchers of one Python kernel (``prange`` inside).

    The parallel copy gets its own qualified name, so that numba's on-disk cache keeps
    the two compiled versions apart.
    """
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_parallel",
                              fn.__defaults__, fn.__closure__)
    copy.__qualname__ = fn.__qualname__ + "_parallel"
    copy.__doc__ = fn.__doc__
    return njit(cache=True)(fn), njit(cache=True, parallel=True)(copy)


def pick(pair, n: int):
    """The serial or the parallel dispatcher of ``pair`` for a problem of n actors."""
    return pair[1] if n >= PARALLEL_MIN_ACTORS else pair[0]
