// The bookmarks web app. Plain JavaScript modules, no framework and no build step, on purpose: it is built
// offline with nothing to download (no npm toolchain, no bundler), what is in this folder is exactly what the
// browser runs (easy to review, nothing to keep in sync), it fits a strict Content-Security-Policy (no inline
// script or style, no eval), and the whole app is a few tens of kilobytes. The DOM is built with createElement
// and textContent only: user text is never parsed as HTML.

import * as auth from './auth.js';
import { ApiError, createApi, newKey, sha256Hex } from './api.js';
import { isWebUrl, parse, parseTags, serialize } from './netscape.js';

const PAGE = 50;
const UNDO_MS = 8000;
const IMPORT_CONCURRENCY = 4;

const $ = (id) => document.getElementById(id);
const show = (id, visible) => { $(id).hidden = !visible; };

const state = {
  items: [],
  nextCursor: null,
  tag: '',
  q: '',
  selected: -1,
  loadSeq: 0,
  editing: null, // {id, key} of the bookmark in the form; key is the create's Idempotency-Key, kept across retries
  pendingDelete: null, // {item, index, timer}
};

const api = createApi({
  token: auth.token,
  user: auth.user,
  onStatus: (s, message) => {
    const status = $('status');
    status.dataset.state = s;
    status.textContent = s === 'reconnecting' ? 'Reconnecting… your changes are kept and will be sent.'
      : s === 'error' ? (message || 'The service cannot be reached.') : '';
  },
  onUnauthorized: () => {
    if (!auth.renew()) signedOut('The service refused your sign-in. Sign in again.');
  },
});

// ---- signed in or out

function signedOut(message) {
  show('signed-in-bar', false);
  show('app', false);
  show('signed-out', true);
  $('signin-error').textContent = message || '';
  show('signin-error', Boolean(message));
}

function signedIn() {
  show('signed-out', false);
  show('signed-in-bar', true);
  show('app', true);
  $('user').textContent = auth.user();
}

// ---- routes: #/, #/tag/<tag>, #/search/<q>, #/edit/<id>, #/new; segments are data, decoded, never evaluated

