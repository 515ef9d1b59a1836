import pandas as pd
import pytest

from factions.dashboard import Segment, SegmentCache
from factions.dashboard.segments import content_digest, segment_key
from factions.scenario import load_scenario

from .conftest import SMALL


def _seg(sid="s", value=1.0):
    m = pd.DataFrame({"engine": ["digest", "digest"], "scenario": [sid, sid], "seed": [0, 0],
                      "metric": ["digest.x", "digest.y"], "month": ["2007-01", None],
                      "value": [value, 2.0]})
    return Segment(sid, m, [("displace", sid, "needs data")], [("ground", sid, "flat")],
                   ["a note"], 1.5, figures={"f": object()})


def test_keys_change_with_every_input_and_only_with_them():
    sc = load_scenario(SMALL)
    d = content_digest(sc)
    assert d == content_digest(load_scenario(SMALL))  # content, not the object
    base = dict(digest=d, scenario_id="what_if", shocks=["surge"], overrides={},
                options={"ground": {"grid": [40, 40]}}, seed=0, replicas=1)
    k = segment_key(**base)
    assert k == segment_key(**base) and len(k) == 32
    changes = [dict(shocks=["ceasefire"]), dict(shocks=None), dict(scenario_id="no_surge"),
               dict(overrides={"parameters.polarisation": 0.6}), dict(seed=1),
               dict(replicas=2), dict(options={"ground": {"grid": [80, 80]}}),
               dict(digest=d[:-1] + "0")]
    keys = {segment_key(**{**base, **c}) for c in changes}
    assert len(keys) == len(changes) and k not in keys
    # claims are not read by engines: a file differing only in a claim has the same digest
    other = load_scenario(SMALL).model_copy(update={"claims": []})
    assert content_digest(other) == d
    other = load_scenario(SMALL).model_copy(update={"parameters": []})
    assert content_digest(other) != d


def test_segments_survive_a_restart_on_disk(tmp_path):
    key = "0123456789abcdef0123456789abcdef"
    SegmentCache(tmp_path / "c").put(key, _seg())
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [key + ".json",
                                                                 key + ".parquet"]
    got = SegmentCache(tmp_path / "c").get(key)
    want = _seg()
    pd.testing.assert_frame_equal(got.metrics, want.metrics)
    assert (got.skipped, got.degenerate, got.notes, got.seconds) == \
        (want.skipped, want.degenerate, want.notes, want.seconds)
    assert got.figures == {}  # interactive figures stay in memory
    assert SegmentCache(tmp_path / "c").get("f" * 32) is None


def test_memory_is_bounded_and_keys_are_checked(tmp_path):
    cache = SegmentCache(None, memory_items=2)
    keys = [f"{i:032x}" for i in range(3)]
    for i, k in enumerate(keys):
        cache.put(k, _seg(value=float(i)))
    assert cache.get(keys[0]) is None and keys[2] in cache
    with pytest.raises(ValueError, match="not a cache key"):
        SegmentCache(tmp_path).put("../escape", _seg())
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_entry_is_a_miss(tmp_path):
    key = "a" * 32
    SegmentCache(tmp_path).put(key, _seg())
    (tmp_path / f"{key}.parquet").write_bytes(b"not parquet")
    assert SegmentCache(tmp_path).get(key) is None


def test_claims_over_segments_take_one_replica_per_seed_of_the_stochastic_engines():
    from factions.dashboard.segments import combine_claims
    from factions.scenario import parse_scenario

    text = SMALL.read_text().replace("metric: digest.forces.occ_troops", "metric: ground.deaths")
    sc = parse_scenario(text)

    def seg(sid, rows):
        m = pd.DataFrame([{"engine": "ground", "scenario": sid, "seed": s,
                           "metric": "ground.deaths", "month": "2007-07", "value": v}
                          for s, v in rows])
        return Segment(sid, m)

    hist = seg("historical", [(0, 10.0), (1, 0.0)])  # holds with seed 0, fails with seed 1
    base = seg("no_surge", [(0, 5.0), (1, 5.0)])
    two = combine_claims(sc, [hist, base], {}, seed=0, replicas=2).set_index("claim")
    assert two.loc["surge_more_troops", "p_holds"] == 0.5
    assert two.loc["surge_more_troops", "verdict"] == "uncertain"
    assert two.loc["surge_more_troops", "replicas"] == 2
    one = combine_claims(sc, [hist, base], {}, seed=0, replicas=1).set_index("claim")
    assert one.loc["surge_more_troops", "p_holds"] == 1.0
    other_seed = combine_claims(sc, [seg("historical", [(1, 0.0)]), seg("no_surge", [(1, 5.0)])],
                                {}, seed=1, replicas=1).set_index("claim")
    assert other_seed.loc["surge_more_troops", "p_holds"] == 0.0
    degenerate = Segment("historical", hist.metrics, degenerate=[("ground", "historical", "flat")])
    flagged = combine_claims(sc, [degenerate, base], {}, 0, 1).set_index("claim")
    assert flagged.loc["surge_more_troops", "flag"] == "degenerate: ground on historical: flat"
