"""Plotly figures in one self-contained HTML file: compact JSON specs, one plotly.js copy.

How the page draws its figures offline:

* **plotly.js, once.** The ``plotly.min.js`` that ships inside the installed ``plotly``
  Python package (:func:`plotly.offline.get_plotlyjs`; nothing is vendored into this
  source tree) is about 4.8 MB, more than the report's 3 MB budget. It is embedded once,
  gzip-compressed and base64-encoded (about 1.9 MB), in a ``<script
  type="application/gzip+base64" id="plotly-bundle">`` element; the page's small runtime
  (:data:`RUNTIME_JS`) unpacks it with the browser's standard
  ``DecompressionStream('gzip')`` (Chromium >= 80, Firefox >= 113, Safari >= 16.4) and
  runs it. Older browsers get a one-line message instead of figures.
* **Figures as JSON.** Every figure is a :class:`plotly.graph_objects.Figure`; its
  ``to_plotly_json()`` form is kept with floats rounded to :data:`DIGITS` significant
  digits, plotly's binary arrays decoded to plain lists, and no template (the page
  applies :data:`factions.report.charts.TEMPLATE`, embedded once). Specs that differ only
  in their title (the same figure of two scenarios) are stored once. All specs go into
  one JSON object ``{spec id: spec}``, gzip-compressed and base64-encoded like the
  bundle, in ``<script type="application/gzip+base64" id="plot-specs">`` (JSON of
  figures shrinks about tenfold); :func:`embedded_specs` reads them back.
* **Stable hooks for browser tests.** Each figure is a ``<div class="plot"
  id="plot-…" data-spec="spec-…">`` inside a ``<figure class="plot-card">``; a
  ``<select class="plot-select">`` switches a card between scenarios. When every figure
  is drawn the runtime sets ``document.body.dataset.plotsReady = "1"`` and
  ``plotsDrawn`` to the number drawn; on failure it sets ``plotsError`` and shows the
  message in ``#plots-status``.
"""

from __future__ import annotations

__all__ = ["DIGITS", "RUNTIME_JS", "PlotRegistry", "figure_spec", "plotly_bundle",
           "spec_json", "embedded_specs", "embedded_bundle"]

import base64
import gzip
import hashlib
import html
import json
import math
import re
from functools import lru_cache

import numpy as np

from factions.report.charts import TEMPLATE

#: Significant digits kept for every float of a figure.
DIGITS = 4


@lru_cache(maxsize=1)
def plotly_bundle() -> str:
    """The installed plotly package's ``plotly.min.js``, gzip-compressed (deterministic:
    no timestamp) and base64-encoded. Computed once per process."""
    from plotly.offline import get_plotlyjs

    raw = get_plotlyjs().encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def _round_array(a: np.ndarray, digits: int) -> list:
    """``a`` as a (nested) list with floats rounded to ``digits`` significant digits;
    integral floats become ints, NaN and infinities ``None``."""
    if a.dtype.kind in "iub":
        return a.tolist()
    if a.dtype.kind != "f":
        return [_clean(v, digits) for v in a.tolist()]
    a = a.astype(float)
    finite = np.isfinite(a)
    out = np.where(finite, a, 0.0)
    mag = np.floor(np.log10(np.abs(np.where(out == 0, 1.0, out))))
    shift = (digits - 1 - mag).astype(int)
    up = shift >= 0
    scale = 10.0 ** np.abs(shift)
    out = np.where(up, np.round(out * scale) / scale, np.round(out / scale) * scale)
    integral = (out == np.round(out)) & (np.abs(out) < 2**53)
    if finite.all() and integral.all():
        return out.astype(np.int64).tolist()
    if finite.all() and not integral.any():
        return out.tolist()
    obj = out.astype(object)
    obj[integral] = [int(v) for v in out[integral]]  # 60, not 60.0
    obj[~finite] = None
    return obj.tolist()


def _round_float(v: float, digits: int):
    if not math.isfinite(v):
        return None
    if v == 0 or v == int(v) and abs(v) < 2**53:
        return int(v)
    r = float(f"{v:.{digits}g}")
    return int(r) if r == int(r) and abs(r) < 2**53 else r


def _decode(d: dict) -> np.ndarray:
    """A plotly typed-array ``{"dtype", "bdata", "shape"}`` as a NumPy array."""
    a = np.frombuffer(base64.b64decode(d["bdata"]), dtype=np.dtype(d["dtype"]))
    if "shape" in d:
        a = a.reshape([int(s) for s in str(d["shape"]).split(",")])
    return a


