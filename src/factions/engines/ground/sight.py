"""What agents see, kept up to date instead of recounted: count fields and an empty-site
bitboard.

A citizen's decision needs ``C`` (cops and peacekeepers in its vision) and ``A`` (actives
of its group); a cop's needs the actives in its vision; everybody's move needs the empty
sites. Scanning the ~112 sites of a radius-7 diamond for each agent step cost most of the
kernel's time, so the kernel keeps instead:

* **count fields**, one number per site: :attr:`Sight.cops` (forces in citizen vision of
  the site), :attr:`Sight.own` (``own[g]``: actives of ``g`` in citizen vision) and
  :attr:`Sight.acts` (actives of any group in the forces' vision). They change only when a
  cop or an active moves, a citizen changes state, or an active leaves the lattice, and
  then by adding +-1 over one vision shape (:func:`spread`; a move only touches the
  sites that start or stop seeing the mover, :class:`Shift`). Quiet citizens, the large
  majority, change nothing when they move. Vision shapes are symmetric, so "the sites
  that see ``q``" are the sites ``q + o`` for the offsets ``o`` of the vision. The fields
  are laid out like the padded site codes and written without wrapping round the torus;
  a site's count is the sum over the site and its halo copies (:func:`seen`).
* **an empty-site bitboard** (:attr:`~.state.Lattice.empty`), one bit per padded site,
  written together with the site codes. The empty sites of a neighbourhood are counted by
  row segments, 64 sites per popcount (:func:`count_empty`), and the count stops as soon
  as it is large enough for the move's rejection sampling, so exact counts are only made
  where empty sites are rare.

Both are exact, so decisions and random draws are exactly those of a full scan.
"""

from __future__ import annotations

__all__ = ["Sight", "Shift", "segments", "popcount", "sight", "spread", "shift", "seen",
           "count_empty", "pick_empty"]

from typing import NamedTuple

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

from factions.engines.ground.lattice import aliases
from factions.engines.ground.state import CITIZEN, HOT, INLINE, TOP
from factions.engines.ground.stream import randbelow

_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@intrinsic
def popcount(typingctx, x):
    """Number of set bits of a uint64 (LLVM ``ctpop``: one instruction on x86-64)."""
    if x != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


