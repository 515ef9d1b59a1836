"""Free and fixed ties of a scenario (issue 12): evolved ties, exogenous facts, invariances,
errors. The toy scenario is ``tests/data/realign.yaml``."""

from pathlib import Path

import numpy as np
import pytest

from factions.cli import main
from factions.engines import get
from factions.engines.align import evolve_schedule, tie_series
from factions.engines.align.dynamics import balanced_labels
from factions.engines.align.null import align_null
from factions.engines.channels import TieSeries
from factions.engines.displace.ties import host_closure
from factions.engines.ground.mapping import plan_from_timeline
from factions.errors import InputError
from factions.run.execute import _upstream
from factions.scenario import load_scenario

TOY = Path(__file__).parents[2] / "data" / "realign.yaml"


@pytest.fixture(scope="module")
def toy():
    return load_scenario(TOY)


def _random_ties(rng, n, t=6):
    x = rng.uniform(-0.9, 0.9, (n, n))
    x = np.triu(x, 1)
    x = x + x.T
    return np.repeat(x[None], t, axis=0)


def _free(n, t, pairs=None):
    f = np.zeros((t, n, n), bool)
    if pairs is None:
        f[:] = ~np.eye(n, dtype=bool)
    else:
        for i, j in pairs:
            f[:, i, j] = f[:, j, i] = True
    return f


# --- fixed ties never move; exogenous facts -------------------------------------------------

@pytest.mark.parametrize("sid", ["emergent", "free_base", "free_union"])
def test_fixed_ties_are_the_typed_ones_in_every_month(toy, sid):
    ts = tie_series(toy, sid)
    assert ts.dynamic
    fixed = ~ts.free
    assert np.array_equal(ts.weights[fixed], ts.typed[fixed])
    assert ts.free.any() and not np.array_equal(ts.weights, ts.typed)


def test_scenario_fixed_pair_and_shocked_ties_never_evolve(toy):
    ts = tie_series(toy, "free_union")
    assert np.array_equal(ts.tie("occ", "gov"), ts.tie("occ", "gov", typed=True))
    # the union's ties are set by a shock from 2010-03: exogenous, held at the shock's values
    k = ts.index("2010-03")
    assert ts.shocked[k:, ts.actors.index("union"), ts.actors.index("party")].all()
    assert np.array_equal(ts.tie("union", "party")[k:], np.full(len(ts.months) - k, 0.6))
    # the souring is a shock in 'emergent': the insurgents' tie with the jihadists follows it
    em = tie_series(toy, "emergent")
    assert np.array_equal(em.tie("ins", "jih"), em.tie("ins", "jih", typed=True))
    moves = em.moves().set_index(["a", "b"])
    assert moves.loc[("ins", "jih"), "by_shock"] and not moves.loc[("ins", "jih"), "by_dynamics"]


def test_before_from_every_tie_is_typed(toy):
    ts = tie_series(toy, "emergent")          # insurgents_free starts 2010-06
    k = ts.index("2010-06")
    assert np.array_equal(ts.weights[:k], ts.typed[:k]) and not ts.free[:k].any()


def test_a_dated_fact_resets_a_free_tie_then_it_evolves_again(toy):
    ts = tie_series(toy, "free_base")         # every tie but occ-gov free from 2010-03
    gp = ts.tie("gov", "party")
    k = ts.index("2011-01")                   # the file's dated relation begins: 0.4
    assert gp[k] == 0.4 and not ts.free[k, ts.actors.index("gov"), ts.actors.index("party")]
    assert gp[k - 1] != -0.2                  # free (evolved) the month before
    assert gp[k + 1] != 0.4                   # and free again after


def test_without_dynamics_the_series_is_the_timeline(toy):
    ts = tie_series(toy, "typed")
    assert not ts.dynamic and np.array_equal(ts.weights, ts.typed)
    tl = toy.timeline("typed")
    assert sorted(ts.relations_at("2011-06")) == sorted(tl.relations_at("2011-06"))