def _clean(o, digits: int):
    if isinstance(o, dict):
        if "bdata" in o and "dtype" in o:
            return _round_array(_decode(o), digits)
        return {str(k): _clean(v, digits) for k, v in o.items()}
    if isinstance(o, list | tuple):
        if o and all(isinstance(v, float) for v in o):
            return _round_array(np.asarray(o, float), digits)
        return [_clean(v, digits) for v in o]
    if isinstance(o, np.ndarray):
        return _round_array(o, digits)
    if isinstance(o, bool | str) or o is None:
        return o
    if isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, float):
        return _round_float(o, digits)
    if isinstance(o, int):
        return o
    return str(o)


def _raw(fig) -> dict:
    """The figure's validated properties. ``to_plotly_json()`` deep-copies them and
    base64-encodes every array, which :func:`_clean` would decode again; the figure's own
    ``_data`` / ``_layout`` (what ``to_plotly_json`` copies) are read instead when they
    have that form, and left untouched (:func:`_clean` builds new containers). A test
    checks that both give the same spec."""
    data, layout = getattr(fig, "_data", None), getattr(fig, "_layout", None)
    if isinstance(data, list) and isinstance(layout, dict) and all(
            isinstance(t, dict) for t in data):
        return {"data": data, "layout": layout}
    return fig.to_plotly_json()


def figure_spec(fig, digits: int = DIGITS, fast: bool = True) -> dict:
    """The figure as plain JSON-ready data ``{"data": [...], "layout": {...}}``: floats
    rounded to ``digits`` significant digits, typed arrays decoded, no template.
    ``fast=False`` reads it through ``fig.to_plotly_json()`` (slower, same result)."""
    raw = _raw(fig) if fast else fig.to_plotly_json()
    layout = dict(raw.get("layout", {}))
    layout.pop("template", None)
    return {"data": _clean(raw.get("data", []), digits), "layout": _clean(layout, digits)}


def spec_json(spec: dict) -> str:
    """Compact JSON safe inside a ``<script>`` element (every ``<`` escaped)."""
    return json.dumps(spec, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).replace("<", "\\u003c")


class PlotRegistry:
    """Collects the figures of one page: a figure card per :meth:`card` call and each
    distinct spec once; :meth:`scripts` gives the spec elements, the template, the
    plotly bundle and the runtime, to place once at the end of the page."""

    def __init__(self, digits: int = DIGITS):
        self.digits = digits
        self._specs: dict[str, str] = {}   # spec id -> JSON
        self._by_hash: dict[str, str] = {}  # hash of the JSON -> spec id
        self._ids: set[str] = set()
        self._by_object: dict[int, tuple] = {}  # id(figure) -> (figure, spec id, title, h)
        #: id of the last card made (``card-<id>`` is its element id)
        self.last_id = ""

    def __len__(self) -> int:
        return len(self._ids)

    def _add_spec(self, fig) -> tuple[str, str, int]:
        known = self._by_object.get(id(fig))
        if known is not None and known[0] is fig:
            return known[1]
        spec = figure_spec(fig, self.digits)
        title = spec["layout"].get("title", {})
        text = title.get("text", "") if isinstance(title, dict) else str(title)
        if isinstance(title, dict):
            spec["layout"]["title"] = {k: v for k, v in title.items() if k != "text"}
        body = spec_json(spec)
        key = hashlib.sha1(body.encode("utf-8")).hexdigest()
        sid = self._by_hash.get(key)
        if sid is None:
            sid = f"spec-{len(self._specs)}"
            self._specs[sid] = body
            self._by_hash[key] = sid
        out = sid, text, int(spec["layout"].get("height") or 360)
        self._by_object[id(fig)] = (fig, out)
        return out

    def _unique(self, name: str) -> str:
        base = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-")
        base = base or "figure"
        out, i = base, 2
        while out in self._ids:
            out, i = f"{base}-{i}", i + 1
        self._ids.add(out)
        return out

    def card(self, name: str, variants, caption: str = "", label: str = "scenario") -> str:
        """HTML of one figure card. ``variants`` is a figure or a list of ``(label,
        figure)`` or ``(label, figure, title)`` (a title replacing the figure's own): with
        several, a ``<select>`` switches between them (the first is shown first). A
        figure object given twice is serialised once."""
        if not isinstance(variants, list):
            variants = [("", variants)]
        pid = self.last_id = self._unique(name)
        drawn = []
        for lab, fig, *title in variants:
            sid, text, height = self._add_spec(fig)
            drawn.append((lab, sid, title[0] if title and title[0] is not None else text,
                          height))
        first = drawn[0]
        height = max(h for *_, h in drawn)
        select = ""
        if len(drawn) > 1:
            opts = "".join(f"<option value='{sid}' data-title='{html.escape(t, True)}'>"
                           f"{html.escape(lab)}</option>" for lab, sid, t, _ in drawn)
            select = (f"<label class=meta>{html.escape(label)} <select class=plot-select "
                      f"data-plot='plot-{pid}'>{opts}</select></label>")
        cap = f"<figcaption class=meta>{caption}</figcaption>" if caption else ""
        return (f"<figure class=plot-card id='card-{pid}'>{select}"
                f"<div class=plot id='plot-{pid}' data-spec='{first[1]}' "
                f"data-title='{html.escape(first[2], True)}' style='height:{height}px'></div>"
                f"{cap}</figure>")

    def spec_count(self) -> int:
        return len(self._specs)

    def specs(self) -> dict[str, dict]:
        """Every distinct spec, by id."""
        return {sid: json.loads(body) for sid, body in self._specs.items()}

    def scripts(self) -> str:
        """The specs (one gzip + base64 JSON object), template, bundle and runtime, to
        place once at the end of the page (empty when no figure was added)."""
        if not self._specs:
            return ""
        blob = "{" + ",".join(f'"{sid}":{body}' for sid, body in self._specs.items()) + "}"
        return (f"<script type=application/gzip+base64 id=plot-specs>{_pack(blob)}</script>"
                f"<script type=application/json id=plot-template>{spec_json(TEMPLATE)}"
                f"</script><script type=application/gzip+base64 id=plotly-bundle>"
                f"{plotly_bundle()}</script><script>{RUNTIME_JS}</script>")


