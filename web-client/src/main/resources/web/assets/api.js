// The bookmarks API as the app calls it: one fetch wrapper that retries what is safe to retry.
//
// What a client of this service must do (docs/web-client.md): every POST carries an Idempotency-Key, made once per
// logical create and kept across all of its retries, so a retry after a lost answer is replayed by the shard rather
// than stored twice; network errors, 502, 503, 504 and 429 (and a 409 with Retry-After: the first attempt is still
// running) are retried with exponential backoff and full jitter, honouring Retry-After; PUT, DELETE and GET are
// idempotent and retried the same way. Attempts are bounded (10, or 60 s in all).

const RETRYABLE = new Set([502, 503, 504, 429]);
const MAX_ATTEMPTS = 10;
const MAX_TOTAL_MS = 60_000;
const BASE_MS = 300;
const CAP_MS = 5_000;
// An attempt the network leaves without an answer (a stalled connection) is abandoned after this and retried like
// a network error, with the same Idempotency-Key: without a bound one stuck request would hang its caller forever.
const ATTEMPT_TIMEOUT_MS = 30_000;

/** A refusal or failure of the API, with the problem's detail when the server sent one (RFC 9457). */
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
  }
}

/** A fresh Idempotency-Key for one logical create. */
export function newKey() {
  return crypto.randomUUID();
}

/** Hex SHA-256 of a string: an import's deterministic Idempotency-Key per item. */
export async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function backoff(attempt) {
  return Math.random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt);
}

function retryAfterMs(response) {
  const value = response.headers.get('Retry-After');
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 30) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - Date.now()), 30_000);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function problemOf(response) {
  try {
    const body = await response.json();
    return new ApiError(response.status, body.title, body.detail);
  } catch {
    return new ApiError(response.status, response.statusText, `The server answered ${response.status}.`);
  }
}

/**
 * The API of one signed-in user.
 *
 * @param {object} options
 * @param {() => Promise<string>} options.token the access token, renewed first when it is about to expire
 * @param {() => string} options.user the signed-in user's ID (the token's subject)
 * @param {(state: 'idle'|'reconnecting'|'error', message?: string) => void} options.onStatus connection state
 * @param {() => void} options.onUnauthorized the server refused the token (expired or revoked): sign in again
 */
export function createApi({ token, user, onStatus, onUnauthorized }) {
  let retrying = 0;

  async function call(method, path, { body, key, keepalive } = {}) {
    const started = Date.now();
    let counted = false;
    try {
      for (let attempt = 0; ; attempt++) {
        const headers = { Authorization: `Bearer ${await token()}`, Accept: 'application/json' };
        if (body !== undefined) headers['Content-Type'] = 'application/json';
        if (key) headers['Idempotency-Key'] = key;
        let response = null;
        let wait;
        try {
          response = await fetch(`/api/users/${encodeURIComponent(user())}${path}`, {
            method, headers, body: body === undefined ? undefined : JSON.stringify(body), keepalive,
            cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
          });
        } catch {
          // The network failed or the attempt timed out: no answer, so nothing is known to be lost or stored.
          wait = backoff(attempt);
        }
        if (response) {
          if (response.status === 401) {
            onUnauthorized();
            throw await problemOf(response);
          }
          const retryable = RETRYABLE.has(response.status)
            || (response.status === 409 && response.headers.has('Retry-After'));
          if (!retryable) {
            if (!response.ok) throw await problemOf(response);
            return response.status === 204 ? null : await response.json();
          }
          wait = retryAfterMs(response) ?? backoff(attempt);
        }
        if (attempt + 1 >= MAX_ATTEMPTS || Date.now() - started + wait > MAX_TOTAL_MS) {
          const error = response ? await problemOf(response)
            : new ApiError(0, 'Offline', 'The service cannot be reached. Your change is kept: try again.');
          onStatus('error', error.message);
          throw error;
        }
        if (!counted) {
          counted = true;
          retrying++;
        }
        onStatus('reconnecting');
        await sleep(wait);
      }
    } finally {
      if (counted) {
        retrying--;
        if (retrying === 0) onStatus('idle');
      }
    }
  }

  const query = (params) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') search.set(name, value);
    }
    const text = search.toString();
    return text ? `?${text}` : '';
  };

  return {
    list: ({ tag, q, limit, cursor } = {}) => call('GET', `/bookmarks${query({ tag, q, limit, cursor })}`),
    get: (id) => call('GET', `/bookmarks/${encodeURIComponent(id)}`),
    create: (bookmark, key) => call('POST', '/bookmarks', { body: bookmark, key }),
    update: (id, bookmark) => call('PUT', `/bookmarks/${encodeURIComponent(id)}`, { body: bookmark }),
    remove: (id, keepalive = false) => call('DELETE', `/bookmarks/${encodeURIComponent(id)}`, { keepalive }),
    tags: () => call('GET', '/tags'),
  };
}
