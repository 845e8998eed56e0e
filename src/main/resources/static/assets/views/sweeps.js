// Sweeps: each with its state, trial counts and objective, reread every few seconds while one runs;
// and a new sweep, written as the request's JSON over a base spec taken from the new-job form or
// from an earlier job.

import { api, ApiError } from '../api.js';
import { clear, errorBox, fmtTime, h, shortId, stateBadge } from '../dom.js';

const POLL_MS = 3000;
/** sessionStorage: the spec the new-job page hands over as a new sweep's base. */
export const BASE_KEY = 'gantry.sweep-base';

const EXAMPLE_BASE = { dataset: 'ring8', training: { steps: 2000 }, evaluation: { everySteps: 250 } };

/** "eval/modes ↑ (last)" */
export function objectiveSummary(objective) {
  if (!objective) return '–';
  return `${objective.metric} ${objective.goal === 'min' ? '↓' : '↑'}${objective.at ? ` (${objective.at})` : ''}`;
}

export async function render(main, r) {
  let closed = false;
  let timer = null;
  let rows = new Map(); // sweep id → {tr, signature}
  const message = h('div', { id: 'sweeps-message' });
  const body = h('tbody');
  const table = h('table', { id: 'sweeps-table' },
    h('caption', { class: 'sr-only' }, 'Sweeps, newest first'),
    h('thead', {}, h('tr', {}, ['Name', 'State', 'Trials', 'Pending', 'Active', 'Ended', 'Early-stopped', 'Objective', 'Created']
      .map((t) => h('th', { scope: 'col', class: ['Name', 'State', 'Objective', 'Created'].includes(t) ? '' : 'num' }, t)))),
    body);
  const formBox = h('div', { id: 'new-sweep-box' });
  const newButton = h('button', { type: 'button', class: 'primary', id: 'new-sweep', 'aria-expanded': 'false', onclick: () => toggleForm() }, 'New sweep');

  clear(main,
    h('div', { class: 'heading' }, h('h1', {}, 'Sweeps'), newButton),
    h('p', { class: 'muted' }, 'A sweep runs one base spec over a search space of spec paths, each configuration over several seeds, as ordinary jobs; early stopping (ASHA) cancels the trials that fall behind.'),
    formBox,
    message,
    h('div', { class: 'scroll' }, table));

  function toggleForm(show = formBox.childElementCount === 0, base = null) {
    newButton.setAttribute('aria-expanded', String(show));
    if (!show) return clear(formBox);
    clear(formBox, newSweepForm(base));
    formBox.querySelector('textarea').focus();
  }

  const signature = (s) => JSON.stringify([s.name, s.state, s.counts, s.objective, s.finishedAt]);

  function row(s) {
    const c = s.counts || {};
    return h('tr', { 'data-sweep-id': s.id, 'data-state': s.state },
      h('td', {}, h('a', { href: `#/sweeps/${s.id}` }, s.name || shortId(s.id))),
      h('td', {}, stateBadge(s.state)),
      [c.trials, c.pending, c.active, c.ended, c.earlyStopped].map((n) => h('td', { class: 'num' }, n ?? '–')),
      h('td', { class: 'mono' }, objectiveSummary(s.objective)),
      h('td', { class: 'small' }, fmtTime(s.createdAt)));
  }

  async function load() {
    let answer;
    try {
      answer = await api('/sweeps?pageSize=50');
    } catch (e) {
      clear(message, errorBox(e));
      return;
    }
    if (closed) return;
    clear(message);
    // Unchanged rows are kept, so a reread does not take the keyboard focus from a link.
    const old = rows;
    rows = new Map();
    clear(body, answer.sweeps.length ? null : h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No sweeps yet.')));
    for (const s of answer.sweeps) {
      const kept = old.get(s.id);
      const tr = kept && kept.signature === signature(s) ? kept.tr : row(s);
      rows.set(s.id, { tr, signature: signature(s) });
      body.append(tr);
    }
    if (answer.sweeps.some((s) => s.state === 'RUNNING')) timer = setTimeout(load, POLL_MS);
  }

  if (r.query.get('new')) {
    let base = null;
    try {
      const from = r.query.get('from');
      if (from) base = (await api(`/jobs/${from}`)).spec;
      else if (sessionStorage.getItem(BASE_KEY)) base = JSON.parse(sessionStorage.getItem(BASE_KEY));
    } catch (e) {
      clear(message, errorBox(e));
    }
    sessionStorage.removeItem(BASE_KEY);
    toggleForm(true, base);
  }
  await load();
  return () => {
    closed = true;
    clearTimeout(timer);
  };
}

/** The request as JSON, its base filled in; the server validates it and names what it refuses. */
function newSweepForm(base) {
  const request = {
    name: base?.name ? `${base.name}-sweep` : '',
    base: base || EXAMPLE_BASE,
    space: { 'optimizer.generator.learningRate': { values: [0.001, 0.0005] } },
    seeds: 2,
    objective: { metric: 'eval/modes', goal: 'max', at: 'last' },
    parallelTrials: 2,
  };
  const text = h('textarea', { id: 'sweep-request', class: 'json-input', rows: 22, spellcheck: 'false', 'aria-describedby': 'sweep-request-help sweep-errors', value: JSON.stringify(request, null, 2) });
  const errors = h('div', { id: 'sweep-errors', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'submit-sweep' }, 'Start sweep');
  const form = h('form', { class: 'card', id: 'new-sweep-form', novalidate: true },
    h('h2', {}, h('label', { for: 'sweep-request' }, 'New sweep (request as JSON)')),
    h('p', { class: 'small muted', id: 'sweep-request-help' },
      '"base" is a job spec; "space" maps spec paths (loss.terms[0].weight, optimizer.discriminator.learningRate, …) to ',
      h('code', {}, '{"values": [...]}'), ' or, with "strategy": "random", to ', h('code', {}, '{"min", "max", "scale"}'),
      '. Also "seeds", "objective", "parallelTrials", "budget" and "earlyStopping": {"type": "asha", "reductionFactor", "minEvaluations"}. Left out: the server\'s defaults.'),
    text, errors, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(errors);
    text.removeAttribute('aria-invalid');
    let body;
    try {
      body = JSON.parse(text.value);
    } catch (err) {
      text.setAttribute('aria-invalid', 'true');
      clear(errors, h('p', { class: 'field-error', role: 'alert' }, `Not JSON: ${err.message}`));
      return;
    }
    submit.disabled = true;
    try {
      const sweep = await api('/sweeps', { method: 'POST', body });
      location.hash = `#/sweeps/${sweep.id}`;
    } catch (err) {
      text.setAttribute('aria-invalid', 'true');
      clear(errors, err instanceof ApiError && err.errors.length
        ? h('div', { class: 'error', role: 'alert' }, h('p', {}, err.message),
          h('ul', {}, err.errors.map((x) => h('li', { 'data-error-for': x.field || '' }, h('code', {}, x.field || '(the whole body)'), `: ${x.message}`))))
        : errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
