// Curves with uPlot (a WebJar). The server sends at most maxPoints per series, each bucket keeping
// its lowest and highest point; the chart buckets again to the pixels it has and draws each
// series as the bucket mean with a band from its min to its max, so spikes stay visible.

import uPlot from '/webjars/uplot/dist/uPlot.esm.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const RAW_LIMIT = 600; // up to this many distinct steps, points are drawn as they are
const BUCKETS = 300;
const STEP_INCREMENTS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((p) => m * p)).sort((a, b) => a - b);

export function color(i) {
  return COLORS[i % COLORS.length];
}

/**
 * @param series [{label, points: [{step, value}]}]
 * @returns uPlot data: x, then per series mean, min, max
 */
export function bucketed(series, range) {
  const steps = new Set();
  for (const s of series) for (const p of s.points) if (inRange(p.step, range)) steps.add(p.step);
  if (steps.size === 0) return { data: [[], ...series.flatMap(() => [[], [], []])], banded: false };
  if (steps.size <= RAW_LIMIT) {
    const xs = [...steps].sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const data = [xs];
    for (const s of series) {
      const ys = new Array(xs.length).fill(null);
      for (const p of s.points) if (index.has(p.step)) ys[index.get(p.step)] = finite(p.value);
      data.push(ys, ys, ys);
    }
    return { data, banded: false };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of steps) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const width = (hi - lo + 1) / BUCKETS;
  const xs = Array.from({ length: BUCKETS }, (_, i) => Math.round(lo + (i + 0.5) * width));
  const data = [xs];
  for (const s of series) {
    const sum = new Array(BUCKETS).fill(0);
    const n = new Array(BUCKETS).fill(0);
    const min = new Array(BUCKETS).fill(null);
    const max = new Array(BUCKETS).fill(null);
    for (const p of s.points) {
      const v = finite(p.value);
      if (!inRange(p.step, range) || v === null) continue;
      const b = Math.min(BUCKETS - 1, Math.floor((p.step - lo) / width));
      sum[b] += v;
      n[b]++;
      min[b] = min[b] === null ? v : Math.min(min[b], v);
      max[b] = max[b] === null ? v : Math.max(max[b], v);
    }
    data.push(sum.map((t, b) => (n[b] ? t / n[b] : null)), min, max);
  }
  return { data, banded: true };
}

function inRange(step, range) {
  return !range || (step >= range[0] && step <= range[1]);
}

