"""Start-up times of the command line as whole processes (issue 15, item 3).

Prints the median wall time of ``factions --version``, ``factions --help`` and a 200-tick
bare ground run (``factions ground --model I --ticks 200``) over ``--repeat`` runs, with
the load average, since these machines are shared. Goals: --version and --help <= 0.3 s,
the ground run <= 1.0 s (numba's cache warm: the first run ever compiles the kernel and
is excluded by a warm-up run). Usage: python benchmarks/startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "factions --version": ["--version"],
    "factions --help": ["--help"],
    "factions ground --model I --ticks 200": ["ground", "--model", "I", "--ticks", "200"],
}


def _time(argv: list[str]) -> float:
    exe = shutil.which("factions")
    cmd = [exe, *argv] if exe else [sys.executable, "-m", "factions", *argv]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    for name, argv in COMMANDS.items():
        _time(argv)  # warm-up (numba cache, OS file cache)
        times = [_time(argv) for _ in range(args.repeat)]
        print(f"{name:45s} median {statistics.median(times):.3f} s  "
              f"(min {min(times):.3f}, max {max(times):.3f}; load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