def _pack(text: str, level: int = 6) -> str:
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=level,
                                          mtime=0)).decode("ascii")


def _element_text(page: str, element_id: str) -> str | None:
    m = re.search(rf"<script [^>]*\bid={re.escape(element_id)}>(.*?)</script>", page, re.S)
    return None if m is None else m.group(1)


def embedded_specs(page: str) -> dict[str, dict]:
    """The figure specs embedded in a page written with :class:`PlotRegistry` (``{}``
    when it has none): for tests and tools that read a report."""
    text = _element_text(page, "plot-specs")
    if text is None:
        return {}
    return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))


def embedded_bundle(page: str) -> bytes | None:
    """The plotly.js embedded in a page, unpacked (``None`` when it has none)."""
    text = _element_text(page, "plotly-bundle")
    return None if text is None else gzip.decompress(base64.b64decode(text))


#: The page's runtime: unpack plotly.js, draw every ``div.plot``, wire the selectors.
RUNTIME_JS = r"""(function () {
"use strict";
var body = document.body;
function fail(msg) {
  body.dataset.plotsError = msg;
  var s = document.getElementById("plots-status");
  if (s) { s.textContent = msg; s.hidden = false; }
}
async function unpack(id) {
  var bin = atob(document.getElementById(id).textContent.trim());
  var bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}
async function loadPlotly() {
  if (typeof DecompressionStream === "undefined") {
    throw new Error("this browser cannot unpack the embedded plotly.js (it needs " +
      "DecompressionStream: Chromium 80, Firefox 113, Safari 16.4 or later)");
  }
  var s = document.createElement("script");
  s.textContent = await unpack("plotly-bundle");
  document.head.appendChild(s);
  if (!window.Plotly) throw new Error("plotly.js did not load");
}
var specs = {};
var template = null;
var config = {responsive: true, displaylogo: false,
              modeBarButtonsToRemove: ["lasso2d", "select2d"]};
function copy(o) {
  return typeof structuredClone === "function" ? structuredClone(o)
    : JSON.parse(JSON.stringify(o));
}
function draw(div, specId, title) {
  if (!(specId in specs)) throw new Error("no figure spec " + specId);
  var spec = copy(specs[specId]);
  var layout = spec.layout || {};
  layout.template = template;
  layout.title = Object.assign({}, layout.title || {}, {text: title || ""});
  div.dataset.spec = specId;
  return Plotly.react(div, spec.data, layout, config);
}
async function main() {
  await loadPlotly();
  specs = JSON.parse(await unpack("plot-specs"));
  template = JSON.parse(document.getElementById("plot-template").textContent);
  var divs = document.querySelectorAll("div.plot[data-spec]");
  for (var i = 0; i < divs.length; i++) {
    await draw(divs[i], divs[i].dataset.spec, divs[i].dataset.title);
    divs[i].dataset.drawn = "1";
    if (i % 6 === 5) await new Promise(function (r) { setTimeout(r, 0); });
  }
  document.querySelectorAll("select.plot-select").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var opt = sel.options[sel.selectedIndex];
      draw(document.getElementById(sel.dataset.plot), opt.value, opt.dataset.title);
    });
  });
  body.dataset.plotsDrawn = String(divs.length);
  body.dataset.plotsReady = "1";
}
main().catch(function (e) { fail("Figures could not be drawn: " + e.message); });
})();"""
