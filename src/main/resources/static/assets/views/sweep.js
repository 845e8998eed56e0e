// One sweep: the request as the server accepted it (defaults filled in, early stopping's rungs in
// evaluations and steps), every trial with its job and rung decisions, the analysis per
// configuration with the best one marked, the marginal effects, the server's plot and the CSV.
// Reread every few seconds while it runs: trials are ordinary jobs, whose pages stream their
// curves; here only states, steps and the analysis change, so polling is enough.

import { api, download, objectUrl } from '../api.js';
import { clear, errorBox, fmtNumber, fmtTime, h, shortId, stateBadge } from '../dom.js';
import { objectiveSummary } from './sweeps.js';

const POLL_MS = 3000;
const ACTIVE = ['QUEUED', 'RUNNING', 'CANCELLING'];

/** A parameter's value: a number, a string, or a range {from, to} of a binned marginal. */
function fmtValue(v) {
  if (v !== null && typeof v === 'object' && 'from' in v) return `${fmtValue(v.from)} – ${fmtValue(v.to)}`;
  if (typeof v === 'number') return fmtNumber(v, 6);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** "mean ± std (n=…)", with the exact numbers kept on the cell for scripts (and tests) to read. */
function statCell(stat, attrs = {}, showN = true) {
  if (!stat) return h('td', { class: 'num muted', ...attrs }, '–');
  const text = `${fmtNumber(stat.mean)}${stat.std == null ? '' : ` ± ${fmtNumber(stat.std, 3)}`}${showN ? ` (n=${stat.n})` : ''}`;
  return h('td', { class: 'num', ...attrs, 'data-mean': stat.mean, 'data-std': stat.std ?? '', 'data-n': stat.n }, text);
}

export async function render(main, r) {
  const id = r.parts[1];
  let sweep = await api(`/sweeps/${id}`);
  let analysis = null;
  let closed = false;
  let timer = null;
  let plotUrl = null;
  const shown = {}; // section → the JSON it was last drawn from: unchanged sections keep their focus
  const params = Object.keys(sweep.request.space || {});

  const header = h('section', { class: 'card', id: 'sweep-header' });
  const actions = h('div', { class: 'actions' });
  const message = h('div', { id: 'sweep-message', 'aria-live': 'polite' });
  const liveMode = h('span', { class: 'muted', id: 'live-mode' });
  const requestBox = h('div', { id: 'sweep-request-summary' });
  const trialsBody = h('tbody');
  const bestBox = h('div', { id: 'sweep-best' });
  const configurationsBox = h('div', { class: 'scroll' });
  const marginalsBox = h('div', { id: 'sweep-marginals' });
  const plot = h('img', { id: 'sweep-plot', alt: `the objective against each swept parameter, and the curves of the best trials`, hidden: true });
  const csvButton = h('button', { type: 'button', id: 'sweep-csv', onclick: () => download(`/sweeps/${id}/analysis.csv`, `sweep-${id}-analysis.csv`).catch((e) => clear(message, errorBox(e))) }, 'Download CSV');

  clear(main,
    h('p', {}, h('a', { href: '#/sweeps' }, '← Sweeps')),
    header,
    actions,
    message,
    h('section', { class: 'card' }, h('h2', {}, 'Request'), requestBox),
    h('section', { class: 'card' },
      h('div', { class: 'heading' }, h('h2', {}, 'Trials'), liveMode),
      h('div', { class: 'scroll' }, h('table', { id: 'sweep-trials' },
        h('thead', {}, h('tr', {},
          ['Trial', 'Config', 'Seed'].map((t) => h('th', { scope: 'col', class: 'num' }, t)),
          params.map((p) => h('th', { scope: 'col', class: 'mono' }, p)),
          ['Job', 'State', 'Step', 'Reason', 'Rungs'].map((t) => h('th', { scope: 'col' }, t)))),
        trialsBody))),
    h('section', { class: 'card', id: 'sweep-analysis' },
      h('div', { class: 'heading' }, h('h2', {}, 'Analysis'), csvButton),
      h('p', { class: 'small muted' }, 'Per configuration: mean ± sample standard deviation over its completed seeds, of the objective and of every evaluation metric at the last evaluation. Trials stopped early ended at another step and are not averaged.'),
      bestBox,
      configurationsBox),
    h('section', { class: 'card' }, h('h2', {}, 'Plot'), plot),
    h('section', { class: 'card' }, h('h2', {}, 'Marginal effects'),
      h('p', { class: 'small muted' }, 'The objective at each value of one parameter, averaged over the configurations that have it.'),
      marginalsBox));

  function changed(section, value) {
    const text = JSON.stringify(value);
    if (shown[section] === text) return false;
    shown[section] = text;
    return true;
  }

  // ---- header, actions, request

  function showHeader() {
    const c = sweep.counts;
    clear(header,
      h('h1', {}, sweep.name || shortId(sweep.id), ' ', h('span', { id: 'sweep-state', 'data-state': sweep.state }, stateBadge(sweep.state))),
      h('dl', { class: 'facts' },
        fact('Id', sweep.id),
        fact('Trials', h('span', { id: 'sweep-counts' }, `${c.trials}: ${c.pending} pending, ${c.active} active, ${c.ended} ended, ${c.earlyStopped} stopped early${c.exploited ? `, ${c.exploited} exploited (PBT)` : ''}`)),
        fact('Objective', objectiveSummary(sweep.request.objective)),
        fact('Created', fmtTime(sweep.createdAt)),
        fact('Finished', fmtTime(sweep.finishedAt))));
    if (actions.dataset.state === sweep.state) return;
    actions.dataset.state = sweep.state;
    clear(actions, sweep.state === 'RUNNING' ? h('button', { type: 'button', class: 'danger', id: 'cancel-sweep', onclick: cancel }, 'Cancel sweep') : null);
  }

  function fact(label, value) {
    return [h('dt', {}, label), h('dd', {}, value ?? '–')];
  }

  async function cancel() {
    clear(message);
    try {
      sweep = await api(`/sweeps/${id}/cancel`, { method: 'POST' });
      showHeader();
      showTrials();
      schedule();
    } catch (e) {
      clear(message, errorBox(e));
    }
  }

  function showRequest() {
    const q = sweep.request;
    const stopping = q.earlyStopping;
    clear(requestBox,
      h('dl', { class: 'facts' },
        fact('Strategy', q.strategy === 'random' ? `random: ${q.samples} configurations drawn with seed ${q.randomSeed}` : q.strategy),
        fact('Seeds', `${q.seeds} per configuration`),
        fact('Objective', `${q.objective.metric}, ${q.objective.goal === 'min' ? 'minimised' : 'maximised'}, at the ${q.objective.at} evaluation`),
        fact('Parallel trials', q.parallelTrials),
        fact('Budget', q.budget ? `${q.budget.trials ?? '–'} trials, ${q.budget.steps != null ? `${q.budget.steps} steps` : 'steps unbounded'}` : '–'),
        fact('Early stopping', stopping
          ? h('span', { id: 'sweep-rungs' }, `${stopping.type}, reduction factor ${stopping.reductionFactor}; `,
            sweep.rungs.length
              ? sweep.rungs.map((g) => `rung ${g.rung} at evaluation ${g.evaluations} (step ${g.step})`).join(', ')
              : 'no rung before the last step')
          : 'none')),
      h('h3', {}, 'Space'),
      h('div', { class: 'scroll' }, h('table', { id: 'sweep-space' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Spec path'), h('th', { scope: 'col' }, 'Values'))),
        h('tbody', {}, Object.entries(q.space || {}).map(([path, d]) => h('tr', { 'data-path': path },
          h('th', { scope: 'row', class: 'mono' }, path),
          h('td', { class: 'mono' }, d.values
            ? d.values.map(fmtValue).join(', ')
            : `${fmtValue(d.min)} to ${fmtValue(d.max)}, ${d.scale || 'linear'}${d.integer ? ', whole numbers' : ''}`)))))),
      h('details', {}, h('summary', {}, 'Base spec (JSON)'), h('pre', { class: 'json', id: 'sweep-base' }, JSON.stringify(q.base, null, 2))));
  }

  // ---- trials

  function showTrials() {
    if (!changed('trials', sweep.trials)) return;
    clear(trialsBody, sweep.trials.map((t) => {
      const state = t.job ? t.state : t.skipped ? 'SKIPPED' : 'PENDING';
      return h('tr', { 'data-trial': t.trial, 'data-configuration': t.configuration, 'data-state': state },
        h('td', { class: 'num' }, t.trial),
        h('td', { class: 'num' }, t.configuration),
        h('td', { class: 'num' }, t.seed),
        params.map((p) => h('td', { class: 'mono', 'data-param': p }, fmtValue(t.params[p]))),
        h('td', {}, t.job ? h('a', { href: `#/jobs/${t.job}`, class: 'mono' }, shortId(t.job)) : '–'),
        h('td', {}, stateBadge(state)),
        h('td', { class: 'num small' }, t.job ? `${t.step} / ${t.steps}` : '–'),
        h('td', { class: 'small' }, t.reason || t.skipped || '', t.parent ? h('div', {}, `fork of trial ${t.parent.trial} at step ${t.parent.step}`) : null),
        h('td', { class: 'small' }, t.rungs.length
          ? t.rungs.map((g) => h('div', { class: `rung rung-${g.decision.toLowerCase()}` }, `rung ${g.rung} (step ${g.step}): ${fmtNumber(g.value)} → ${g.decision}`))
          : '–'));
    }));
  }

  // ---- analysis

  function showAnalysis() {
    const a = analysis;
    if (changed('best', [a.best, a.trials])) {
      const t = a.trials;
      const counts = h('p', { class: 'small' }, `${t.total} trials: ${t.completed} completed, ${t.earlyStopped} stopped early, ${t.active} active, ${t.pending} pending`,
        t.exploited ? `, ${t.exploited} exploited (PBT)` : '',
        t.failed ? `, ${t.failed} failed` : '', t.cancelled ? `, ${t.cancelled} cancelled` : '', '.');
      const b = a.best;
      const bestTrials = b ? a.configurations.find((c) => c.configuration === b.configuration).trialResults.filter((x) => x.state === 'SUCCEEDED' && x.job) : [];
      clear(bestBox, counts, b
        ? h('div', { class: `best-note confidence-${b.confidence}`, 'data-configuration': b.configuration, 'data-confidence': b.confidence },
          h('p', {}, h('strong', {}, `Best: configuration ${b.configuration}`), ' (',
            Object.entries(b.params).map(([p, v]) => `${p} = ${fmtValue(v)}`).join(', '), '), ',
            `${a.objective.metric} ${fmtNumber(b.objective.mean)}${b.objective.std == null ? '' : ` ± ${fmtNumber(b.objective.std, 3)}`} over ${b.objective.n} seed(s). `,
            h('span', { class: 'tag' }, `confidence: ${b.confidence}`)),
          h('p', { class: 'small', id: 'sweep-best-note' }, b.note),
          bestTrials.length > 1 ? h('a', { href: `#/compare?ids=${bestTrials.slice(0, 8).map((x) => x.job).join(',')}` }, 'Compare its trials') : null)
        : h('p', { class: 'muted' }, 'No configuration has a completed trial yet.'));
    }
    if (changed('configurations', a.configurations)) {
      const metrics = [...new Set(a.configurations.flatMap((c) => Object.keys(c.metrics || {})))].sort();
      const best = a.best?.configuration;
      clear(configurationsBox, h('table', { id: 'sweep-configurations' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'num' }, 'Config'),
          a.parameters.map((p) => h('th', { scope: 'col', class: 'mono' }, p)),
          ['Trials', 'Completed', 'Early-stopped', 'Failed'].map((t) => h('th', { scope: 'col', class: 'num' }, t)),
          h('th', { scope: 'col', class: 'num' }, `objective: ${objectiveSummary(a.objective)}`),
          metrics.map((m) => h('th', { scope: 'col', class: 'num mono' }, m)))),
        h('tbody', {}, a.configurations.map((c) => h('tr', { 'data-configuration': c.configuration, class: c.configuration === best ? 'best-row' : '', 'data-best': c.configuration === best ? 'true' : undefined },
          h('th', { scope: 'row', class: 'num' }, c.configuration, c.configuration === best ? h('span', { class: 'tag' }, 'best') : null),
          a.parameters.map((p) => h('td', { class: 'mono', 'data-param': p }, fmtValue(c.params[p]))),
          [c.trials, c.completed, c.earlyStopped, c.failed].map((n) => h('td', { class: 'num' }, n)),
          statCell(c.objective, { 'data-metric': 'objective' }),
          metrics.map((m) => statCell(c.metrics?.[m], { 'data-metric': m })))))));
    }
    if (changed('marginals', a.marginals)) {
      clear(marginalsBox, a.marginals.length ? a.marginals.map((m) => h('div', { class: 'marginal', 'data-parameter': m.parameter },
        h('h3', { class: 'mono' }, m.parameter),
        h('table', {},
          h('thead', {}, h('tr', {}, ['Value', `${a.objective.metric} (mean ± std of the configurations)`, 'Configurations', 'Trials'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, m.levels.length ? m.levels.map((l) => h('tr', { 'data-value': JSON.stringify(l.value) },
            h('td', { class: 'mono' }, fmtValue(l.value)),
            statCell({ mean: l.mean, std: l.std, n: l.configurations }, {}, false),
            h('td', { class: 'num' }, l.configurations),
            h('td', { class: 'num' }, l.trials))) : h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No completed trial yet.'))))))
        : h('p', { class: 'muted' }, 'Nothing swept.'));
    }
  }

  /** The server's plot, fetched with the key; again only when the analysis has changed. */
  async function showPlot() {
    if (!changed('plot', analysis)) return;
    const url = await objectUrl(`/sweeps/${id}/analysis.png`);
    if (closed) return URL.revokeObjectURL(url);
    const old = plotUrl;
    plotUrl = url;
    plot.src = url;
    plot.hidden = false;
    if (old) URL.revokeObjectURL(old);
  }

  // ---- refresh

  const live = () => sweep.state === 'RUNNING' || sweep.trials.some((t) => ACTIVE.includes(t.state));

  async function refresh() {
    [sweep, analysis] = await Promise.all([api(`/sweeps/${id}`), api(`/sweeps/${id}/analysis`)]);
    if (closed) return;
    showHeader();
    showTrials();
    showAnalysis();
    await showPlot();
  }

  function schedule() {
    clearTimeout(timer);
    if (closed) return;
    if (!live()) {
      liveMode.textContent = `${sweep.state.toLowerCase()}: not live`;
      return;
    }
    liveMode.textContent = `live: reread every ${POLL_MS / 1000} s`;
    timer = setTimeout(async () => {
      try {
        await refresh();
        clear(message);
      } catch (e) {
        if (!closed) clear(message, errorBox(e));
      }
      schedule();
    }, POLL_MS);
  }

  showHeader();
  showRequest();
  showTrials();
  try {
    await refresh();
  } catch (e) {
    clear(message, errorBox(e));
  }
  schedule();
  return () => {
    closed = true;
    clearTimeout(timer);
    if (plotUrl) URL.revokeObjectURL(plotUrl);
  };
}
