// The dashboard: a hash router over views that each render into <main> and clean up after
// themselves (closing their live streams) when the route changes.

import { api, ApiError, keyless, onUnauthorized, session } from './api.js';
import { clear, h, route } from './dom.js';
import * as jobs from './views/jobs.js';
import * as job from './views/job.js';
import * as newJob from './views/new-job.js';
import * as compare from './views/compare.js';
import * as sweeps from './views/sweeps.js';
import * as sweep from './views/sweep.js';
import * as datasets from './views/datasets.js';
import * as features from './views/feature-networks.js';
import * as workers from './views/workers.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let current = null; // the cleanup of the view on screen

const views = {
  jobs: (r) => (r.parts[1] ? job : jobs),
  new: () => newJob,
  compare: () => compare,
  sweeps: (r) => (r.parts[1] ? sweep : sweeps),
  datasets: () => datasets,
  'feature-networks': () => features,
  workers: () => workers,
};

async function render() {
  if (current) {
    current();
    current = null;
  }
  if (!session.key() && !session.local()) {
    if (await keyless()) session.setLocal();
    else {
      nav.hidden = true;
      return login();
    }
  }
  nav.hidden = false;
  document.getElementById('logout').hidden = session.local();
  const r = route();
  const section = r.parts[0] || 'jobs';
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const view = (views[section] || views.jobs)(r);
  clear(main);
  try {
    current = (await view.render(main, r)) || null;
  } catch (e) {
    console.error(e);
    main.append(h('div', { class: 'error', role: 'alert' }, e.message || String(e)));
  }
}

function login(message) {
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'gk_…', 'aria-describedby': 'login-help' });
  const error = h('p', { class: 'field-error', id: 'login-error', role: 'alert' }, message || '');
  const form = h('form', { class: 'login card', id: 'login' },
    h('h1', {}, 'Log in to Gantry'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { id: 'login-help', class: 'muted' }, 'The key the server printed on its first start, or one an admin made for you. It is kept in this tab only (sessionStorage) and sent in the Authorization header.'),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Log in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    error.textContent = '';
    try {
      // Any read every role may do tells whether the key is good.
      await api('/catalog', { key });
      session.set(key);
      render();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 401 ? 'This key is not valid (unknown, revoked or expired).' : `Could not log in: ${err.message}`;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  clear(main, form);
  input.focus();
}

onUnauthorized(() => {
  session.clear();
  if (current) {
    current();
    current = null;
  }
  nav.hidden = true;
  login('The key stopped working (revoked or expired). Log in again.');
});

document.getElementById('logout').addEventListener('click', () => {
  session.clear();
  render();
});

window.addEventListener('hashchange', render);
render();
