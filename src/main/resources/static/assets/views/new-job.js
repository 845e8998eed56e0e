// New job: a form over the job spec, with the loss builder read from GET /api/v1/catalog (so the
// choices are the server's own), the spec as JSON beside it (edits in either show in the other),
// clone from an earlier job, and the server's validation errors placed beside the field they name.

import { api, ApiError, objectUrl } from '../api.js';
import { clear, errorBox, h, shortId } from '../dom.js';
import { BASE_KEY } from './sweeps.js';

/** "loss.terms[0].params.target" → ['loss', 'terms', 0, 'params', 'target'] */
export function parsePath(path) {
  const out = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

export function getPath(obj, path) {
  let o = obj;
  for (const k of parsePath(path)) {
    if (o === null || o === undefined) return undefined;
    o = o[k];
  }
  return o;
}

/** Sets a value, or removes it (undefined), dropping objects left empty on the way up. */
export function setPath(obj, path, value) {
  const keys = parsePath(path);
  const chain = [obj];
  let o = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    if (o[keys[i]] === null || typeof o[keys[i]] !== 'object') {
      if (value === undefined) return;
      o[keys[i]] = typeof keys[i + 1] === 'number' ? [] : {};
    }
    o = o[keys[i]];
    chain.push(o);
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
  for (let i = chain.length - 1; i > 0; i--) {
    const c = chain[i];
    if (!Array.isArray(c) && Object.keys(c).length === 0) delete chain[i - 1][keys[i - 1]];
    else break;
  }
}

const BOOL = [['', 'default'], ['true', 'yes'], ['false', 'no']];

export async function render(main, r) {
  const [catalog, datasetList, recent] = await Promise.all([
    api('/catalog'),
    api('/datasets'),
    api('/jobs?pageSize=50'),
  ]);
  const termInfo = new Map(catalog.terms.map((t) => [t.name, t]));
  const lossInfo = new Map(catalog.adversarialLosses.map((l) => [l.name, l]));
  let spec = { dataset: 'ring8', loss: { adversarial: { type: 'non-saturating' } }, training: { steps: 2000 } };
  let idempotencyKey = crypto.randomUUID();
  const fields = []; // {el, path, kind}

  // ---- inputs bound to a path of the spec

  function field(label, path, kind = 'num', options = {}) {
    const id = `f-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
    let el;
    if (kind === 'select' || kind === 'bool') {
      const choices = kind === 'bool' ? BOOL : [['', options.blank || 'default'], ...options.choices.map((c) => [String(c), String(c)])];
      el = h('select', { id }, choices.map(([v, t]) => h('option', { value: v }, t)));
      // The server takes 32, not "32": numeric choices are sent as numbers.
      if (kind === 'select' && options.choices.every((c) => typeof c === 'number')) el.dataset.numeric = 'true';
    } else {
      el = h('input', { id, type: kind === 'text' || kind === 'json' ? 'text' : 'number', step: kind === 'int' ? 1 : 'any', placeholder: options.placeholder ?? 'default', title: options.title });
    }
    el.dataset.path = path;
    el.addEventListener(kind === 'select' || kind === 'bool' ? 'change' : 'input', () => {
      setPath(spec, path, read(el, kind));
      if (options.onchange) options.onchange();
      specChanged(true);
    });
    fields.push({ el, path, kind });
    return h('div', { class: 'field' }, h('label', { for: id }, label), el, options.help ? h('small', { class: 'muted' }, options.help) : null);
  }

  function read(el, kind) {
    const v = el.value.trim();
    if (v === '') return undefined;
    if (kind === 'int' || kind === 'num') return Number.isFinite(Number(v)) ? Number(v) : v;
    if (kind === 'bool') return v === 'true';
    if (kind === 'json') {
      try {
        return JSON.parse(v);
      } catch {
        return v; // the server names the field and says what it must be
      }
    }
    if (kind === 'select' && /^-?\d+$/.test(v) && el.dataset.numeric) return Number(v);
    return v;
  }

  function write(el, kind, value) {
    if (document.activeElement === el) return; // the one being typed in is the source
    if (value === undefined || value === null) el.value = '';
    else if (kind === 'json') el.value = typeof value === 'string' ? value : JSON.stringify(value);
    else el.value = String(value);
  }

  // ---- JSON beside the form

  const json = h('textarea', { id: 'spec-json', spellcheck: 'false', 'aria-label': 'the job spec as JSON', rows: 30 });
  const jsonError = h('p', { class: 'field-error', id: 'spec-json-error', role: 'status' });
  json.addEventListener('input', () => {
    let parsed;
    try {
      parsed = JSON.parse(json.value);
    } catch (e) {
      jsonError.textContent = `Not valid JSON yet: ${e.message}`;
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      jsonError.textContent = 'The spec is a JSON object.';
      return;
    }
    jsonError.textContent = '';
    spec = parsed;
    specChanged(false);
  });

  /** @param fromForm true: the form changed, so rewrite the JSON; false: the JSON did, so refill the form */
  function specChanged(fromForm) {
    if (fromForm) json.value = JSON.stringify(spec, null, 2);
    for (const f of fields) if (f.el.isConnected) write(f.el, f.kind, getPath(spec, f.path));
    renderAdversarial();
    if (!fromForm || termsShape() !== renderedTerms) renderTerms();
    markDataset();
  }

  // ---- dataset picker with previews

  const datasetGrid = h('div', { class: 'dataset-grid', role: 'radiogroup', 'aria-label': 'dataset', 'data-path': 'dataset', id: 'dataset-picker' });
  const usable = datasetList.datasets.filter((d) => d.builtIn || d.state === 'READY');
  for (const d of usable) {
    const radio = h('input', { type: 'radio', name: 'dataset', value: d.id, id: `ds-${d.id}` });
    radio.addEventListener('change', () => {
      spec.dataset = d.id;
      specChanged(true);
    });
    const thumb = h('div', { class: 'thumb' });
    if (d.kind === 'images') {
      objectUrl(`/datasets/${encodeURIComponent(d.id)}/preview`).then((u) => thumb.append(h('img', { src: u, alt: `preview of ${d.name}` })), () => {});
    } else thumb.append(h('span', { class: 'muted small' }, '2-D points'));
    datasetGrid.append(h('label', { class: 'dataset-card', for: `ds-${d.id}` }, radio, thumb,
      h('strong', {}, d.name), h('span', { class: 'muted small' }, d.builtIn ? 'built-in' : `${d.count ?? '?'} images`),
      d.description ? h('span', { class: 'small' }, d.description) : null));
  }
  const datasetField = h('div', { class: 'field' }, h('span', { class: 'label' }, 'Dataset'), datasetGrid);
  function markDataset() {
    for (const radio of datasetGrid.querySelectorAll('input')) radio.checked = radio.value === spec.dataset;
  }

  // ---- the loss builder

  const advBox = h('div', { class: 'adversarial' });
  const advSelect = h('select', { id: 'loss-adversarial', 'data-path': 'loss.adversarial.type' },
    catalog.adversarialLosses.map((l) => h('option', { value: l.name }, l.name)));
  advSelect.addEventListener('change', () => {
    setPath(spec, 'loss.adversarial.type', advSelect.value);
    if (!lossInfo.get(advSelect.value)?.labelSmoothing) setPath(spec, 'loss.adversarial.labelSmoothing', undefined);
    specChanged(true);
  });
  const advHelp = h('small', { class: 'muted', id: 'loss-adversarial-help' });
  const smoothing = field('Label smoothing', 'loss.adversarial.labelSmoothing', 'num', { help: 'one-sided: the real target becomes 1 − s' });
  const advWeight = field('Weight λ_adv', 'loss.adversarial.weight', 'num', { help: "in the generator's objective; 1 unless given" });
  clear(advBox, h('div', { class: 'field' }, h('label', { for: 'loss-adversarial' }, 'Adversarial loss'), advSelect, advHelp), advWeight, smoothing);

  function renderAdversarial() {
    const type = getPath(spec, 'loss.adversarial.type') || 'non-saturating';
    if (document.activeElement !== advSelect) advSelect.value = type;
    advHelp.textContent = lossInfo.get(type)?.description || '';
    const smooths = !!lossInfo.get(type)?.labelSmoothing;
    smoothing.hidden = !smooths;
  }

  const termsBox = h('div', { class: 'terms', id: 'loss-terms', 'data-path': 'loss.terms' });
  let renderedTerms = '';
  const termsShape = () => JSON.stringify((spec.loss?.terms || []).map((t) => t?.type));

  function renderTerms() {
    renderedTerms = termsShape();
    for (let i = fields.length - 1; i >= 0; i--) if (fields[i].path.startsWith('loss.terms[')) fields.splice(i, 1);
    clear(termsBox);
    const terms = spec.loss?.terms || [];
    terms.forEach((term, i) => {
      const info = termInfo.get(term?.type);
      const base = `loss.terms[${i}]`;
      const weight = field('Weight', `${base}.weight`, 'num', { placeholder: '1', help: info?.constraint ? 'a constraint: the weight stays 1' : null });
      const params = (info?.params || []).map((p) => field(p.name, `${base}.params.${p.name}`, p.type === 'object' ? 'json' : p.type === 'string' ? 'text' : 'num', {
        placeholder: p.required ? 'required' : p.defaultValue === undefined ? '' : String(p.defaultValue),
        title: p.values,
        help: `${p.description}${p.values ? ` (${p.values})` : ''}`,
      }));
      const remove = h('button', { type: 'button', class: 'small', 'aria-label': `remove term ${i + 1} ${term?.type}`, onclick: () => {
        spec.loss.terms.splice(i, 1);
        if (!spec.loss.terms.length) delete spec.loss.terms;
        specChanged(true);
        renderTerms();
      } }, 'Remove');
      termsBox.append(h('fieldset', { class: 'term', 'data-term': term?.type, 'data-path': base },
        h('legend', {}, `${i + 1}. ${term?.type} `, h('span', { class: 'tag' }, info ? info.side : 'unknown term')),
        info ? h('p', { class: 'small muted' }, info.description) : null,
        h('div', { class: 'row' }, weight, field('Adaptive', `${base}.adaptive`, 'bool'), params),
        remove));
    });
    for (const f of fields) if (f.path.startsWith('loss.terms[')) write(f.el, f.kind, getPath(spec, f.path));
  }

  const addSelect = h('select', { id: 'add-term', 'aria-label': 'term to add' },
    ['discriminator', 'generator'].map((side) => h('optgroup', { label: `${side} terms` },
      catalog.terms.filter((t) => t.side === side).map((t) => h('option', { value: t.name }, t.name)))));
  const addButton = h('button', { type: 'button', id: 'add-term-button', onclick: () => {
    const info = termInfo.get(addSelect.value);
    setPath(spec, 'loss.terms', [...(spec.loss?.terms || []), { type: info.name, weight: 1 }]);
    specChanged(true);
    renderTerms();
    termsBox.lastElementChild?.querySelector('input')?.focus();
  } }, 'Add term');

  // ---- clone from an earlier job

  const cloneSelect = h('select', { id: 'clone-from' },
    h('option', { value: '' }, 'start from an earlier job…'),
    recent.jobs.map((j) => h('option', { value: j.id }, `${j.name || shortId(j.id)} (${j.state.toLowerCase()}, ${j.spec?.dataset})`)));
  async function cloneFrom(id) {
    const job = await api(`/jobs/${id}`);
    spec = structuredClone(job.spec);
    spec.name = `${job.name || shortId(job.id)}-clone`;
    specChanged(true);
    renderTerms();
  }
  cloneSelect.addEventListener('change', () => cloneSelect.value && cloneFrom(cloneSelect.value).catch((e) => clear(general, errorBox(e))));

  // ---- the form

  const general = h('div', { id: 'form-errors', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'submit-job' }, 'Submit job');
  const optimizer = (side) => h('fieldset', {}, h('legend', {}, side),
    h('div', { class: 'row' },
      field('Type', `optimizer.${side}.type`, 'select', { choices: catalog.optimizers }),
      field('Learning rate', `optimizer.${side}.learningRate`),
      field('β1', `optimizer.${side}.beta1`),
      field('β2', `optimizer.${side}.beta2`),
      field('Schedule', `optimizer.${side}.schedule`, 'select', { choices: catalog.schedules }),
      field('Decay from step', `optimizer.${side}.decayStartStep`, 'int')));
  const form = h('form', { id: 'new-job', novalidate: true },
    h('section', { class: 'card' }, h('h2', {}, 'Job'),
      h('div', { class: 'row' }, field('Name', 'name', 'text', { placeholder: 'optional' }), field('Priority', 'priority', 'int'),
        h('div', { class: 'field' }, h('label', { for: 'clone-from' }, 'Clone from'), cloneSelect))),
    h('section', { class: 'card' }, h('h2', {}, 'Data'), datasetField,
      h('div', { class: 'row' },
        field('Task', 'task', 'select', { choices: catalog.tasks }),
        field('Resolution', 'data.resolution', 'select', { choices: catalog.resolutions, help: 'images only' }),
        field('Channels', 'data.channels', 'int', { help: 'images only: 1 or 3' }))),
    h('section', { class: 'card' }, h('h2', {}, 'Architecture'),
      h('div', { class: 'row' },
        field('Architecture', 'model.architecture', 'select', { choices: catalog.architectures, blank: 'default for the data' }),
        field('Latent size', 'model.latentDim', 'int'),
        field('Hidden units', 'model.hiddenUnits', 'int', { help: 'mlp' }),
        field('Hidden layers', 'model.hiddenLayers', 'int'),
        field('Width', 'model.width', 'int', { help: 'convolutional' }),
        field('Conditional', 'model.conditional', 'bool'),
        field('Spectral norm', 'model.spectralNorm', 'bool'))),
    h('section', { class: 'card', id: 'loss-builder' }, h('h2', {}, 'Loss'), advBox,
      h('h3', {}, 'Terms'), termsBox,
      h('div', { class: 'row add-term' }, addSelect, addButton)),
    h('section', { class: 'card' }, h('h2', {}, 'Optimizers'), h('div', { class: 'two' }, optimizer('generator'), optimizer('discriminator'))),
    h('section', { class: 'card' }, h('h2', {}, 'Training'),
      h('div', { class: 'row' },
        field('Steps', 'training.steps', 'int'),
        field('Batch size', 'training.batchSize', 'int'),
        field('D steps per G step', 'training.discriminatorSteps', 'int'),
        field('Seed', 'training.seed', 'int', { placeholder: 'drawn once' }),
        field('EMA decay', 'training.emaDecay', 'num'),
        field('Instance noise', 'training.instanceNoise', 'num'),
        field('Augment policy', 'training.augment.policy', 'json', { placeholder: JSON.stringify(catalog.augmentations), help: `images: any of ${catalog.augmentations.join(', ')}` })),
      h('div', { class: 'row' },
        field('Checkpoint every', 'checkpoints.everySteps', 'int'),
        field('Keep last', 'checkpoints.keepLast', 'int'),
        field('Evaluate every', 'evaluation.everySteps', 'int'),
        field('Evaluation samples', 'evaluation.samples', 'int'))),
    general,
    h('div', { class: 'actions' }, submit,
      // The spec as it stands becomes a new sweep's base, handed over in this tab's storage.
      h('button', { type: 'button', id: 'sweep-spec', onclick: () => {
        sessionStorage.setItem(BASE_KEY, JSON.stringify(spec));
        location.hash = '#/sweeps?new=1';
      } }, 'Sweep this spec…')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    submit.disabled = true;
    try {
      const job = await api('/jobs', { method: 'POST', body: spec, headers: { 'Idempotency-Key': idempotencyKey } });
      idempotencyKey = crypto.randomUUID();
      location.hash = `#/jobs/${job.id}`;
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) placeErrors(err.errors);
      else clear(general, errorBox(err));
      // A refused spec made no job: the same key may be sent again with the corrected body.
      if (err instanceof ApiError && err.status === 409) idempotencyKey = crypto.randomUUID();
    } finally {
      submit.disabled = false;
    }
  });

  function clearErrors() {
    clear(general);
    for (const el of form.querySelectorAll('.field-error')) el.remove();
    for (const el of form.querySelectorAll('[aria-invalid]')) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
    }
  }

  /** Each error beside the input its field path names, or the nearest enclosing one that exists. */
  function placeErrors(errors) {
    let first = null;
    const unplaced = [];
    errors.forEach((error, n) => {
      let path = error.field;
      let target = null;
      while (path) {
        target = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
        if (target) break;
        const shorter = path.replace(/(\.[^.[\]]*|\[\d+\])$/, '');
        path = shorter === path ? '' : shorter;
      }
      if (!target) {
        unplaced.push(error);
        return;
      }
      const id = `error-${n}`;
      const text = path === error.field ? error.message : `${error.field}: ${error.message}`;
      const p = h('p', { class: 'field-error', id, role: 'alert', 'data-error-for': error.field }, text);
      // Beside an input: inside its .field wrapper; beside a group (a term, the dataset grid): inside it.
      const inputWrapper = target.matches('input, select, textarea') ? target.closest('.field') : null;
      (inputWrapper || target).append(p);
      target.setAttribute('aria-invalid', 'true');
      target.setAttribute('aria-describedby', id);
      first ??= target;
    });
    if (unplaced.length) {
      clear(general, h('div', { class: 'error', role: 'alert' }, h('p', {}, 'The server refused the spec:'),
        h('ul', {}, unplaced.map((e) => h('li', {}, `${e.field || '(the whole body)'}: ${e.message}`)))));
    }
    (first?.matches('input, select, textarea') ? first : first?.querySelector('input, select, textarea') || first)?.focus();
  }

  clear(main,
    h('div', { class: 'heading' }, h('h1', {}, 'New job')),
    h('div', { class: 'new-job' },
      form,
      h('aside', { class: 'card spec-json' }, h('h2', {}, h('label', { for: 'spec-json' }, 'Spec (JSON)')),
        h('p', { class: 'small muted' }, 'Edit either side: the form and the JSON follow each other. Fields left out take the server\'s defaults.'),
        json, jsonError)));

  const from = r.query.get('from');
  if (from) await cloneFrom(from).catch((e) => clear(general, errorBox(e)));
  else specChanged(true);
  renderTerms();
  return null;
}
