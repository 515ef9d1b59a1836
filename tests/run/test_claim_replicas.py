"""Per-replica sides of the claims: splitting a run's long metrics frame, and agreement
with the claims table."""

import numpy as np
import pandas as pd
import pytest

from factions.run import evaluate_claims
from factions.run.claims import REPLICA_COLUMNS, claim_replicas, split_replicas
from factions.scenario import load_scenario

METRIC = "digest.forces.occ_troops"


@pytest.fixture
def sc(small_path):
    return load_scenario(small_path)


def _long(values_by_seed, shared=None):
    """A run's metrics frame: a stochastic engine ``x`` once per seed (historical), a
    deterministic engine ``d`` once (no_surge), as the pipeline concatenates them."""
    rows = []
    for seed, hist in enumerate(values_by_seed):
        for month in ("2007-06", "2007-07"):
            rows.append(("x", "historical", seed, METRIC, month, hist))
    for month in ("2007-06", "2007-07"):
        rows.append(("d", "no_surge", 0, METRIC, month, shared))
    return pd.DataFrame(rows, columns=["engine", "scenario", "seed", "metric", "month",
                                       "value"])


def test_split_gives_each_replica_its_seed_and_the_shared_values():
    frames = split_replicas(_long([10.0, 20.0, 30.0], shared=5.0))
    assert len(frames) == 3
    for seed, f in enumerate(frames):
        x = f[f["engine"] == "x"]
        assert (x["seed"] == seed).all() and len(x) == 2
        assert (f.loc[f["engine"] == "d", "value"] == 5.0).all()


def test_split_of_an_ensemble_frame_follows_row_order():
    # an ensemble run: every engine in every replica (deterministic rows repeated)
    blocks = [pd.DataFrame({"engine": ["x", "d"], "scenario": ["historical", "no_surge"],
                            "seed": [s, 0], "metric": [METRIC, METRIC],
                            "month": ["2007-06", "2007-06"], "value": [10.0 * s, -s]})
              for s in range(4)]
    frames = split_replicas(pd.concat(blocks, ignore_index=True))
    assert [f["value"].tolist() for f in frames] == [[0.0, 0], [10.0, -1], [20.0, -2],
                                                     [30.0, -3]]


def test_split_of_one_replica_and_of_nothing():
    one = _long([1.0], shared=2.0)
    assert len(split_replicas(one)) == 1 and len(split_replicas(one)[0]) == 4
    empty = pd.DataFrame(columns=["engine", "scenario", "seed", "metric", "month", "value"])
    assert len(split_replicas(empty)) == 1


def test_replicas_agree_with_the_claims_table(sc):
    frames = split_replicas(_long([10.0, 3.0, 8.0, 1.0], shared=4.0))
    reps = claim_replicas(sc, frames)
    assert list(reps.columns) == REPLICA_COLUMNS
    mine = reps[reps["claim"] == "surge_more_troops"]
    assert mine["margin"].tolist() == [6.0, -1.0, 4.0, -3.0]
    assert mine["seed"].tolist() == [0, 1, 2, 3]
    table = evaluate_claims(sc, frames).set_index("claim").loc["surge_more_troops"]
    assert mine["holds"].mean() == pytest.approx(table["p_holds"]) == 0.5
    assert np.median(mine["margin"]) == pytest.approx(table["difference"])
    # other draws give other margins
    again = claim_replicas(sc, split_replicas(_long([9.0, 9.0, 9.0, 9.0], shared=4.0)))
    assert again.loc[again["claim"] == "surge_more_troops", "margin"].tolist() == [5.0] * 4


def test_observed_claim_has_one_row_and_untestable_none(sc):
    reps = claim_replicas(sc, split_replicas(_long([10.0, 3.0], shared=4.0)))
    observed = reps[reps["claim"] == "deaths_fell"]
    assert len(observed) == 1 and observed["holds"].all() and np.isnan(observed["seed"]).all()
    assert "economy" not in set(reps["claim"])
