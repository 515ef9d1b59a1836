"""SMP pieces by hand and against a plain-Python reference; invariances; options."""

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

from factions.engines.bargain import forecast, smp_model, smp_options
from factions.engines.bargain.smp import (
    KTAB_PARAMETERS,
    best_challenges,
    coalitions,
    condorcet_election,
    interpolate,
    risk_attitudes,
    setup_state,
    validate_smp,
    victory_probabilities,
    vote,
)
from factions.errors import EngineError, InputError

sys.path.insert(0, str(Path(__file__).parent))
import smp_reference as ref  # noqa: E402

VR, VPM = KTAB_PARAMETERS["VotingRule"], KTAB_PARAMETERS["VictoryProbModel"]


def _case(seed, n=5, d=2):
    rng = np.random.default_rng(seed)
    cap = rng.uniform(10, 100, n)
    pos = np.round(rng.uniform(0, 100, (n, d)), 1)
    sal = rng.uniform(0.1, 1.0, (n, d))
    sal = sal / sal.sum(axis=1, keepdims=True) * rng.uniform(0.5, 0.95, (n, 1))
    return cap, pos, sal


# --- hand-computable cases ------------------------------------------------------------

def test_two_option_election_by_hand():
    # voters 3 and 1 (Prop): option 0 is worth 1 to voter 0, option 1 worth 1 to voter 1
    c = coalitions([[1.0, 0.0], [0.0, 1.0]], [3.0, 1.0], "Prop")
    np.testing.assert_allclose(c, [[1e-8, 3 + 1e-8], [1 + 1e-8, 1e-8]])
    x1, x2 = 3 + 1e-8, 1 + 1e-8
    for model, e in (("Linear", 1), ("Square", 2), ("Quartic", 4), ("Octic", 8)):
        pv = victory_probabilities(c, model)
        assert pv[0, 1] == pytest.approx(x1**e / (x1**e + x2**e))
        assert pv[0, 0] == 0.5 and pv[1, 0] + pv[0, 1] == pytest.approx(1.0)
    assert victory_probabilities(c, "Binary")[0, 1] == pytest.approx(1 / (1 + 1e-6))
    # with two options every PCE model gives the option its victory probability
    for model in KTAB_PARAMETERS["PCEModel"]:
        p, pv = condorcet_election(c, model, "Linear")
        assert p[0] == pytest.approx(0.75, abs=2e-6), model


def test_binary_victory_interpolates_inside_ten_percent():
    c = np.array([[1e-8, 1.05], [1.0, 1e-8]])  # 5 % stronger: halfway to certainty
    p = victory_probabilities(c, "Binary")[0, 1]
    r12 = 1.05 / 2.05
    assert p == pytest.approx((r12 * 2.1 - 1) / 0.1)


def test_three_option_conditional_pce_by_hand():
    pv = np.array([[0.5, 0.9, 0.8], [0.1, 0.5, 0.6], [0.2, 0.4, 0.5]])
    c = pv.copy()  # c_ij + c_ji = 1, so the Linear victory matrix is pv itself
    p, got = condorcet_election(c, "Conditional", "Linear")
    np.testing.assert_allclose(got, pv)
    raw = np.array([0.9 * 0.8, 0.1 * 0.6, 0.2 * 0.4])
    np.testing.assert_allclose(p, raw / raw.sum())
    for model in ("MarkovIncentive", "MarkovUniform"):
        q, _ = condorcet_election(c, model, "Linear")
        assert q.sum() == pytest.approx(1.0) and int(np.argmax(q)) == 0


def test_voting_rules_by_hand():
    d = np.array([-0.5, 0.0, 0.5])
    np.testing.assert_allclose(vote("Binary", 2.0, d), [-2, 0, 2])
    np.testing.assert_allclose(vote("Prop", 2.0, d), [-1, 0, 1])
    np.testing.assert_allclose(vote("PropBin", 2.0, d), [-1.2, 0, 1.2])
    np.testing.assert_allclose(vote("Cubic", 2.0, d), [-0.25, 0, 0.25])
    np.testing.assert_allclose(vote("PropCbc", 2.0, d), [-0.625, 0, 0.625])
    np.testing.assert_allclose(vote("ASymProsp", 3.0, d), [-1.5, 0, 1.0])
    assert vote("Binary", 1.0, 5e-9) == pytest.approx(0.5)  # linear inside 1e-8


