// api.js: the page's one way to the /v1 API. Every call carries the
// signed-in key; an error answer becomes an ApiError with the API's
// message, field, (for a refused roster edit) the rules it breaks and
// (for an accept on a roster that changed) the fresh dispatch options.

const keyName = 'rounds.key';

// ApiError is an error answer of the API.
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
    this.value = e.value;
    this.violations = (body && body.violations) || [];
    this.dispatch = (body && body.dispatch) || null; // a stale accept's fresh options
  }
}

// key returns the key of this tab's session, or ''.
export function key() { return sessionStorage.getItem(keyName) || ''; }

// setKey keeps the key for this tab only; '' forgets it.
export function setKey(k) {
  if (k) sessionStorage.setItem(keyName, k); else sessionStorage.removeItem(keyName);
}

// call sends method path with an optional JSON body and returns the
// decoded answer, or throws an ApiError.
export async function call(method, path, body) {
  const headers = { 'Authorization': 'Bearer ' + key() };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  const text = await resp.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return data;
}

// q encodes one path segment.
export const q = encodeURIComponent;
