"""Iraq 2007-2009 hindcast of the displace flow model against UNHCR, with a held-out year.

Reads the shared data (benchmarks may; tests may not): IBC monthly deaths (national and
Baghdad) and UNHCR end-year stocks of Iraqi refugees in Syria, Jordan and Lebanon and of
IDPs in Iraq (``/work/shared/data/iraq``, see SOURCES.md there).

Set-up (assumptions, not data, are marked ASSUMED):

* start stocks = UNHCR 2006 end-year counts; simulate 2007-01 .. 2009-12 monthly;
* origins Baghdad (ASSUMED 6.5 M residents) and rest of Iraq (ASSUMED 21.5 M); violence =
  IBC minimum deaths (Baghdad's own series; the rest shared by the other origin);
* routes (road km, ASSUMED rounded): Baghdad-Damascus 800, Baghdad-Amman 900, rest-Syria
  500, Damascus-Beirut 120 (Syria-Lebanon), origins-IDP settings 60, Baghdad-rest 200;
* restrictions (ASSUMED): Syria 0 until 2007-09, 0.8 from 2007-10 (visa rule); Jordan 0.6
  throughout (border tightened from 2006); Lebanon 0.5; hardship (ASSUMED): Syria 0.4 rising
  linearly to 0.8 over 2008 (savings exhausted), Jordan 0.2, Lebanon 0.5, IDP settings 0.6.

Fit: the default parameters of :data:`DEFAULT_FIT` by least squares on the 2007 and 2008
points (in-sample); then report ARD per host on 2007-2008 (in-sample) and on 2009
(out-of-sample: the 2009 counts were not used in the fit).

Run: ``python benchmarks/displace_iraq_hindcast.py [--data /work/shared/data/iraq]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from factions.engines.displace import (
    FlowParameters,
    Target,
    ard_flee,
    ard_per_location,
    build_network,
    check_inputs,
    fit_parameters,
    simulate_flows,
)

HOSTS = {"syria": "Syrian Arab Republic", "jordan": "Jordan", "lebanon": "Lebanon"}
IDS = ["baghdad", "rest_of_iraq", "idp", "syria", "jordan", "lebanon"]
KINDS = ["origin", "origin", "idp", "host", "host", "host"]
ROUTES = [("baghdad", "rest_of_iraq", 200), ("baghdad", "idp", 60), ("rest_of_iraq", "idp", 60),
          ("baghdad", "syria", 800), ("rest_of_iraq", "syria", 500), ("baghdad", "jordan", 900),
          ("syria", "lebanon", 120)]


def load(data: Path):
    unhcr = pd.read_csv(data / "unhcr_iraq.csv")
    ibc = pd.read_csv(data / "ibc_monthly.csv").set_index("month")
    obs = {}
    for key, country in HOSTS.items():
        rows = unhcr[(unhcr.population_type == "Refugees") & (unhcr.country_of_asylum == country)]
        obs[key] = rows.set_index("year")["value"].astype(float)
    idp = unhcr[unhcr.population_type == "Internally displaced"].set_index("year")["value"]
    obs["idps"] = idp.astype(float)
    return obs, ibc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/iraq"))
    args = ap.parse_args()
    obs, ibc = load(args.data)
    months = [f"{y}-{m:02d}" for y in (2007, 2008, 2009) for m in range(1, 13)]
    pop0 = np.array([6.5e6, 21.5e6, obs["idps"][2006], obs["syria"][2006], obs["jordan"][2006],
                     obs["lebanon"][2006]])
    net = build_network(IDS, KINDS, pop0, ROUTES)
    deaths_b = ibc.loc[months, "baghdad_min"].to_numpy(float)
    deaths_r = ibc.loc[months, "deaths_min"].to_numpy(float) - deaths_b
    viol = np.zeros((36, 6))
    viol[:, 0] = deaths_b / 6.5e6 * 1e5
    viol[:, 1] = deaths_r / 21.5e6 * 1e5
    restr = np.tile([0.0, 0.0, 0.0, 0.0, 0.6, 0.5], (36, 1))
    restr[months.index("2007-10"):, 3] = 0.8
    hard = np.tile([0.0, 0.0, 0.6, 0.4, 0.2, 0.5], (36, 1))
    ramp = np.clip((np.arange(36) - 11) / 12, 0, 1)
    hard[:, 3] = 0.4 + 0.4 * ramp
    inputs = check_inputs(net, viol, restr, hard)

    series = [("syria", [3]), ("jordan", [4]), ("lebanon", [5]), ("idps", [2])]
    steps = {2007: 12, 2008: 24, 2009: 36}
    train = [Target(n, loc, [steps[2007], steps[2008]], [obs[n][2007], obs[n][2008]])
             for n, loc in series]
    fit = fit_parameters(net, inputs, train, FlowParameters())
    print("fitted in-sample on 2007-2008 (8 points):",
          {n: round(getattr(fit.params, n), 6) for n in fit.fitted},
          f"SSR {fit.cost:.4f}, evaluations {fit.n_evaluations}, success {fit.success}")
    stocks = simulate_flows(net, inputs, fit.params).stocks
    sim = np.column_stack([stocks[[12, 24, 36]][:, loc].sum(axis=1) for _, loc in series])
    ob = np.column_stack([[obs[n][y] for y in (2007, 2008, 2009)] for n, _ in series])
    print(f"{'series':>8} " + " ".join(f"{y} sim/obs".rjust(22) for y in (2007, 2008, 2009)))
    for k, (n, _) in enumerate(series):
        print(f"{n:>8} " + " ".join(f"{sim[j, k]:>10,.0f}/{ob[j, k]:>10,.0f}" for j in range(3)))
    ins = ard_per_location(sim[:2], ob[:2])
    out = ard_per_location(sim[2:], ob[2:])
    for k, (n, _) in enumerate(series):
        print(f"ARD {n:>8}: in-sample 2007-08 {ins[k]:.3f}; out-of-sample 2009 {out[k]:.3f}")
    print(f"Flee ARD (all series): in-sample {ard_flee(sim[:2], ob[:2]):.3f}; "
          f"out-of-sample 2009 {ard_flee(sim[2:], ob[2:]):.3f}")
    # naive benchmark: stocks stay at their 2006 level
    naive = np.tile([obs[n][2006] for n, _ in series], (3, 1))
    print(f"naive 'no change since 2006' Flee ARD: 2007-08 {ard_flee(naive[:2], ob[:2]):.3f}; "
          f"2009 {ard_flee(naive[2:], ob[2:]):.3f}")
    ret = np.zeros(3)
    run = simulate_flows(net, inputs, fit.params)
    for j in range(3):
        ret[j] = run.returns[12 * j:12 * (j + 1), 3].sum()
    print("model returns from Syria per year 2007/2008/2009:", np.round(ret).tolist())


if __name__ == "__main__":
    main()
