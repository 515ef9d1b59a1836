"""KTAB's SMP options, named as KTAB names them, validated once.

KTAB (``KTAB/kmodel/libsrc/kmodel.h``, ``examples/smp/libsrc/smp.h``) configures a run
with nine enumerations; their names and values are kept verbatim here so that a KTAB
user's settings (from ``smpc`` or an XML ``<ModelParameters>`` block) carry over:

=====================  ===================================================  ==============
KTAB parameter         values (KTAB's order)                                default
=====================  ===================================================  ==============
``VictoryProbModel``   Linear, Square, Quartic, Octic, Binary               Linear
``VotingRule``         Binary, PropBin, Prop, PropCbc, Cubic, ASymProsp     Prop
``PCEModel``           Conditional, MarkovIncentive, MarkovUniform          Conditional
``StateTransitions``   Deterministic, Stochastic                            Deterministic
``BigRRange``          Min, Mid, Max                                        Mid
``BigRAdjust``         None, OneThird, Half, TwoThirds, Full                OneThird
``ThirdPartyCommit``   NoCommit, SemiCommit, FullCommit                     SemiCommit
``InterVecBrgn``       S1P1, S2P2, S2PMax                                   S2P2
``BargnModel``         InitOnlyInterp, InitRcvrInterp, PWCompInterp         InitOnlyInterp
=====================  ===================================================  ==============

plus the stopping rule of ``SMPModel::configExec`` (``minIter`` 2, ``maxIter`` 100,
``minDeltaRatio`` 0.02, ``minSigDelta`` 1e-4). Keys are accepted in KTAB's spelling
(``VictoryProbModel``), in snake case (``victory_prob_model``) or in any case; values in
any case (``square`` for ``Square``).
"""

from __future__ import annotations

__all__ = ["SMPOptions", "smp_options", "KTAB_PARAMETERS", "KTAB_DEFAULTS", "STOP_DEFAULTS"]

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from factions.errors import EngineError

#: KTAB parameter name -> its values, in KTAB's enumeration order (the index is KTAB's code).
KTAB_PARAMETERS: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "VotingRule": ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "BigRRange": ("Min", "Mid", "Max"),
    "BigRAdjust": ("None", "OneThird", "Half", "TwoThirds", "Full"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}
#: ``smpc``'s defaults (``SMPModel`` and ``Model`` member initialisers).
KTAB_DEFAULTS: dict[str, str] = {
    "VictoryProbModel": "Linear", "VotingRule": "Prop", "PCEModel": "Conditional",
    "StateTransitions": "Deterministic", "BigRRange": "Mid", "BigRAdjust": "OneThird",
    "ThirdPartyCommit": "SemiCommit", "InterVecBrgn": "S2P2", "BargnModel": "InitOnlyInterp",
}
#: The stopping rule of ``SMPModel::configExec``.
STOP_DEFAULTS: dict[str, float] = {"minIter": 2, "maxIter": 100, "minDeltaRatio": 0.02,
                                   "minSigDelta": 1e-4}

_FIELDS = {  # KTAB name -> dataclass field
    "VictoryProbModel": "victory_prob_model", "VotingRule": "voting_rule",
    "PCEModel": "pce_model", "StateTransitions": "state_transitions",
    "BigRRange": "big_r_range", "BigRAdjust": "big_r_adjust",
    "ThirdPartyCommit": "third_party_commit", "InterVecBrgn": "inter_vec_brgn",
    "BargnModel": "bargn_model", "minIter": "min_iter", "maxIter": "max_iter",
    "minDeltaRatio": "min_delta_ratio", "minSigDelta": "min_sig_delta",
    "ktabQuirks": "ktab_quirks",
}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


_BY_KEY = {_key(k): f for k, f in _FIELDS.items()} | {_key(f): f for f in _FIELDS.values()}
_KTAB_OF = {f: k for k, f in _FIELDS.items()}


