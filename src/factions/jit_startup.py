"""Cheaper first use of numba's on-disk cache: give numba's BLAS probe the one module it
asks for, without importing all of ``scipy.linalg``.

The first time a process compiles or loads a cached numba function, numba's CPU target
imports its NumPy implementations (``numba.np.arraymath``), and that module probes for
BLAS with ``import scipy.linalg.cython_blas``. Python imports a submodule's parent package
first, so the probe runs ``scipy/linalg/__init__.py`` — about 0.25 s here, a quarter of a
200-tick ``factions ground --model I`` process — for an extension module that loads by
itself in ~3 ms and needs nothing from its package.

:func:`preload_cython_blas` loads that extension module from its file under its own name
(``sys.modules['scipy.linalg.cython_blas']``: the very module the import statement would
give), so numba's probe finds it and ``scipy.linalg`` is imported only by code that uses
it (whose ``from . import cython_blas`` then finds the same module). It does nothing when
``scipy.linalg`` or numba's NumPy implementations are already imported, and on any
failure it leaves the import to numba, which then behaves exactly as without it.
``factions.engines`` calls it once, before any engine imports numba.
"""

from __future__ import annotations

__all__ = ["preload_cython_blas"]

import sys

_NAME = "scipy.linalg.cython_blas"


def preload_cython_blas() -> bool:
    """Load ``scipy.linalg.cython_blas`` without its package; True when this call did."""
    if _NAME in sys.modules or "scipy.linalg" in sys.modules \
            or "numba.np.arraymath" in sys.modules:
        return False
    try:
        import importlib.machinery
        import importlib.util
        from pathlib import Path

        import scipy

        folder = str(Path(scipy.__file__).parent / "linalg")
        spec = importlib.machinery.PathFinder.find_spec("cython_blas", [folder])
        if spec is None or not isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            return False
        spec = importlib.util.spec_from_file_location(_NAME, spec.origin)
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001 - any failure: numba imports it the usual way
        sys.modules.pop(_NAME, None)
        return False
    return True