function finite(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * A chart of named series that grows live.
 * options: title, height, log, onZoom(from, to) (fetch finer points for a range; null: reset)
 */
export class Curves {
  constructor(container, { title = '', height = 260, log = false, onZoom = null } = {}) {
    this.container = container;
    this.title = title;
    this.height = height;
    this.log = log;
    this.onZoom = onZoom;
    this.series = new Map(); // label → points
    this.zoom = null; // {range, series} while zoomed
    this.plot = null;
    this.pending = false;
    this.resize = new ResizeObserver(() => this.plot && this.plot.setSize(this.size()));
    this.resize.observe(container);
  }

  size() {
    return { width: Math.max(240, this.container.clientWidth), height: this.height };
  }

  /** Replaces every series. */
  set(seriesByLabel) {
    this.series = new Map(Object.entries(seriesByLabel).map(([k, v]) => [k, [...v]]));
    this.draw(true);
  }

  /** Adds points to one series (live); they are drawn on the next frame. */
  append(label, points) {
    if (!this.series.has(label)) {
      this.series.set(label, []);
      this.rebuild = true;
    }
    const list = this.series.get(label);
    for (const p of points) {
      if (list.length && p.step <= list[list.length - 1].step) continue; // already have it
      list.push(p);
    }
    this.schedule();
  }

  /** Points held: a view refetches downsampled curves when this grows past what it wants to keep. */
  pointCount() {
    let n = 0;
    for (const v of this.series.values()) n += v.length;
    return n;
  }

  lastStep() {
    let last = null;
    for (const v of this.series.values()) if (v.length) last = Math.max(last ?? -Infinity, v[v.length - 1].step);
    return last;
  }

  setLog(log) {
    this.log = log;
    this.draw(true);
  }

  setZoom(range, seriesByLabel) {
    this.zoom = range ? { range, series: new Map(Object.entries(seriesByLabel || {})) } : null;
    this.draw(true);
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw(this.rebuild);
    });
  }

  draw(rebuild = false) {
    this.rebuild = false;
    const source = this.zoom ? this.zoom.series : this.series;
    const labels = [...source.keys()];
    const series = labels.map((label) => ({ label, points: source.get(label) }));
    const { data, banded } = bucketed(series, this.zoom?.range);
    // What a test or a reader can check without reading canvas pixels.
    this.container.dataset.series = labels.join(',');
    this.container.dataset.points = String(this.pointCount());
    this.container.dataset.lastStep = String(this.lastStep() ?? '');
    this.container.dataset.banded = String(banded);
    this.container.dataset.zoom = this.zoom ? this.zoom.range.join('-') : '';
    this.container.dataset.log = String(this.log);
    // The canvas says nothing to a screen reader: the last value of each series does.
    this.container.setAttribute('role', 'img');
    this.container.setAttribute('aria-label', `${this.title}: ${labels.map((l) => {
      const points = source.get(l);
      const last = points[points.length - 1];
      if (!last) return `${l} no points`;
      const value = typeof last.value === 'number' ? Number(last.value.toPrecision(4)) : last.value;
      return `${l} ${value} at step ${last.step}`;
    }).join('; ') || 'no points yet'}`);
    // Few points (evaluations every N steps) are drawn as dots too, or a single one would not show.
    const sparse = data[0].length < 60;
    if (this.plot && !rebuild && this.plot.series.length === 1 + labels.length * 3 && this.sparse === sparse) {
      this.plot.setData(data, !this.zoom);
      return;
    }
    this.plot?.destroy();
    this.container.replaceChildren();
    if (!labels.length) {
      this.container.append(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'No points yet.' }));
      return;
    }
    const uSeries = [{ label: 'step' }];
    const bands = [];
    labels.forEach((label, i) => {
      const c = color(i);
      uSeries.push({ label, stroke: c, width: 1.5, spanGaps: true, points: { show: sparse, size: 5, fill: c } });
      const base = uSeries.length;
      uSeries.push({ label: `${label} min`, stroke: 'transparent', width: 0, points: { show: false }, spanGaps: true });
      uSeries.push({ label: `${label} max`, stroke: 'transparent', width: 0, points: { show: false }, spanGaps: true });
      bands.push({ series: [base + 1, base], fill: `${c}33` });
    });
    const opts = {
      title: this.title,
      ...this.size(),
      series: uSeries,
      bands,
      // asinh rather than log: losses go negative (a Wasserstein critic), log would drop them.
      scales: { x: { time: false }, y: this.log ? { distr: 4, log: 10 } : {} },
      // Steps are whole numbers: no 2.5 on the step axis.
      axes: [{ label: 'step', incrs: STEP_INCREMENTS }, {}],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 2) return;
            const from = Math.floor(u.posToVal(u.select.left, 'x'));
            const to = Math.ceil(u.posToVal(u.select.left + u.select.width, 'x'));
            u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
            if (this.onZoom) this.onZoom(from, to);
            else this.setZoom([from, to], Object.fromEntries(this.series));
          },
        ],
      },
    };
    // Zooming is ours (fetch finer points for the range), not uPlot's own scale change.
    opts.cursor.drag.setScale = false;
    this.sparse = sparse;
    this.plot = new uPlot(opts, data, this.container);
    // The band series are drawing aids, not entries a reader needs in the legend.
    this.plot.root.querySelectorAll('.u-legend .u-series').forEach((row, i) => {
      if (i > 0 && (i - 1) % 3 !== 0) row.style.display = 'none';
    });
  }

  destroy() {
    this.resize.disconnect();
    this.plot?.destroy();
  }
}
