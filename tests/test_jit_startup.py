"""factions.jit_startup: numba's BLAS probe is served without importing scipy.linalg, and
everything that needs BLAS or scipy.linalg afterwards still works."""

import os
import subprocess
import sys
from pathlib import Path

import factions

_ENV = {**os.environ, "PYTHONPATH": str(Path(factions.__file__).parents[1])}


def _run(code: str) -> list[str]:
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=_ENV, check=True)
    return res.stdout.split()


def test_the_probe_module_is_the_real_extension_and_scipy_linalg_still_works():
    code = (
        "import sys, numpy as np\n"
        "from factions.jit_startup import preload_cython_blas\n"
        "first = preload_cython_blas()\n"
        "blas = sys.modules['scipy.linalg.cython_blas']\n"
        "print(first, 'scipy.linalg' in sys.modules, preload_cython_blas())\n"
        "import numba\n"
        "@numba.njit\n"
        "def dot(a, b):\n"
        "    return a @ b\n"
        "a = np.arange(6.0).reshape(2, 3)\n"
        "print(np.array_equal(dot(a, a.T), a @ a.T))\n"
        "import scipy.linalg as la\n"
        "from scipy.linalg import cython_blas\n"
        "print(cython_blas is blas, np.allclose(la.solve([[2.0, 0], [0, 4.0]], [2.0, 4.0]), 1))\n"
        "print(sorted(blas.__pyx_capi__)[:1] == ['caxpy'])\n")
    assert _run(code) == ["True", "False", "False", "True", "True", "True", "True"]


def test_nothing_is_done_once_scipy_linalg_is_imported():
    code = ("import sys, scipy.linalg\n"
            "from factions.jit_startup import preload_cython_blas\n"
            "blas = sys.modules['scipy.linalg.cython_blas']\n"
            "print(preload_cython_blas(), sys.modules['scipy.linalg.cython_blas'] is blas)\n")
    assert _run(code) == ["False", "True"]
