"""The SMP against KTAB's own reference runs (figures in data/, see data/SOURCES.md).

KTAB prints 3 or 4 decimals; every comparison allows half a unit of the last printed
decimal (plus float noise), positions on 0-100.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from factions.engines.bargain import read_ktab_csv, smp_model
from factions.engines.bargain.smp import (
    KTAB_DEFAULTS,
    challenge_estimates,
    setup_state,
    smp_options,
    transition,
    utility_matrices,
    validate_smp,
)

DATA = Path(__file__).parent / "data"
SOE = json.loads((DATA / "ktab_ref_soe_pol_comp.json").read_text())
DIM3 = json.loads((DATA / "ktab_ref_dummy_3dim.json").read_text())
EXAMPLE = json.loads((DATA / "ktab_ref_smp_example.json").read_text())
HALF3, HALF4 = 5e-4 + 1e-9, 5e-5 + 1e-9

# smpExample.xml as the reference log reports reading it (positions, saliences on 0-100)
# and its capabilities and IdealAdjustment pairs from the XML (KTAB examples/smp/doc/).
EX_CAP = [117.7, 93.2, 61.4, 135.4, 63.8]
EX_POS = [[52.8, 39.8, 39.6], [15.9, 61.4, 72.0], [61.1, 86.5, 44.5], [26.3, 16.5, 15.9],
          [73.3, 61.1, 26.3]]
EX_SAL = [[32.3, 22.4, 13.4], [25.2, 34.5, 26.5], [28.8, 28.6, 18.2], [15.6, 42.0, 14.3],
          [39.7, 19.9, 15.8]]
EX_ACC = np.eye(5)
EX_ACC[0, 0], EX_ACC[1, 1], EX_ACC[1, 0] = 0.87, 0.75, 0.07
EX_ACC[2, 2], EX_ACC[2, 3], EX_ACC[3, 3] = 0.65, 0.13, 0.57


def _ktab(csv):
    k = read_ktab_csv(DATA / csv)
    return k, validate_smp(k.capability, k.positions, k.saliences)


def _estimates(ref, data, setup, opts):
    rows = np.array([r[:4] for r in ref["turn0_estimates"]])
    h, i, j, k = rows.T  # log order: estimator, initiator, receiver, affected
    est = challenge_estimates(h, k, i, j, setup.distance, setup.risk,
                              opts.code("BigRAdjust"), data.capability * data.salience_sum,
                              data.salience_sum, opts.code("VotingRule"),
                              opts.code("ThirdPartyCommit"))
    want = np.array([r[4:] for r in ref["turn0_estimates"]])
    np.testing.assert_allclose(est[:, 0], want[:, 0], atol=HALF4, rtol=0)
    np.testing.assert_allclose(est[:, 4] - est[:, 1], want[:, 1], atol=HALF4, rtol=0)


def _bargain_votes(ref, data, x, setup, opts, chosen=True):
    t = transition(data, x, x, setup, opts)
    b = t.bargains
    for vote in ref["turn0_bargain_votes"]:
        k = vote["actor"]
        items = b.items[b.ptr[k]:b.ptr[k + 1]]
        probs = t.bargain_prob[b.ptr[k]:b.ptr[k + 1]]
        ours = {(int(b.init[q]), int(b.rcvr[q])): p for q, p in zip(items, probs, strict=True)}
        assert sorted(ours) == sorted(map(tuple, vote["bargains"])), k
        for pair, p in zip(vote["bargains"], vote["prob"], strict=True):
            assert ours[tuple(pair)] == pytest.approx(p, abs=HALF4), (k, pair)
        c = t.chosen[k]
        if chosen:  # only a deterministic run picks the most probable bargain
            assert [int(b.init[c]), int(b.rcvr[c])] == vote["chosen"], k
    return t


def test_first_state_matrices_reproduce_ktab():
    k, data = _ktab("SOE-Pol-Comp.csv")
    opts = smp_options()
    s = setup_state(data, data.position, data.position, opts)
    np.testing.assert_allclose(1 - s.distance, SOE["state0_raw_value"], atol=HALF3, rtol=0)
    np.testing.assert_allclose(s.risk, SOE["state0_risk"], atol=HALF3, rtol=0)
    u = utility_matrices(s.distance, s.risk, "OneThird")
    objective = u[np.arange(13), np.arange(13), :]  # h = i: the actors' own utilities
    np.testing.assert_allclose(objective, SOE["state0_objective_utility"], atol=HALF4, rtol=0)
    np.testing.assert_allclose(u, SOE["state0_utility_by_h"], atol=HALF4, rtol=0)


def test_first_turn_challenges_and_bargain_votes_reproduce_ktab():
    k, data = _ktab("SOE-Pol-Comp.csv")
    opts = smp_options()
    s = setup_state(data, data.position, data.position, opts)
    assert len(SOE["turn0_estimates"]) == 4 * 13  # every actor found a target
    _estimates(SOE, data, s, opts)
    _bargain_votes(SOE, data, data.position, s, opts)


@pytest.mark.parametrize("ref, csv", [(SOE, "SOE-Pol-Comp.csv"), (DIM3, "dummyData_3Dim.csv")])
def test_whole_run_reproduces_ktab_state_by_state(ref, csv):
    k, _ = _ktab(csv)
    assert ref["parameters"] == KTAB_DEFAULTS  # the reference runs use KTAB's defaults
    run = smp_model(k.capability, k.positions, k.saliences, names=k.actors)
    n, d = k.positions.shape
    assert run.n_states == ref["states"] and run.stopped == "stable"
    # positions of every state after the first, printed with 4 decimals
    np.testing.assert_allclose(run.positions[1:], ref["positions_4dp"], atol=HALF4, rtol=0)
    # KTAB's closing history: actor-major rows (actor, dimension), one column per state
    hist = np.asarray(ref["history_1dp"]).reshape(n, d, -1).transpose(2, 0, 1)
    assert np.abs(run.positions - hist).max() <= 0.05 + 1e-9
    np.testing.assert_allclose(run.win_prob.T, ref["win_prob_4dp"], atol=HALF4, rtol=0)
    np.testing.assert_allclose(run.risk, ref["risk_by_state"], atol=HALF3, rtol=0)


def test_soe_final_state_is_ktabs():
    """The issue's symptom: KTAB never moves WY, and XJ ends at 43.2 / 43.3."""
    k, _ = _ktab("SOE-Pol-Comp.csv")
    run = smp_model(k.capability, k.positions, k.saliences, names=k.actors)
    wy, xj = k.actors.index("WY"), k.actors.index("XJ")
    np.testing.assert_allclose(run.positions[:, wy], np.tile([15.0, 60.0], (28, 1)))
    np.testing.assert_allclose(run.positions[-1, xj], [43.2, 43.3], atol=0.05)


