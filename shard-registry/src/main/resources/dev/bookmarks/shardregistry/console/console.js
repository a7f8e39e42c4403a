// The ring console: the slot table as a picture (moving slots marked as such), the shards, a resharding's progress,
// and where a user routes.
//
// It follows the ring by polling /actuator/ring every 2 s and fetches the slot table (/console/slots) again only when
// the epoch changed. Polling rather than server-sent events, although the registry's RingWatcher could feed them: the
// page must read /actuator/ring anyway for what changes without a new epoch (liveness, heartbeat ages), a poll holds
// no connection or servlet thread open per operator through proxies and registry restarts, and it recovers by itself
// after either. 2 s keeps a ring change on the screen within seconds at one small request per poll.
// Each poll reads /actuator/migrations too: a resharding's progress (rows copied, the target's lag, the state of the
// batch) changes without a new epoch.
//
// User-supplied strings (shard IDs, URLs, server messages) are set with textContent only; no inline script or style
// (the page's Content-Security-Policy forbids both), styles are set through the CSSOM.

const POLL_MS = 2000;
// No request may hang the poll: a registry that stops answering shows as "not updating" within this bound.
const FETCH_TIMEOUT_MS = 10000;
// The registry's user ID rule (ring's UserIds): checked here too, since "." and ".." would be resolved away as path
// segments by the browser before the registry could refuse them.
const USER_ID = /^[A-Za-z0-9._-]{1,64}$/;
// Distinct colours (Tableau 10), then golden-angle hues for more shards.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const $ = (id) => document.getElementById(id);
let table = null; // {epoch, slotCount, columns, rows, shards, owners: Uint16Array, moving: [{..., slots: [slot]}]}
let lookedUp = null; // {user, slot, epoch}: the last successful lookup, redone when the epoch changes

function colour(index) {
  return index < PALETTE.length ? PALETTE[index] : `hsl(${(index * 137.508) % 360} 60% 50%)`;
}

// How a moving slot is drawn, from its source's and its target's colours: halfway between them while it copies (it is
// on its way), and that mix at half the brightness while it is frozen (its writes wait), so the two phases of one
// move differ from each other and from every owner. The legend shows each colour with what it means.
function movingRgb(source, target, phase) {
  const mix = source.map((c, i) => Math.round((c + target[i]) / 2));
  return phase === 'FROZEN' ? mix.map((c) => Math.round(c / 2)) : mix;
}

