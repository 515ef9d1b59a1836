"""The SMP run: states until KTAB's stopping rule, and its recorded history.

:func:`smp_model` is the entry point (KTAB ``SMPModel::configExec`` and ``Model::run``).
"""

from __future__ import annotations

__all__ = ["SMPRun", "smp_model", "validate_smp"]

from dataclasses import dataclass, field

import numpy as np

from factions.engines.bargain.smp.options import SMPOptions, smp_options
from factions.engines.bargain.smp.state import SMPArrays, Transition, setup_state, transition
from factions.engines.bargain.smp.utilities import utility_matrices
from factions.errors import InputError


@dataclass
class SMPRun:
    """History of one SMP run (positions on the input scale).

    Attributes
    ----------
    names, dimensions : tuple of str
    scale : (float, float)
        The positions' scale; the model works on it mapped to [0, 1].
    options : SMPOptions
    seed : int or None
        Seed of the generator of a ``Stochastic`` run.
    capability : numpy.ndarray, shape (n,)
    salience : numpy.ndarray, shape (n, d)
    positions, ideals : numpy.ndarray, shape (T, n, d)
        Every actor's position (and ideal) in each of the T states; state 0 is the input.
    win_prob : numpy.ndarray, shape (T, n)
        Chance that each actor's position wins (KTAB's "History of actors' winning
        probabilities", ``pDist(-1)``).
    risk, risk_prob : numpy.ndarray, shape (T, n)
        Risk attitudes :math:`R_i` and the risk-neutral PCE probabilities they come from.
    outcome : numpy.ndarray, shape (T, d)
        Expected outcome :math:`\\sum_q P_q x_q` over the unique positions of each state.
    transitions : list of Transition
        The T - 1 bargaining steps (targets, bargains, votes); the n × n challenge
        matrices and bargain utilities are kept only when ``matrices=True``.
    stopped : str
        ``"stable"`` (KTAB's ratio test) or ``"maxIter"``.
    matrices : dict
        With ``matrices=True``: ``"utility"`` (T, n, n, n) ``u[t, h, i, j]``, h's estimate
        of i's utility for j's position (KTAB ``PosUtil``); ``"distance"`` (T, n, n).
    """

    names: tuple[str, ...]
    dimensions: tuple[str, ...]
    scale: tuple[float, float]
    options: SMPOptions
    seed: int | None
    capability: np.ndarray
    salience: np.ndarray
    positions: np.ndarray
    ideals: np.ndarray
    win_prob: np.ndarray
    risk: np.ndarray
    risk_prob: np.ndarray
    outcome: np.ndarray
    transitions: list[Transition]
    stopped: str
    matrices: dict = field(default_factory=dict)

    @property
    def n_states(self) -> int:
        """Number of states, the initial one included (KTAB's "There were T states")."""
        return int(self.positions.shape[0])

    @property
    def final_positions(self) -> np.ndarray:
        return self.positions[-1]

    def tables(self, matrices: bool | None = None):
        """Tidy tables of the run (see :func:`factions.engines.bargain.smp.run_tables`)."""
        from factions.engines.bargain.smp.io import run_tables

        return run_tables(self, matrices)

    def to_sqlite(self, path, matrices: bool | None = None):
        """Write the run to one SQLite file (see :func:`~factions.engines.bargain.smp.write_db`)."""
        from factions.engines.bargain.smp.io import write_db

        return write_db(self, path, matrices)


def _array(name, values, shape_hint: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"smp {name} must be numbers ({shape_hint})") from None
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        raise InputError(f"smp {name}{list(bad[0])} is {arr[tuple(bad[0])]}; values must be finite")
    return arr


