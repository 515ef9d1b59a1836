"""One entry point for every balance-dynamics model: :func:`balance_dynamics`."""

from __future__ import annotations

__all__ = ["balance_dynamics"]

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from factions.engines.align.dynamics.continuous import run_continuous
from factions.engines.align.dynamics.heider import run_heider
from factions.engines.align.dynamics.landscape import run_landscape
from factions.engines.align.dynamics.options import validate_options
from factions.engines.align.dynamics.result import DynamicsResult, Recorder
from factions.engines.align.dynamics.state import balanced_labels, prepare
from factions.engines.align.dynamics.triads import run_constrained_triad, run_local_triad
from factions.engines.align.graph import SignedGraph

_RUNNERS = {
    "continuous": run_continuous,
    "heider": run_heider,
    "local_triad": run_local_triad,
    "constrained_triad": run_constrained_triad,
    "landscape": run_landscape,
}
_DENSE = {"continuous", "heider"}


def balance_dynamics(graph, model: str = "continuous", *, fixed=None,
                     nodes: Sequence[Hashable] | None = None,
                     seed: int | np.random.Generator = 0, **params: Any) -> DynamicsResult:
    """Evolve a signed weighted network under one model of structural-balance dynamics.

    Parameters
    ----------
    graph : SignedGraph, networkx.Graph or array_like (n, n)
        Starting ties; signed weights ``sign * weight`` in [-1, 1] (a matrix: symmetric,
        zero diagonal, 0 = no tie). networkx graphs are read by
        :func:`~factions.engines.align.from_networkx`.
    model : {'continuous', 'heider', 'local_triad', 'constrained_triad', 'landscape'}
        * ``continuous``: dX/dt = X^2 (Marvel et al. 2011) [1]_;
        * ``heider``: dr_ij/dt = (1 - (r_ij/R)^2) sum_k r_ik r_kj (Kulakowski et al. 2005) [2]_;
        * ``local_triad`` / ``constrained_triad``: LTD / CTD (Antal et al. 2005) [3]_;
        * ``landscape``: myopic minimisation of the aggregation energy (Axelrod & Bennett
          1993) [4]_.
    fixed : bool array (n, n) or iterable of (a, b) actor pairs, optional
        Ties held at their starting value (they never move).
    nodes : sequence, optional
        Actor labels of a plain matrix (default ``0 .. n-1``).
    seed : int or numpy.random.Generator
        Randomness of the stochastic models (and of the bloc heuristic when the end state is
        not balanced); same seed, same result.
    **params
        ``steps`` (None: to convergence), ``max_steps`` (10,000), ``rate`` (model time per
        step), ``inertia`` (0 <= inertia < 1), ``record_every`` (1) and the model's own:
        ``tol`` (continuous), ``bound`` R and ``dt`` (heider), ``p`` (local_triad),
        ``sizes`` and ``start`` (landscape). See :data:`MODELS` for types, ranges, defaults.

    Returns
    -------
    DynamicsResult
        Final matrix, blocs, status, trajectory (``step, time, a, b, weight``) and summary.

    Raises
    ------
    EngineError
        Unknown model or parameter, or a parameter out of range (one line per problem).
    InputError
        Weights outside [-1, 1], a non-symmetric matrix, a fixed tie naming an unknown actor,
        landscape ``sizes``/``start`` naming unknown actors (one line per problem).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0, .5, -.2], [.5, 0, .3], [-.2, .3, 0]])
    >>> res = balance_dynamics(x, "continuous")
    >>> res.status, res.blocs.tolist()
    ('balanced', [0, 0, 0])
    >>> balance_dynamics(x, "constrained_triad", seed=1).balanced
    True

    Notes
    -----
    The contract every model meets:

    * **Steps and time.** A step advances model time by ``rate``: for the continuous models
      ``rate`` is the integration interval; for the triad models one time unit is ``M``
      update events (``M`` ties, as in [3]_); for the landscape model one unit is ``n`` actor
      decisions. ``steps=None`` runs until the state can no longer change (``converged``),
      at most ``max_steps`` steps; otherwise exactly ``steps`` steps (fewer if it converges).
    * **Fixed ties** keep their starting value through every step and in the trajectory.
    * **Inertia** ``a``: continuous models blend each step, ``X <- a X + (1 - a) Phi(X)``;
      discrete models refuse each proposed move with probability ``a``. For one
      uninterrupted run this slows time by ``1 - a`` (exactly for the discrete models, to
      first order in ``rate`` for the continuous ones); it matters when steps are
      interleaved with outside changes.
    * **Weights** stay in [-1, 1]: the heider model by its bound ``R <= 1``; the continuous
      model's state grows without bound (it blows up at ``t* = 1/lambda_1``) and is reported
      saturated, ``clip(X, -1, 1)`` (``extra['scale']`` is the internal max |X|); the triad
      models reverse signs and keep each tie's strength; the landscape model reports the
      alignment, ``+|p_ij|`` for actors in the same coalition, ``-|p_ij|`` across.
    * **Ties that evolve.** The continuous models evolve every pair (absent ties start at
      0 and fill in); the triad and landscape models act on the given ties only.
    * **Blocs** are the exact 2-colouring of a balanced end state; otherwise, for the
      continuous models, the signs of the dominant eigenvector of the end state (the split
      dX/dt = X^2 would reach from there), for the triad models the best two-bloc partition
      found by :func:`~factions.engines.align.frustration_heuristic`; for the landscape
      model, the coalitions.

    Symmetries (tested): relabelling actors commutes with every model (exactly for the
    deterministic ones, in distribution for the stochastic ones). Switching, ``X -> D X D``
    with ``D = diag(+-1)``, commutes with ``continuous``, ``heider`` and
    ``constrained_triad`` (exactly, seed for seed) and maps ``landscape`` minima to minima
    (the energy shifts by a constant); it does *not* hold for ``local_triad`` (its ``p``
    treats positive and negative ties differently). Reversing every sign is a symmetry of
    none of them: it turns every balanced triangle into an imbalanced one.

    References
    ----------
    .. [1] Marvel, S. A., Kleinberg, J., Kleinberg, R. D., & Strogatz, S. H. (2011).
       Continuous-time model of structural balance. PNAS 108(5), 1771-1776.
    .. [2] Kulakowski, K., Gawronski, P., & Gronek, P. (2005). The Heider balance: a
       continuous approach. Int. J. Mod. Phys. C 16(5), 707-716.
    .. [3] Antal, T., Krapivsky, P. L., & Redner, S. (2005). Dynamics of social balance on
       networks. Phys. Rev. E 72, 036121.
    .. [4] Axelrod, R., & Bennett, D. S. (1993). A landscape theory of aggregation. British
       Journal of Political Science 23(2), 211-233.
    """
    opts = validate_options(model, params)
    st = prepare(graph, fixed=fixed, nodes=nodes)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    pairs = np.ones((st.n, st.n), dtype=bool) if model in _DENSE else st.present
    rec = Recorder(st.nodes, pairs, opts["record_every"])
    out = _RUNNERS[model](st, opts, rng, rec)
    blocs = balanced_labels(out.matrix)
    balanced = blocs is not None
    if model == "landscape":
        blocs = np.asarray(out.extra["coalitions"], dtype=np.int64)
        blocs = blocs if blocs.size == 0 or blocs[0] == 0 else 1 - blocs
    if blocs is None:
        blocs = _spectral_blocs(out.matrix) if model in _DENSE else \
            _heuristic_blocs(st.nodes, out.matrix, rng)
    return DynamicsResult(
        model=model, nodes=st.nodes, params=_public(opts),
        seed=None if isinstance(seed, np.random.Generator) else int(seed),
        status=out.status, converged=out.converged, steps=out.steps, time=out.time,
        initial=st.weights, matrix=out.matrix, present=st.present, fixed=st.fixed,
        blocs=blocs, balanced=balanced, extra=out.extra, recorder=rec)


def _public(opts: dict) -> dict:
    return {k: (v if not isinstance(v, np.ndarray) else v.tolist()) for k, v in opts.items()}


def _spectral_blocs(matrix: np.ndarray) -> np.ndarray:
    """Signs of the dominant eigenvector: the split dX/dt = X^2 would reach from here."""
    _, vec = np.linalg.eigh(matrix)
    labels = (vec[:, -1] < 0).astype(np.int64)
    return labels if labels.size == 0 or labels[0] == 0 else 1 - labels


def _heuristic_blocs(nodes, matrix: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    from factions.engines.align.heuristic import frustration_heuristic

    i, j = np.nonzero(np.triu(matrix != 0, 1))
    if i.size == 0:
        return np.zeros(len(nodes), dtype=np.int64)
    w = matrix[i, j]
    g = SignedGraph(tuple(nodes), i.astype(np.int64), j.astype(np.int64),
                    np.where(w > 0, 1, -1).astype(np.int8), np.abs(w))
    return frustration_heuristic(g, 2, seed=rng).labels