function rgb(css) {
  const probe = document.createElement('canvas').getContext('2d');
  probe.fillStyle = css;
  const hex = probe.fillStyle; // normalised to #rrggbb
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

async function getJson(path) {
  // location.origin, never the page's URL: a URL typed with user:password@ would be refused by fetch.
  let response;
  try {
    response = await fetch(new URL(path, location.origin), {
      cache: 'no-store', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (e) {
    throw new Error(e.name === 'TimeoutError' ? `${path}: no answer within ${FETCH_TIMEOUT_MS / 1000} s`
      : `${path}: ${e.message}`);
  }
  if (!response.ok) {
    let detail = `${response.status}`;
    try {
      detail = (await response.json()).detail || detail;
    } catch {
      // not JSON: the status says enough
    }
    throw new Error(`${path}: ${detail}`);
  }
  return response.json();
}

/**
 * The slots of a slot set as the shards write it (SlotTable's contract): "0-15,40" is 0 to 15 and 40. Refuses what
 * is not one, or a slot outside the ring, rather than drawing it somewhere.
 */
function parseSlotSet(text, slotCount) {
  const slots = [];
  for (const part of text.split(',')) {
    const run = /^(\d+)(?:-(\d+))?$/.exec(part);
    const first = run ? Number(run[1]) : NaN;
    const last = run && run[2] !== undefined ? Number(run[2]) : first;
    if (!(first <= last && last < slotCount)) throw new Error(`/console/slots: not a slot set: ${text}`);
    for (let slot = first; slot <= last; slot++) slots.push(slot);
  }
  return slots;
}

/** The slot table with its owners decoded: two bytes per slot, little-endian (SlotTable's contract). */
function decode(slots) {
  const bytes = Uint8Array.from(atob(slots.owners), (c) => c.charCodeAt(0));
  const owners = new Uint16Array(slots.slotCount);
  for (let slot = 0; slot < slots.slotCount; slot++) {
    owners[slot] = bytes[2 * slot] | (bytes[2 * slot + 1] << 8);
  }
  // No list is no moving slots: a registry from before resharding, answering mid-upgrade, sends none.
  const moving = (slots.moving ?? []).map((group) => ({ ...group, slots: parseSlotSet(group.slots, slots.slotCount) }));
  return { ...slots, owners, moving };
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function drawGrid() {
  const canvas = $('grid');
  canvas.width = table.columns;
  canvas.height = table.rows;
  $('grid-wrap').style.aspectRatio = `${table.columns} / ${table.rows}`;
  const context = canvas.getContext('2d');
  const image = context.createImageData(table.columns, table.rows);
  const colours = table.shards.map((_, i) => rgb(colour(i)));
  const counts = new Array(table.shards.length).fill(0);
  for (let slot = 0; slot < table.slotCount; slot++) {
    const owner = table.owners[slot];
    counts[owner]++;
    const [r, g, b] = colours[owner];
    image.data.set([r, g, b, 255], slot * 4);
  }
  // The owner counts stay the ring's (a moving slot is its source's until cutover); only the colour says it moves.
  const index = new Map(table.shards.map((id, i) => [id, i]));
  const moving = table.moving.map((group) => {
    const [r, g, b] = movingRgb(colours[index.get(group.source)], colours[index.get(group.target)], group.phase);
    for (const slot of group.slots) image.data.set([r, g, b, 255], slot * 4);
    return { ...group, css: `rgb(${r} ${g} ${b})`, phaseText: group.phase.toLowerCase() };
  });
  context.putImageData(image, 0, 0);
  const movingCount = moving.reduce((sum, group) => sum + group.slots.length, 0);
  canvas.dataset.epoch = String(table.epoch);
  canvas.dataset.moving = String(movingCount);
  const movingLabel = movingCount === 0 ? ''
    : `; ${plural(movingCount, 'slot', 'slots')} moving: ${moving.map((group) => `${group.slots.length} from `
      + `${group.source} to ${group.target}, ${group.phaseText}`).join('; ')}`;
  canvas.setAttribute('aria-label', `Slot grid, ${table.columns} by ${table.rows}, of ${table.slotCount} slots at epoch `
    + `${table.epoch}: ${table.shards.map((id, i) => `${id} owns ${counts[i]}`).join(', ')}${movingLabel}`);
  $('legend').replaceChildren(...table.shards.map((id, i) => {
    const item = document.createElement('li');
    item.dataset.shard = id;
    const name = document.createElement('span');
    name.textContent = id;
    const count = document.createElement('span');
    count.className = 'count';
    count.textContent = String(counts[i]);
    item.append(swatch(colour(i)), name, count);
    return item;
  }), ...moving.map((group) => {
    const item = document.createElement('li');
    item.className = 'moving';
    item.dataset.source = group.source;
    item.dataset.target = group.target;
    item.dataset.phase = group.phase;
    item.dataset.count = String(group.slots.length);
    const text = document.createElement('span');
    text.textContent = `moving ${group.source} → ${group.target} (${group.phaseText}): `
      + `${plural(group.slots.length, 'slot', 'slots')}`;
    item.append(swatch(group.css), text);
    return item;
  }));
  $('moving-note').hidden = movingCount === 0;
  placeMarker();
}

function swatch(css) {
  const element = document.createElement('span');
  element.className = 'swatch';
  element.setAttribute('aria-hidden', 'true');
  if (css !== undefined) element.style.background = css;
  return element;
}

function placeMarker() {
  const marker = $('marker');
  if (lookedUp === null || !table) {
    marker.hidden = true;
    delete marker.dataset.slot;
    return;
  }
  const column = lookedUp.slot % table.columns;
  const row = Math.floor(lookedUp.slot / table.columns);
  // The cell's centre, as a share of the grid; the stylesheet's negative margins centre the ring on it.
  marker.style.left = `${((column + 0.5) / table.columns) * 100}%`;
  marker.style.top = `${((row + 0.5) / table.rows) * 100}%`;
  marker.dataset.slot = String(lookedUp.slot);
  marker.dataset.column = String(column);
  marker.dataset.row = String(row);
  marker.hidden = false;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function age(millis) {
  if (millis == null) return '–';
  if (millis < 59950) return `${(millis / 1000).toFixed(1)} s`;
  const seconds = Math.round(millis / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function renderRing(ring) {
  $('epoch').textContent = String(ring.epoch);
  const changed = $('changed');
  if (ring.changedAt) {
    changed.dateTime = ring.changedAt;
    changed.textContent = new Date(ring.changedAt).toLocaleString();
  } else {
    changed.removeAttribute('datetime');
    changed.textContent = 'unknown';
  }
  $('slot-count').textContent = String(ring.slotCount);
  const index = new Map((table ? table.shards : []).map((id, i) => [id, i]));
  $('shards').tBodies[0].replaceChildren(...ring.shards.map((shard) => {
    const row = document.createElement('tr');
    row.dataset.shard = shard.id;
    const name = document.createElement('th');
    name.scope = 'row';
    name.append(swatch(index.has(shard.id) ? colour(index.get(shard.id)) : undefined),
      document.createTextNode(` ${shard.id}`));
    const liveness = shard.alive == null ? 'unknown' : shard.alive ? 'alive' : 'dead';
    row.append(name, cell(shard.url, 'url'), cell(String(shard.weight), 'weight'), cell(shard.state, 'state'),
      cell(String(shard.slotsOwned), 'slots'), cell(`${(shard.share * 100).toFixed(1)}%`, 'share'),
      cell(liveness, `liveness ${liveness}`), cell(age(shard.heartbeatAgeMillis), 'heartbeat'));
    return row;
  }));
}

function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The batch in flight, and what its target last reported about it. */
function batchText(flight) {
  if (!flight) return 'none';
  const text = `${plural(flight.count, 'slot', 'slots')} (${flight.slots}) from ${flight.source} to ${flight.target}, `
    + `${String(flight.phase).toLowerCase()}`;
  const report = flight.report;
  if (!report) return `${text}; no report from ${flight.target} yet`;
  return `${text}; ${flight.target} reports ${String(report.phase).toLowerCase().replaceAll('_', ' ')}`
    + `${report.lag == null || report.lag < 0 ? '' : `, lag ${report.lag}`}`
    + `${report.rowsCopied == null ? '' : `, ${plural(report.rowsCopied, 'row', 'rows')} copied`}`;
}

function pausesText(pauses) {
  if (!pauses || !pauses.count) return 'none yet';
  return `p50 ${pauses.p50Millis} ms · p99 ${pauses.p99Millis} ms · max ${pauses.maxMillis} ms `
    + `(${plural(pauses.count, 'batch', 'batches')})`;
}

/**
 * The resharding section from /actuator/migrations. A field the body leaves out is shown as unknown, never as an error:
 * remainingSlots, totalSlots and etaSeconds come and go with the resharding's state. The bar's length is the slots to
 * move in all (totalSlots, or the slots moved plus those remaining); while neither is known the bar is indeterminate
 * rather than a guess.
 */
function renderResharding(view) {
  const section = $('resharding');
  const resharding = view.resharding;
  $('resharding-none').hidden = !!resharding;
  $('resharding-detail').hidden = !resharding;
  if (!resharding) {
    section.dataset.state = 'none';
    return;
  }
  const progress = view.progress ?? {};
  const status = progress.status ?? 'UNKNOWN';
  section.dataset.state = status;
  $('resharding-status').dataset.status = status;
  $('resharding-status').textContent = status.toLowerCase();
  $('resharding-control').textContent = view.control ? view.control.toLowerCase() : '–';
  $('resharding-reason').textContent = progress.reason ? progress.reason : '';
  $('resharding-started').textContent = resharding.createdAtMillis
    ? new Date(resharding.createdAtMillis).toLocaleString() : 'unknown';
  const moved = progress.slotsMoved ?? 0;
  const total = view.totalSlots ?? (view.remainingSlots == null ? null : moved + view.remainingSlots);
  const bar = $('resharding-progress');
  if (total == null) {
    bar.removeAttribute('value');
    $('resharding-progress-text').textContent = `${plural(moved, 'slot', 'slots')} moved; how many remain is not known`;
  } else {
    // A resharding that has nothing to move is complete: a full bar, not an empty one.
    bar.max = Math.max(total, 1);
    bar.value = total === 0 ? 1 : moved;
    $('resharding-progress-text').textContent = `${moved} of ${plural(total, 'slot', 'slots')}`;
  }
  $('resharding-batches').textContent = `${progress.batches ?? 0} cut over`
    + `${resharding.batchSlots ? `, up to ${resharding.batchSlots} slots each` : ''}`
    + `${progress.freezeTimeouts ? `; ${plural(progress.freezeTimeouts, 'freeze', 'freezes')} timed out` : ''}`;
  $('resharding-rows').textContent = String(progress.rowsCopied ?? 0);
  $('resharding-batch').textContent = batchText(view.inFlight);
  $('resharding-pauses').textContent = pausesText(view.pauses);
  $('resharding-eta').textContent = typeof view.etaSeconds === 'number' ? `about ${duration(view.etaSeconds)}`
    : status === 'RUNNING' ? 'not known yet' : '–';
}

async function poll() {
  try {
    // Both at once; a failure to read the resharding leaves the rest of the page live.
    const [ring, migrations] = await Promise.all([getJson('/actuator/ring'),
      getJson('/actuator/migrations').then((view) => ({ view }), (error) => ({ error }))]);
    if (!table || table.epoch !== ring.epoch) {
      table = decode(await getJson('/console/slots'));
      drawGrid();
    }
    renderRing(ring);
    if (migrations.error) {
      $('resharding-error').textContent = migrations.error.message;
    } else {
      renderResharding(migrations.view);
    }
    $('resharding-error').hidden = !migrations.error;
    if (lookedUp !== null && lookedUp.epoch !== ring.epoch) {
      // The slot stays, its owner may not: say where the user routes now.
      await lookup(lookedUp.user);
    }
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

function lookupFailed(message) {
  const result = $('lookup-result');
  lookedUp = null;
  result.dataset.state = 'error';
  delete result.dataset.slot;
  delete result.dataset.shard;
  result.textContent = message;
  $('lookup-user').setAttribute('aria-invalid', 'true');
  placeMarker();
}

async function lookup(user) {
  if (!USER_ID.test(user) || user === '.' || user === '..') {
    lookupFailed(user === '' ? 'Enter a user ID.'
      : 'A user ID is 1 to 64 letters, digits, dots, underscores or hyphens, and not . or .. alone.');
    return;
  }
  let route;
  try {
    route = await getJson(`/actuator/route/${encodeURIComponent(user)}`);
  } catch (e) {
    lookupFailed(e.message);
    return;
  }
  const result = $('lookup-result');
  lookedUp = { user, slot: route.slot, epoch: route.epoch };
  result.dataset.state = 'found';
  result.dataset.slot = String(route.slot);
  result.dataset.shard = route.shardId;
  result.dataset.epoch = String(route.epoch);
  result.textContent = `${route.userId} → slot ${route.slot} → ${route.shardId} (${route.url}) at epoch ${route.epoch}`;
  $('lookup-user').removeAttribute('aria-invalid');
  placeMarker();
}

$('lookup-form').addEventListener('submit', (event) => {
  event.preventDefault();
  lookup($('lookup-user').value.trim());
});

poll();
