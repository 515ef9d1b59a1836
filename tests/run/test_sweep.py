"""Sweeps on a real Dask LocalCluster: results, resumption, worker failure, determinism."""

import os

import numpy as np
import pandas as pd
import pytest

from factions.errors import EngineError, InputError
from factions.run.distributions import parse_varies
from factions.run.store import part_files, read_results
from factions.run.sweep import connect, sweep
from factions.scenario import load_scenario

LEGIT = "populations.group_a.legitimacy"


@pytest.fixture(scope="module")
def client():
    c, owned = connect(None, workers=2)
    yield c
    c.close()
    c._factions_cluster.close()


@pytest.fixture(scope="module")
def sc():
    from pathlib import Path
    return load_scenario(Path(__file__).parents[1] / "data" / "small.yaml")


def test_small_sweep_applies_draws_and_records_every_replica(sc, client, tmp_path):
    vary = parse_varies([f"{LEGIT}=uniform(0.3,0.6)", "parameters.polarisation=grid(0.2,0.8,2)"])
    res = sweep(sc, engine_names=["digest", "bargain"], runs=3, vary=vary, seed=7,
                out_dir=tmp_path, scheduler=client, options={"bargain": {"draws": 5}})
    ens = res.ensemble()
    # 2 grid points x 3 runs x 3 named scenarios, for each engine
    for eng in ("digest", "bargain"):
        sub = ens[ens["engine"] == eng]
        assert sub.groupby(["point", "run", "scenario"]).ngroups == 2 * 3 * 3
    # the digest reports the scenario's base values: the drawn legitimacy, before shocks
    jan = ens[(ens["metric"] == f"digest.{LEGIT}") & (ens["month"] == "2007-01")]
    assert np.allclose(jan["value"], jan[LEGIT])
    assert jan[LEGIT].between(0.3, 0.6).all() and jan[LEGIT].nunique() == 3
    pol = ens[(ens["metric"] == "digest.parameters.polarisation") & (ens["month"] == "2007-01")]
    assert sorted(pol["value"].unique()) == pytest.approx([0.2, 0.8])
    # runs share their draws across scenarios and grid points (common random numbers)
    assert jan.groupby("run")[LEGIT].nunique().max() == 1
    assert res.ran == len(res.plan.tasks) and res.cached == 0


def test_resume_skips_finished_tasks_and_counts_each_once(sc, client, tmp_path):
    vary = parse_varies([f"{LEGIT}=uniform(0.3,0.6)"])
    kw = dict(engine_names=["digest", "bargain"], vary=vary, seed=1, out_dir=tmp_path,
              scheduler=client, options={"bargain": {"draws": 5}})
    first = sweep(sc, runs=2, **kw)
    parts = len(part_files(tmp_path))
    again = sweep(sc, runs=2, **kw)
    assert again.ran == 0 and again.cached == len(first.plan.tasks)
    assert len(part_files(tmp_path)) == parts
    more = sweep(sc, runs=4, **kw)
    assert more.cached == len(first.plan.tasks)
    assert more.ran == len(more.plan.tasks) - len(first.plan.tasks)
    rows = more.metrics[more.metrics["metric"].notna()]
    assert not rows.duplicated(["key", "metric", "month"]).any()
    assert set(rows["key"]) == set(more.plan.keys)
    # the first runs' draws do not change when the sweep is extended
    old = first.ensemble().set_index(["engine", "scenario", "run", "metric", "month"])["value"]
    new = more.ensemble().set_index(["engine", "scenario", "run", "metric", "month"])["value"]
    pd.testing.assert_series_equal(old, new.loc[old.index])


def test_duplicate_parts_are_counted_once(sc, client, tmp_path):
    kw = dict(engine_names=["bargain"], runs=2, seed=3, scheduler=client,
              options={"bargain": {"draws": 5}})
    sweep(sc, out_dir=tmp_path / "a", **kw)
    sweep(sc, out_dir=tmp_path / "b", **kw)
    # two sweeps racing on one directory: copy b's parts into a
    for p in part_files(tmp_path / "b"):
        (tmp_path / "a" / p.name.replace("part-0", "part-9")).write_bytes(p.read_bytes())
    both = read_results(tmp_path / "a")
    single = read_results(tmp_path / "b")
    pd.testing.assert_frame_equal(both, single)