def segments(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Row segments ``(dy, first dx, length)`` covering a vision shape, longest first.

    The agent's own site is counted in when it joins two runs of a row (it is never empty
    while the agent stands on it, so counts of empty sites are unchanged); segments are cut
    to at most 64 sites (one machine word).
    """
    out = []
    rows: dict[int, list[int]] = {}
    for x, y in zip(dx.tolist(), dy.tolist(), strict=True):
        rows.setdefault(y, []).append(x)
    for y, xs in rows.items():
        have = set(xs)
        if y == 0 and -1 in have and 1 in have:
            have.add(0)
        run: list[int] = []
        for x in sorted(have):
            if run and x != run[-1] + 1:
                out.append((y, run[0], len(run)))
                run = []
            run.append(x)
        if run:
            out.append((y, run[0], len(run)))
    cut = []
    for y, lo, n in out:
        for start in range(0, n, 64):
            cut.append((y, lo + start, min(64, n - start)))
    cut.sort(key=lambda s: (-s[2], s[0], s[1]))
    return np.array(cut, np.int64).reshape(-1, 3)


class Shift(NamedTuple):
    """How a count field changes when its source moves by one of its move offsets ``o``.

    ``plus[pstart[o]:pstart[o + 1]]``: flat offsets, from the new site, of the sites that
    now see it; ``minus[mstart[o]:mstart[o + 1]]``: from the old site, those that no longer
    do. On a radius-7 diamond these are 102 sites on average instead of 2 x 112.
    """

    pstart: np.ndarray
    plus: np.ndarray
    mstart: np.ndarray
    minus: np.ndarray


class Sight(NamedTuple):
    """Count fields of one kernel call (rebuilt from the lattice by :func:`sight`).

    The fields are 16-bit: a count never exceeds the number of sites of a vision (at most
    16,640 under :data:`~.params.MAX_VISION`), and half-size fields measured 7-25% faster
    per agent-step than 32-bit ones (less cache traffic).

    Attributes
    ----------
    cops : (padded sites,) int16
        Cops and peacekeepers in citizen vision of each site (read with :func:`seen`).
    own : (G, padded sites) int16
        Actives of group ``g`` in citizen vision of each site (the site itself excluded).
    acts : (padded sites,) int16
        Actives of any group in the forces' vision of each site.
    p_arrest : (len(cdx) + 1,) float64
        ``1 - exp(-k m)`` for the integer ratios ``m`` (floor and round rules).
    cop_shift, own_shift, act_shift : Shift
        Updates of ``cops`` when a force moves, of ``own`` and of ``acts`` when an active
        citizen moves.
    cbits, kbits : (segments, 2) int64
        The row segments of citizens' and forces' vision as (offset in bits in the
        bitboard :attr:`~.state.Lattice.empty` from the viewer's bit, length).
    """

    cops: np.ndarray
    own: np.ndarray
    acts: np.ndarray
    p_arrest: np.ndarray
    cop_shift: Shift
    own_shift: Shift
    act_shift: Shift
    cbits: np.ndarray
    kbits: np.ndarray


@njit(**HOT)
def spread(field, flat, base, d):
    """Add ``d`` to ``field`` at every site within the vision ``flat`` of padded ``base``."""
    for o in range(flat.size):
        field[base + flat[o]] += d


@njit(**INLINE)
def shift(field, sh, o, old, new):
    """Move of a source of ``field`` by its move offset ``o`` from padded ``old`` to ``new``."""
    for e in range(sh.pstart[o], sh.pstart[o + 1]):
        field[new + sh.plus[e]] += 1
    for e in range(sh.mstart[o], sh.mstart[o + 1]):
        field[old + sh.minus[e]] -= 1


@njit(**INLINE)
def seen(field, lat, x, y):
    """Count of ``field`` at site ``(x, y)``: the sum over the site and its halo copies
    (four reads without branches; a copy that does not exist is the site again, weighted
    0)."""
    r1, r2, c1, c2 = aliases(lat, x, y)
    pw = lat.padded_width
    ex = c2 != c1
    ey = r2 != r1
    return (field[r1 * pw + c1] + ex * field[r1 * pw + c2] + ey * field[r2 * pw + c1]
            + (ex & ey) * field[r2 * pw + c2])


@njit(cache=True)
def _shift_table(mdx, mdy, vdx, vdy, pw):
    """:class:`Shift` of a field over vision ``(vdx, vdy)`` whose sources move by
    ``(mdx, mdy)``."""
    reach = 1
    for a in (mdx, mdy, vdx, vdy):
        for v in a:
            reach = max(reach, abs(v))
    side = 4 * reach + 1
    inside = np.zeros((side, side), np.bool_)
    c0 = 2 * reach
    for j in range(vdx.size):
        inside[vdy[j] + c0, vdx[j] + c0] = True
    n_m, n_v = mdx.size, vdx.size
    pstart = np.zeros(n_m + 1, np.int64)
    mstart = np.zeros(n_m + 1, np.int64)
    plus = np.empty(n_m * n_v, np.int32)
    minus = np.empty(n_m * n_v, np.int32)
    n_p = n_n = 0
    for o in range(n_m):
        for j in range(n_v):
            if not inside[vdy[j] + mdy[o] + c0, vdx[j] + mdx[o] + c0]:
                plus[n_p] = vdy[j] * pw + vdx[j]
                n_p += 1
            if not inside[vdy[j] - mdy[o] + c0, vdx[j] - mdx[o] + c0]:
                minus[n_n] = vdy[j] * pw + vdx[j]
                n_n += 1
        pstart[o + 1] = n_p
        mstart[o + 1] = n_n
    return Shift(pstart, plus[:n_p].copy(), mstart, minus[:n_n].copy())


@njit(cache=True)
def sight(lat, rules, cflat, kflat):
    """Build the count fields of the current lattice (O((cops + actives) x vision))."""
    w, r, pw = lat.width, lat.pad, lat.padded_width
    n = lat.code.size
    cops = np.zeros(n, np.int16)
    own = np.zeros((rules.legit.size, n), np.int16)
    acts = np.zeros(n, np.int16)
    for i in range(lat.meta[TOP]):
        p = lat.pos[i]
        if not lat.alive[i] or p < 0:
            continue
        base = (p // w + r) * pw + p % w + r
        if lat.kind[i] != CITIZEN:
            spread(cops, cflat, base, 1)
        elif lat.active[i]:
            spread(own[lat.group[i]], cflat, base, 1)
            spread(acts, kflat, base, 1)
    p_arrest = np.empty(cflat.size + 1)
    for m in range(cflat.size + 1):
        p_arrest[m] = 1.0 - np.exp(-rules.k * float(m))
    return Sight(cops, own, acts, p_arrest,
                 _shift_table(rules.kdx, rules.kdy, rules.cdx, rules.cdy, pw),
                 _shift_table(rules.cdx, rules.cdy, rules.cdx, rules.cdy, pw),
                 _shift_table(rules.cdx, rules.cdy, rules.kdx, rules.kdy, pw),
                 _bits(rules.cseg, lat.row_words), _bits(rules.kseg, lat.row_words))


@njit(cache=True)
def _bits(seg, row_words):
    out = np.empty((seg.shape[0], 2), np.int64)
    for j in range(seg.shape[0]):
        out[j, 0] = seg[j, 0] * 64 * row_words + seg[j, 1]
        out[j, 1] = seg[j, 2]
    return out


@njit(**INLINE)
def _window(bits, start, length):
    """Bits ``start .. start + length - 1`` of a bitboard (``length`` in 1..64)."""
    k = start >> 6
    b = np.uint64(start & 63)
    v = (bits[k] >> b) | ((bits[k + 1] << np.uint64(1)) << (np.uint64(63) - b))
    return v & (_ALL >> np.uint64(64 - length))


@njit(**INLINE)
def count_empty(empty, seg, at, enough):
    """Empty sites in vision ``seg`` (:attr:`Sight.cbits`) of the viewer at bit ``at``:
    exact if below ``enough``, else some number ``>= enough`` (the count stops there)."""
    n = 0
    for j in range(seg.shape[0]):
        n += popcount(_window(empty, at + seg[j, 0], seg[j, 1]))
        if n >= enough:
            break
    return n


@njit(**INLINE)
def pick_empty(rs, code, flat, base, n_emp, enough):
    """Offset index of a uniformly random empty site in vision (``n_emp`` > 0 empty sites;
    ``n_emp >= enough`` means "many"): the draws of :func:`.scan.pick` with the empty flag."""
    n = flat.size
    if n_emp >= enough:
        while True:
            o = randbelow(rs, n)
            if code[base + flat[o]] == 0:
                return o
    r = randbelow(rs, n_emp)
    for o in range(n):
        if code[base + flat[o]] == 0:
            if r == 0:
                return o
            r -= 1
    return -1
