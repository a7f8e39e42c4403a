// The ring console: the slot table as a picture, the shards, and where a user routes. It polls /actuator/ring every
// 2 s (a small answer) and fetches the slot table again only when the epoch changed. Polling rather than server-sent
// events: one operator's page, a bounded cost, and nothing to hold open through proxies or across registry restarts.
// User-supplied strings (shard IDs, URLs) are set with textContent only.

const POLL_MS = 2000;
// Distinct colours with enough contrast against each other (Tableau 10), then golden-angle hues for more shards.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const $ = (id) => document.getElementById(id);
let epoch = null;
let table = null; // {epoch, slotCount, shards, owners: Uint16Array}
let marked = null;

function colour(index) {
  return index < PALETTE.length ? PALETTE[index] : `hsl(${(index * 137.508) % 360} 60% 50%)`;
}

function rgb(css) {
  const probe = document.createElement('canvas').getContext('2d');
  probe.fillStyle = css;
  const hex = probe.fillStyle; // normalised to #rrggbb
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

async function getJson(path) {
  // location.origin, never the page's URL: a URL typed with user:password@ would be refused by fetch.
  const response = await fetch(new URL(path, location.origin), { cache: 'no-store', headers: { Accept: 'application/json' } });
  if (!response.ok) {
    let detail = `${response.status}`;
    try {
      detail = (await response.json()).detail || detail;
    } catch {
      // not JSON
    }
    throw new Error(`${path}: ${detail}`);
  }
  return response.json();
}

function side(slotCount) {
  return 2 ** Math.ceil(Math.log2(slotCount) / 2);
}

function drawGrid() {
  const canvas = $('grid');
  const n = side(table.slotCount);
  canvas.width = n;
  canvas.height = n;
  const context = canvas.getContext('2d');
  const image = context.createImageData(n, n);
  const colours = table.shards.map((_, i) => rgb(colour(i)));
  const counts = new Array(table.shards.length).fill(0);
  for (let slot = 0; slot < table.slotCount; slot++) {
    const owner = table.owners[slot];
    counts[owner]++;
    const [r, g, b] = colours[owner];
    image.data.set([r, g, b, 255], slot * 4);
  }
  context.putImageData(image, 0, 0);
  canvas.dataset.epoch = String(table.epoch);
  canvas.setAttribute('aria-label', `Slot grid of ${table.slotCount} slots at epoch ${table.epoch}: `
    + table.shards.map((id, i) => `${id} owns ${counts[i]}`).join(', '));
  $('legend').replaceChildren(...table.shards.map((id, i) => {
    const item = document.createElement('li');
    item.dataset.shard = id;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colour(i);
    const name = document.createElement('span');
    name.textContent = id;
    const count = document.createElement('span');
    count.className = 'count';
    count.textContent = String(counts[i]);
    item.append(swatch, name, count);
    return item;
  }));
  placeMarker();
}

function placeMarker() {
  const marker = $('marker');
  if (marked === null || !table) {
    marker.hidden = true;
    return;
  }
  const n = side(table.slotCount);
  const x = marked % n;
  const y = Math.floor(marked / n);
  const size = Math.max(3, 100 / n * 3);
  marker.style.left = `calc(${((x + 0.5) / n) * 100}% - ${size / 2}%)`;
  marker.style.top = `calc(${((y + 0.5) / n) * 100}% - ${size / 2}%)`;
  marker.style.width = `${size}%`;
  marker.style.height = `${size}%`;
  marker.dataset.slot = String(marked);
  marker.hidden = false;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderRing(ring) {
  $('epoch').textContent = String(ring.epoch);
  $('changed').textContent = ring.changedAt ? new Date(ring.changedAt).toLocaleString() : 'unknown';
  $('slot-count').textContent = String(ring.slotCount);
  const index = new Map((table ? table.shards : []).map((id, i) => [id, i]));
  $('shards').tBodies[0].replaceChildren(...ring.shards.map((shard) => {
    const row = document.createElement('tr');
    row.dataset.shard = shard.id;
    const name = cell('');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    if (index.has(shard.id)) swatch.style.background = colour(index.get(shard.id));
    name.append(swatch, document.createTextNode(` ${shard.id}`));
    const alive = shard.alive === null ? 'unknown' : shard.alive ? 'alive' : 'dead';
    row.append(name, cell(shard.url, 'url'), cell(String(shard.weight)), cell(shard.state),
      cell(String(shard.slotsOwned), 'slots'), cell(`${(shard.share * 100).toFixed(1)}%`),
      cell(alive, alive), cell(shard.heartbeatAgeMillis === null ? '–' : `${(shard.heartbeatAgeMillis / 1000).toFixed(1)} s`));
    return row;
  }));
}

async function poll() {
  try {
    const ring = await getJson('/actuator/ring');
    if (ring.epoch !== epoch || !table) {
      const slots = await getJson('/console/slots');
      const bytes = Uint8Array.from(atob(slots.owners), (c) => c.charCodeAt(0));
      table = { ...slots, owners: new Uint16Array(bytes.buffer.slice(0, bytes.length)) };
      epoch = ring.epoch;
      drawGrid();
    }
    renderRing(ring);
    $('live').dataset.state = 'live';
    $('live').textContent = `live, updated ${new Date().toLocaleTimeString()}`;
    $('console-error').hidden = true;
  } catch (e) {
    $('live').dataset.state = 'stale';
    $('live').textContent = 'not updating';
    $('console-error').textContent = e.message;
    $('console-error').hidden = false;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

$('lookup-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const user = $('lookup-user').value.trim();
  const result = $('lookup-result');
  try {
    const route = await getJson(`/actuator/route/${encodeURIComponent(user)}`);
    marked = route.slot;
    result.dataset.slot = String(route.slot);
    result.dataset.shard = route.shardId;
    result.textContent = `${route.userId} → slot ${route.slot} → ${route.shardId} (${route.url}) at epoch ${route.epoch}`;
    placeMarker();
  } catch (e) {
    marked = null;
    delete result.dataset.slot;
    result.textContent = e.message;
    placeMarker();
  }
});

poll();