def test_same_sweep_twice_gives_identical_parquet_content(sc, client, tmp_path):
    vary = parse_varies([f"{LEGIT}=normal(0.5,0.1)", "bargain.draws=values(3,6)"])
    kw = dict(engine_names=["digest", "bargain"], runs=3, vary=vary, seed=11,
              scheduler=client, batch_size=4)
    sweep(sc, out_dir=tmp_path / "a", **kw)
    sweep(sc, out_dir=tmp_path / "b", **kw)
    a, b = read_results(tmp_path / "a"), read_results(tmp_path / "b")
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b)
    c = read_results(sweep(sc, out_dir=tmp_path / "c", **{**kw, "seed": 12}).out_dir)
    assert not a["value"].equals(c["value"])


def test_worker_killed_mid_sweep_loses_nothing(sc, client, tmp_path):
    kw = dict(engine_names=["bargain", "digest"], runs=12, seed=5, scheduler=client,
              vary=parse_varies([f"{LEGIT}=uniform(0.3,0.6)"]),
              options={"bargain": {"draws": 200}}, batch_size=5)
    reference = sweep(sc, out_dir=tmp_path / "ref", **kw)
    seen = {}

    def kill_one(state):
        if state.done - state.cached >= 6 and "killed" not in seen:
            victim = sorted(client.scheduler_info()["workers"])[0]
            seen["killed"], seen["at"] = victim, state.done
            try:  # the worker dies before it can answer
                client.run(os._exit, 1, workers=[victim])
            except Exception as exc:  # noqa: BLE001 - whatever the dead worker's comm raises
                seen["error"] = type(exc).__name__

    res = sweep(sc, out_dir=tmp_path / "run", progress=kill_one, **kw)
    assert "killed" in seen and seen["at"] < res.plan.runs * 3 * 2
    client.wait_for_workers(2, timeout=60)
    assert seen["killed"] not in client.scheduler_info()["workers"]  # it really died
    rows = read_results(res.out_dir)
    assert set(rows["key"]) == set(res.plan.keys)
    assert not rows.dropna(subset=["metric"]).duplicated(["key", "metric", "month"]).any()
    pd.testing.assert_frame_equal(rows, read_results(reference.out_dir))


def test_bad_vary_and_bad_settings_are_one_line_errors(sc, tmp_path):
    with pytest.raises(InputError, match="unknown distribution 'beta'"):
        parse_varies([f"{LEGIT}=beta(1,2)"])
    with pytest.raises(InputError, match="uniform\\(a,b\\) takes 2 numbers"):
        parse_varies([f"{LEGIT}=uniform(1)"])
    with pytest.raises(InputError, match="needs a < b"):
        parse_varies([f"{LEGIT}=uniform(0.8,0.2)"])
    with pytest.raises(InputError, match="expected PARAM=DIST"):
        parse_varies(["legitimacy"])
    with pytest.raises(InputError, match="'x' is not a number"):
        parse_varies([f"{LEGIT}=normal(x,1)"])
    for bad, msg in [("populations.nobody.legitimacy=uniform(0,1)", "--vary populations"),
                     ("bargain.nonsense=values(1,2)", "has no option 'nonsense'"),
                     ("speed=uniform(0,1)", "not a scenario parameter"),
                     (f"{LEGIT}=choice(low,high)", "take numbers")]:
        with pytest.raises(InputError, match=msg) as err:
            sweep(sc, engine_names=["digest", "bargain"], vary=parse_varies([bad]),
                  out_dir=tmp_path)
        assert "\n" not in str(err.value)
    with pytest.raises(InputError, match="--runs"):
        sweep(sc, engine_names=["digest"], runs=0, out_dir=tmp_path)
    with pytest.raises(EngineError, match="unknown engine"):
        sweep(sc, engine_names=["nope"], out_dir=tmp_path)


