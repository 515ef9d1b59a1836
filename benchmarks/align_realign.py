"""Cost of the free ties of a scenario (issue 12): evolved ties and a lean draw of align.

For each named scenario of the embedded Iraq scenario that has ``dynamics``, prints the
median time of :func:`factions.engines.align.tie_series` (the month-by-month evolution) and
of one lean align draw as the ensembles run it (``lean, claimed``: tie metrics, no
frustration where no claim reads it), and their ratio to the anchor measured in the same
run: the same lean draw of the static ``historical`` scenario. Goal: the evolution well
under 0.1 s per draw. Usage: python benchmarks/align_realign.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from factions.engines import get
from factions.engines.align import tie_series
from factions.scenario import default_scenario

LEAN = {"lean": True, "power": False, "claimed": True}


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sc = default_scenario()
    align = get("align")
    anchor = _median(lambda: align.execute(sc, "historical", 0, LEAN, None), args.repeat)
    print(f"load average {os.getloadavg()[0]:.2f}; anchor: lean draw of historical "
          f"{anchor * 1e3:.1f} ms")
    for sid in sc.scenario_ids():
        if sc.dynamics_of(sid) is None:
            continue
        evo = _median(lambda sid=sid: tie_series(sc, sid), args.repeat)
        draw = _median(lambda sid=sid: align.execute(sc, sid, 0, LEAN, None), args.repeat)
        print(f"{sid:24s} tie_series {evo * 1e3:6.1f} ms   lean draw {draw * 1e3:6.1f} ms   "
              f"ratio to anchor {draw / anchor:5.2f}   goal tie_series < 100 ms: "
              f"{'met' if evo < 0.1 else 'NOT met'}")


if __name__ == "__main__":
    main()