@dataclass(frozen=True)
class SMPOptions:
    """One SMP configuration; values are KTAB's names (see the module table).

    Attributes
    ----------
    victory_prob_model, voting_rule, pce_model, state_transitions, big_r_range,
    big_r_adjust, third_party_commit, inter_vec_brgn, bargn_model : str
        KTAB's nine enumerations, by KTAB name.
    min_iter, max_iter : int
        Bounds on the number of bargaining steps (KTAB: 2 and 100).
    min_delta_ratio : float
        Stop once the last step moved the actors less than this fraction of the first
        step (KTAB: 0.02).
    min_sig_delta : float
        Added to the first step's movement so that a still first step cannot divide by
        zero (KTAB: 1e-4, on the unit scale).
    ktab_quirks : bool
        Keep two slips of KTAB's ``SMPState::doBCN`` that only matter for the
        ``InitRcvrInterp`` and ``PWCompInterp`` bargaining models (default ``True``:
        reproduce KTAB). See :func:`factions.engines.bargain.smp.form_bargains`.
    """

    victory_prob_model: str = "Linear"
    voting_rule: str = "Prop"
    pce_model: str = "Conditional"
    state_transitions: str = "Deterministic"
    big_r_range: str = "Mid"
    big_r_adjust: str = "OneThird"
    third_party_commit: str = "SemiCommit"
    inter_vec_brgn: str = "S2P2"
    bargn_model: str = "InitOnlyInterp"
    min_iter: int = 2
    max_iter: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4
    ktab_quirks: bool = True

    def code(self, ktab_name: str) -> int:
        """KTAB's integer code of one enumeration (its index in KTAB's list)."""
        return KTAB_PARAMETERS[ktab_name].index(getattr(self, _FIELDS[ktab_name]))

    def ktab(self) -> dict[str, object]:
        """The options under KTAB's names (``{"VictoryProbModel": "Linear", ...}``)."""
        return {_KTAB_OF[f]: v for f, v in asdict(self).items()}

    def replace(self, **changes) -> SMPOptions:
        """A copy with some options changed (any accepted spelling)."""
        return smp_options(self, **changes)


def _enum_value(ktab_name: str, value) -> str:
    allowed = KTAB_PARAMETERS[ktab_name]
    for v in allowed:
        if _key(v) == _key(value):
            return v
    raise EngineError(f"smp option {ktab_name} must be one of {', '.join(allowed)}; "
                      f"got {value!r}")


def _number(name: str, value, integer: bool) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise EngineError(f"smp option {name} must be a number; got {value!r}") from None
    if integer and x != int(x):
        raise EngineError(f"smp option {name} must be an integer; got {value!r}")
    return int(x) if integer else x


def _boolean(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise EngineError(f"smp option {name} must be true or false; got {value!r}")


def smp_options(base: SMPOptions | Mapping | None = None, **given) -> SMPOptions:
    """Validate SMP options given in any accepted spelling; returns :class:`SMPOptions`.

    Parameters
    ----------
    base : SMPOptions or mapping, optional
        Starting options (default KTAB's defaults); a mapping is read like ``given``.
    **given
        Options by KTAB name (``VotingRule="PropCbc"``), snake case
        (``voting_rule="PropCbc"``) or any case; values by KTAB name in any case.

    Returns
    -------
    SMPOptions

    Raises
    ------
    EngineError
        On an unknown option or value, or stopping bounds that are not ``minIter >= 1``,
        ``maxIter >= 1`` (the run stops at maxIter even before minIter, as KTAB's),
        ``minDeltaRatio >= 0``, ``minSigDelta > 0``.

    Examples
    --------
    >>> smp_options(VictoryProbModel="square", bargn_model="PWCompInterp").victory_prob_model
    'Square'
    """
    if base is None:
        values = asdict(SMPOptions())
    elif isinstance(base, SMPOptions):
        values = asdict(base)
    else:
        values = asdict(smp_options(None, **dict(base)))
    for key, value in given.items():
        field = _BY_KEY.get(_key(key))
        if field is None:
            known = ", ".join(_FIELDS)
            raise EngineError(f"unknown smp option {key!r}; known (KTAB names): {known}")
        name = _KTAB_OF[field]
        if name in KTAB_PARAMETERS:
            values[field] = _enum_value(name, value)
        elif field in ("min_iter", "max_iter"):
            values[field] = _number(name, value, integer=True)
        elif field == "ktab_quirks":
            values[field] = _boolean(name, value)
        else:
            values[field] = _number(name, value, integer=False)
    out = SMPOptions(**values)
    if out.min_iter < 1 or out.max_iter < 1:
        raise EngineError(f"smp needs minIter >= 1 and maxIter >= 1; got minIter={out.min_iter}, "
                          f"maxIter={out.max_iter}")
    if not out.min_delta_ratio >= 0:
        raise EngineError(f"smp option minDeltaRatio must be >= 0; got {out.min_delta_ratio}")
    if not out.min_sig_delta > 0:
        raise EngineError(f"smp option minSigDelta must be > 0; got {out.min_sig_delta}")
    return out
