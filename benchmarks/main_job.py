"""The main job as a user runs it: ``factions run`` on the default scenario, whole process.

Three runs into one output directory, each a fresh process:

1. **cold** — nothing cached (a new directory; numba's cache is whatever the checkout has:
   run once before to time the job without compilation);
2. **cached** — the same command again: neither the scenario nor the code changed, so every
   engine result and every draw comes from ``DIR/cache`` and ``DIR/ensemble``;
3. **one shock edited** — without the posterior (an edited file no longer matches it):
   the file as shipped into a second directory, then a copy with one number of one shock
   changed (the first effect of the first shock that is in some but not all named
   scenarios) into the same directory: only the named scenarios containing that shock
   rerun (``--edit-draws`` draws each).

Anchor, measured in the same run: ``factions --version`` as a whole process (the cost of
starting Python and the package), so the ratios are comparable across busy runs. Prints
wall and CPU (children included) of each, the load average, and the ratio to the anchor.

Usage::

    python benchmarks/main_job.py [--draws 100] [--edit-draws 20] [--out DIR] [--skip-cold]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], log: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with log.open("w") as fh:
        rc = subprocess.call(cmd, stdout=fh, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, rc


def edited_copy(dest: Path) -> tuple[Path, str]:
    """The default scenario with one shock's first numeric effect changed by 10 %."""
    from importlib import resources

    from factions.scenario.load import DEFAULT_SCENARIO_FILE, default_scenario

    sc = default_scenario()
    text = resources.files("factions.scenarios").joinpath(DEFAULT_SCENARIO_FILE).read_text(
        encoding="utf-8")
    counts = {s.id: sum(s.id in d.shocks for d in sc.scenarios) for s in sc.shocks}
    shock = next(s for s in sc.shocks if 0 < counts[s.id] < len(sc.scenarios))
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s*- id: {shock.id}\s*$", line))
    for i in range(start + 1, len(lines)):
        m = re.search(r"(shift|scale|set): (-?[0-9.]+)", lines[i])
        if m:
            new = float(m.group(2)) * 1.1 if float(m.group(2)) else 0.05
            lines[i] = lines[i][:m.start(2)] + f"{new:.6g}" + lines[i][m.end(2):]
            break
    # keep the shipped calibration valid for the copy: same file name beside its posterior
    path = dest / DEFAULT_SCENARIO_FILE
    path.write_text("".join(lines), encoding="utf-8")
    return path, f"{shock.id}: line {i + 1}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--out", default=None)
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--edit-draws", type=int, default=20)
    a = ap.parse_args()
    out = Path(a.out or tempfile.mkdtemp(prefix="factions-main-"))
    exe = [sys.executable, "-m", "factions"]
    wall, cpu, _ = timed([*exe, "--version"], out.parent / "anchor.log")
    anchor = wall
    print(f"[anchor] factions --version: wall {wall:.2f} s, cpu {cpu:.2f} s, "
          f"load {os.getloadavg()[0]:.1f}")
    runs = [] if a.skip_cold else [("cold", [*exe, "run", "--draws", str(a.draws), "--out",
                                             str(out)])]
    runs.append(("cached", [*exe, "run", "--draws", str(a.draws), "--out", str(out)]))
    for label, cmd in runs:
        load = os.getloadavg()[0]
        wall, cpu, rc = timed(cmd, out.parent / f"{label}.log")
        print(f"[{label}] rc {rc}: wall {wall:.1f} s, cpu {cpu:.1f} s, load {load:.1f} -> "
              f"{os.getloadavg()[0]:.1f}; {wall / anchor:.0f}x the anchor")
    # an edited file no longer matches the shipped posterior's digest, so this part runs
    # without a posterior: the file as shipped, then the edited copy, into one directory
    out2 = out.parent / (out.name + "-edit")
    with tempfile.TemporaryDirectory() as tmp:
        path, what = edited_copy(Path(tmp))
        for label, target in (("as shipped, no posterior", []), (f"one shock edited ({what})",
                                                                 [str(path)])):
            load = os.getloadavg()[0]
            wall, cpu, rc = timed([*exe, "run", *target, "--draws", str(a.edit_draws),
                                   "--out", str(out2), "--posterior", "none"],
                                  out.parent / "edited.log")
            print(f"[{label}, {a.edit_draws} draws] rc {rc}: wall {wall:.1f} s, cpu "
                  f"{cpu:.1f} s, load {load:.1f}")
    size = (out / "index.html").stat().st_size / 1e6 if (out / "index.html").exists() else 0
    print(f"[report] {out / 'index.html'}: {size:.2f} MB")


if __name__ == "__main__":
    main()