def validate_smp(capability, position, salience, scale=(0.0, 100.0), accommodation=None
                 ) -> SMPArrays:
    """Check SMP inputs once and map positions to the unit scale.

    Parameters
    ----------
    capability : array_like, shape (n,)
        Positive (KTAB's ``Model::vote`` refuses a weight <= 0).
    position : array_like, shape (n, d) or (n,)
        Positions inside ``scale``.
    salience : array_like, same shape as ``position``
        Fractions in [0, 1]; each actor's sum in (0, 1] (KTAB: at most 100 %).
    scale : (low, high)
        The positions' scale, ``low < high`` (KTAB: 0-100).
    accommodation : array_like, shape (n, n), optional
        Rates in [0, 1], rows summing to at most 1 (KTAB's ``IdealAdjustment``).

    Returns
    -------
    SMPArrays

    Raises
    ------
    InputError
        Naming the first offending actor and dimension.
    """
    cap = _array("capability", capability, "one per actor")
    if cap.ndim != 1 or cap.size < 2:
        raise InputError(f"smp needs a capability per actor, at least 2 actors; got shape {cap.shape}")
    n = cap.size
    pos = _array("position", position, "actors x dimensions")
    sal = _array("salience", salience, "actors x dimensions")
    pos = pos[:, None] if pos.ndim == 1 else pos
    sal = sal[:, None] if sal.ndim == 1 else sal
    for label, arr in (("position", pos), ("salience", sal)):
        if arr.ndim != 2 or arr.shape[0] != n or arr.shape[1] < 1:
            raise InputError(f"smp {label} must be {n} actors x dimensions; got shape {arr.shape}")
    if sal.shape != pos.shape:
        raise InputError(f"smp salience has shape {sal.shape} but position {pos.shape}")
    low, high = (float(v) for v in scale)
    if not (np.isfinite(low) and np.isfinite(high) and high > low):
        raise InputError(f"smp scale must be finite with low < high; got {scale!r}")
    for i in range(n):
        if not cap[i] > 0:
            raise InputError(f"smp capability of actor {i} is {cap[i]}; it must be > 0")
        for k in range(pos.shape[1]):
            if not low - 1e-9 <= pos[i, k] <= high + 1e-9:
                raise InputError(f"smp position of actor {i} on dimension {k} is {pos[i, k]}, "
                                 f"outside the scale [{low}, {high}]")
            if not 0 <= sal[i, k] <= 1:
                raise InputError(f"smp salience of actor {i} on dimension {k} is {sal[i, k]}; "
                                 "saliences lie in [0, 1]")
        total = sal[i].sum()
        if not 0 < total <= 1 + 1e-9:
            raise InputError(f"smp saliences of actor {i} sum to {total:g}; the sum must lie in "
                             "(0, 1] (KTAB: at most 100 %)")
    acc = None
    if accommodation is not None:
        acc = _array("accommodation", accommodation, "actors x actors")
        if acc.shape != (n, n):
            raise InputError(f"smp accommodation must be {n} x {n}; got shape {acc.shape}")
        if (acc < 0).any() or (acc > 1).any() or (acc.sum(axis=1) > 1 + 1e-10).any():
            raise InputError("smp accommodation rates must lie in [0, 1] with rows summing to <= 1")
        if np.allclose(acc, np.eye(n), rtol=0, atol=1e-10):
            acc = None
    unit = np.clip((pos - low) / (high - low), 0.0, 1.0)
    return SMPArrays(np.ascontiguousarray(cap), np.ascontiguousarray(sal),
                     np.ascontiguousarray(unit), acc)


def _state_distance(a, b) -> float:
    """KTAB ``stateDist``: sum over actors of the Euclidean distance (unit scale)."""
    return float(np.sqrt(((a - b) ** 2).sum(axis=1)).sum())