def test_two_actor_challenge_by_hand():
    # x = 0 and 100: every utility is 0 or 1 whatever the risk attitude, so i's estimate of
    # P[i > j] is s_i c_i / (s_i c_i + s_j c_j), and the gain 1 - 2 s_j P[j > i]
    cap, sal = np.array([3.0, 1.0]), np.array([[0.8], [0.5]])
    data = validate_smp(cap, [[0.0], [100.0]], sal)
    s = setup_state(data, data.position, data.position, smp_options())
    np.testing.assert_allclose(s.risk, [1.0, -0.5])  # the stronger is the risk averse one
    best, bp, be, prob, gain = best_challenges(s.distance, s.risk, 1, cap * sal[:, 0],
                                               sal[:, 0], 2, 1)
    w0, w1 = 3 * 0.8 + 1e-10, 1 * 0.5 + 1e-10
    assert prob[0, 1] == pytest.approx(w0 / (w0 + w1))
    assert gain[0, 1] == pytest.approx(1 - 2 * 0.5 * w1 / (w0 + w1))
    assert gain[1, 0] == pytest.approx(1 - 2 * 0.8 * w0 / (w0 + w1))
    assert list(best) == [1, 1 if gain[1, 0] > 1e-5 else -1]


def test_interpolation_by_hand():
    bi, bj = interpolate([[0.2]], [[0.5]], [0.8], [[0.6]], [[0.25]], [0.2], "S2P2")
    wi, wj = 0.25 * 0.64, 0.0625 * 0.04
    want = ((wi + 1e-6) * 0.2 + wj * 0.6) / (wi + 1e-6 + wj)
    assert bi[0, 0] == pytest.approx(np.round(want, 4)) and bi[0, 0] == round(bi[0, 0], 4)
    bi, bj = interpolate([[0.2]], [[0.5]], [0.3], [[0.6]], [[0.5]], [0.7], "S2PMax")
    assert bi[0, 0] == pytest.approx(0.2 + 0.4 * 0.4 * 0.25 / (0.4 * 0.25 + 1e-6 + 0.6 * 0.25))
    assert bj[0, 0] == pytest.approx(0.6)  # the likelier side does not move


def test_risk_ranges_by_hand():
    p = np.array([0.1, 0.3, 0.6])
    np.testing.assert_allclose(risk_attitudes(p, "Min"), [0, 0.4, 1])
    np.testing.assert_allclose(risk_attitudes(p, "Mid"), [-0.5, 0.1, 1])
    np.testing.assert_allclose(risk_attitudes(p, "Max"), [-1, -0.2, 1])
    np.testing.assert_allclose(risk_attitudes([0.5, 0.5], "Mid"), [0, 0])  # KTAB: 0/0


# --- against the plain-Python reference ----------------------------------------------

@pytest.mark.parametrize("rule", VR)
@pytest.mark.parametrize("model", VPM)
def test_coalitions_and_victory_match_reference(rule, model):
    rng = np.random.default_rng(VR.index(rule) * 7 + VPM.index(model))
    u, w = rng.uniform(0, 1, (6, 4)), rng.uniform(1, 50, 6)
    c = coalitions(u, w, rule)
    np.testing.assert_allclose(c, ref.coalitions(u.tolist(), w.tolist(), rule), rtol=1e-12)
    np.testing.assert_allclose(victory_probabilities(c, model), ref.victory(c.tolist(), model),
                               rtol=1e-12, atol=1e-300)
    for pce in KTAB_PARAMETERS["PCEModel"]:
        np.testing.assert_allclose(condorcet_election(c, pce, model)[0],
                                   ref.pce(c.tolist(), pce, model), rtol=1e-9, atol=1e-12)


def _compare_with_reference(seed, **kw):
    cap, pos, sal = _case(seed)
    run = smp_model(cap, pos, sal, **kw)
    o = smp_options(**kw).ktab()
    o["ktab_quirks"] = o["ktabQuirks"]
    hist = ref.run((pos / 100).tolist(), sal.tolist(), cap.tolist(), o)
    assert run.n_states == len(hist)
    np.testing.assert_allclose(run.positions / 100, np.array(hist), atol=1e-12)
    return run


@pytest.mark.parametrize("rule, model", list(itertools.product(VR, VPM)))
def test_whole_run_matches_reference_for_each_vote_and_victory_rule(rule, model):
    _compare_with_reference(3, VotingRule=rule, VictoryProbModel=model)


@pytest.mark.parametrize("name", ["PCEModel", "ThirdPartyCommit", "BigRRange", "BigRAdjust",
                                  "InterVecBrgn", "BargnModel"])
def test_whole_run_matches_reference_for_every_other_option(name):
    for value in KTAB_PARAMETERS[name]:
        _compare_with_reference(11, **{name: value})


@pytest.mark.parametrize("model", ["InitRcvrInterp", "PWCompInterp"])
def test_ktab_quirks_switch_matches_reference(model):
    a = _compare_with_reference(5, BargnModel=model, ktab_quirks=True)
    b = _compare_with_reference(5, BargnModel=model, ktab_quirks=False)
    assert not np.allclose(a.positions[1], b.positions[1])  # the two readings differ


# --- invariances ---------------------------------------------------------------------