def test_unreachable_scheduler_is_a_clear_error(sc, tmp_path):
    with pytest.raises(InputError, match="cannot reach a Dask scheduler") as err:
        sweep(sc, engine_names=["digest"], out_dir=tmp_path,
              scheduler="tcp://127.0.0.1:9", connect_timeout=1)
    assert "\n" not in str(err.value)


def test_summaries_and_claims_of_a_real_sweep(sc, client, tmp_path):
    from factions.run.summaries import ensemble_summary, sensitivity, sweep_claims

    vary = parse_varies([f"{LEGIT}=uniform(0.3,0.6)", "parameters.polarisation=uniform(0,1)"])
    res = sweep(sc, engine_names=["digest"], runs=8, vary=vary, seed=2, out_dir=tmp_path,
                scheduler=client)
    ens = res.ensemble()
    sens = sensitivity(ens, metrics=[f"digest.{LEGIT}"]).set_index(["scenario", "parameter"])
    assert sens.loc[("historical", LEGIT), "spearman"] == pytest.approx(1.0)
    assert abs(sens.loc[("historical", "parameters.polarisation"), "spearman"]) < 0.9
    summ = ensemble_summary(ens).set_index(["scenario", "metric", "month"])
    row = summ.loc[("historical", f"digest.{LEGIT}", "2007-01")]
    assert row["n"] == 8 and 0.3 <= row["low"] < row["median"] < row["high"] <= 0.6
    claims = sweep_claims(sc, res).set_index("claim")
    assert claims.loc["surge_more_troops", "p_holds"] == 1.0
    assert claims.loc["surge_more_troops", "replicas"] == 8


def test_cluster_without_workers_is_a_clear_error():
    from distributed import Client, LocalCluster

    from factions.run.sweep import check_workers

    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster, \
            Client(cluster) as c:
        with pytest.raises(InputError, match="has no worker"):
            check_workers(c, timeout=0.5)


def test_workers_report_this_version(client):
    import factions
    from factions.run.sweep import check_workers

    found = check_workers(client)
    assert len(found) == 2 and set(found.values()) == {factions.__version__}


def test_sweep_report_files(sc, client, tmp_path):
    from factions.run.sweep_report import write_sweep_report

    vary = parse_varies([f"{LEGIT}=uniform(0.3,0.6)"])
    res = sweep(sc, engine_names=["digest"], runs=5, vary=vary, seed=9, out_dir=tmp_path,
                scheduler=client)
    files = write_sweep_report(sc, res, tmp_path / "report")
    assert {"summary", "claims", "fan:digest.forces.occ_troops"} <= set(files)
    assert all(p.exists() and p.stat().st_size > 0 for p in files.values())
    claims = pd.read_csv(files["claims"]).set_index("claim")
    assert claims.loc["surge_more_troops", "p_holds"] == 1.0
    summary = pd.read_csv(files["summary"])
    assert set(summary["scenario"]) == {"historical", "no_surge", "rupture"}
    assert (summary["n"] == 5).all()


def test_ground_engine_ensemble(sc, client, tmp_path):
    opts = {"ground": {"grid": 20, "seeds": 1, "ticks_per_month": 3, "burn_in": 5}}
    vary = parse_varies(["ground.kill_scale=uniform(0.1,0.3)"])
    res = sweep(sc, ["historical", "no_surge"], ["ground", "digest"], runs=4, vary=vary,
                seed=3, out_dir=tmp_path / "a", scheduler=client, options=opts)
    again = sweep(sc, ["historical", "no_surge"], ["ground", "digest"], runs=4, vary=vary,
                  seed=3, out_dir=tmp_path / "b", scheduler=client, options=opts)
    assert again.ran == res.ran == len(res.plan.tasks)
    pd.testing.assert_frame_equal(read_results(tmp_path / "a"), read_results(tmp_path / "b"))
    tasks = pd.Series([t.engine for t in res.plan.tasks]).value_counts()
    # the digest does not see ground's option: one task per scenario, not per run
    assert tasks["ground"] == 8 and tasks["digest"] == 2
    ens = res.ensemble()
    act = ens[(ens["metric"] == "ground.activity") & (ens["scenario"] == "historical")]
    per_run = act.groupby("run")["value"].sum()
    assert len(per_run) == 4 and per_run.nunique() == 4  # seeds differ
    assert set(ens.loc[ens["engine"] == "ground", "metric"]) >= {"ground.deaths",
                                                                 "ground.activity"}
    assert ens[ens["engine"] == "digest"].groupby(["scenario", "run"]).ngroups == 8


