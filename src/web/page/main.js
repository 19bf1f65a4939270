// The page: follow /events (a whole state, then each tick's changes), keep
// pvlook's numbers in a FleetStore, and redraw the header, the grid and an
// open detail on every tick. EventSource reconnects by itself (the server
// sends `retry:`) and gets a whole state again, so a restarted pvlook is
// picked up without a reload. When pvlook refuses it (a changed token),
// EventSource gives up without saying why: a probe reads the status, and the
// page waits longer each time (retry.js) and says so.
import { DetailView } from './detail-view.js';
import { FleetStore } from './fleet-store.js';
import { GridView, MAX_NAME } from './grid-view.js';
import { HeaderView, readColors } from './header-view.js';
import { SORTS, hashOf, sectionsOf, viewFromHash } from './view-state.js';
import { retryAfterClose } from './retry.js';

const $ = (id) => document.getElementById(id);
const store = new FleetStore();
const grid = new GridView($('fleet'));
const header = new HeaderView({
  rate: $('total-rate'),
  trend: $('total-trend'),
  chart: $('total-chart'),
  ok: $('count-ok'),
  stale: $('count-stale'),
  failed: $('count-failed'),
  odd: $('count-odd'),
  shares: $('shares'),
  clock: $('clock'),
  connection: $('connection'),
});
const detail = new DetailView($('detail'), (host) => fetch(`history?host=${encodeURIComponent(host)}`, { cache: 'no-store' }).then((response) => (response.ok ? response.json() : null)));
const controls = { filter: $('filter'), sort: $('sort'), reverse: $('reverse'), grouped: $('grouped'), problems: $('problems'), odd: $('odd'), pause: $('pause') };

let view = viewFromHash(location.hash);
let paused = false;
let lastEventAt = 0;
let fitPending = true;
/** the last wait before trying /events again after it closed; 0 once a stream opened */
let retryMs = 0;

/**
 * Times of the last updates, for the benchmark: from the event's arrival to
 * the end of the page's script (parse, store, sort, cell texts), and to the
 * end of the browser's style and layout of the changes.
 */
const stats = { events: 0, tick: 0, renders: [] };
window.pvlookStats = stats;

let colors = null;

function render(started = performance.now()) {
  header.render(store);
  const moved = grid.render(store, sectionsOf(store, view));
  detail.render(store);
  const relayout = moved || fitPending;
  if (relayout) fit();
  colors ??= readColors();
  grid.paint(colors, relayout);
  const scripted = performance.now();
  // Reading a layout value makes the browser do style and layout now, so it is measured with the update.
  void document.body.offsetHeight;
  const done = performance.now();
  stats.renders.push({ script: scripted - started, total: done - started });
  if (stats.renders.length > 500) stats.renders.splice(0, stats.renders.length - 500);
}

/**
 * The largest text size at which the whole fleet fits the window, for wall
 * screens; below the smallest readable size the page scrolls instead.
 */
function fit() {
  fitPending = false;
  const root = document.documentElement;
  root.style.setProperty('--name-ch', String(Math.max(4, Math.min(MAX_NAME, store.longestName))));
  let low = 9;
  let high = 15;
  while (low < high) {
    const size = Math.ceil((low + high) / 2);
    root.style.setProperty('--cell-font', `${size}px`);
    if (root.scrollHeight <= window.innerHeight) low = size;
    else high = size - 1;
  }
  root.style.setProperty('--cell-font', `${low}px`);
}

function applyView(next) {
  view = next;
  const hash = hashOf(view);
  if (hash !== location.hash && !(hash === '' && location.hash === '')) history.replaceState(null, '', hash || location.pathname);
  controls.sort.value = view.sort;
  controls.reverse.checked = view.reverse;
  controls.grouped.checked = view.grouped;
  controls.problems.checked = view.problems;
  controls.odd.checked = view.odd;
  if (document.activeElement !== controls.filter) controls.filter.value = view.filter;
  fitPending = true;
  if (store.count > 0) render();
}

function setPaused(value) {
  paused = value;
  controls.pause.textContent = paused ? 'resume' : 'pause';
  controls.pause.setAttribute('aria-pressed', String(paused));
  document.body.classList.toggle('paused', paused);
  if (!paused && store.count > 0) render();
}

