// Sign-in: OAuth 2.0 authorization code with PKCE (RFC 7636, S256) at the configured OIDC issuer, as a public
// client. The tokens live in this module's memory only, never in localStorage, sessionStorage or a cookie: a script
// that ever ran in this origin could read those, and a reload costs only a round trip to the issuer, whose own
// session makes it immediate. sessionStorage holds the state, the verifier and the route to return to, for the
// length of one round trip, and a flag saying this tab was signed in (so a reload signs in again by itself).

const PENDING = 'bookmarks.signin.pending';
const SIGNED_IN = 'bookmarks.signin.tab';
const RENEW_BEFORE_MS = 60_000;
const RENEWED = 'bookmarks.signin.renewed';

let config = null;
let discovery = null;
let session = null;

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(length) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function claimsOf(jwt) {
  const part = jwt.split('.')[1] || '';
  const padded = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

async function json(url, options) {
  const response = await fetch(url, { credentials: 'omit', cache: 'no-store', ...options });
  if (!response.ok) {
    let detail = '';
    try {
      const body = await response.json();
      detail = body.error_description || body.error || body.detail || '';
    } catch {
      // not JSON
    }
    throw new Error(`${url.split('?')[0]} answered ${response.status}${detail ? `: ${detail}` : ''}`);
  }
  return response.json();
}

/**
 * Reads the app's settings and the issuer's discovery document, and completes a sign-in when the issuer has just
 * redirected back here. Returns the route (a location hash) to show, or null.
 */
export async function init() {
  config = await json('/web-config.json');
  discovery = await json(`${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) {
    return complete(params);
  }
  return null;
}

async function complete(params) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  const route = pending && typeof pending.route === 'string' && pending.route.startsWith('#') ? pending.route : '';
  history.replaceState(null, '', `/${route}`);
  if (params.has('error')) {
    sessionStorage.removeItem(SIGNED_IN);
    throw new Error(params.get('error_description') || params.get('error'));
  }
  if (!pending || pending.state !== params.get('state')) {
    throw new Error('The sign-in answer did not match a sign-in this tab started. Sign in again.');
  }
  const tokens = await json(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: `${location.origin}/`,
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const claims = claimsOf(tokens.access_token);
  session = {
    accessToken: tokens.access_token,
    idToken: tokens.id_token || null,
    user: claims.sub,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + (tokens.expires_in || 300) * 1000,
  };
  sessionStorage.setItem(SIGNED_IN, '1');
  return route;
}

/** Whether this tab was signed in before a reload (it then signs in again without asking). */
export function wasSignedIn() {
  return sessionStorage.getItem(SIGNED_IN) === '1';
}

/** Sends the browser to the issuer; it comes back to {@code route} signed in. */
export async function signIn(route = location.hash) {
  const verifier = randomString(32);
  const state = randomString(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier, route }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: `${location.origin}/`,
    scope: config.scope,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${discovery.authorization_endpoint}?${params}`);
  return new Promise(() => {}); // the page is leaving
}

/** Forgets the tokens and ends the issuer's session too, when the issuer offers RP-initiated logout. */
export function signOut() {
  const idToken = session && session.idToken;
  session = null;
  sessionStorage.removeItem(SIGNED_IN);
  if (discovery && discovery.end_session_endpoint && idToken) {
    const params = new URLSearchParams({
      id_token_hint: idToken,
      post_logout_redirect_uri: `${location.origin}/`,
      client_id: config.clientId,
    });
    location.assign(`${discovery.end_session_endpoint}?${params}`);
    return true;
  }
  return false;
}

/** The signed-in user's ID, or null. */
export function user() {
  return session ? session.user : null;
}

/**
 * The access token. A public client gets no refresh token, so a token about to expire is renewed by a clean
 * re-login: the issuer's session sends the browser straight back, to the same route.
 */
export async function token() {
  if (!session) throw new Error('Not signed in');
  if (session.expiresAt - Date.now() < RENEW_BEFORE_MS) {
    return signIn(location.hash);
  }
  return session.accessToken;
}

/**
 * The server refused the token: sign in again, once. A fresh token refused again within 30 s is not renewed (that
 * would loop between the app and the issuer); returns false then, and the app shows the user signed out.
 */
export function renew() {
  const last = Number(sessionStorage.getItem(RENEWED) || 0);
  session = null;
  if (Date.now() - last < 30_000) {
    sessionStorage.removeItem(SIGNED_IN);
    return false;
  }
  sessionStorage.setItem(RENEWED, String(Date.now()));
  signIn(location.hash);
  return true;
}