def test_a_named_engine_that_refuses_the_scenario_fails_the_sweep(sc, client, tmp_path):
    with pytest.raises(EngineError, match="engine 'displace' on scenario") as err:
        sweep(sc, ["historical"], ["digest", "displace"], runs=1, out_dir=tmp_path,
              scheduler=client, options={"displace": {"calibrate": False}})
    assert "\n" not in str(err.value)


def test_cluster_errors_are_retried_engine_bugs_are_not():
    from distributed import KilledWorker

    from factions.run.cluster import infrastructure_error

    assert infrastructure_error(KilledWorker("k", "tcp://x", None))
    assert infrastructure_error(OSError("connection reset"))
    assert not infrastructure_error(ValueError("a bug in an engine"))
    assert not infrastructure_error(EngineError("bad option"))


def test_sweep_claims_agree_with_run_all(sc, client, tmp_path):
    from factions.run import run_all
    from factions.run.summaries import sweep_claims

    opts = {"ground": {"grid": 20, "seeds": 1, "ticks_per_month": 3, "burn_in": 5}}
    engines = ["digest", "ground"]
    res = sweep(sc, engine_names=engines, runs=3, seed=4, out_dir=tmp_path,
                scheduler=client, options=opts)
    direct = run_all(sc, engines=engines, seed=4, replicas=3, options=opts)
    pd.testing.assert_frame_equal(sweep_claims(sc, res), direct.claims)
    # the same numbers in both paths: every seed of the stochastic engine, and the
    # deterministic engine (run once by run_all, repeated in every run of the sweep)
    cols = ["engine", "scenario", "seed", "metric", "month", "value"]
    ens = res.ensemble()
    mine = ens.loc[(ens["engine"] == "ground") | (ens["run"] == 0), cols]
    theirs = direct.metrics[cols]
    assert len(mine) == len(theirs) > 0

    def norm(df):
        df = df.fillna({"month": ""}).astype({"value": float, "seed": int})
        return df.sort_values(cols[:-1]).reset_index(drop=True)

    pd.testing.assert_frame_equal(norm(mine), norm(theirs), check_dtype=False)


def test_sweep_on_a_scheduler_address(sc, client, tmp_path):
    address = client.scheduler.address  # as a user passes --scheduler tcp://host:port
    res = sweep(sc, engine_names=["digest"], runs=1, out_dir=tmp_path, scheduler=address)
    assert res.ran == 3 and set(res.metrics["scenario"]) == {"historical", "no_surge",
                                                             "rupture"}
    assert len(client.scheduler_info()["workers"]) == 2  # the cluster is left running


def test_split_replicas_recovers_the_runs_of_an_ensemble(sc, client, tmp_path):
    """The pipeline keeps an ensemble's metrics as one frame (the runs concatenated);
    split_replicas must give back each run's frame, also for a deterministic engine whose
    values differ between runs only through the parameter draws (same seed)."""
    from factions.run.claims import claim_replicas, split_replicas
    from factions.run.summaries import sweep_claims

    vary = parse_varies([f"{LEGIT}=uniform(0.3,0.6)"])
    res = sweep(sc, engine_names=["digest"], runs=4, vary=vary, seed=5, out_dir=tmp_path,
                scheduler=client)
    frames = res.replica_frames()
    split = split_replicas(pd.concat(frames, ignore_index=True), len(frames))
    assert len(split) == 4
    for mine, theirs in zip(split, frames, strict=True):
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True))
    legit = [f.loc[f["metric"] == f"digest.{LEGIT}", "value"].iloc[0] for f in split]
    assert len(set(np.round(legit, 9))) == 4  # the draws differ, the seeds do not
    reps = claim_replicas(sc, split)
    table = sweep_claims(sc, res).set_index("claim")
    for claim, g in reps.groupby("claim"):
        assert g["holds"].mean() == pytest.approx(table.loc[claim, "p_holds"])


