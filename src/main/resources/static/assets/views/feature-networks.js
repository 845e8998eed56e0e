// Feature networks: upload (descriptor and TorchScript module) with a progress bar, the
// validation state, the probed output shapes, delete.

import { api, upload } from '../api.js';
import { clear, errorBox, fmtBytes, fmtTime, h, progressBar } from '../dom.js';

export async function render(main) {
  const body = h('tbody');
  const message = h('div');
  let timer = null;

  const descriptor = h('input', { id: 'fn-descriptor', type: 'file', accept: '.json,application/json' });
  const module = h('input', { id: 'fn-module', type: 'file', accept: '.pt,.zip' });
  const status = h('div', { id: 'fn-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'fn-upload' },
    h('h2', {}, 'Upload a feature network'),
    h('p', { class: 'small muted' }, 'A descriptor (JSON) and a TorchScript module, as scripts/features/export_vgg19.py and export_inception.py write them. It is validated in a generation process before jobs may use it.'),
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: 'fn-descriptor' }, 'Descriptor'), descriptor),
      h('div', { class: 'field' }, h('label', { for: 'fn-module' }, 'Module'), module)),
    h('button', { type: 'submit', class: 'primary' }, 'Upload'),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!descriptor.files[0] || !module.files[0]) {
      clear(status, h('p', { class: 'field-error', role: 'alert' }, 'Choose a descriptor and a module.'));
      return;
    }
    // The descriptor part must come before the module part (the server streams the module).
    const data = new FormData();
    data.append('descriptor', descriptor.files[0]);
    data.append('module', module.files[0]);
    const bar = h('div', {}, progressBar(0, 'upload progress'));
    clear(status, bar);
    try {
      await upload('/feature-networks', data, null, (sent, total) => clear(bar, progressBar(total ? sent / total : 0, 'upload progress')));
      clear(status, h('p', {}, 'Uploaded; validating.'));
      form.reset();
      await load();
    } catch (err) {
      clear(status, h('p', { class: 'field-error', role: 'alert' }, err.errors?.length ? err.errors.map((x) => `${x.field}: ${x.message}`).join('; ') : err.message));
    }
  });

  clear(main, h('h1', {}, 'Feature networks'), message, form,
    h('section', { class: 'card' }, h('div', { class: 'scroll' }, h('table', { id: 'feature-networks' },
      h('thead', {}, h('tr', {}, ['Name', 'State', 'Outputs', 'Module', 'Uploaded', ''].map((t) => h('th', { scope: 'col' }, t)))),
      body))));

  async function load() {
    clearTimeout(timer);
    let list;
    try {
      ({ featureNetworks: list } = await api('/feature-networks'));
    } catch (e) {
      clear(message, errorBox(e));
      return;
    }
    clear(message);
    clear(body, list.length ? null : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'None uploaded.')));
    for (const n of list) {
      const del = h('button', { type: 'button', class: 'small danger' }, 'Delete');
      del.addEventListener('click', async () => {
        if (del.dataset.armed !== 'true') {
          del.dataset.armed = 'true';
          del.textContent = 'Press again to delete';
          return;
        }
        try {
          await api(`/feature-networks/${n.id}`, { method: 'DELETE' });
          await load();
        } catch (e) {
          clear(message, errorBox(e));
        }
      });
      const shapes = (n.probes || []).map((p) => `${p.side}px: ${Object.entries(p.shapes || {}).map(([k, v]) => `${k} ${v.join('×')}`).join(', ')}`);
      body.append(h('tr', { 'data-network': n.id },
        h('td', {}, n.name),
        h('td', {}, h('span', { class: `state state-${n.state.toLowerCase()}` }, n.state), n.failureReason ? h('p', { class: 'small error-text' }, n.failureReason) : null),
        h('td', { class: 'small' }, shapes.length ? shapes.map((s) => h('div', {}, s)) : (n.descriptor?.outputs || []).join(', ')),
        h('td', {}, fmtBytes(n.moduleBytes)),
        h('td', { class: 'small' }, fmtTime(n.createdAt)),
        h('td', {}, del)));
    }
    if (list.some((n) => n.state === 'PROCESSING')) timer = setTimeout(load, 2000);
  }
  await load();
  return () => clearTimeout(timer);
}