def test_the_enemy_of_my_enemy_turn_emerges_and_the_null_model_does_not_see_it(toy):
    em, typed = tie_series(toy, "emergent"), tie_series(toy, "typed")
    last = em.index("2011-12")
    assert em.tie("ins", "occ", typed=True)[last] == -0.6    # not typed in
    assert em.tie("ins", "occ")[last] > 0                     # emergent
    assert typed.tie("ins", "occ")[last] == 0.6               # typed in
    null = align_null(toy, "emergent").query("metric == 'tie.ins.occ'")
    assert (null["value"] == -0.6).all()                      # the null model keeps the typed tie
    res = get("align").execute(toy, "emergent", 0, {}, None)
    m = res.metrics().query("metric == 'tie.ins.occ'").set_index("month")["value"]
    assert m["2011-12"] == pytest.approx(em.tie("ins", "occ")[last])


# --- invariances ----------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["heider", "continuous"])
def test_relabelling_actors_permutes_the_result(model):
    rng = np.random.default_rng(4)
    n, t = 7, 6
    x = _random_ties(rng, n, t)
    free = _free(n, t, [(0, 1), (2, 5), (3, 4), (1, 6), (0, 6)])
    perm = rng.permutation(n)
    out = evolve_schedule(x, free, model, start=1, rate=0.3, inertia=0.2)
    outp = evolve_schedule(x[:, perm][:, :, perm], free[:, perm][:, :, perm], model, start=1,
                           rate=0.3, inertia=0.2)
    assert np.allclose(outp, out[:, perm][:, :, perm], atol=1e-12)
    assert not np.allclose(out, x)


def test_relabelling_actors_in_the_file_gives_the_same_ties_by_name(toy, tmp_path):
    text = TOY.read_text()
    head, rest = text.split("actors:\n", 1)
    block, tail = rest.split("\n\nrelations:", 1)
    lines = block.splitlines()
    shuffled = tmp_path / "shuffled.yaml"
    shuffled.write_text(head + "actors:\n" + "\n".join(lines[::-1]) + "\n\nrelations:" + tail)
    other = load_scenario(shuffled)
    assert [a.id for a in other.actors] != [a.id for a in toy.actors]
    a, b = tie_series(toy, "free_union"), tie_series(other, "free_union")
    for p in a.actors:
        for q in a.actors:
            if p < q:
                assert np.allclose(a.tie(p, q), b.tie(p, q), atol=1e-12)


def test_flipping_the_signs_of_a_group_commutes_with_the_dynamics():
    # switching (D X D, D = diag(+-1)) maps (X^2) to D X^2 D: flipping every tie between a
    # group and the rest evolves into the flipped evolution; a balanced network is switched
    # to an all-positive one by flipping one bloc
    rng = np.random.default_rng(11)
    n, t = 6, 5
    x = _random_ties(rng, n, t)
    free = _free(n, t)
    d = np.diag(rng.choice([-1.0, 1.0], n))
    out = evolve_schedule(x, free, "heider", rate=0.4)
    flipped = evolve_schedule(d @ x @ d, free, "heider", rate=0.4)
    assert np.allclose(flipped, d @ out @ d, atol=1e-12)
    s = np.where(np.arange(n) < 3, 1.0, -1.0)
    balanced = np.abs(x) * np.outer(s, s)
    np.fill_diagonal(balanced[0], 0)
    b = np.array([m * (1 - np.eye(n)) for m in balanced])
    ev = evolve_schedule(b, free, "heider", rate=0.4)
    ev_pos = evolve_schedule(np.abs(b), free, "heider", rate=0.4)
    assert np.allclose(ev, ev_pos * np.outer(s, s), atol=1e-12)