def test_a_draws_bundle_gives_each_task_its_own_result():
    """One Dask task per draw: every engine on every named scenario, sharing the scenario
    copy, the providers' results and the ground engine's history, gives exactly what each
    task gives alone (and bundles never mix draws or disagreeing parameters)."""
    from pathlib import Path

    from factions.engines.ground.prefix import clear_memo
    from factions.run.plan import plan_sweep
    from factions.run.sweep import bundles, execute_bundle, execute_task

    val = load_scenario(Path(__file__).parents[1] / "data" / "valdoria.yaml")
    opts = {"ground": {"grid": 30, "seeds": 1, "ticks_per_month": 3, "burn_in": 5}}
    vary = parse_varies(["populations.highlanders.legitimacy=uniform(0.3,0.6)",
                         "ground.threshold=uniform(0.05,0.2)"])
    plan = plan_sweep(val, None, ["align", "ground", "displace"], runs=2, vary=vary, seed=3,
                      options=opts)
    groups = bundles(plan.tasks)
    assert len(groups) == 2 and {t.run for t in groups[1]} == {1}
    assert sum(len(g) for g in groups) == len(plan.tasks)
    group = groups[1]
    clear_memo()
    together = execute_bundle(val, [(t.engine, t.scenario, t.seed, t.params) for t in group],
                              plan.options, plan.engines, None)
    for task, (status, message, got) in zip(group, together, strict=True):
        clear_memo()
        alone = execute_task(val, task.engine, task.scenario, task.seed, task.params,
                             plan.options, plan.engines)
        assert (status, message) == alone[:2], task
        pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                      alone[2].reset_index(drop=True), obj=str(task))
    ground = [m for t, (_, _, m) in zip(group, together, strict=True) if t.engine == "ground"]
    assert len(ground) == 4 and all(len(m) for m in ground)
    # tasks whose parameters disagree are not bundled together
    a = type(group[0])("a", "ground", "x", 0, 0, {"p": 1.0})
    b = type(group[0])("b", "ground", "y", 0, 0, {"p": 2.0})
    c = type(group[0])("c", "align", "x", 0, 0, {"q": 1.0})
    assert [[t.key for t in g] for g in bundles([a, b, c])] == [["a", "c"], ["b"]]


def test_pairs_run_each_engine_only_where_it_is_read():
    """``pairs`` keeps an engine's tasks on its named scenarios only, with the same keys
    as the full plan (so a cached full sweep answers a restricted one), and refuses a
    named scenario outside the sweep."""
    from pathlib import Path

    from factions.run.plan import plan_sweep

    val = load_scenario(Path(__file__).parents[1] / "data" / "valdoria.yaml")
    ids = val.scenario_ids()
    full = plan_sweep(val, None, ["align", "ground"], runs=2, seed=3)
    some = plan_sweep(val, None, ["align", "ground"], runs=2, seed=3,
                      pairs={"ground": ids[:1], "align": ids[1:]})
    got = {(t.engine, t.scenario) for t in some.tasks}
    assert got == {("ground", ids[0])} | {("align", s) for s in ids[1:]}
    want = {t.key for t in full.tasks if (t.engine, t.scenario) in got}
    assert {t.key for t in some.tasks} == want and len(some.tasks) < len(full.tasks)
    assert set(some.replicas.key) == want
    with pytest.raises(InputError, match="pairs: engine 'ground' on 'nowhere'"):
        plan_sweep(val, None, ["ground"], pairs={"ground": ["nowhere"]})