def smp_model(capability, position, salience, *, names=None, dimensions=None,
              scale=(0.0, 100.0), accommodation=None, options: SMPOptions | dict | None = None,
              seed: int | None = 0, rng: np.random.Generator | None = None,
              matrices: bool = False, **given) -> SMPRun:
    """KTAB's Spatial Model of Politics on all dimensions jointly.

    Each state: utilities :math:`u_i(x) = (1 - d)(1 + d R_i)` of salience-weighted
    distance d (:func:`~factions.engines.bargain.smp.weighted_distances`); risk attitudes
    :math:`R_i` from a risk-neutral probabilistic Condorcet election (PCE) over the
    positions (:func:`~factions.engines.bargain.smp.risk_attitudes`); every actor's most
    advantageous challenge, with third parties joining
    (:func:`~factions.engines.bargain.smp.best_challenges`); the bargains it proposes
    (:func:`~factions.engines.bargain.smp.form_bargains`); for every actor a PCE over the
    bargains put to it, in which all actors vote; the adopted bargains give the next state
    (:func:`~factions.engines.bargain.smp.transition`). The run stops, as KTAB's
    ``smpStopFn``, after step t when :math:`t \\ge` maxIter or when :math:`t \\ge` minIter
    and :math:`D(t-1, t) / (D(0, 1) + \\text{minSigDelta}) <` minDeltaRatio, D the sum of
    the actors' Euclidean moves on the unit scale.

    Parameters
    ----------
    capability : array_like, shape (n,)
    position, salience : array_like, shape (n, d)
        Positions on ``scale``; saliences as fractions (KTAB's 0-100 divided by 100).
    names, dimensions : sequence of str, optional
    scale : (low, high)
        Default 0-100 (KTAB).
    accommodation : array_like, shape (n, n), optional
        Ideal-accommodation rates (default identity: ideals follow positions).
    options : SMPOptions or mapping, optional
        Base options; ``**given`` override them (KTAB names or snake case, see
        :func:`~factions.engines.bargain.smp.smp_options`).
    seed : int, optional
        Seed for ``StateTransitions=Stochastic`` (default 0; ignored by deterministic runs).
    rng : numpy.random.Generator, optional
        Generator to use instead of ``seed``.
    matrices : bool
        Keep the per-state matrices (utilities n³, challenges and bargain utilities);
        for small n.

    Returns
    -------
    SMPRun

    Raises
    ------
    InputError
        On invalid inputs (:func:`validate_smp`).
    EngineError
        On invalid options, or a Markov PCE that does not converge.

    Examples
    --------
    >>> run = smp_model([100, 60, 35], [[30, 20], [45, 65], [30, 15]],
    ...                 [[.24, .48], [.447, .413], [.289, .651]])
    >>> run.positions.shape[1:]
    (3, 2)

    Notes
    -----
    Cost per state O(n³) (third-party votes of n² challenges, and the risk PCE) plus
    O(n Σ_k L_k²) for the votes over bargains (L_k bargains put to actor k); memory O(n²).
    Deterministic runs reproduce KTAB's ``smpc`` state by state (tested on KTAB's own
    reference runs); stochastic runs draw from ``numpy`` where KTAB draws from its own
    PRNG in thread order, so they match KTAB only in distribution. Departures, all outside
    KTAB's working range: n ≥ 2 actors with no upper limit (KTAB 3-250), equal
    risk-neutral probabilities give R = 0 (KTAB: 0/0), and an underflowing conditional
    PCE is taken in logarithms.

    References
    ----------
    .. [1] Wise, B., Lester, L. & Efird, B. (2015). An introduction to the KAPSARC Toolkit
       for Behavioral Analysis (KTAB) using one-dimensional spatial models. KAPSARC
       discussion paper KS-1517-DP09A.
    .. [2] KAPSARC. Multidimensional bargaining using KTAB. KAPSARC methodology paper,
       https://www.kapsarc.org/research/publications/multidimensional-bargaining-using-ktab/
    .. [3] KAPSARC (2015-2019). KTAB source, ``examples/smp/libsrc/smp.cpp``,
       ``smpbcn.cpp`` and ``KTAB/kmodel/libsrc/kmodel.cpp`` (github.com/KAPSARC/KTAB; read
       at the public fork lsyaseen/KTAB @3b5b063), MIT License.
    """
    opts = smp_options(options, **given)
    data = validate_smp(capability, position, salience, scale, accommodation)
    n, nd = data.position.shape
    names = tuple(str(v) for v in names) if names is not None else tuple(map(str, range(n)))
    dims = (tuple(str(v) for v in dimensions) if dimensions is not None
            else tuple(str(k + 1) for k in range(nd)))
    if len(names) != n or len(set(names)) != n:
        raise InputError(f"smp names must be {n} unique labels; got {names!r}")
    if len(dims) != nd:
        raise InputError(f"smp dimensions must be {nd} labels; got {dims!r}")
    if rng is None and opts.state_transitions == "Stochastic":
        rng = np.random.default_rng(seed)
    x, y = data.position.copy(), data.position.copy()
    setup = setup_state(data, x, y, opts)
    pos, idl, trans, kept = [x], [y], [], {"win_prob": [], "risk": [], "risk_prob": [],
                                           "outcome": [], "distance": []}

    def keep(s):  # per-state vectors; the n x n matrices only on request (memory O(n^2))
        for key in ("win_prob", "risk", "risk_prob", "outcome"):
            kept[key].append(getattr(s, key))
        if matrices:
            kept["distance"].append(s.distance)

    keep(setup)
    stopped = "maxIter"
    for it in range(1, opts.max_iter + 1):
        t = transition(data, x, y, setup, opts, rng)
        x, y = t.position, t.ideal
        if not matrices:
            t = _slim(t)
        trans.append(t)
        pos.append(x)
        idl.append(y)
        setup = setup_state(data, x, y, opts)
        keep(setup)
        d01 = _state_distance(pos[0], pos[1]) + opts.min_sig_delta
        if it >= opts.min_iter and _state_distance(pos[-2], pos[-1]) / d01 < opts.min_delta_ratio:
            stopped = "stable"
            break
    low, high = (float(v) for v in scale)
    span = high - low
    extra = {}
    if matrices:
        ra = opts.big_r_adjust
        extra = {"utility": np.stack([utility_matrices(d, r, ra) for d, r in
                                      zip(kept["distance"], kept["risk"], strict=True)]),
                 "distance": np.stack(kept["distance"])}
    return SMPRun(names, dims, (low, high), opts, seed, data.capability, data.salience,
                  low + span * np.stack(pos), low + span * np.stack(idl),
                  np.stack(kept["win_prob"]), np.stack(kept["risk"]), np.stack(kept["risk_prob"]),
                  low + span * np.stack(kept["outcome"]), trans, stopped, extra)


def _slim(t: Transition) -> Transition:
    """Drop the O(n²) matrices of a transition that a default run does not keep."""
    empty = np.zeros((0, 0))
    return Transition(t.target, t.target_prob, t.target_gain, empty, empty, t.bargains,
                      t.bargain_prob, empty, t.chosen, t.position, t.ideal)