@pytest.mark.parametrize("model", ["heider", "continuous", "local_triad", "constrained_triad"])
def test_a_balanced_network_is_a_fixed_point(model):
    n, t = 6, 8
    s = np.where(np.arange(n) < 2, 1.0, -1.0)
    x = np.repeat((np.outer(s, s) * (1 - np.eye(n)))[None], t, axis=0)   # +-1: at the bound
    out = evolve_schedule(x, _free(n, t), model, rate=0.5, seed=3)
    assert np.allclose(out, x, atol=1e-9)
    half = 0.6 * x                                                        # balanced, not saturated
    out = evolve_schedule(half, _free(n, t), model, rate=0.5, seed=3)
    assert (np.sign(out) == np.sign(half)).all()              # no tie changes sign
    assert balanced_labels(out[-1]).tolist() == [0, 0, 1, 1, 1, 1]   # the same two blocs
    if model in ("heider", "continuous"):                     # and balance only deepens
        assert (np.abs(out[-1]) >= np.abs(half[-1]) - 1e-12).all()


def test_a_stochastic_model_same_seed_same_ties_other_seed_other_ties():
    rng = np.random.default_rng(5)
    n, t = 9, 12
    x = np.sign(_random_ties(rng, n, t)) * 0.5
    free = _free(n, t)
    a = evolve_schedule(x, free, "local_triad", seed=1, rate=1.0)
    b = evolve_schedule(x, free, "local_triad", seed=1, rate=1.0)
    c = evolve_schedule(x, free, "local_triad", seed=2, rate=1.0)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


# --- consumers: ground and displacement read the evolved ties --------------------------------

def test_ground_consumes_the_evolved_ties(toy):
    ts = tie_series(toy, "emergent")
    tl = toy.timeline("emergent")
    own = plan_from_timeline(toy, tl, 0.04, 0.2).frame
    evolved = plan_from_timeline(toy, tl, 0.04, 0.2, evolved=ts).frame
    before = evolved.index < "2010-06"
    assert evolved[before].equals(own[before])
    assert not evolved.equals(own)
    same = plan_from_timeline(toy, toy.timeline("typed"), 0.04, 0.2,
                              evolved=tie_series(toy, "typed")).frame
    assert same.equals(plan_from_timeline(toy, toy.timeline("typed"), 0.04, 0.2).frame)


def test_the_pipeline_passes_the_evolved_ties_without_running_align_in_full(toy):
    engines = [get("align"), get("ground")]
    done = {}
    up, _ = _upstream(get("ground"), engines, toy, "emergent", 0, {}, done, None)
    ts = up["ties"]
    assert isinstance(ts, TieSeries) and ts.dynamic
    assert np.array_equal(ts.weights, tie_series(toy, "emergent").weights)
    assert not any(k[0] == "align" for k in done)          # only the cheap path ran


def test_a_host_closes_when_its_state_turns_hostile_to_the_government():
    actors, months = ("gov", "host_state"), ("2010-01", "2010-02")
    typed = np.zeros((2, 2, 2))
    typed[:, 0, 1] = typed[:, 1, 0] = 0.2
    w = typed.copy()
    w[1, 0, 1] = w[1, 1, 0] = -0.5
    ts = TieSeries(actors, months, w, typed, np.ones((2, 2, 2), bool), np.zeros((2, 2, 2), bool),
                   "heider")

    class _Loc:
        def __init__(self, i, actor):
            self.id, self.actor = i, actor

    class _Act:
        def __init__(self, i, kind):
            self.id, self.kind = i, kind

    class _Sc:
        locations = [_Loc("h", "host_state"), _Loc("o", None)]
        actors = [_Act("gov", "government"), _Act("host_state", "state")]

    out = host_closure(_Sc(), ["h", "o"], list(months), ts)
    assert out[0].tolist() == [0.0, 0.0] and out[1, 0] == pytest.approx(0.5) and out[1, 1] == 0


# --- bad input: located one-line errors ------------------------------------------------------

def _edited(tmp_path, old, new):
    text = TOY.read_text()
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1))
    line = text.replace(old, new, 1)[: text.index(old)].count("\n") + 1
    return path, line