def test_meanwhile_runs_while_the_cluster_works_and_poll_takes_results_in(sc, client,
                                                                         tmp_path):
    """``meanwhile`` is called once with every task submitted; ``poll`` takes in what has
    finished without waiting (parts written, progress called); the results are those of
    the same sweep without it; with everything cached it is still called once."""
    import time

    kw = dict(engine_names=["digest", "bargain"], runs=4, seed=2, scheduler=client,
              options={"bargain": {"draws": 5}}, batch_size=1)
    seen: list[int] = []
    calls: list = []

    def meanwhile(poll):
        calls.append(("called", max(seen, default=0)))  # nothing taken in yet
        deadline = time.monotonic() + 60
        while max(seen, default=0) < len(plan_tasks) and time.monotonic() < deadline:
            poll()
            time.sleep(0.05)
        # before the sweep's own wait: poll took every result in and wrote it
        calls.append((max(seen, default=0), len(part_files(tmp_path / "a")) > 0))

    plan_tasks = sweep(sc, out_dir=tmp_path / "plain", **kw).plan.tasks
    res = sweep(sc, out_dir=tmp_path / "a", meanwhile=meanwhile,
                progress=lambda st: seen.append(st.done), **kw)
    assert calls == [("called", 0), (len(plan_tasks), True)]
    pd.testing.assert_frame_equal(read_results(tmp_path / "a"), read_results(tmp_path / "plain"))
    assert res.ran == len(plan_tasks)
    again = sweep(sc, out_dir=tmp_path / "a", meanwhile=lambda poll: calls.append(poll()), **kw)
    assert again.ran == 0 and calls[2:] == [None]  # everything cached: called all the same


def test_an_error_in_meanwhile_stops_the_sweep_keeping_what_finished(sc, client, tmp_path):
    kw = dict(engine_names=["digest"], runs=3, seed=4, scheduler=client, batch_size=1)

    def meanwhile(poll):
        raise RuntimeError("the primary pass failed")

    with pytest.raises(RuntimeError, match="the primary pass failed"):
        sweep(sc, out_dir=tmp_path, meanwhile=meanwhile, **kw)
    done = read_results(tmp_path) if part_files(tmp_path) else pd.DataFrame()
    full = sweep(sc, out_dir=tmp_path, **kw)  # resumes: nothing lost, nothing twice
    assert full.cached == len(done["key"].unique()) if len(done) else full.cached == 0
    rows = full.metrics[full.metrics["metric"].notna()]
    assert not rows.duplicated(["key", "metric", "month"]).any()
    assert set(rows["key"]) == set(full.plan.keys)


def test_pipeline_runs_its_primary_pass_while_the_draws_run(sc, client, tmp_path):
    """The draws start once the primary pass has what they need from it; the rest of the
    pass runs while the cluster works, giving the results a run without draws gives."""
    from factions.run import Pipeline

    class Events:
        def __init__(self):
            self.log = []

        def start(self, total):
            self.log.append("start")

        def task(self, engine, scenario, seed):
            self.log.append(("task", engine, scenario))

        def sweep(self, state):
            self.log.append("sweep")

    ev = Events()
    res = Pipeline(sc, replicas=3, scheduler=client).run(tmp_path, progress=ev)
    tasks = [i for i, e in enumerate(ev.log) if isinstance(e, tuple)]
    first_sweep = ev.log.index("sweep")
    assert first_sweep < tasks[-1]  # the draws were submitted before the pass ended
    single = Pipeline(sc, replicas=1).run()
    got = [(r.engine, r.scenario_id) for r in res.primary()]
    assert got == [(r.engine, r.scenario_id) for r in single.primary()]
    assert [e[1:] for e in ev.log if isinstance(e, tuple)] == got + [
        (r.engine, r.scenario_id) for r in single.results if r not in single.primary()]
    for a, b in zip(res.primary(), single.primary(), strict=True):
        pd.testing.assert_frame_equal(a.metrics(), b.metrics())
    assert res.replicas == 3 and len(res.claims) == len(single.claims)
