// Datasets: upload with a progress bar, the processing state, a preview grid, delete.

import { api, objectUrl, upload } from '../api.js';
import { clear, errorBox, fmtBytes, fmtTime, h, progressBar } from '../dom.js';

export async function render(main, r) {
  const selected = r.parts[1] ? decodeURIComponent(r.parts[1]) : null;
  const body = h('tbody');
  const detail = h('section', { class: 'card', id: 'dataset-detail', hidden: !selected });
  const message = h('div');
  let timer = null;
  let closed = false;

  // ---- upload

  const nameInput = h('input', { id: 'upload-name', type: 'text', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9._-]{0,99}', placeholder: 'my-images', 'data-field': 'name' });
  const fileInput = h('input', { id: 'upload-file', type: 'file', required: true, accept: '.zip,.npy,.gz,.idx,application/zip' });
  const uploadStatus = h('div', { id: 'upload-status', 'aria-live': 'polite' });
  const uploadButton = h('button', { type: 'submit', class: 'primary', id: 'upload-button' }, 'Upload');
  const form = h('form', { class: 'card', id: 'upload-form', novalidate: true },
    h('h2', {}, 'Upload a dataset'),
    h('p', { class: 'small muted' }, 'A ZIP of PNG or JPEG images (one folder per class), MNIST IDX, or a NumPy uint8 array. The format is recognized from the content.'),
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: 'upload-name' }, 'Name'), nameInput),
      h('div', { class: 'field' }, h('label', { for: 'upload-file' }, 'File'), fileInput)),
    uploadButton,
    uploadStatus);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = fileInput.files[0];
    if (!file || !nameInput.value.trim()) {
      clear(uploadStatus, h('p', { class: 'field-error', role: 'alert' }, 'Give a name and choose a file.'));
      return;
    }
    uploadButton.disabled = true;
    const bar = h('div', { id: 'upload-progress' }, progressBar(0, 'upload progress'));
    clear(uploadStatus, bar);
    try {
      const type = file.name.toLowerCase().endsWith('.zip') ? 'application/zip' : 'application/octet-stream';
      const created = await upload(`/datasets?name=${encodeURIComponent(nameInput.value.trim())}`, file, type, (sent, total) => {
        clear(bar, progressBar(total ? sent / total : 0, 'upload progress'), h('span', { class: 'small muted' }, `${fmtBytes(sent)} of ${fmtBytes(total)}`));
      });
      clear(uploadStatus, h('p', {}, `Uploaded; ${created.name} is ${created.state.toLowerCase()}.`));
      form.reset();
      location.hash = `#/datasets/${created.id}`;
    } catch (err) {
      const field = err.errors?.[0]?.field;
      clear(uploadStatus, h('p', { class: 'field-error', role: 'alert', 'data-error-for': field || '' }, err.errors?.length ? err.errors.map((x) => `${x.field}: ${x.message}`).join('; ') : err.message));
    } finally {
      uploadButton.disabled = false;
    }
  });

  clear(main, h('h1', {}, 'Datasets'), message, detail, form,
    h('section', { class: 'card' }, h('h2', {}, 'All datasets'),
      h('div', { class: 'scroll' }, h('table', { id: 'datasets' },
        h('thead', {}, h('tr', {}, ['Name', 'Kind', 'State', 'Items', 'Shape', 'Classes', 'Uploaded'].map((t) => h('th', { scope: 'col' }, t)))),
        body))));

  async function loadList() {
    const { datasets } = await api('/datasets');
    clear(body);
    for (const d of datasets) {
      body.append(h('tr', { 'data-dataset': d.id, 'data-state': d.state || 'READY' },
        h('td', {}, h('a', { href: `#/datasets/${encodeURIComponent(d.id)}` }, d.name)),
        h('td', {}, d.kind || '–'),
        h('td', {}, h('span', { class: `state state-${(d.state || 'ready').toLowerCase()}` }, d.builtIn ? 'BUILT-IN' : d.state)),
        h('td', { class: 'num' }, d.count ?? '–'),
        h('td', {}, d.height ? `${d.channels}×${d.height}×${d.width}` : '–'),
        h('td', { class: 'small' }, (d.classes || []).map((c) => c.name).join(', ') || '–'),
        h('td', { class: 'small' }, d.builtIn ? '–' : fmtTime(d.createdAt))));
    }
  }

  let previewUrl = null;
  async function loadDetail() {
    if (!selected || closed) return;
    let d;
    try {
      d = await api(`/datasets/${encodeURIComponent(selected)}`);
    } catch (e) {
      clear(detail, errorBox(e));
      return;
    }
    if (closed) return;
    const p = d.progress;
    const deleteButton = h('button', { type: 'button', class: 'danger', id: 'delete-dataset' }, 'Delete');
    deleteButton.addEventListener('click', async () => {
      // Two presses instead of confirm(): a modal dialog would take the page from keyboard flow.
      if (deleteButton.dataset.armed !== 'true') {
        deleteButton.dataset.armed = 'true';
        deleteButton.textContent = `Delete ${d.name}? Press again`;
        return;
      }
      try {
        await api(`/datasets/${encodeURIComponent(d.id)}`, { method: 'DELETE' });
        location.hash = '#/datasets';
      } catch (e) {
        clear(message, errorBox(e));
      }
    });
    const preview = h('div', { class: 'preview', id: 'dataset-preview' });
    clear(detail,
      h('h2', {}, d.name, ' ', h('span', { class: `state state-${(d.state || 'ready').toLowerCase()}`, id: 'dataset-state', 'data-state': d.state || 'READY' }, d.builtIn ? 'BUILT-IN' : d.state)),
      d.description ? h('p', {}, d.description) : null,
      d.state === 'PROCESSING' && p ? h('div', {},
        progressBar(p.itemsTotal ? p.itemsProcessed / p.itemsTotal : 0, 'processing progress'),
        h('p', { class: 'small muted' }, `${p.phase}: ${fmtBytes(p.bytesReceived)} received, ${p.itemsProcessed}${p.itemsTotal ? ` of ${p.itemsTotal}` : ''} items`)) : null,
      d.failureReason ? h('div', { class: 'error', role: 'alert' }, d.failureReason) : null,
      h('dl', { class: 'facts' },
        d.count != null ? [h('dt', {}, 'Items'), h('dd', {}, d.count)] : null,
        d.height ? [h('dt', {}, 'Shape'), h('dd', {}, `${d.channels}×${d.height}×${d.width}`)] : null,
        d.classes?.length ? [h('dt', {}, 'Classes'), h('dd', {}, d.classes.map((c) => `${c.name}${c.count != null ? ` (${c.count})` : ''}`).join(', '))] : null,
        d.skipped && Object.keys(d.skipped).length ? [h('dt', {}, 'Skipped'), h('dd', {}, Object.entries(d.skipped).map(([k, v]) => `${k}: ${v}`).join(', '))] : null,
        d.preprocessing ? [h('dt', {}, 'Preprocessing'), h('dd', {}, d.preprocessing)] : null,
        d.uploadBytes ? [h('dt', {}, 'Upload'), h('dd', {}, fmtBytes(d.uploadBytes))] : null),
      preview,
      d.builtIn ? null : deleteButton);
    if (d.state === 'READY' || d.builtIn) {
      if (d.kind === 'images') {
        try {
          previewUrl ??= await objectUrl(`/datasets/${encodeURIComponent(d.id)}/preview`);
          preview.append(h('img', { src: previewUrl, alt: `the first 64 images of ${d.name}`, id: 'dataset-preview-image' }));
        } catch (e) {
          preview.append(errorBox(e));
        }
      } else preview.append(h('p', { class: 'muted' }, 'A set of 2-D points: no image preview.'));
    } else if (d.state === 'PROCESSING') {
      // Processing takes seconds; uploads have no event stream, so poll until it ends.
      // The list after the detail: the tick that sees the end shows it in both.
      timer = setTimeout(async () => {
        await loadDetail();
        await loadList().catch(() => {});
      }, 1000);
    }
  }

  // The detail first: a state only moves forward, so the list read after it is never behind it.
  await loadDetail();
  try {
    await loadList();
  } catch (e) {
    clear(message, errorBox(e));
  }
  return () => {
    closed = true;
    clearTimeout(timer);
    if (previewUrl) URL.revokeObjectURL(previewUrl);
  };
}