function parseRoute(hash) {
  const [, kind = '', ...rest] = (hash || '').replace(/^#/, '').split('/');
  let value = '';
  try {
    value = decodeURIComponent(rest.join('/'));
  } catch {
    value = '';
  }
  return { kind, value };
}

function setRoute(hash) {
  if (location.hash !== hash) history.replaceState(null, '', hash || '/');
}

async function applyRoute() {
  const { kind, value } = parseRoute(location.hash);
  state.tag = kind === 'tag' ? value : '';
  state.q = kind === 'search' ? value : '';
  $('search').value = state.q;
  await Promise.all([loadFirstPage(), loadTags()]);
  if (kind === 'edit' && value) {
    await openEdit(value);
  } else if (kind === 'new') {
    openForm(null);
  }
}

// ---- the list

function showError(message) {
  $('error-text').textContent = message;
  show('error', true);
}

async function loadFirstPage() {
  const seq = ++state.loadSeq;
  state.items = [];
  state.nextCursor = null;
  state.selected = -1;
  render();
  show('loading', true);
  show('error', false);
  try {
    const page = await api.list({ tag: state.tag, q: state.q, limit: PAGE });
    if (seq !== state.loadSeq) return;
    state.items = page.items;
    state.nextCursor = page.nextCursor;
  } catch (e) {
    if (seq === state.loadSeq) showError(e.message);
  } finally {
    if (seq === state.loadSeq) {
      show('loading', false);
      render();
    }
  }
}

let loadingMore = false;
async function loadMore() {
  if (!state.nextCursor || loadingMore) return;
  loadingMore = true;
  const seq = state.loadSeq;
  try {
    const page = await api.list({ tag: state.tag, q: state.q, limit: PAGE, cursor: state.nextCursor });
    if (seq !== state.loadSeq) return;
    const known = new Set(state.items.map((b) => b.id));
    state.items.push(...page.items.filter((b) => !known.has(b.id)));
    state.nextCursor = page.nextCursor;
    render();
  } catch (e) {
    showError(e.message);
  } finally {
    loadingMore = false;
  }
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function bookmarkItem(b, index) {
  const title = b.title || b.url;
  // Only http(s) URLs become links; anything else stays text (the API refuses other schemes, this is defence in depth).
  const heading = isWebUrl(b.url)
    ? el('a', { class: 'title', href: b.url, target: '_blank', rel: 'noopener noreferrer', dir: 'auto', text: title })
    : el('span', { class: 'title', dir: 'auto', text: title });
  const tags = el('div', { class: 'tags' });
  for (const tag of b.tags || []) {
    const button = el('button', { type: 'button', class: 'tag', dir: 'auto', text: tag });
    button.addEventListener('click', () => { setRoute(`#/tag/${encodeURIComponent(tag)}`); applyRoute(); });
    tags.append(button);
  }
  const created = new Date(b.createdAt);
  const edit = el('button', { type: 'button', class: 'edit quiet', 'aria-label': `Edit ${title}`, text: 'Edit' });
  edit.addEventListener('click', () => openForm(b));
  const del = el('button', { type: 'button', class: 'delete quiet', 'aria-label': `Delete ${title}`, text: 'Delete' });
  del.addEventListener('click', () => deleteWithUndo(b.id));
  const li = el('li', { class: index === state.selected ? 'bookmark selected' : 'bookmark', 'data-id': b.id },
    el('div', { class: 'main' }, heading, el('span', { class: 'url', dir: 'auto', text: b.url })),
    b.notes ? el('p', { class: 'notes', dir: 'auto', text: b.notes }) : null,
    el('div', { class: 'meta' }, tags,
      el('time', { datetime: b.createdAt, text: Number.isNaN(created.getTime()) ? '' : created.toLocaleDateString() }),
      el('span', { class: 'actions' }, edit, del)));
  if (index === state.selected) li.setAttribute('aria-current', 'true');
  return li;
}

function render() {
  const list = $('bookmarks');
  list.replaceChildren(...state.items.map(bookmarkItem));
  const filtered = Boolean(state.tag || state.q);
  $('list-heading').textContent = state.tag ? 'Tagged' : state.q ? 'Search results' : 'All bookmarks';
  $('active-filter-text').textContent = state.tag ? `Tag: ${state.tag}` : state.q ? `Search: ${state.q}` : '';
  show('active-filter', filtered);
  const empty = state.items.length === 0 && $('loading').hidden && $('error').hidden;
  $('empty').textContent = filtered ? 'Nothing matches.' : 'No bookmarks yet. Add one, or import a bookmarks file.';
  show('empty', empty);
  show('load-more', Boolean(state.nextCursor));
}

async function loadTags() {
  try {
    const tags = await api.tags();
    const list = $('tags');
    list.replaceChildren(...tags.map(({ tag, count }) => {
      const button = el('button', { type: 'button', class: tag === state.tag ? 'tag-filter active' : 'tag-filter',
        'data-tag': tag }, el('span', { class: 'name', dir: 'auto', text: tag }),
      el('span', { class: 'count', 'aria-label': `${count} bookmarks`, text: String(count) }));
      if (tag === state.tag) button.setAttribute('aria-pressed', 'true');
      button.addEventListener('click', () => { setRoute(`#/tag/${encodeURIComponent(tag)}`); applyRoute(); });
      return el('li', {}, button);
    }));
    show('tags-empty', tags.length === 0);
  } catch {
    // The list shows the error; the tag list stays as it was.
  }
}

function refresh() {
  return Promise.all([loadFirstPage(), loadTags()]);
}

// ---- add and edit

function openForm(bookmark) {
  const form = $('bookmark-form');
  form.reset();
  state.editing = bookmark ? { id: bookmark.id, key: null } : { id: null, key: null };
  $('form-heading').textContent = bookmark ? 'Edit bookmark' : 'Add a bookmark';
  $('f-url').value = bookmark ? bookmark.url : '';
  $('f-title').value = bookmark ? bookmark.title : '';
  $('f-tags').value = bookmark ? (bookmark.tags || []).join(', ') : '';
  $('f-notes').value = bookmark ? bookmark.notes || '' : '';
  show('f-error', false);
  const dialog = $('bookmark-dialog');
  if (!dialog.open) dialog.showModal();
  $(bookmark ? 'f-title' : 'f-url').focus();
}

async function openEdit(id) {
  try {
    openForm(await api.get(id));
  } catch (e) {
    showError(e instanceof ApiError && e.status === 404 ? 'That bookmark was not found.' : e.message);
    setRoute('#/');
  }
}

function closeForm() {
  const dialog = $('bookmark-dialog');
  if (dialog.open) dialog.close();
  state.editing = null;
  if (parseRoute(location.hash).kind === 'edit' || parseRoute(location.hash).kind === 'new') setRoute('#/');
}

async function save(event) {
  event.preventDefault();
  const url = $('f-url').value.trim();
  const input = {
    url,
    title: $('f-title').value.trim() || url,
    tags: parseTags($('f-tags').value),
    notes: $('f-notes').value,
  };
  const formError = (message) => {
    $('f-error').textContent = message;
    show('f-error', true);
  };
  if (!isWebUrl(url)) {
    formError('The URL must start with http:// or https://.');
    return;
  }
  const editing = state.editing || { id: null, key: null };
  // One key for this create however often it is retried, including by pressing Save again after an error.
  if (!editing.id && !editing.key) editing.key = newKey();
  state.editing = editing;
  $('f-save').disabled = true;
  try {
    if (editing.id) await api.update(editing.id, input);
    else await api.create(input, editing.key);
    closeForm();
    await refresh();
  } catch (e) {
    formError(e.message); // the form keeps what the user typed
  } finally {
    $('f-save').disabled = false;
  }
}

// ---- delete with undo
// The bookmark leaves the list at once, but its DELETE is sent only when the undo toast expires (or another delete
// starts, or the page is left): undo then restores the very same bookmark (same id, same date) without a write.

function commitDelete(keepalive = false) {
  const pending = state.pendingDelete;
  if (!pending) return Promise.resolve();
  clearTimeout(pending.timer);
  state.pendingDelete = null;
  show('toast', false);
  return api.remove(pending.item.id, keepalive).then(loadTags).catch((e) => {
    showError(`Could not delete “${pending.item.title}”: ${e.message}`);
    state.items.splice(Math.min(pending.index, state.items.length), 0, pending.item);
    render();
  });
}

async function deleteWithUndo(id) {
  await commitDelete();
  const index = state.items.findIndex((b) => b.id === id);
  if (index < 0) return;
  const [item] = state.items.splice(index, 1);
  state.selected = Math.min(state.selected, state.items.length - 1);
  render();
  state.pendingDelete = { item, index, timer: setTimeout(() => commitDelete(), UNDO_MS) };
  $('toast-text').textContent = `Deleted “${item.title}”`;
  show('toast', true);
  $('undo').focus();
}

function undo() {
  const pending = state.pendingDelete;
  if (!pending) return;
  clearTimeout(pending.timer);
  state.pendingDelete = null;
  state.items.splice(Math.min(pending.index, state.items.length), 0, pending.item);
  show('toast', false);
  render();
}

// ---- import and export

async function importFile(file) {
  const text = await file.text();
  const { items, skipped } = parse(text);
  const total = items.length + skipped;
  const result = $('import-result');
  const progress = $('import-progress');
  let done = 0;
  let failed = 0;
  const update = (finished) => {
    progress.max = Math.max(1, total);
    progress.value = done + failed + skipped;
    result.dataset.total = String(total);
    result.dataset.done = String(done);
    result.dataset.failed = String(failed);
    result.dataset.skipped = String(skipped);
    result.dataset.state = finished ? 'done' : 'running';
    result.textContent = `Imported ${done} of ${total}`
      + (skipped ? `, ${skipped} skipped (not a web link)` : '') + (failed ? `, ${failed} failed` : '')
      + (finished ? '.' : '…');
  };
  show('import-panel', true);
  update(false);
  const user = auth.user();
  let next = 0;
  // Each item's key is derived from its content, so importing the same file again (or resuming a broken import)
  // repeats keys the shard remembers and replays: nothing is stored twice.
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        const key = await sha256Hex(JSON.stringify([user, item.url, item.title, item.tags, item.notes]));
        await api.create(item, key);
        done++;
      } catch {
        failed++;
      }
      update(false);
    }
  };
  await Promise.all(Array.from({ length: IMPORT_CONCURRENCY }, worker));
  update(true);
  await refresh();
}

