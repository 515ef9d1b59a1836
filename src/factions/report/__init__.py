"""The HTML report: one self-contained ``index.html`` with interactive plotly figures.

Modules: :mod:`~factions.report.html` (``write_report``, ``results_dict``),
:mod:`~factions.report.claims_panel` (a panel per claim),
:mod:`~factions.report.compare` (claimed metrics across scenarios),
:mod:`~factions.report.calibration` (the calibration behind an ensemble),
:mod:`~factions.report.embed` (figure specs and the one plotly.js bundle),
:mod:`~factions.report.layout` (page, style, tables), :mod:`~factions.report.charts`
(plotly helpers the engines' figures share) and :mod:`~factions.report.plots`
(matplotlib helpers for PNG outputs). See ``docs/report.md``.

Engines import :mod:`factions.report.charts`, and :mod:`factions.report.html` imports the
pipeline (which imports the engines), so the names that need the pipeline are loaded on
first use.
"""

from factions.report.charts import COLOURS, TEMPLATE, new_plot, panels
from factions.report.embed import (
    PlotRegistry,
    embedded_bundle,
    embedded_specs,
    figure_spec,
    plotly_bundle,
)
from factions.report.layout import figures_page

__all__ = ["write_report", "results_dict", "claims_section", "compare_figures",
           "calibration_figures", "PlotRegistry", "figure_spec", "plotly_bundle",
           "embedded_specs", "embedded_bundle", "figures_page", "new_plot", "panels",
           "COLOURS", "TEMPLATE"]

_LAZY = {"write_report": "factions.report.html", "results_dict": "factions.report.html",
         "claims_section": "factions.report.claims_panel",
         "compare_figures": "factions.report.compare",
         "calibration_figures": "factions.report.calibration"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'factions.report' has no attribute {name!r}")
