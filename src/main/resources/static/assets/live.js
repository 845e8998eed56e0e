// Live updates behind one door. The server's event stream (text/event-stream) is read with
// fetch() and a stream parser, not EventSource, because EventSource cannot send the
// Authorization header. Where the stream is not there (a server without it answers 404) the
// caller's poll() runs every couple of seconds instead, so a view works against either server.

import { authHeaders } from './api.js';

const POLL_MS = 2000;
const RETRY_MS = 1000;
const MAX_RETRY_MS = 15000;

/**
 * @param path the stream below /api/v1 (/jobs/{id}/events or /events)
 * @param onEvent (type, data) for each stream message
 * @param poll async () => void, the fallback: it refreshes the view from the REST API
 * @param onMode (mode) told 'stream' or 'poll' as it changes (shown in the page)
 * @returns {close()}
 */
export function watch(path, { onEvent, poll, onMode = () => {} }) {
  let closed = false;
  let controller = null;
  let timer = null;
  let lastEventId = null;
  let retry = RETRY_MS;

  const polling = () => {
    onMode('poll');
    const tick = async () => {
      if (closed) return;
      try {
        await poll();
      } catch (e) {
        console.warn('poll failed', e);
      }
      if (!closed) timer = setTimeout(tick, POLL_MS);
    };
    tick();
  };

  const connect = async () => {
    if (closed) return;
    controller = new AbortController();
    const headers = authHeaders({ Accept: 'text/event-stream' });
    // Resume where the dropped stream stopped: the server replays what came after this id.
    if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
    let response;
    try {
      response = await fetch(`/api/v1${path}`, { headers, signal: controller.signal, cache: 'no-store' });
    } catch (e) {
      return reconnect();
    }
    const type = response.headers.get('Content-Type') || '';
    if (!response.ok || !type.startsWith('text/event-stream')) {
      response.body?.cancel();
      // 404/405/406: this server has no stream here. Anything else (a 503 while it restarts):
      // try again later, polling meanwhile would double the load for nothing.
      if ([404, 405, 406, 501].includes(response.status)) return polling();
      return reconnect();
    }
    onMode('stream');
    retry = RETRY_MS;
    // A poll on (re)connect: whatever happened while no stream was open, and before the first one.
    poll().catch(() => {});
    try {
      await read(response.body, (id, event, data) => {
        if (id !== null) lastEventId = id;
        let parsed;
        try {
          parsed = JSON.parse(data);
        } catch {
          return;
        }
        onEvent(event, parsed);
      });
    } catch (e) {
      // The stream dropped (server restart, proxy timeout) or we closed it.
    }
    reconnect();
  };

  const reconnect = () => {
    if (closed) return;
    onMode('reconnecting');
    timer = setTimeout(connect, retry);
    retry = Math.min(retry * 2, MAX_RETRY_MS);
  };

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}

/** Parses text/event-stream (the WHATWG rules, without retry:) and calls back per message. */
async function read(body, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let id = null;
  let event = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (data.length) dispatch(id, event, data.join('\n'));
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue; // a heartbeat comment
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
  }
}
