// app.js: the coordinator's page. Sign in with an API key, pick a team
// and a date, plan the day and watch its progress, then see and change
// the roster through the panels of panels.js. Everything goes through
// the /v1 API with the key; the page shows only what GET /v1/me says the
// key may do.

import { call, q, key, setKey, ApiError } from './api.js';
import { panels } from './panels.js';
import { boroughsOf, pointsOf } from './map.js';
import { esc, hours } from './svg.js';

const $ = id => document.getElementById(id);

// state is everything the page knows.
const state = {
  me: null,
  version: null, // the roster version shown, with its request and roster
  latestVersion: 0, // the roster's latest version number
  selected: '', selectedWorker: '', selectedPos: '',
  verdict: null, // what the API said of the last edit
  boroughs: [], boroughsFor: '',
  records: null, recordsFor: '', // the team's workers, visits and clients of the day
  live: null, // the live state of today's published roster (GET .../live), or null
};

// perf holds the page's own timings in milliseconds, read by the
// benchmark: load is from asking for a roster version to its panels
// drawn, check from asking for an edit's verdict to its answer, edit from
// sending an edit to the new version drawn, render the
// drawing alone (panels: each panel's part, its layout included).
const perf = window.roundsPerf = { load: 0, check: 0, edit: 0, render: 0, renders: 0, panels: {} };

const textSizes = [14, 16, 18, 21, 24, 28];

function applyTextSize() {
  const i = Number(localStorage.getItem('rounds.textSize') ?? 1);
  document.documentElement.style.fontSize = textSizes[Math.max(0, Math.min(textSizes.length - 1, i))] + 'px';
}

function changeTextSize(step) {
  const i = Number(localStorage.getItem('rounds.textSize') ?? 1) + step;
  localStorage.setItem('rounds.textSize', String(Math.max(0, Math.min(textSizes.length - 1, i))));
  applyTextSize();
  if (state.version) render();
}

function status(text, error) {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', !!error);
}

const can = p => !!state.me && state.me.permissions.includes(p);

// ctx is what panels see and may do.
const ctx = {
  get version() { return state.version; },
  get latestVersion() { return state.latestVersion; },
  get latest() { return state.version && state.version.version === state.latestVersion; },
  get selected() { return state.selected; },
  get selectedWorker() { return state.selectedWorker; },
  get verdict() { return state.verdict; },
  get boroughs() { return state.boroughs; },
  get live() { return state.live; },
  can,
  get selectedPos() { return state.selectedPos; },
  // select makes a visit the selected one: its ID, and the worker and
  // place in the round of the block chosen ('' for an unassigned visit).
  select(visitId, workerId, pos) {
    state.selected = visitId;
    state.selectedWorker = workerId;
    state.selectedPos = pos;
    for (const p of shown()) if (p.select) p.select(ctx, sectionBody(p));
  },
  check,
  edit,
  accepted,
  // reload shows the latest version of the roster shown.
  reload() {
    const v = state.version;
    return loadVersion(v.team, v.rosterId, 0).catch(e => status(e.message, true));
  },
  // highlight shows a dispatch option on the panels that draw one (null
  // clears it); durationMinutes is the referral's.
  highlight(option, durationMinutes) {
    for (const p of shown()) if (p.highlight) p.highlight(ctx, sectionBody(p), option, durationMinutes);
  },
  // place tells the panels a place was picked on the map.
  place(location) {
    for (const p of shown()) if (p.place) p.place(ctx, sectionBody(p), location);
  },
  // dismiss forgets the verdict of a check that was not saved.
  dismiss() {
    state.verdict = null;
    showVerdict();
  },
};

function shown() { return panels.filter(p => can(p.needs)); }

function sectionBody(p) { return document.querySelector(`#panel-${p.id} .panel-body`); }

// render draws every panel the key may see for the current version.
function render() {
  const t0 = performance.now();
  const host = $('panels');
  for (const p of shown()) {
    let sec = $('panel-' + p.id);
    if (!sec) {
      sec = document.createElement('section');
      sec.id = 'panel-' + p.id;
      sec.className = 'card panel panel-' + p.id;
      sec.setAttribute('aria-labelledby', `panel-${p.id}-title`);
      sec.innerHTML = `<h2 id="panel-${p.id}-title">${p.title}</h2><div class="panel-body"></div>`;
      host.append(sec);
    }
    const tp = performance.now();
    p.render(ctx, sectionBody(p));
    void host.offsetHeight; // lay the page out, so that the time counts it
    perf.panels[p.id] = performance.now() - tp;
  }
  perf.render = performance.now() - t0;
  perf.renders++;
  document.body.dataset.renders = String(perf.renders);
  updateControls();
}

