// Compare 2–8 jobs: their curves overlaid, a table of final and best metrics, and the spec fields
// that differ, highlighted.

import { api } from '../api.js';
import { color, Curves } from '../chart.js';
import { clear, errorBox, fmtNumber, h, shortId, stateBadge } from '../dom.js';

const MAX_POINTS = 1000;

/** The server's direction of each evaluation metric ('min' or 'max'), from the catalog. */
let goals = {};

/** {"a.b[0].c": value} for every leaf of a spec. */
export function flatten(value, prefix = '', out = {}) {
  if (Array.isArray(value)) {
    if (!value.length) out[prefix] = [];
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (!keys.length && prefix) out[prefix] = {};
    for (const k of keys) flatten(value[k], prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = value;
  return out;
}

export async function render(main, r) {
  const ids = (r.query.get('ids') || '').split(',').filter(Boolean);
  goals = (await api('/catalog').catch(() => ({}))).metricGoals || {};
  const picker = await pickerSection(ids);
  if (ids.length < 2) {
    clear(main, h('h1', {}, 'Compare jobs'), picker);
    return null;
  }
  if (ids.length > 8) {
    clear(main, h('h1', {}, 'Compare jobs'), errorBox(new Error('Pick at most 8 jobs.')), picker);
    return null;
  }
  const jobs = await Promise.all(ids.map((id) => api(`/jobs/${id}`)));
  const metrics = await Promise.all(ids.map((id) => api(`/jobs/${id}/metrics?maxPoints=${MAX_POINTS}`)));
  const label = (j, i) => `${j.name || shortId(j.id)}${jobs.filter((o) => o.name === j.name).length > 1 ? ` #${i + 1}` : ''}`;

  // Every series name any of them has, losses and evaluations.
  const names = [...new Set(metrics.flatMap((m) => m.series.map((s) => s.name)))]
    .filter((n) => n.startsWith('loss/') || n.startsWith('eval/'))
    .sort();
  const chartEl = h('div', { class: 'chart', id: 'compare-chart' });
  const chart = new Curves(chartEl, { title: 'Overlay' });
  const metricSelect = h('select', { id: 'compare-metric' }, names.map((n) => h('option', { value: n }, n)));
  const logToggle = h('input', { type: 'checkbox', id: 'compare-log' });
  const showMetric = () => {
    const series = {};
    jobs.forEach((j, i) => {
      const s = metrics[i].series.find((x) => x.name === metricSelect.value);
      series[label(j, i)] = s ? s.points.map((p) => ({ step: p.step, value: p.value })) : [];
    });
    chart.set(series);
  };
  metricSelect.addEventListener('change', showMetric);
  logToggle.addEventListener('change', () => chart.setLog(logToggle.checked));
  metricSelect.value = names.includes('loss/d') ? 'loss/d' : names[0] || '';

  // Final: the job's latest value; best: over the (downsampled) series, whose buckets keep their
  // minimum and maximum, so the extremes are exact. A GAN's loss has no "best" (a low D loss may
  // be a collapse), so losses get a final value only.
  const tableNames = names.filter((n) => n.split('/').length === 2 || n.startsWith('eval/'));
  const metricsTable = h('table', { id: 'compare-metrics' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'),
      jobs.map((j, i) => h('th', { scope: 'col', colspan: 2 }, h('span', { class: 'swatch', style: `background:${color(i)}` }), label(j, i))))),
    h('thead', {}, h('tr', {}, h('th', {}), jobs.map(() => [h('th', { class: 'small' }, 'final'), h('th', { class: 'small' }, 'best')]))),
    h('tbody', {}, tableNames.map((name) => {
      const finals = jobs.map((j) => j.latestMetrics?.[name]);
      const bests = metrics.map((m) => {
        if (!goals[name]) return undefined; // a loss, or a metric without a better side
        const s = m.series.find((x) => x.name === name);
        const values = (s?.points || []).map((p) => p.value).filter(Number.isFinite);
        if (!values.length) return undefined;
        return goals[name] === 'min' ? Math.min(...values) : Math.max(...values);
      });
      const winner = pick(bests, name);
      return h('tr', { 'data-metric': name }, h('th', { scope: 'row' }, name, goals[name] ? h('span', { class: 'muted small', title: goals[name] === 'min' ? 'lower is better' : 'higher is better' }, goals[name] === 'min' ? ' ↓' : ' ↑') : null),
        jobs.map((_, i) => [h('td', { class: 'num' }, fmtNumber(finals[i])), h('td', { class: `num${winner === i ? ' best' : ''}` }, fmtNumber(bests[i]))]));
    })));

  // Spec differences: every leaf path whose value is not the same in all jobs.
  const flats = jobs.map((j) => flatten(j.spec));
  const paths = [...new Set(flats.flatMap((f) => Object.keys(f)))].sort();
  const differing = paths.filter((p) => new Set(flats.map((f) => JSON.stringify(f[p]))).size > 1);
  const showSame = h('input', { type: 'checkbox', id: 'show-same' });
  const specBody = h('tbody');
  const renderSpecs = () => {
    clear(specBody, (showSame.checked ? paths : differing).map((p) => {
      const differs = differing.includes(p);
      return h('tr', { class: differs ? 'diff' : '', 'data-path': p },
        h('th', { scope: 'row', class: 'mono' }, p),
        flats.map((f) => h('td', { class: 'mono' }, f[p] === undefined ? '–' : JSON.stringify(f[p]))));
    }));
  };
  showSame.addEventListener('change', renderSpecs);
  renderSpecs();

  clear(main,
    h('h1', {}, `Compare ${jobs.length} jobs`),
    h('p', {}, jobs.map((j, i) => h('span', { class: 'compare-job' }, h('span', { class: 'swatch', style: `background:${color(i)}` }), h('a', { href: `#/jobs/${j.id}` }, label(j, i)), ' ', stateBadge(j.state)))),
    h('section', { class: 'card' }, h('h2', {}, 'Curves'),
      h('div', { class: 'toolbar' }, h('label', {}, 'Metric ', metricSelect), h('label', {}, logToggle, ' log scale (asinh)')),
      chartEl),
    h('section', { class: 'card' }, h('h2', {}, 'Final and best metrics'), h('div', { class: 'scroll' }, metricsTable)),
    h('section', { class: 'card' }, h('h2', {}, 'Spec differences'),
      h('p', { class: 'muted' }, `${differing.length} of ${paths.length} fields differ. `, h('label', {}, showSame, ' show the equal ones too')),
      h('div', { class: 'scroll' }, h('table', { id: 'spec-diff' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), jobs.map((j, i) => h('th', { scope: 'col' }, label(j, i))))),
        specBody))),
    picker);
  showMetric();
  return () => chart.destroy();
}

function pick(values, name) {
  let best = -1;
  values.forEach((v, i) => {
    if (v === undefined) return;
    if (best < 0 || (goals[name] === 'min' ? v < values[best] : v > values[best])) best = i;
  });
  return values.filter((v) => v !== undefined).length > 1 ? best : -1;
}

/** A list of recent jobs to tick, for a compare started from this page. */
async function pickerSection(ids) {
  const answer = await api('/jobs?pageSize=50').catch(() => ({ jobs: [] }));
  const chosen = new Set(ids);
  const go = h('button', { type: 'submit', class: 'primary', id: 'compare-go' }, 'Compare');
  const form = h('form', { class: 'card', id: 'compare-picker', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/compare?ids=${[...chosen].join(',')}`;
  } },
  h('h2', {}, 'Pick 2 to 8 jobs'),
  h('ul', { class: 'pick-list' }, answer.jobs.map((j) => h('li', {}, h('label', {},
    h('input', { type: 'checkbox', value: j.id, checked: chosen.has(j.id) || undefined, onchange: (e) => {
      if (e.target.checked) chosen.add(j.id);
      else chosen.delete(j.id);
    } }),
    ` ${j.name || shortId(j.id)} `, stateBadge(j.state))))),
  go);
  return form;
}