def test_relabelling_actors_permutes_the_history():
    cap, pos, sal = _case(21, n=9, d=3)
    run = smp_model(cap, pos, sal)
    perm = np.random.default_rng(0).permutation(9)
    other = smp_model(cap[perm], pos[perm], sal[perm])
    assert other.n_states == run.n_states
    np.testing.assert_allclose(other.positions, run.positions[:, perm], atol=1e-9)
    # KTAB merges positions closer than posTol (0.1 on 0-100) into the first one met, so
    # the representative, and the probabilities, may move slightly with the actor order
    np.testing.assert_allclose(other.win_prob, run.win_prob[:, perm], atol=1e-3)
    np.testing.assert_allclose(other.win_prob[0], run.win_prob[0, perm], atol=1e-12)


@pytest.mark.parametrize("shift, stretch", [(-50.0, 1.0), (10.0, 0.25), (1000.0, 7.0)])
def test_shifting_and_scaling_the_scale(shift, stretch):
    cap, pos, sal = _case(8, n=7, d=2)
    run = smp_model(cap, pos, sal)
    moved = smp_model(cap, shift + stretch * pos, sal, scale=(shift, shift + 100 * stretch))
    assert moved.n_states == run.n_states
    np.testing.assert_allclose(moved.positions, shift + stretch * run.positions,
                               atol=1e-9 * max(1, abs(shift) + stretch))
    np.testing.assert_allclose(moved.win_prob, run.win_prob, atol=1e-12)


# --- runs, options, errors -----------------------------------------------------------

def test_stochastic_runs_are_seeded():
    cap, pos, sal = _case(2, n=8)
    a = smp_model(cap, pos, sal, StateTransitions="Stochastic", seed=1)
    b = smp_model(cap, pos, sal, StateTransitions="Stochastic", seed=1)
    c = smp_model(cap, pos, sal, StateTransitions="Stochastic", seed=2)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert a.positions.shape != c.positions.shape or not np.array_equal(a.positions, c.positions)


def test_stopping_rule_bounds():
    cap, pos, sal = _case(4, n=6)
    assert smp_model(cap, pos, sal, maxIter=1).n_states == 2
    run = smp_model(cap, pos, sal, minIter=5, maxIter=5)
    assert run.n_states == 6 and run.stopped == "maxIter"
    free = smp_model(cap, pos, sal, minDeltaRatio=0.0)  # never quiet enough: maxIter
    assert free.n_states == 101 and free.stopped == "maxIter"


def test_option_spellings_and_errors():
    o = smp_options(victoryprobmodel="octic", Voting_Rule="propcbc", BARGNMODEL="PWCompInterp")
    assert (o.victory_prob_model, o.voting_rule, o.bargn_model) == ("Octic", "PropCbc",
                                                                   "PWCompInterp")
    assert o.code("VictoryProbModel") == 3 and o.ktab()["maxIter"] == 100
    for bad, msg in (({"VictoryProbModel": "Cubic"}, "must be one of Linear"),
                     ({"colour": 1}, "unknown smp option"), ({"maxIter": 0}, "maxIter >= 1"),
                     ({"minIter": 1.5}, "integer"), ({"ktabQuirks": "maybe"}, "true or false")):
        with pytest.raises(EngineError, match=msg):
            smp_options(**bad)


@pytest.mark.parametrize("cap, pos, sal, msg", [
    ([1, 0, 2], [[0], [50], [100]], [[0.5], [0.5], [0.5]], "capability of actor 1 is 0"),
    ([1, 1, 2], [[0], [50], [100]], [[0.5], [0.0], [0.5]], "saliences of actor 1 sum to 0"),
    ([1, 1, 2], [[0, 0], [50, 0], [100, 0]], [[0.5, 0.6], [0.2, 0.1], [0.5, 0]],
     "actor 0 sum to 1.1"),
    ([1, 1, 2], [[0], [150], [100]], [[0.5], [0.5], [0.5]], "outside the scale"),
    ([1, 1, 2], [[0], [np.nan], [100]], [[0.5], [0.5], [0.5]], "finite"),
])
def test_bad_arrays_are_located(cap, pos, sal, msg):
    with pytest.raises(InputError, match=msg):
        smp_model(cap, pos, sal)


def test_one_issue_forecast_contract():
    f = forecast([100, 60, 35, 20], [30, 45, 80, 10], [0.5, 0.9, 0.4, 0.6], "smp",
                 scale=(0, 100))
    assert f.trajectory.shape == (f.rounds + 1, 4) and f.details["states"] == f.rounds + 1
    assert 10 <= f.outcome <= 80 and f.details["options"]["VotingRule"] == "Prop"
    with pytest.raises(EngineError, match="VictoryProbModel"):
        forecast([1, 1, 1], [0, 1, 2], [1, 1, 1], "smp", VictoryProbModel="cubic")
