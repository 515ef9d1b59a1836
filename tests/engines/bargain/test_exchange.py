"""Exchange model: a hand-computed trade, no-trade cases, validation, engine wiring."""

import numpy as np
import pytest

from factions.engines import get
from factions.engines.bargain import exchange, forecast
from factions.errors import EngineError, InputError


def test_two_actor_trade_by_hand():
    # O_a = 0.2*0 + 0.8*100 = 80, O_b = 20. Actor 0 cares about b, actor 1 about a. Each
    # gives way on its minor issue up to the expected outcome: outcome shifts u = v = 16,
    # new positions 80 (actor 0 on a) and 20 (actor 1 on b), outcomes 96 and 4; the
    # next rounds repeat the trade on what is left (99.2 / 0.8, 99.84 / 0.16).
    r = exchange([1, 1], [[0, 0], [100, 100]], [[0.2, 0.8], [0.8, 0.2]], issues=["a", "b"],
                 rounds=3)
    np.testing.assert_allclose(r["a"].outcomes, [80, 96, 99.2, 99.84])
    np.testing.assert_allclose(r["b"].outcomes, [20, 4, 0.8, 0.16], atol=1e-12)
    np.testing.assert_allclose(r["a"].trajectory[1], [80, 100])
    np.testing.assert_array_equal(r["a"].details["exchanges"], [1, 1, 1])


def test_no_trade_when_relative_saliences_agree():
    s = [[0.5, 0.5], [0.3, 0.3]]
    r = exchange([1, 2], [[0, 10], [100, 90]], s, rounds=5)
    assert r["0"].rounds == 0
    assert r["0"].outcome == pytest.approx(forecast([1, 2], [0, 100], [0.5, 0.3]).outcome)


def test_no_trade_between_actors_on_the_same_side():
    # Actors 2 and 3 (salient on one issue only, so never traders) pull both outcomes
    # above 10; actors 0 and 1 have complementary saliences but sit on the same side.
    x = [[0, 0], [10, 10], [100, 100], [100, 100]]
    s = [[0.2, 0.8], [0.8, 0.2], [0.5, 0.0], [0.0, 0.5]]
    r = exchange([1, 1, 10, 10], x, s)
    assert r["0"].rounds == 0 and r["1"].rounds == 0


def test_absent_actor_is_left_out():
    x = [[0, np.nan], [100, 100], [50, 0]]
    s = [[0.5, np.nan], [0.5, 0.5], [0.5, 0.5]]
    r = exchange([1, 1, 1], x, s)
    assert np.isnan(r["1"].positions[0])


@pytest.mark.parametrize("args, msg", [
    (([1, 1], [[0], [1]], [[1], [1]]), "at least two issues"),
    (([1, -1], [[0, 0], [1, 1]], [[1, 1], [1, 1]]), ">= 0"),
    (([1, 1], [[0, 0], [1, 1]], [[1, 2], [1, 1]]), r"\[0, 1\]"),
    (([1, 1], [[0, 0], [1, 1]], [[0, 1], [0, 1]]), "issue 0 has no actor"),
])
def test_bad_inputs(args, msg):
    with pytest.raises(InputError, match=msg):
        exchange(*args)


def test_exchange_through_forecast_and_single_issue_engine_is_refused(small_path):
    from factions.scenario import load_scenario

    with pytest.raises(EngineError, match="several issues"):
        forecast([1, 1], [0, 1], [1, 1], "exchange")
    sc = load_scenario(small_path)
    res = get("bargain").run(sc, "historical", 0, {"draws": 0})
    assert "exchange" not in set(res.tables()["outcomes"]["model"])
    with pytest.raises(EngineError, match="at least two issues"):
        get("bargain").run(sc, "historical", 0, {"models": "exchange", "draws": 0})
