// The dashboard talks to the public API exactly as any other client: a bearer key in the
// Authorization header (never in a URL, which would end up in logs and the browser history),
// kept in sessionStorage so it is gone when the tab closes.

const KEY = 'gantry.key';
const LOCAL = 'gantry.local-only';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  /** A server in local-only mode needs no key: every request is its owner's. */
  local: () => sessionStorage.getItem(LOCAL) === 'true',
  setLocal: () => sessionStorage.setItem(LOCAL, 'true'),
  clear: () => {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(LOCAL);
  },
};

/** True when the server answers without a key (gantry.security.local-only). */
export async function keyless() {
  try {
    const response = await fetch('/api/v1/catalog', { headers: { Accept: 'application/json' } });
    return response.ok;
  } catch {
    return false;
  }
}

let unauthorized = () => {};

/** Called when a request answers 401: the key was revoked or expired meanwhile. */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** A problem+json answer; {@code errors} lists {field, message} for invalid requests. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

export function authHeaders(extra = {}, key = session.key()) {
  return key ? { Authorization: `Bearer ${key}`, ...extra } : { ...extra };
}

/**
 * @param path below /api/v1
 * @param body an object (sent as JSON), a Blob, or nothing
 * @param raw return the Response itself (for images, downloads)
 */
export async function api(path, { method = 'GET', body, headers = {}, accept = 'application/json', raw = false, key, signal } = {}) {
  const h = authHeaders({ Accept: accept, ...headers }, key ?? session.key());
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && typeof body !== 'string') {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, { method, headers: h, body: payload, signal });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    if (response.status === 401 && key === undefined) {
      unauthorized();
    }
    throw new ApiError(response.status, problem);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** An image or file behind the key, as an object URL (an <img src> cannot send the header). */
export async function objectUrl(path, accept = 'image/png') {
  const response = await api(path, { accept, raw: true });
  return URL.createObjectURL(await response.blob());
}

/** Saves a response body as a file, named by its Content-Disposition when it has one. */
export async function download(path, fallbackName, options = {}) {
  const response = await api(path, { accept: '*/*', raw: true, ...options });
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename="?([^";]+)"?/.exec(disposition);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = match ? match[1] : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * An upload with progress: fetch() reports no upload progress, XMLHttpRequest does.
 * @param onProgress called with (sent, total) bytes
 */
export function upload(path, body, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    if (session.key()) xhr.setRequestHeader('Authorization', `Bearer ${session.key()}`);
    xhr.setRequestHeader('Accept', 'application/json');
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onload = () => {
      let json = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        // left null
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else {
        if (xhr.status === 401) unauthorized();
        reject(new ApiError(xhr.status, json));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: 'the connection failed' }));
    xhr.send(body);
  });
}