@pytest.mark.parametrize("old, new, fragment", [
    ("    rate: {value: 0.1, range: [0.05, 0.2]}\n    inertia: {value: 0.3, range: [0.1, 0.5]}\n"
     "    from: 2010-06", "    rate: -0.1\n    inertia: {value: 0.3, range: [0.1, 0.5]}\n"
     "    from: 2010-06", "dynamics[0].rate"),
    ("  - {a: occ, b: gov, weight: 0.8,", "  - {a: occ, b: gov, weight: 1.5,", "relations[0].weight"),
    ("    fixed: [[occ, gov]]", "    fixed: [[occ, nobody]]", "unknown actor 'nobody'"),
    ("    model: heider\n    rate: {value: 0.1, range: [0.05, 0.2]}\n    inertia: {value: 0.3, "
     "range: [0.1, 0.5]}\n    from: 2010-03", "    model: hieder\n    rate: {value: 0.1, range: "
     "[0.05, 0.2]}\n    inertia: {value: 0.3, range: [0.1, 0.5]}\n    from: 2010-03",
     "unknown balance dynamics 'hieder'"),
    ("  - {id: emergent, name: The turn left to the dynamics, shocks: [souring], dynamics: "
     "insurgents_free}", "  - {id: emergent, name: The turn left to the dynamics, shocks: "
     "[souring], dynamics: nope}", "unknown dynamics 'nope'"),
])
def test_bad_inputs_are_located_one_line_errors(tmp_path, capsys, old, new, fragment):
    path, line = _edited(tmp_path, old, new)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    hits = [x for x in err.splitlines() if fragment in x]
    assert hits, err
    where = next(tok for tok in hits[0].split(" ") if "bad.yaml:" in tok)
    file, ln, col = where.rstrip(":").rsplit(":", 2)
    assert file.endswith("bad.yaml") and int(col) >= 1
    assert line <= int(ln) <= line + 3
    assert "Traceback" not in err


def test_evolve_schedule_refuses_ties_outside_the_unit_interval():
    x = np.zeros((2, 3, 3))
    x[:, 0, 1] = x[:, 1, 0] = 1.5
    with pytest.raises(InputError, match=r"\[-1, 1\]"):
        evolve_schedule(x, _free(3, 2), "heider")
    with pytest.raises(Exception, match="rate"):
        evolve_schedule(x / 2, _free(3, 2), "heider", rate=-1.0)


def test_lean_claimed_computes_blocs_only_where_claims_read_them(toy):
    al = get("align")
    lean = al.execute(toy, "emergent", 0, {"lean": True, "power": False, "claimed": True}, None)
    assert lean.monthly.empty                      # the toy's claims read only tie metrics
    m = lean.metrics().query("metric == 'tie.ins.occ'").set_index("month")["value"]
    assert len(m) == len(toy.months())
    assert m["2011-12"] == pytest.approx(tie_series(toy, "emergent").tie("ins", "occ")[-1])
    full = al.execute(toy, "emergent", 0, {"lean": True, "power": False}, None)
    assert len(full.monthly) == len(toy.months())
    assert full.metrics().query("metric == 'tie.ins.occ'")["value"].tolist() == m.tolist()


def test_a_dynamic_scenario_draws_its_evolution_and_tables_what_moved(toy):
    res = get("align").execute(toy, "emergent", 0, {}, None)
    figs = res.figures()
    for name in ("blocs_by_month", "ties_typed_vs_emergent", "network_evolution"):
        assert name in figs and figs[name].to_json()
    heat = figs["blocs_by_month"].data[0]
    assert list(heat.y) == [a.id for a in toy.actors] and len(heat.x) == len(toy.months())
    assert {a["text"] for a in figs["blocs_by_month"].layout.annotations} >= {"dynamics",
                                                                               "souring"}
    tables = res.tables()
    moved = tables["ties_moved"].set_index(["a", "b"])
    assert moved.loc[("occ", "ins"), "by_dynamics"] and not moved.loc[("occ", "ins"), "by_shock"]
    emergent = tables["ties_emergent"]
    row = emergent[(emergent["a"] == "occ") & (emergent["b"] == "ins")
                   & (emergent["month"] == "2011-12")].iloc[0]
    assert row["typed"] == -0.6 and row["emergent"] > 0
    static = get("align").execute(toy, "typed", 0, {}, None)
    assert "blocs_by_month" not in static.figures() and "ties_moved" not in static.tables()
