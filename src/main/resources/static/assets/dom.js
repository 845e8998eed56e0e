// Small DOM helpers: pages are built from plain elements, with no framework and no build step.

/** h('div', {class: 'x', onclick: f}, child, 'text', [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function fmtNumber(v, digits = 4) {
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

export function stateBadge(state) {
  return h('span', { class: `state state-${(state || '').toLowerCase()}`, 'data-state': state }, state);
}

export function progressBar(fraction, label) {
  const pct = Math.round((fraction || 0) * 1000) / 10;
  return h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': label || 'progress' },
    h('div', { class: 'bar', style: `width:${pct}%` }),
    h('span', { class: 'pct' }, `${pct}%`));
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '';
}

/** The loss of a spec in one line: "wasserstein + 10×gradient-penalty". */
export function lossSummary(spec) {
  const loss = spec?.loss;
  if (!loss) return '–';
  const terms = (loss.terms || []).map((t) => `${fmtNumber(t.weight ?? 1)}×${t.type}`);
  return [loss.adversarial?.type || 'non-saturating', ...terms].join(' + ');
}

export function errorBox(error) {
  return h('div', { class: 'error', role: 'alert' }, error?.message || String(error));
}

/** Hash route parts: "#/jobs/abc?x=1" → {parts: ['jobs','abc'], query: URLSearchParams} */
export function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, q] = hash.split('?');
  return { parts: path.split('/').filter(Boolean), query: new URLSearchParams(q || '') };
}

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
