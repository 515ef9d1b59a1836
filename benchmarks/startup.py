"""Start-up times of the command line as whole processes (issue 15, item 3).

Prints the median wall time and the median CPU time (user + system of the child process,
less sensitive than wall time to other work on a shared host) of ``factions --version``,
``factions --help`` and a 200-tick bare ground run (``factions ground --model I --ticks
200``) over ``--repeat`` runs, with the load average. Goals: --version and --help <= 0.3 s,
the ground run <= 1.0 s (numba's cache warm: the first run ever compiles the kernel and
is excluded by a warm-up run).

Anchor, measured in the same run: the same bare ground run in a process that imports
``scipy.linalg`` first, as numba's BLAS probe did in every process before
``factions.jit_startup`` served it the one extension module it asks for; the ratio anchor /
now is printed. Usage: python benchmarks/startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
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


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


ANCHOR = "ground run with scipy.linalg imported first (anchor)"
_ANCHOR_CODE = ("import sys, scipy.linalg; from factions.cli import entry; "
                "sys.argv = ['factions', 'ground', '--model', 'I', '--ticks', '200']; entry()")


def _time(argv: list[str] | None) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process running ``factions ARGV`` (the anchor's
    process when ``argv`` is None)."""
    exe = shutil.which("factions")
    if argv is None:
        cmd = [sys.executable, "-c", _ANCHOR_CODE]
    else:
        cmd = [exe, *argv] if exe else [sys.executable, "-m", "factions", *argv]
    c, t = _cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, _cpu() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    medians = {}
    for name, argv in [*COMMANDS.items(), (ANCHOR, None)]:
        _time(argv)  # warm-up (numba cache, OS file cache)
        runs = [_time(argv) for _ in range(args.repeat)]
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        medians[name] = statistics.median(wall)
        print(f"{name:40s} wall median {statistics.median(wall):.3f} s "
              f"(min {min(wall):.3f}, max {max(wall):.3f}), cpu median "
              f"{statistics.median(cpu):.3f} s (min {min(cpu):.3f}); "
              f"load {os.getloadavg()[0]:.1f}")
    ground = "factions ground --model I --ticks 200"
    print(f"bare ground run: anchor / now = {medians[ANCHOR] / medians[ground]:.2f}x")


if __name__ == "__main__":
    main()