function updateControls() {
  const v = state.version;
  const sel = $('version');
  sel.disabled = !v;
  if (v) {
    sel.innerHTML = Array.from({ length: state.latestVersion }, (_, i) => {
      const n = i + 1;
      const label = n === v.version ? `version ${n} (${v.status})` : `version ${n}`;
      return `<option value="${n}"${n === v.version ? ' selected' : ''}>${label}</option>`;
    }).join('');
  }
  const pub = $('publish');
  pub.disabled = !v || v.status === 'published';
  pub.textContent = v && v.status === 'published' ? `Version ${v.version} is published` : 'Publish this version';
}

// boroughs finds the boroughs the roster's places lie in, once a roster.
async function loadBoroughs(v) {
  if (state.boroughsFor === v.rosterId) return;
  try {
    const all = await fetch('/page/boroughs.geojson').then(r => r.json());
    const pts = pointsOf(v);
    const step = Math.max(1, Math.floor(pts.length / 600));
    state.boroughs = boroughsOf(all, pts.filter((_, i) => i % step === 0));
  } catch {
    state.boroughs = [];
  }
  state.boroughsFor = v.rosterId;
}

// all reads every item of a list of the API, a page of 1000 at a time.
async function all(path) {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await call('GET', `${path}${path.includes('?') ? '&' : '?'}offset=${offset}&limit=1000`);
    out.push(...page.items);
    if (page.items.length < 1000 || out.length >= page.total) return out;
  }
}

// records returns the team's workers, visits and clients of a date
// range, read once a team and range: the request a roster version was
// planned from is shown to admin keys only, and the drawings need the
// shifts, windows, links and places.
async function records(team, from, to) {
  const k = `${team}/${from}/${to}`;
  if (state.recordsFor !== k) {
    const t = q(team);
    const [workers, visits, clients] = await Promise.all([
      all(`/v1/teams/${t}/workers?from=${from}&to=${to}`),
      all(`/v1/teams/${t}/visits?from=${from}&to=${to}`),
      all(`/v1/teams/${t}/clients`),
    ]);
    state.records = { workers, visits, clients };
    state.recordsFor = k;
  }
  return state.records;
}

// today returns this browser's date as YYYY-MM-DD.
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// loadLive reads the live state, at this minute, of the version shown if
// it is the latest of a roster of today alone (the live day follows the
// latest version); a roster with no published version has none. It
// never fails: a live state that cannot be read is left out, and the
// status line says why.
async function loadLive() {
  const v = state.version;
  state.live = null;
  if (!v || v.version !== state.latestVersion || v.from !== today() || v.to !== today()) return;
  const d = new Date();
  const at = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  try {
    state.live = await call('GET', `/v1/teams/${q(v.team)}/rosters/${q(v.rosterId)}/live?date=${v.from}&at=${at}`);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 422) status(`The live day could not be read: ${e.message}`, true); // 422: nothing published yet
  }
}

// loadVersion shows version n (0: the latest) of a roster of the team.
async function loadVersion(team, rosterId, n) {
  const t0 = performance.now();
  status(`Loading roster ${rosterId}…`);
  const v = await call('GET', `/v1/teams/${q(team)}/rosters/${q(rosterId)}` + (n ? `?version=${n}` : ''));
  if (!v.request) v.request = await records(team, v.from, v.to);
  await loadBoroughs(v);
  state.version = v;
  if (!n || v.version > state.latestVersion) state.latestVersion = v.version;
  state.verdict = null;
  await loadLive();
  render();
  perf.load = performance.now() - t0;
  status(`Roster ${v.rosterId}, version ${v.version} of ${state.latestVersion} (${v.status}): ${v.roster.totals.assigned} of ${v.roster.totals.visits} visits planned.`);
}