async function exportAll() {
  const button = $('export');
  button.disabled = true;
  try {
    const all = [];
    let cursor = null;
    for (let page = 0; page < 100_000; page++) {
      const answer = await api.list({ limit: 100, cursor });
      all.push(...answer.items);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    const blob = new Blob([serialize(all)], { type: 'text/html;charset=utf-8' });
    const link = el('a', { href: URL.createObjectURL(blob), download: `bookmarks-${auth.user()}.html` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (e) {
    showError(`Export failed: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

// ---- keyboard

function select(index) {
  if (state.items.length === 0) return;
  state.selected = Math.max(0, Math.min(state.items.length - 1, index));
  render();
  const item = $('bookmarks').children[state.selected];
  if (item) item.scrollIntoView({ block: 'nearest' });
}

function onKey(event) {
  if (event.key === 'Escape') {
    if (!$('help').hidden) show('help', false);
    return;
  }
  const target = event.target;
  const typing = target instanceof HTMLElement
    && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
  if (typing || event.ctrlKey || event.metaKey || event.altKey || $('bookmark-dialog').open || $('app').hidden) return;
  const selected = state.items[state.selected];
  switch (event.key) {
    case '/': event.preventDefault(); $('search').focus(); break;
    case 'n': event.preventDefault(); openForm(null); break;
    case 'j': select(state.selected + 1); break;
    case 'k': select(state.selected - 1); break;
    case 'e': if (selected) openForm(selected); break;
    case 'd': if (selected) deleteWithUndo(selected.id); break;
    case '?': show('help', $('help').hidden); break;
    default:
  }
}

// ---- wiring

let searchTimer = null;
function search(now) {
  clearTimeout(searchTimer);
  const run = () => {
    const q = $('search').value.trim();
    setRoute(q ? `#/search/${encodeURIComponent(q)}` : '#/');
    applyRoute();
  };
  if (now) run();
  else searchTimer = setTimeout(run, 300);
}

function wire() {
  $('signin').addEventListener('click', () => auth.signIn('#/'));
  $('signout').addEventListener('click', async () => {
    await commitDelete();
    if (!auth.signOut()) signedOut();
  });
  $('add').addEventListener('click', () => openForm(null));
  $('bookmark-form').addEventListener('submit', save);
  $('f-cancel').addEventListener('click', closeForm);
  $('bookmark-dialog').addEventListener('close', () => {
    state.editing = null;
    if (['edit', 'new'].includes(parseRoute(location.hash).kind)) setRoute('#/');
  });
  $('search').addEventListener('input', () => search(false));
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); search(true); });
  $('search').addEventListener('keydown', (e) => { if (e.key === 'Escape') e.target.blur(); });
  $('clear-filter').addEventListener('click', () => { $('search').value = ''; setRoute('#/'); applyRoute(); });
  $('error-retry').addEventListener('click', () => { show('error', false); refresh(); });
  $('undo').addEventListener('click', undo);
  $('load-more').addEventListener('click', loadMore);
  $('export').addEventListener('click', exportAll);
  $('import-file').addEventListener('change', async (e) => {
    const [file] = e.target.files;
    e.target.value = ''; // the same file may be chosen again
    if (file) await importFile(file);
  });
  document.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', applyRoute);
  window.addEventListener('pagehide', () => commitDelete(true));
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore();
  }, { rootMargin: '400px' }).observe($('load-more'));
}

async function main() {
  wire();
  let route;
  try {
    route = await auth.init();
  } catch (e) {
    signedOut(`Sign-in failed: ${e.message}`);
    return;
  }
  if (!auth.user()) {
    if (auth.wasSignedIn()) {
      await auth.signIn(location.hash); // a reload: the issuer's session brings the user straight back
      return;
    }
    signedOut();
    return;
  }
  if (route) setRoute(route);
  signedIn();
  await applyRoute();
}

main();
