// Jobs: state, progress with ETA, dataset, loss, latest metrics; filters, pagination, live rows,
// and the pick of 2–8 jobs to compare.

import { api } from '../api.js';
import { clear, errorBox, fmtDuration, fmtNumber, h, lossSummary, progressBar, shortId, stateBadge, TERMINAL } from '../dom.js';
import { watch } from '../live.js';

const STATES = ['QUEUED', 'RUNNING', 'CANCELLING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

export async function render(main, r) {
  const state = r.query.get('state') || '';
  const name = r.query.get('name') || '';
  const pageSize = r.query.get('pageSize') || '20';
  const picked = new Set();
  let tokens = [null]; // page tokens of the pages seen, for "Previous"
  let page = 0;
  let rows = new Map(); // job id → its row, for live updates

  const stateSelect = h('select', { id: 'filter-state', name: 'state' },
    h('option', { value: '' }, 'any state'),
    STATES.map((s) => h('option', { value: s, selected: s === state || undefined }, s)));
  const nameInput = h('input', { id: 'filter-name', name: 'name', type: 'search', value: name, placeholder: 'exact job name' });
  const sizeSelect = h('select', { id: 'filter-page-size', name: 'pageSize' },
    ['10', '20', '50', '100'].map((n) => h('option', { value: n, selected: n === pageSize || undefined }, n)));
  const filters = h('form', { class: 'filters', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (stateSelect.value) q.set('state', stateSelect.value);
    if (nameInput.value.trim()) q.set('name', nameInput.value.trim());
    if (sizeSelect.value !== '20') q.set('pageSize', sizeSelect.value);
    location.hash = `#/jobs${q.size ? `?${q}` : ''}`;
  } },
  h('label', {}, 'State ', stateSelect),
  h('label', {}, 'Name ', nameInput),
  h('label', {}, 'Per page ', sizeSelect),
  h('button', { type: 'submit' }, 'Apply'));

  const compareButton = h('button', { type: 'button', id: 'compare-selected', class: 'primary', disabled: true, onclick: () => {
    location.hash = `#/compare?ids=${[...picked].join(',')}`;
  } }, 'Compare selected');
  const body = h('tbody');
  const table = h('table', { class: 'jobs', id: 'jobs-table' },
    h('caption', { class: 'sr-only' }, 'Jobs, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Compare')),
      ['Name', 'State', 'Progress', 'Dataset', 'Loss', 'Latest metrics', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
    body);
  const prev = h('button', { type: 'button', id: 'page-prev', onclick: () => load(page - 1) }, '← Newer');
  const next = h('button', { type: 'button', id: 'page-next', onclick: () => load(page + 1) }, 'Older →');
  const status = h('p', { class: 'muted', id: 'live-mode', 'aria-live': 'polite' });
  const message = h('div');

  clear(main,
    h('div', { class: 'heading' }, h('h1', {}, 'Jobs'), h('a', { class: 'button primary', href: '#/new' }, 'New job')),
    filters,
    h('div', { class: 'toolbar' }, compareButton, h('span', { class: 'muted' }, 'Tick 2 to 8 jobs to compare them.'), status),
    message,
    h('div', { class: 'scroll' }, table),
    h('div', { class: 'pager' }, prev, next));

  const updatePick = () => {
    compareButton.disabled = picked.size < 2 || picked.size > 8;
    compareButton.textContent = `Compare selected (${picked.size})`;
  };
  updatePick();

  /** The row of a job; given its current row, fills that one in place (keeping focus and the tick). */
  function row(job, tr = null) {
    const p = job.progress || {};
    const eta = job.state === 'RUNNING' && p.etaSeconds != null ? `ETA ${fmtDuration(p.etaSeconds)}` : '';
    const metrics = Object.entries(job.latestMetrics || {})
      .filter(([k]) => k.startsWith('loss/d') || k.startsWith('loss/g') || k.startsWith('eval/'))
      .filter(([k]) => k.split('/').length <= 2)
      .slice(0, 5)
      .map(([k, v]) => h('span', { class: 'metric' }, `${k} ${fmtNumber(v, 3)}`));
    const cells = [
      h('td', {}, h('a', { href: `#/jobs/${job.id}` }, job.name || shortId(job.id))),
      h('td', { class: 'state-cell' }, stateBadge(job.state)),
      h('td', { class: 'progress-cell' }, progressBar(p.fraction, `progress of ${job.name || job.id}`),
        h('span', { class: 'muted small' }, `${job.step}/${job.totalSteps} ${eta}`)),
      h('td', {}, job.spec?.dataset || '–'),
      h('td', { class: 'loss' }, lossSummary(job.spec)),
      h('td', { class: 'metrics' }, metrics.length ? metrics : '–'),
      h('td', { class: 'small' }, new Date(job.createdAt).toLocaleString())];
    if (tr) {
      tr.dataset.state = job.state;
      tr.replaceChildren(tr.firstElementChild, ...cells);
      return tr;
    }
    const box = h('input', { type: 'checkbox', 'aria-label': `compare ${job.name || job.id}`, checked: picked.has(job.id) || undefined, onchange: (e) => {
      if (e.target.checked) picked.add(job.id);
      else picked.delete(job.id);
      updatePick();
    } });
    return h('tr', { 'data-job-id': job.id, 'data-state': job.state }, h('td', {}, box), cells);
  }

  const signature = (job) => JSON.stringify([job.state, job.step, job.progress, job.latestMetrics]);

  async function load(to = page) {
    const q = new URLSearchParams({ pageSize });
    if (state) q.set('state', state);
    if (name) q.set('name', name);
    if (tokens[to]) q.set('pageToken', tokens[to]);
    let answer;
    try {
      answer = await api(`/jobs?${q}`);
    } catch (e) {
      clear(message, errorBox(e));
      return;
    }
    clear(message);
    page = to;
    tokens = tokens.slice(0, page + 1);
    if (answer.nextPageToken) tokens[page + 1] = answer.nextPageToken;
    // Rows that did not change are kept, so a poll does not take the keyboard focus away.
    const old = rows;
    rows = new Map();
    clear(body, answer.jobs.length ? null : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No jobs here.')));
    for (const job of answer.jobs) {
      const kept = old.get(job.id);
      const tr = kept && kept.signature === signature(job) ? kept.tr : row(job, kept?.tr);
      rows.set(job.id, { tr, job, signature: signature(job) });
      body.append(tr);
    }
    prev.disabled = page === 0;
    next.disabled = !answer.nextPageToken;
  }

  await load(0);

  let reloading = null;
  const reloadSoon = () => {
    reloading ??= setTimeout(() => {
      reloading = null;
      load();
    }, 300);
  };
  const live = watch('/events', {
    onEvent(type, data) {
      const known = rows.get(data.jobId);
      if (!known) {
        // A job not on this page: a new one belongs on the first page.
        if (type === 'state' && data.state === 'QUEUED' && page === 0) reloadSoon();
        return;
      }
      const job = known.job;
      if (type === 'state') {
        job.state = data.state;
        job.attempt = data.attempt;
        if (TERMINAL.includes(data.state)) return reloadSoon(); // final step and metrics
      } else if (type === 'progress') {
        job.step = data.step;
        job.totalSteps = data.steps;
        job.progress = { fraction: data.steps ? data.step / data.steps : 0, stepsPerSecond: data.stepsPerSecond, etaSeconds: data.etaSeconds };
      } else if (type === 'metrics') {
        job.latestMetrics = { ...job.latestMetrics };
        for (const p of data.points) job.latestMetrics[p.name] = p.value;
      } else if (type === 'evaluation') {
        job.latestMetrics = { ...job.latestMetrics, ...data.metrics };
      } else return;
      row(job, known.tr);
      known.signature = signature(job);
    },
    poll: () => load(),
    onMode: (mode) => (status.textContent = mode === 'stream' ? 'Live (event stream)' : mode === 'poll' ? 'Live (polling every 2 s)' : 'Reconnecting…'),
  });
  return () => {
    live.close();
    clearTimeout(reloading);
  };
}
