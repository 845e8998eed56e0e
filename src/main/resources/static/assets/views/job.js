// One job: live curves per term (downsampled, with min/max bands, zoom and a log scale),
// evaluation metrics over steps, the sample gallery, checkpoints, generate and export, cancel and
// resume, and the event log.

import { api, download, objectUrl } from '../api.js';
import { Curves } from '../chart.js';
import { clear, errorBox, fmtBytes, fmtDuration, fmtNumber, fmtTime, h, lossSummary, progressBar, shortId, stateBadge, TERMINAL } from '../dom.js';
import { watch } from '../live.js';

const MAX_POINTS = 1000;
// Live points are appended as they come; past this many held, the curves are fetched again
// downsampled, so a long run never keeps every point in the page.
const COMPACT_AT = 8000;

export async function render(main, r) {
  const id = r.parts[1];
  let job = await api(`/jobs/${id}`);
  let closed = false;
  let stepSelect; // the generate form's checkpoint choice, filled as checkpoints arrive
  let started = false; // set once the first load is done: later artefacts are news for the log
  const cleanups = [];

  const header = h('section', { class: 'job-header card', id: 'job-header' });
  const actions = h('div', { class: 'actions' });
  const message = h('div', { id: 'job-message', 'aria-live': 'polite' });
  const logBox = h('ol', { class: 'event-log', id: 'event-log', 'aria-live': 'off' });
  const liveMode = h('span', { class: 'muted', id: 'live-mode' });

  const lossEl = h('div', { class: 'chart', id: 'loss-chart' });
  const evalEl = h('div', { class: 'chart', id: 'eval-chart' });
  const logToggle = h('input', { type: 'checkbox', id: 'log-scale' });
  const resetZoom = h('button', { type: 'button', id: 'reset-zoom', hidden: true }, 'Reset zoom');
  // The same zoom without a mouse: a step range typed in.
  const zoomFrom = h('input', { type: 'number', id: 'zoom-from', min: 0, step: 1, placeholder: 'from', 'aria-label': 'zoom from step' });
  const zoomTo = h('input', { type: 'number', id: 'zoom-to', min: 0, step: 1, placeholder: 'to', 'aria-label': 'zoom to step' });
  const zoomForm = h('form', { class: 'inline-form', onsubmit: (e) => {
    e.preventDefault();
    const from = Number(zoomFrom.value);
    const to = Number(zoomTo.value);
    if (zoomFrom.value !== '' && zoomTo.value !== '' && to > from) zoom(from, to).catch((err) => clear(message, errorBox(err)));
  } }, zoomFrom, zoomTo, h('button', { type: 'submit' }, 'Zoom'));
  const lossChart = new Curves(lossEl, { title: 'Losses per term', onZoom: (from, to) => zoom(from, to) });
  const evalChart = new Curves(evalEl, { title: 'Evaluation', height: 220 });
  cleanups.push(() => lossChart.destroy(), () => evalChart.destroy());

  const sampleImg = h('img', { id: 'sample-image', alt: 'sample grid', hidden: true });
  const sampleSlider = h('input', { type: 'range', id: 'sample-step', min: 0, max: 0, value: 0, 'aria-label': 'sample step' });
  const sampleLabel = h('output', { for: 'sample-step', id: 'sample-label' }, 'no samples yet');
  const checkpointBody = h('tbody');
  const genResult = h('div', { id: 'generate-result' });

  clear(main,
    h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')),
    header,
    actions,
    message,
    h('section', { class: 'card' },
      h('div', { class: 'heading' }, h('h2', {}, 'Curves'), liveMode),
      h('div', { class: 'toolbar' },
        h('label', {}, logToggle, ' log scale (asinh)'),
        zoomForm,
        resetZoom,
        h('span', { class: 'muted small' }, 'Drag across the chart, or give steps, to zoom; the range is fetched again at full detail.')),
      lossEl,
      evalEl),
    h('div', { class: 'two' },
      h('section', { class: 'card' }, h('h2', {}, 'Samples'),
        h('div', { class: 'gallery' }, sampleImg), h('div', { class: 'slider' }, sampleSlider, sampleLabel)),
      h('section', { class: 'card' }, h('h2', {}, 'Event log'), h('p', { class: 'small muted' }, 'What happens while this page is open.'), logBox)),
    h('section', { class: 'card' }, h('h2', {}, 'Checkpoints'),
      h('div', { class: 'scroll' }, h('table', { id: 'checkpoints' },
        h('thead', {}, h('tr', {}, ['Step', 'Size', 'SHA-256', 'Metrics', ''].map((t) => h('th', { scope: 'col' }, t)))),
        checkpointBody))),
    generateSection(),
    h('section', { class: 'card' }, h('h2', {}, 'Spec'), h('pre', { class: 'json', id: 'job-spec' }, JSON.stringify(job.spec, null, 2))));

  // ---- header and actions

  function showJob() {
    const p = job.progress || {};
    clear(header,
      h('h1', {}, job.name || shortId(job.id), ' ', stateBadge(job.state)),
      h('dl', { class: 'facts' },
        fact('Id', job.id),
        fact('Attempt', job.attempt),
        fact('Dataset', job.spec?.dataset),
        fact('Loss', lossSummary(job.spec)),
        job.sweep ? fact('Sweep', h('span', {}, h('a', { href: `#/sweeps/${job.sweep.sweep}`, id: 'job-sweep' }, shortId(job.sweep.sweep)),
          `, trial ${job.sweep.trial} (configuration ${job.sweep.configuration}, seed ${job.sweep.seed})`)) : null,
        fact('Steps', h('span', { id: 'job-step' }, `${job.step} / ${job.totalSteps}`)),
        fact('Pace', p.stepsPerSecond ? `${fmtNumber(p.stepsPerSecond, 3)} steps/s` : '–'),
        fact('ETA', job.state === 'RUNNING' ? fmtDuration(p.etaSeconds) : '–'),
        fact('Created', fmtTime(job.createdAt)),
        fact('Finished', fmtTime(job.finishedAt))),
      progressBar(p.fraction, 'job progress'),
      job.failure ? h('div', { class: 'error', role: 'alert' }, `${job.failure.reason || 'FAILED'}: ${job.failure.message || ''}`) : null);
    // The buttons depend on the state only: kept as they are between progress events, so a
    // button keeps the keyboard focus (and a click) while the numbers above it change.
    if (actions.dataset.state === job.state) return;
    actions.dataset.state = job.state;
    const cancellable = ['QUEUED', 'RUNNING'].includes(job.state);
    const resumable = ['FAILED', 'CANCELLED'].includes(job.state);
    clear(actions,
      cancellable ? h('button', { type: 'button', id: 'cancel', class: 'danger', onclick: () => act('cancel') }, 'Cancel') : null,
      resumable ? h('button', { type: 'button', id: 'resume', onclick: () => act('resume') }, 'Resume') : null,
      h('a', { class: 'button', href: `#/new?from=${job.id}`, id: 'clone' }, 'Clone into a new job'),
      h('a', { class: 'button', href: `#/compare?ids=${job.id}` }, 'Compare with…'),
      h('a', { class: 'button', href: `#/sweeps?new=1&from=${job.id}`, id: 'sweep-from-job' }, 'Sweep from this spec…'),
      h('button', { type: 'button', id: 'export', onclick: () => exportGenerator() }, 'Export generator'));
  }

  function fact(label, value) {
    return [h('dt', {}, label), h('dd', {}, value ?? '–')];
  }

  async function act(what) {
    clear(message);
    try {
      job = await api(`/jobs/${id}/${what}`, { method: 'POST' });
      log(`${what} requested: ${job.state}`);
      showJob();
      if (what === 'resume') startLive();
    } catch (e) {
      clear(message, errorBox(e));
    }
  }

  async function exportGenerator() {
    clear(message);
    try {
      await download(`/jobs/${id}/export`, `gantry-${id}.zip`);
    } catch (e) {
      clear(message, errorBox(e));
    }
  }

  // ---- curves

  const split = (series) => {
    const loss = {};
    const evals = {};
    for (const s of series) {
      const points = s.points.map((p) => ({ step: p.step, value: p.value }));
      if (s.name.startsWith('loss/')) loss[s.name] = points;
      else if (s.name.startsWith('eval/')) evals[s.name] = points;
    }
    return { loss, evals };
  };

  async function loadCurves() {
    const answer = await api(`/jobs/${id}/metrics?maxPoints=${MAX_POINTS}`);
    const { loss, evals } = split(answer.series);
    lossChart.set(loss);
    evalChart.set(evals);
  }

  /** New points since the last one held (polling; the stream sends them itself). */
  async function loadNewPoints() {
    const last = lossChart.lastStep();
    if (last === null) return loadCurves();
    const answer = await api(`/jobs/${id}/metrics?fromStep=${last + 1}&maxPoints=${MAX_POINTS}`);
    addPoints(answer.series.flatMap((s) => s.points.map((p) => ({ name: s.name, step: p.step, value: p.value }))));
  }

  function addPoints(points) {
    const byName = new Map();
    for (const p of points) {
      if (!byName.has(p.name)) byName.set(p.name, []);
      byName.get(p.name).push({ step: p.step, value: p.value });
    }
    for (const [name, list] of byName) {
      list.sort((a, b) => a.step - b.step);
      if (name.startsWith('loss/')) lossChart.append(name, list);
      else if (name.startsWith('eval/')) evalChart.append(name, list);
    }
    if (lossChart.pointCount() > COMPACT_AT) loadCurves();
  }

  async function zoom(from, to) {
    const names = lossChart.container.dataset.series;
    const answer = await api(`/jobs/${id}/metrics?names=${encodeURIComponent(names)}&fromStep=${from}&toStep=${to}&maxPoints=${MAX_POINTS}`);
    lossChart.setZoom([from, to], split(answer.series).loss);
    zoomFrom.value = String(from);
    zoomTo.value = String(to);
    resetZoom.hidden = false;
  }

  resetZoom.addEventListener('click', () => {
    lossChart.setZoom(null);
    resetZoom.hidden = true;
  });
  logToggle.addEventListener('change', () => {
    lossChart.setLog(logToggle.checked);
    evalChart.setLog(logToggle.checked);
  });

  // ---- samples

  let sampleSteps = [];
  let followLatest = true;
  const sampleUrls = new Map();
  cleanups.push(() => sampleUrls.forEach((u) => URL.revokeObjectURL(u)));

  async function loadSamples() {
    const list = await api(`/jobs/${id}/samples`);
    const steps = list.map((s) => s.step);
    for (const s of steps) if (!sampleSteps.includes(s)) log(`sample grid at step ${s}`, true);
    sampleSteps = steps;
    sampleSlider.max = String(Math.max(0, steps.length - 1));
    sampleSlider.disabled = steps.length < 2;
    if (steps.length && (followLatest || Number(sampleSlider.value) >= steps.length)) sampleSlider.value = String(steps.length - 1);
    await showSample();
  }

  async function showSample() {
    if (!sampleSteps.length) return;
    const step = sampleSteps[Number(sampleSlider.value)];
    sampleLabel.textContent = `step ${step} (${Number(sampleSlider.value) + 1} of ${sampleSteps.length})`;
    if (sampleImg.dataset.step === String(step)) return;
    if (!sampleUrls.has(step)) sampleUrls.set(step, await objectUrl(`/jobs/${id}/samples/${step}`));
    if (closed) return;
    sampleImg.src = sampleUrls.get(step);
    sampleImg.hidden = false;
    sampleImg.alt = `sample grid at step ${step}`;
    sampleImg.dataset.step = String(step);
  }

  sampleSlider.addEventListener('input', () => {
    followLatest = Number(sampleSlider.value) === sampleSteps.length - 1;
    showSample();
  });

  // ---- checkpoints

  let checkpointSteps = [];

  async function loadCheckpoints() {
    const list = await api(`/jobs/${id}/checkpoints`);
    for (const c of list) if (!checkpointSteps.includes(c.step)) log(`checkpoint at step ${c.step}`, true);
    checkpointSteps = list.map((c) => c.step);
    clear(checkpointBody, list.length ? null : h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No checkpoints yet.')));
    for (const c of list) {
      checkpointBody.append(h('tr', { 'data-step': c.step },
        h('td', {}, c.step, c.best ? h('span', { class: 'tag' }, 'best') : null),
        h('td', {}, fmtBytes(c.sizeBytes)),
        h('td', { class: 'mono', title: c.sha256 }, (c.sha256 || '').slice(0, 12)),
        h('td', { class: 'small' }, Object.entries(c.metrics || {}).map(([k, v]) => `${k} ${fmtNumber(v, 3)}`).join(', ') || '–'),
        h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => download(`/jobs/${id}/checkpoints/${c.step}`, `job-${id}-step-${c.step}.ckpt`).catch((e) => clear(message, errorBox(e))) }, `Download ${c.step}`))));
    }
    refreshStepChoices();
  }

  // ---- generate

  function generateSection() {
    const count = h('input', { type: 'number', id: 'gen-count', min: 1, max: 1024, value: 64 });
    const seed = h('input', { type: 'number', id: 'gen-seed', min: 0, placeholder: 'drawn' });
    const cls = h('input', { type: 'text', id: 'gen-class', placeholder: 'index or name', disabled: !job.spec?.model?.conditional });
    stepSelect = h('select', { id: 'gen-step' });
    const form = h('form', { class: 'inline-form', onsubmit: async (e) => {
      e.preventDefault();
      const body = { count: Number(count.value) };
      if (seed.value !== '') body.seed = Number(seed.value);
      if (stepSelect.value) body.step = stepSelect.value === 'best' ? 'best' : Number(stepSelect.value);
      if (cls.value.trim()) body.class = /^\d+$/.test(cls.value.trim()) ? Number(cls.value.trim()) : cls.value.trim();
      clear(genResult, h('p', { class: 'muted' }, 'Drawing…'));
      try {
        const response = await api(`/jobs/${id}/generate`, { method: 'POST', body, accept: 'image/png', raw: true });
        const url = URL.createObjectURL(await response.blob());
        cleanups.push(() => URL.revokeObjectURL(url));
        clear(genResult,
          h('p', { class: 'small' }, `seed ${response.headers.get('X-Gantry-Seed')}, step ${response.headers.get('X-Gantry-Step')}, ${response.headers.get('X-Gantry-Ema') === 'true' ? 'moving average' : 'raw weights'}`),
          h('img', { src: url, alt: 'generated samples', id: 'generated-image' }));
      } catch (err) {
        clear(genResult, errorBox(err));
      }
    } },
    h('label', {}, 'Count ', count),
    h('label', {}, 'Seed ', seed),
    h('label', {}, 'Class ', cls),
    h('label', {}, 'Checkpoint ', stepSelect),
    h('button', { type: 'submit', id: 'generate-button' }, 'Generate'));
    return h('section', { class: 'card' }, h('h2', {}, 'Generate'), form, genResult);
  }

  function refreshStepChoices() {
    const chosen = stepSelect.value;
    clear(stepSelect,
      h('option', { value: '' }, 'latest'),
      job.spec?.checkpoints?.keepBest ? h('option', { value: 'best' }, 'best') : null,
      checkpointSteps.map((s) => h('option', { value: String(s) }, `step ${s}`)));
    stepSelect.value = chosen;
  }

  // ---- event log

  function log(text, quietBeforeStart = false) {
    if (quietBeforeStart && !started) return; // what was there at load is not news
    logBox.prepend(h('li', {}, h('time', {}, new Date().toLocaleTimeString()), ' ', text));
    while (logBox.children.length > 200) logBox.lastChild.remove();
  }

  // ---- live

  let live = null;

  // The stream and a catch-up poll may both report one change: each is logged once.
  let loggedState = null;
  function logState(state, attempt, extra = '') {
    if (loggedState === `${state}/${attempt}`) return;
    loggedState = `${state}/${attempt}`;
    log(`state ${state} (attempt ${attempt})${extra}`);
  }

  async function refreshJob() {
    const before = job.state;
    job = await api(`/jobs/${id}`);
    if (job.state !== before) logState(job.state, job.attempt);
    showJob();
  }

  let lastPolledStep = -1;
  async function poll() {
    await refreshJob();
    if (job.step !== lastPolledStep || TERMINAL.includes(job.state)) {
      lastPolledStep = job.step;
      await Promise.all([loadNewPoints(), loadSamples(), loadCheckpoints()]);
    }
    if (TERMINAL.includes(job.state)) stopLive();
  }

  function onEvent(type, data) {
    if (data.jobId !== id) return;
    switch (type) {
      case 'state':
        job.state = data.state;
        job.attempt = data.attempt;
        logState(data.state, data.attempt, `${data.reason ? ` ${data.reason}` : ''}${data.message ? `: ${data.message}` : ''}`);
        refreshJob().catch(() => {});
        if (TERMINAL.includes(data.state)) {
          Promise.all([loadNewPoints(), loadSamples(), loadCheckpoints()]).catch(() => {});
          stopLive();
        }
        break;
      case 'progress':
        job.step = data.step;
        job.totalSteps = data.steps;
        job.progress = { fraction: data.steps ? data.step / data.steps : 0, stepsPerSecond: data.stepsPerSecond, etaSeconds: data.etaSeconds };
        showJob();
        break;
      case 'metrics':
        addPoints(data.points);
        break;
      case 'evaluation':
        log(`evaluation at step ${data.step}: ${Object.entries(data.metrics || {}).map(([k, v]) => `${k} ${fmtNumber(v, 3)}`).join(', ')}`);
        addPoints(Object.entries(data.metrics || {}).map(([name, value]) => ({ name, step: data.step, value })));
        break;
      case 'sample':
        loadSamples().catch(() => {});
        break;
      case 'checkpoint':
        loadCheckpoints().catch(() => {});
        break;
      default:
    }
  }

  function startLive() {
    if (live) return;
    live = watch(`/jobs/${id}/events`, {
      onEvent,
      poll,
      onMode: (mode) => (liveMode.textContent = mode === 'stream' ? 'live: event stream' : mode === 'poll' ? 'live: polling every 2 s' : 'reconnecting…'),
    });
  }

  function stopLive() {
    live?.close();
    live = null;
    liveMode.textContent = `${job.state.toLowerCase()}: not live`;
  }

  loggedState = `${job.state}/${job.attempt}`;
  showJob();
  await Promise.all([loadCurves(), loadSamples(), loadCheckpoints()]).catch((e) => clear(message, errorBox(e)));
  started = true;
  if (!TERMINAL.includes(job.state)) startLive();
  else liveMode.textContent = `${job.state.toLowerCase()}: not live`;

  return () => {
    closed = true;
    live?.close();
    cleanups.forEach((c) => c());
  };
}
