"""SMP pieces: voting rules, victory probabilities, Condorcet elections, dynamics."""

import numpy as np
import pytest

from factions.engines.bargain import condorcet_probabilities, forecast, victory_probabilities
from factions.engines.bargain.smp import VICTORY_RULES, VOTING_RULES, votes
from factions.errors import EngineError


def test_victory_rules_by_hand():
    st = np.array([[0.0, 3.0], [1.0, 0.0]])
    assert victory_probabilities(st, "linear")[0, 1] == pytest.approx(3 / 4)
    assert victory_probabilities(st, "square")[0, 1] == pytest.approx(9 / 10)
    assert victory_probabilities(st, "quartic")[0, 1] == pytest.approx(81 / 82)
    assert victory_probabilities(st, "octic")[0, 1] == pytest.approx(3**8 / (3**8 + 1))
    assert victory_probabilities(st, "binary")[0, 1] == 1.0
    assert victory_probabilities(np.zeros((2, 2)), "linear")[0, 1] == 0.5


@pytest.mark.parametrize("rule", list(VICTORY_RULES))
def test_victory_probabilities_are_complementary(rule):
    rng = np.random.default_rng(0)
    st = rng.uniform(0, 5, (6, 6))
    p = victory_probabilities(st, rule)
    np.testing.assert_allclose(p + p.T, 1.0)


def test_voting_rules_by_hand():
    d = np.array([-0.5, 0.0, 0.5])
    np.testing.assert_allclose(votes(d, 2.0, "binary"), [-2, 0, 2])
    np.testing.assert_allclose(votes(d, 2.0, "proportional"), [-1, 0, 1])
    np.testing.assert_allclose(votes(d, 2.0, "prop_bin"), [-1.5, 0, 1.5])
    np.testing.assert_allclose(votes(d, 2.0, "cubic"), [-0.25, 0, 0.25])
    np.testing.assert_allclose(votes(d, 2.0, "prop_cubic"), [-0.625, 0, 0.625])


@pytest.mark.parametrize("pce", ["conditional", "markov"])
def test_condorcet_winner_gets_most_probability(pce):
    p = np.array([[0.5, 0.9, 0.8], [0.1, 0.5, 0.6], [0.2, 0.4, 0.5]])
    win = condorcet_probabilities(p, pce)
    assert win.sum() == pytest.approx(1.0) and np.argmax(win) == 0
    if pce == "conditional":
        raw = np.array([0.9 * 0.8, 0.1 * 0.6, 0.2 * 0.4])
        np.testing.assert_allclose(win, raw / raw.sum())


def test_two_actor_election_by_hand():
    # Proportional voting, linear victory: the coalition for x=0 over x=100 is actor 0
    # with 3 * 1, against 1 * 1, so P(0 beats 100) = 3/4 and the conditional PCE gives
    # outcome 0.75 * 0 + 0.25 * 100 = 25 before bargaining.
    f = forecast([3, 1], [0, 100], [1, 1], "smp", rounds=1, min_rounds=1)
    assert f.outcomes[0] == pytest.approx(25.0)


@pytest.mark.parametrize("victory", list(VICTORY_RULES))
@pytest.mark.parametrize("voting_rule", VOTING_RULES)
def test_all_rule_combinations_stay_on_the_scale(victory, voting_rule):
    rng = np.random.default_rng(5)
    c, x, s = rng.uniform(0.5, 2, 8), rng.uniform(0, 100, 8), rng.uniform(0.2, 1, 8)
    f = forecast(c, x, s, "smp", victory=victory, voting_rule=voting_rule, rounds=10)
    assert x.min() - 1e-9 <= f.outcome <= x.max() + 1e-9
    assert f.trajectory.shape == (f.rounds + 1, 8)


def test_steeper_victory_rule_favours_the_strong_side():
    c, x, s = [3, 1, 1], [80, 10, 20], [1, 1, 1]
    lin = forecast(c, x, s, "smp", victory="linear", rounds=1, min_rounds=1).outcomes[0]
    octic = forecast(c, x, s, "smp", victory="octic", rounds=1, min_rounds=1).outcomes[0]
    assert octic > lin


@pytest.mark.parametrize("opts", [{"victory": "cubic"}, {"voting_rule": "x"}, {"pce": "y"},
                                  {"rounds": 0}])
def test_bad_smp_options(opts):
    with pytest.raises(EngineError):
        forecast([1, 1], [0, 1], [1, 1], "smp", **opts)