function connect() {
  const source = new EventSource('events');
  header.connection('connecting…');
  source.onopen = () => {
    retryMs = 0;
    header.connection('live');
  };
  const receive = (message, apply) => {
    const started = performance.now();
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (!apply(event)) return;
    lastEventAt = Date.now();
    stats.events++;
    document.body.dataset.events = String(stats.events);
    document.body.dataset.time = String(store.time);
    stats.tick = store.tick;
    if (!paused) render(started);
  };
  source.addEventListener('state', (message) =>
    receive(message, (state) => {
      if (!store.applyState(state)) return false;
      fitPending = true;
      detail.restart();
      return true;
    }),
  );
  source.addEventListener('tick', (message) =>
    receive(message, (delta) => {
      if (store.applyTick(delta)) return true;
      // A change that does not follow what the page holds: start again from a whole state.
      source.close();
      connect();
      return false;
    }),
  );
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) reconnectLater();
    else header.connection('reconnecting…');
  };
}

/**
 * The stream closed for good (an HTTP error: a refused token, the throttle,
 * not pvlook). EventSource cannot tell which, so one request reads the
 * status (its body is not read), and the next try waits accordingly.
 */
async function reconnectLater() {
  let status = null;
  let retryAfter = null;
  try {
    const response = await fetch('events', { cache: 'no-store' });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    void response.body?.cancel();
  } catch {
    // Not reachable: status stays null.
  }
  const next = retryAfterClose(status, retryAfter, retryMs);
  retryMs = next.waitMs;
  header.connection(next.refused ? 'refused' : 'disconnected', next.message);
  setTimeout(connect, next.waitMs);
}

// A wall screen must not show old numbers as if they were live.
setInterval(() => {
  const quiet = lastEventAt > 0 && Date.now() - lastEventAt > Math.max(5000, 3000 * store.interval);
  document.body.classList.toggle('nodata', quiet);
  if (quiet) $('nodata').textContent = `no data for ${Math.round((Date.now() - lastEventAt) / 1000)}s: showing the last numbers received`;
}, 1000);

controls.filter.addEventListener('input', () => applyView({ ...view, filter: controls.filter.value }));
controls.sort.addEventListener('change', () => applyView({ ...view, sort: controls.sort.value }));
controls.reverse.addEventListener('change', () => applyView({ ...view, reverse: controls.reverse.checked }));
controls.grouped.addEventListener('change', () => applyView({ ...view, grouped: controls.grouped.checked }));
controls.problems.addEventListener('change', () => applyView({ ...view, problems: controls.problems.checked }));
controls.odd.addEventListener('change', () => applyView({ ...view, odd: controls.odd.checked }));
controls.pause.addEventListener('click', () => setPaused(!paused));
window.addEventListener('hashchange', () => applyView(viewFromHash(location.hash)));
// The canvases and the chart take their colours from the style sheet: read them again when the scheme changes.
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  colors = null;
  header.colors = null;
  if (store.count > 0) render();
});
window.addEventListener('resize', () => {
  fitPending = true;
  if (store.count > 0) render();
});

$('fleet').addEventListener('click', (event) => {
  const cell = event.target instanceof Element ? event.target.closest('.cell') : null;
  if (cell) detail.open(cell.dataset.host, store);
});
$('fleet').addEventListener('keydown', (event) => {
  const cell = event.target instanceof Element ? event.target.closest('.cell') : null;
  if (cell && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    detail.open(cell.dataset.host, store);
  }
});

// The terminal view's keys, where they make sense.
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target === controls.filter) {
    if (event.key === 'Escape') {
      controls.filter.blur();
      applyView({ ...view, filter: '' });
    } else if (event.key === 'Enter') controls.filter.blur();
    return;
  }
  if ($('detail').open || event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  const actions = {
    '/': () => controls.filter.focus(),
    s: () => applyView({ ...view, sort: SORTS[(SORTS.indexOf(view.sort) + 1) % SORTS.length] }),
    r: () => applyView({ ...view, reverse: !view.reverse }),
    g: () => applyView({ ...view, grouped: !view.grouped }),
    e: () => applyView({ ...view, problems: !view.problems }),
    // As in the terminal: o puts odd logs first, O shows only them.
    o: () => applyView({ ...view, sort: view.sort === 'odd' ? 'name' : 'odd' }),
    O: () => applyView({ ...view, odd: !view.odd }),
    p: () => setPaused(!paused),
    Escape: () => applyView({ ...view, filter: '' }),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

applyView(view);
connect();