def test_markov_incentive_propcbc_and_accommodation_reproduce_ktab():
    """smpExample: PropCbc votes, MarkovIncentive PCE, lagging ideals (KTAB's XML run)."""
    opts = smp_options(VotingRule="PropCbc", PCEModel="MarkovIncentive")
    data = validate_smp(EX_CAP, EX_POS, np.asarray(EX_SAL) / 100, accommodation=EX_ACC)
    x = data.position
    s = setup_state(data, x, x, opts)
    np.testing.assert_allclose(1 - s.distance, EXAMPLE["state0_raw_value"], atol=HALF3, rtol=0)
    np.testing.assert_allclose(s.risk, EXAMPLE["state0_risk"], atol=HALF3, rtol=0)
    _estimates(EXAMPLE, data, s, opts)
    _bargain_votes(EXAMPLE, data, x, s, opts, chosen=False)  # KTAB drew them (Stochastic)
    # every later state of KTAB's stochastic path, rebuilt from its printed positions and
    # ideals: the risk attitudes follow (ideals lag positions at the accommodation rates)
    for t, (pos, idl) in enumerate(zip(EXAMPLE["positions_4dp"], EXAMPLE["ideals_4dp"],
                                       strict=True), start=1):
        st = setup_state(data, np.asarray(pos) / 100, np.asarray(idl) / 100, opts)
        np.testing.assert_allclose(st.risk, EXAMPLE["risk_by_state"][t], atol=1e-3, rtol=0)
