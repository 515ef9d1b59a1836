"""Extract the figures the SMP tests pin from KTAB's reference logs into a JSON fixture.

Usage::

    python benchmarks/bargain_smp_fixture.py LOG [LOG ...] --out tests/engines/bargain/data/X.json

Reads a KTAB ``smpc`` log (e.g. ``../shared/benchmarks/ktab/ref-SOE-Pol-Comp.log``, KTAB's
``examples/smp/doc/20170530_ref-*.txt``) and keeps, with their source: the model
parameters, the first state's matrices (risk-neutral values, risk attitudes, every
perspective's utility matrix), the risk attitudes of every state, the first turn's
challenges and bargain votes, every state's positions (4 decimals, from the
``postn``/``ideal`` lines) and the final histories of positions (1 decimal) and winning
probabilities (4 decimals). The test suite reads only the JSON.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path


def _floats(line: str) -> list[float]:
    return [float(v) for v in line.split()]


def _matrix(lines: list[str], start: int, rows: int) -> list[list[float]]:
    return [_floats(lines[start + 1 + r]) for r in range(rows)]


def parse(path: Path) -> dict:
    lines = [ln.rstrip() for ln in path.read_text(errors="replace").splitlines()]
    act_line = next(ln for ln in lines if ln.startswith("Number of actors")
                    or re.match(r"Found \d+ actors", ln))
    n = int(re.search(r"(\d+)", act_line)[1])
    dim_line = next(ln for ln in lines if ln.startswith("Number of dimensions")
                    or re.match(r"Found \d+ dimensions", ln))
    d = int(re.search(r"(\d+)", dim_line)[1])
    params = {}
    for key in ("VictoryProbModel", "VotingRule", "PCEModel", "StateTransitions", "BigRRange",
                "BigRAdjust", "ThirdPartyCommit", "InterVecBrgn", "BargnModel"):
        hit = [ln for ln in lines if ln.startswith(key + ":")]
        if hit:
            params[key] = hit[0].split(":")[1].strip()
    iters = [k for k, ln in enumerate(lines) if ln.startswith("Starting Model::run iteration")]
    first = lines[iters[0]:iters[1] if len(iters) > 1 else len(lines)]
    out: dict = {"source": str(path.name), "actors": n, "dimensions": d, "parameters": params}
    k = first.index("Raw actor-pos value matrix (risk neutral)")
    out["state0_raw_value"] = _matrix(first, k, n)
    k = first.index("Inferred risk attitudes:")
    out["state0_risk"] = [v[0] for v in _matrix(first, k, n)]
    k = first.index("Risk-aware actor-pos utility matrix (objective):")
    out["state0_objective_utility"] = _matrix(first, k, n)
    out["state0_utility_by_h"] = [
        _matrix(first, first.index(f"Estimate by {h} of risk-aware utility matrix:"), n)
        for h in range(n)]
    est = re.compile(r"Est by\s+(\d+) of prob ([\d.]+) that \[\s*(\d+)>\s*(\d+)\], "
                     r"with expected gain to\s+(\d+) of ([+-][\d.]+)")
    out["turn0_estimates"] = [
        [int(m[1]), int(m[3]), int(m[4]), int(m[5]), float(m[2]), float(m[6])]
        for m in (est.search(ln) for ln in first) if m]
    # bargain lists of turn 0 and their PCE probabilities
    lists = {}
    for ln in first:
        m = re.match(r"Bargains involving actor\s+(\d+): (.*)", ln)
        if m:
            lists[int(m[1])] = [(int(a), int(b), int(c)) for a, b, c in
                                re.findall(r"\[(\d+), (\d+):(\d+)\]", m[2])]
    votes = []
    for k, ln in enumerate(first):
        m = re.match(r"Doing scalarPCE for the (\d+) bargains of actor (\d+)", ln)
        if not m:
            continue
        nb, actor = int(m[1]), int(m[2])
        j = next(q for q in range(k, len(first)) if first[q].strip() == "Probability Opt_i")
        probs = [_floats(first[j + 1 + q])[0] for q in range(nb)]
        chosen = next(first[q] for q in range(j, len(first)) if first[q].startswith("Chosen"))
        bid = int(re.search(r"\): (\d+)", chosen)[1])
        pairs = [[a, b] for _, a, b in lists[actor]]
        pick = [[a, b] for i, a, b in lists[actor] if i == bid][0]
        votes.append({"actor": actor, "bargains": pairs, "prob": probs, "chosen": pick})
    out["turn0_bargain_votes"] = sorted(votes, key=lambda v: v["actor"])
    risks = [k for k, ln in enumerate(lines) if ln.startswith("Inferred risk attitudes:")]
    out["risk_by_state"] = [[v[0] for v in _matrix(lines, k, n)] for k in risks]
    post = [k for k, ln in enumerate(lines) if ln.startswith("postn ") and "distance" not in ln]
    flat = [_floats(lines[k + 1]) for k in post]
    out["positions_4dp"] = [flat[t * n:(t + 1) * n] for t in range(len(flat) // n)]
    idl = [_floats(lines[k + 1]) for k, ln in enumerate(lines) if ln.startswith("ideal ")]
    out["ideals_4dp"] = [idl[t * n:(t + 1) * n] for t in range(len(idl) // n)]
    if "History of actor positions over time:" in lines:
        k = lines.index("History of actor positions over time:")
        hist, probs = [], []
        for ln in lines[k + 1:]:
            if ln.startswith("History of actors'"):
                break
            hist.append(_floats(ln.split(":", 1)[1]))
        k = next(q for q, ln in enumerate(lines) if ln.startswith("History of actors'"))
        for ln in lines[k + 1:k + 1 + n]:
            probs.append(_floats(ln.split(":", 1)[1]))
        out["history_1dp"] = hist  # n * d rows (actor-major), one value per state
        out["win_prob_4dp"] = probs
        m = next(ln for ln in lines if ln.startswith("There were"))
        out["states"] = int(re.search(r"There were (\d+) states", m)[1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--note", default="", help="provenance note stored with the figures")
    args = ap.parse_args()
    fig = parse(args.log)
    fig["note"] = args.note
    args.out.write_text(json.dumps(fig, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