// findRoster shows the latest roster of the chosen team and date, if any.
async function findRoster() {
  const team = $('team').value, date = $('date').value;
  state.version = null;
  state.latestVersion = 0;
  state.live = null;
  $('panels').innerHTML = '';
  updateControls();
  if (!team || !date) return;
  try {
    const page = await call('GET', `/v1/teams/${q(team)}/rosters?from=${date}&to=${date}&limit=20`);
    const r = page.items.find(x => x.from === date && x.to === date);
    if (!r) {
      status(can('plan') ? 'No roster for this day yet: plan it.' : 'No roster for this day yet.');
      return;
    }
    await loadVersion(team, r.rosterId, 0);
  } catch (e) {
    status(e.message, true);
  }
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

// plan starts a plan of the chosen day and follows it to its roster.
async function plan(ev) {
  ev.preventDefault();
  const team = $('team').value, date = $('date').value;
  const limit = Number($('time-limit').value) || 10;
  const bar = $('progress');
  $('plan').disabled = true;
  try {
    const options = { timeLimitSeconds: limit };
    if ($('breaks').checked) options.break = {}; // the default break rule
    let job = await call('POST', '/v1/plans', { team, from: date, to: date, options });
    const started = performance.now();
    bar.hidden = false;
    bar.max = limit;
    while (!['completed', 'failed', 'cancelled'].includes(job.state)) {
      bar.value = Math.min(limit, (performance.now() - started) / 1000);
      const p = job.progress || {};
      status(job.state === 'queued' ? 'Plan queued…' :
        `Planning: ${p.assigned || 0} visits placed, ${p.unassigned || 0} left out so far (best cost ${(p.bestCost || 0).toLocaleString('en-GB')}).`);
      await sleep(400);
      job = await call('GET', `/v1/plans/${q(job.id)}`);
    }
    bar.hidden = true;
    if (job.state !== 'completed') {
      status(`The plan ${job.state}${job.error ? ': ' + job.error : ''}.`, true);
      return;
    }
    await loadVersion(team, job.rosterId, 0);
  } catch (e) {
    bar.hidden = true;
    status(e.message, true);
  } finally {
    $('plan').disabled = false;
  }
}

// showVerdict shows the verdict of the last check or edit.
function showVerdict() {
  const adjust = panels.find(p => p.id === 'adjust');
  if (adjust && can(adjust.needs)) adjust.verdict(ctx, sectionBody(adjust));
}

// refused records why the API refused an edit or its check; after a
// conflict (someone else edited first) it shows the latest version.
async function refused(err, v) {
  if (!(err instanceof ApiError)) throw err;
  state.verdict = { ok: false, text: err.message, violations: err.violations };
  if (err.status === 409) {
    await loadVersion(v.team, v.rosterId, 0);
    state.verdict = { ok: false, text: 'Someone else changed this roster first; the latest version is now shown.', violations: [] };
  }
  showVerdict();
}

// change says in words what a checked version would change.
function change(v, next) {
  const a = v.roster.totals, b = next.roster.totals;
  const parts = [`visits planned ${a.assigned} → ${b.assigned}`, `travel ${hours(a.travelSeconds)} → ${hours(b.travelSeconds)}`];
  if ((a.overtimeSeconds || 0) !== (b.overtimeSeconds || 0)) parts.push(`overtime ${hours(a.overtimeSeconds || 0)} → ${hours(b.overtimeSeconds || 0)}`);
  parts.push(`cost ${a.cost.toLocaleString('en-GB')} → ${b.cost.toLocaleString('en-GB')}`);
  return `This ${next.note} keeps every rule: ${parts.join(', ')}.`;
}

// check asks the API what a move or pin of the latest version would make,
// saving nothing, and shows the verdict: what would change, with a button
// to save it, or why it would be refused.
async function check(e) {
  const v = state.version;
  const t0 = performance.now();
  try {
    const next = await call('POST', `/v1/teams/${q(v.team)}/rosters/${q(v.rosterId)}/edits/check`, { version: v.version, ...e });
    state.verdict = { ok: true, pending: e, text: change(v, next), next: next.version };
    showVerdict();
  } catch (err) {
    await refused(err, v);
  }
  perf.check = performance.now() - t0;
}

// edit saves a move or pin of the current (latest) version and shows the
// next version, or why it was refused.
async function edit(e) {
  const v = state.version;
  const t0 = performance.now();
  try {
    const next = await call('POST', `/v1/teams/${q(v.team)}/rosters/${q(v.rosterId)}/edits`, { version: v.version, ...e });
    if (!next.request) {
      // the team's records do not hold the pins of roster edits: note this one
      next.request = v.request;
      const pinned = e.op === 'pin' && next.request.visits.find(x => x.id === e.visitId);
      if (pinned) pinned.pin = { workerId: e.workerId, ...(e.start ? { start: e.start } : {}) };
    }
    state.version = next;
    state.latestVersion = next.version;
    state.verdict = { ok: true, text: `Saved as version ${next.version}: ${next.note}.` };
    await loadLive();
    render();
    perf.edit = performance.now() - t0;
    status(`Roster ${next.rosterId}, version ${next.version} (${next.note}): ${next.roster.totals.assigned} of ${next.roster.totals.visits} visits planned.`);
  } catch (err) {
    await refused(err, v);
    perf.edit = performance.now() - t0;
  }
}

// accepted shows next, the version an accepted dispatch option stored
// (published), with the referral's visit and client added to the
// request the page drew the previous version from when the API does not
// show next's request to this key.
async function accepted(next, visit, client) {
  const v = state.version;
  if (!next.request) {
    next.request = { ...v.request, visits: [...v.request.visits, visit], clients: client ? [...v.request.clients, client] : v.request.clients };
  }
  state.version = next;
  state.latestVersion = next.version;
  state.verdict = null;
  await loadLive();
  render();
  status(`Roster ${next.rosterId}, version ${next.version} (${next.note}, published): ${next.roster.totals.assigned} of ${next.roster.totals.visits} visits planned.`);
}

async function publish() {
  const v = state.version;
  try {
    const pub = await call('POST', `/v1/teams/${q(v.team)}/rosters/${q(v.rosterId)}/publish`, { version: v.version });
    state.version = { ...v, ...pub, request: pub.request || v.request };
    await loadLive();
    render();
    status(`Version ${v.version} of roster ${v.rosterId} is published.`);
  } catch (e) {
    status(e.message, true);
  }
}

// signIn checks the key of the session and shows what it may do.
async function signIn() {
  try {
    state.me = await call('GET', '/v1/me');
  } catch (e) {
    setKey('');
    $('sign-in').hidden = false;
    $('app').hidden = true;
    status(e.status === 401 ? 'That key is not valid.' : e.message, true);
    $('key').focus();
    return;
  }
  const k = state.me.key;
  $('who').textContent = `${k.name} · ${k.role}${k.teams.length ? ' · ' + k.teams.join(', ') : ' · every team'}`;
  $('who').hidden = false;
  $('sign-out').hidden = false;
  $('sign-in').hidden = true;
  $('app').hidden = false;
  for (const el of document.querySelectorAll('[data-needs]')) el.hidden = !can(el.dataset.needs);
  const teams = await call('GET', '/v1/teams?limit=200');
  $('team').innerHTML = teams.items.map(t => `<option value="${esc(t.id)}">${esc(t.name)} (${esc(t.id)})</option>`).join('');
  if (!$('date').value) {
    const d = new Date();
    $('date').value = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }
  status(`Signed in as ${k.name} (${k.role}).`);
  await findRoster();
}

function signOut() {
  setKey('');
  state.me = null;
  state.version = null;
  state.records = null;
  state.recordsFor = '';
  $('panels').innerHTML = '';
  $('who').hidden = true;
  $('sign-out').hidden = true;
  $('app').hidden = true;
  $('sign-in').hidden = false;
  status('Signed out.');
  $('key').focus();
}

function start() {
  applyTextSize();
  $('text-smaller').addEventListener('click', () => changeTextSize(-1));
  $('text-larger').addEventListener('click', () => changeTextSize(1));
  $('sign-in').addEventListener('submit', ev => {
    ev.preventDefault();
    setKey($('key').value.trim());
    $('key').value = '';
    signIn();
  });
  $('sign-out').addEventListener('click', signOut);
  $('choose').addEventListener('submit', plan);
  $('team').addEventListener('change', findRoster);
  $('date').addEventListener('change', findRoster);
  $('version').addEventListener('change', () => {
    const v = state.version;
    loadVersion(v.team, v.rosterId, Number($('version').value)).catch(e => status(e.message, true));
  });
  $('publish').addEventListener('click', publish);
  setInterval(async () => {
    // keep the "now" line and the live state of today's roster live
    if (state.version && document.visibilityState === 'visible') {
      const p = panels.find(x => x.id === 'timeline');
      if (!p || !document.querySelector('#timeline .now')) return;
      await loadLive();
      p.render(ctx, sectionBody(p));
    }
  }, 60000);
  if (key()) signIn(); else $('sign-in').hidden = false;
}

start();
