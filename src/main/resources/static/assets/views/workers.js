// Workers: state, device, current job and heartbeat age, refreshed every 2 s (workers send no events).

import { api } from '../api.js';
import { clear, errorBox, fmtNumber, fmtTime, h, shortId } from '../dom.js';

export async function render(main) {
  const body = h('tbody');
  const message = h('div');
  clear(main, h('h1', {}, 'Workers'), message,
    h('div', { class: 'scroll' }, h('table', { id: 'workers' },
      h('thead', {}, h('tr', {}, ['Worker', 'State', 'Device', 'Current job', 'Heartbeat age', 'Host / pid', 'Version', 'Started'].map((t) => h('th', { scope: 'col' }, t)))),
      body)));
  const load = async () => {
    try {
      const workers = await api('/workers');
      clear(message);
      clear(body, workers.length ? null : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No worker has registered.')));
      for (const w of workers) {
        body.append(h('tr', { 'data-worker': w.id, 'data-state': w.state },
          h('td', { class: 'mono' }, w.id),
          h('td', {}, h('span', { class: `state state-${w.state.toLowerCase()}` }, w.state)),
          h('td', {}, w.device),
          h('td', {}, w.currentJob ? h('a', { href: `#/jobs/${w.currentJob}` }, shortId(w.currentJob)) : '–'),
          h('td', { class: 'num' }, `${fmtNumber(w.heartbeatAgeSeconds, 2)} s`),
          h('td', {}, `${w.host} / ${w.pid}`),
          h('td', {}, w.version),
          h('td', { class: 'small' }, fmtTime(w.startedAt))));
      }
    } catch (e) {
      clear(message, errorBox(e));
    }
  };
  await load();
  const timer = setInterval(load, 2000);
  return () => clearInterval(timer);
}
