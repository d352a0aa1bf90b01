// panels.js: the panels of a roster version. Each panel is an object
// {id, title, needs, render(ctx, body), select?, highlight?, place?}:
// needs names the permission (from GET /v1/me) the key must hold for the
// panel to be shown ('read' for everyone); render draws the panel into
// its body for ctx.version; select(ctx, body), if any, is told when a
// visit is selected, highlight(ctx, body, option, durationMinutes) when a
// dispatch option is focused (null: none), place(ctx, body, location)
// when a place is picked on the map. A new panel is one more object in
// the list.

import { call, q } from './api.js';
import { esc, hm, hours, priorityLabel, secs } from './svg.js';
import * as timeline from './timeline.js';
import * as map from './map.js';
import { whatifPanel } from './whatif.js';

// rowHeight is the timeline's row height for the page's text size.
function rowHeight() {
  return Math.round(1.7 * parseFloat(getComputedStyle(document.documentElement).fontSize));
}

// todayNow returns the seconds since midnight if the version is of
// today's date (in this browser's time zone), else null.
function todayNow(version) {
  const d = new Date();
  const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  if (version.from !== today || version.to !== today) return null;
  return d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds();
}

const pct = x => (100 * x).toFixed(1) + '%';

const figures = {
  id: 'figures', title: 'Key figures', needs: 'read',
  render(ctx, body) {
    const t = ctx.version.roster.totals;
    const rows = [
      ['Coverage', `${t.assigned} of ${t.visits} visits (${pct(t.visits ? t.assigned / t.visits : 1)}); ${t.unassigned} unassigned`],
      ['Rapid response made', `${(t.assignedByPriority || {}).rapid_response || 0} of ${((t.assignedByPriority || {}).rapid_response || 0) + ((t.unassignedByPriority || {}).rapid_response || 0)}`],
      ['Workers used', String(t.workersUsed)],
      ['Travel', hours(t.travelSeconds)],
      ['Work', hours(t.workSeconds)],
      ['Waiting', hours(t.waitSeconds)],
      ['Overtime', hours(t.overtimeSeconds || 0)],
      ['Continuity', t.meanDistinctWorkers ? `a client with two or more visits sees ${t.meanDistinctWorkers.toFixed(2)} workers` : 'no client has two visits'],
      ['Preferred worker', t.preferredShare ? `${pct(t.preferredShare)} of visits of clients with a preference` : '—'],
    ];
    const score = Object.entries(t.score || {}).sort((a, b) => b[1] - a[1]);
    body.innerHTML = `<dl class="figures">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>
<table class="score"><caption>Cost ${t.cost.toLocaleString('en-GB')} by rule</caption>
<thead><tr><th scope="col">Rule</th><th scope="col" class="num">Cost</th></tr></thead>
<tbody>${score.map(([k, v]) => `<tr><th scope="row">${esc(k.replace(/_/g, ' '))}</th><td class="num">${v.toLocaleString('en-GB')}</td></tr>`).join('')}</tbody></table>`;
  },
};

const legend = `<ul class="legend" aria-label="Legend">
<li><span class="key p-rapid_response"></span>rapid response</li>
<li><span class="key p-reablement"></span>reablement</li>
<li><span class="key p-routine"></span>routine</li>
<li><span class="key travel"></span>travel</li>
<li><span class="key wait"></span>waiting</li>
<li><span class="key break"></span>break</li>
<li><span class="key duty"></span>on shift</li>
<li><span class="key overtime"></span>overtime allowed</li>
<li><span class="key pair"></span>double-handed pair / linked visits</li>
<li><span class="key now"></span>now</li>
<li><span class="key done">✓</span>done (live day)</li>
<li><span class="key under_way">▶</span>under way</li>
<li><span class="key committed">→</span>committed: on the way</li>
<li><span class="key option"></span>dispatch option</li>
</ul>`;

const timelinePanel = {
  id: 'timeline', title: 'Timeline', needs: 'read',
  render(ctx, body) {
    const opts = { rowH: rowHeight(), now: todayNow(ctx.version), selected: ctx.selected, live: ctx.live };
    const editable = ctx.can('edit_roster') && ctx.latest;
    const svg = body.querySelector('#timeline-svg');
    if (svg && this.editable === editable) {
      // after a move most rows are as they were: redraw the others only
      const layout = timeline.update(svg, this.layout, ctx.version, opts);
      if (layout) {
        this.layout = layout;
        this.version = ctx.version;
        timeline.rove(svg);
        const note = body.querySelector('#live-note');
        if (note && ctx.live) note.textContent = `The live day at ${ctx.live.at}: ${liveCounts(ctx.live)}; the other visits are free to change.`;
        if (!!note !== !!ctx.live) {
          this.editable = null; // the note comes or goes: draw anew
          this.render(ctx, body);
        }
        return;
      }
    }
    const { markup, layout } = timeline.draw(ctx.version, opts);
    this.layout = layout;
    this.version = ctx.version;
    this.editable = editable;
    const live = ctx.live ? `<p class="hint" id="live-note">The live day at ${esc(ctx.live.at)}: ${liveCounts(ctx.live)}; the other visits are free to change.</p>` : '';
    body.innerHTML = `${legend}${live}<p class="hint">Select a visit to fill the adjust form: click it, or Tab to the timeline, move between visits with the arrow keys (Home, End) and press Enter${editable ? '; drag it to another row or time to move it' : ''}.</p><div class="scroll" id="timeline">${markup}</div>`;
    const host = body.querySelector('#timeline');
    const pick = ev => {
      const t = ev.target;
      if (t.dataset && t.dataset.visit) ctx.select(t.dataset.visit, t.dataset.worker, t.dataset.pos);
    };
    host.addEventListener('click', pick);
    host.addEventListener('keydown', ev => {
      if (!ev.target.classList.contains('visit')) return;
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        pick(ev);
      } else if (timeline.step(host.querySelector('svg'), ev.target, ev.key)) {
        ev.preventDefault();
      }
    });
    host.addEventListener('focusin', ev => {
      const t = ev.target;
      if (!t.classList.contains('visit') || t.getAttribute('tabindex') === '0') return;
      for (const b of host.querySelectorAll('rect.visit[tabindex="0"]')) b.setAttribute('tabindex', '-1');
      t.setAttribute('tabindex', '0');
    });
    timeline.rove(host.querySelector('svg'));
    if (editable) {
      timeline.enableDrag(host, () => ({ version: this.version, layout: this.layout }), edit => ctx.check({ op: 'move', ...edit }));
    }
  },
  highlight(ctx, body, option, durationMinutes) {
    const svg = body.querySelector('#timeline-svg');
    if (svg) timeline.highlight(svg, this.layout, option, durationMinutes);
  },
  select(ctx, body) {
    for (const el of body.querySelectorAll('.visit.selected')) el.classList.remove('selected');
    for (const el of body.querySelectorAll(`.visit[data-visit="${CSS.escape(ctx.selected)}"]`)) el.classList.add('selected');
  },
};

// liveCounts says in words how many stops of a live state are frozen,
// by state.
function liveCounts(live) {
  const n = {};
  for (const r of live.rounds || []) for (const f of r.frozen || []) n[f.state] = (n[f.state] || 0) + 1;
  const parts = Object.entries(timeline.liveWords).filter(([k]) => n[k]).map(([k, w]) => `${n[k]} ${w}`);
  return parts.length ? parts.join(', ') : 'nothing done yet';
}

const mapPanel = {
  id: 'map', title: 'Route map', needs: 'read',
  render(ctx, body) {
    const svg = body.querySelector('#map-svg');
    if (svg && this.request === ctx.version.request && this.boroughs === ctx.boroughs) {
      // after a move most rounds are as they were: redraw the others only
      const drawn = map.update(svg, this.drawn, ctx.version, ctx.boroughs, this.only);
      if (drawn) {
        this.drawn = drawn;
        return;
      }
    }
    this.request = ctx.version.request;
    this.boroughs = ctx.boroughs;
    this.only = '';
    const workers = ctx.version.request.workers;
    const { markup, drawn } = map.draw(ctx.version, ctx.boroughs, '');
    this.drawn = drawn;
    body.innerHTML = `<div class="field"><label for="map-worker">Show rounds of</label>
<select id="map-worker"><option value="">every worker</option>${workers.map((w, i) => `<option value="${esc(w.id)}">${esc(w.name || w.id)} (colour ${i % 7 + 1})</option>`).join('')}</select></div>
${ctx.can('dispatch') ? '<p class="hint">Click the map to set a new client\'s place in the dispatch form.</p>' : ''}
<div id="map">${markup}</div>`;
    const sel = body.querySelector('#map-worker');
    sel.addEventListener('change', () => {
      this.only = sel.value;
      const { markup, drawn } = map.draw(ctx.version, ctx.boroughs, this.only);
      this.drawn = drawn;
      body.querySelector('#map').innerHTML = markup;
      map.mark(body.querySelector('#map-svg'), this.drawn, this.picked);
    });
    if (ctx.can('dispatch')) {
      body.querySelector('#map').addEventListener('click', ev => {
        const svg = body.querySelector('#map-svg');
        if (svg) ctx.place(map.locationAt(svg, this.drawn, ev));
      });
    }
    map.mark(body.querySelector('#map-svg'), this.drawn, this.picked);
  },
  place(ctx, body, location) {
    this.picked = location;
    const svg = body.querySelector('#map-svg');
    if (svg) map.mark(svg, this.drawn, location);
  },
};

// unassignedShown is how many unassigned visits are listed at first.
const unassignedShown = 100;

const unassignedPanel = {
  id: 'unassigned', title: 'Unassigned visits', needs: 'read',
  render(ctx, body) {
    const u = ctx.version.roster.unassigned;
    const key = JSON.stringify(u);
    if (key === this.drawn && body.firstChild) return;
    this.drawn = key;
    if (!u.length) {
      body.innerHTML = '<p>Every visit is planned.</p>';
      return;
    }
    const row = x => `<tr><td><button type="button" class="link-button" data-visit="${esc(x.visitId)}">${esc(x.visitId)}</button></td><td>${esc(x.clientId)}</td><td>${esc(priorityLabel[x.priority] || x.priority)}</td><td>${esc(x.detail || x.reason)}</td><td>${esc(x.suggestion ? x.suggestion.text : '—')}</td></tr>`;
    body.innerHTML = `<div class="scroll short"><table class="unassigned"><caption>${u.length} visits could not be planned</caption>
<thead><tr><th scope="col">Visit</th><th scope="col">Client</th><th scope="col">Priority</th><th scope="col">Why</th><th scope="col">Smallest fix</th></tr></thead>
<tbody>${u.slice(0, unassignedShown).map(row).join('')}</tbody></table></div>
${u.length > unassignedShown ? `<button type="button" id="unassigned-all">Show all ${u.length}</button>` : ''}`;
    body.querySelector('table').addEventListener('click', ev => {
      const v = ev.target.dataset && ev.target.dataset.visit;
      if (v) ctx.select(v, '', '');
    });
    const more = body.querySelector('#unassigned-all');
    if (more) {
      more.addEventListener('click', () => {
        body.querySelector('table.unassigned tbody').insertAdjacentHTML('beforeend', u.slice(unassignedShown).map(row).join(''));
        more.remove();
      });
    }
  },
};

const adjustPanel = {
  id: 'adjust', title: 'Move or pin a visit', needs: 'edit_roster',
  render(ctx, body) {
    const req = ctx.version.request;
    if (!ctx.latest) {
      body.innerHTML = `<p>This is version ${ctx.version.version}; only the latest version can be changed.</p>`;
      this.drawnFor = null;
      return;
    }
    // the form lists every visit and worker of the request: keep it, and
    // what was typed in it, while the request stays the same
    if (this.drawnFor === req && body.querySelector('#adjust')) {
      this.verdict(ctx, body);
      return;
    }
    this.drawnFor = req;
    const workerOptions = req.workers.map(w => `<option value="${esc(w.id)}">${esc(w.name ? `${w.name} (${w.id})` : w.id)}</option>`).join('');
    body.innerHTML = `<form id="adjust" class="adjust">
<div class="field"><label for="adjust-visit">Visit</label><input id="adjust-visit" name="visitId" list="visit-ids" required autocomplete="off">
<datalist id="visit-ids">${req.visits.map(v => `<option value="${esc(v.id)}"></option>`).join('')}</datalist></div>
<div class="field"><label for="adjust-from">From worker (double-handed visits)</label><select id="adjust-from" name="fromWorkerId"><option value="">—</option>${workerOptions}</select></div>
<div class="field"><label for="adjust-worker">To worker</label><select id="adjust-worker" name="workerId" required>${workerOptions}</select></div>
<div class="field"><label for="adjust-position">Place in the round (from 0; empty: last)</label><input id="adjust-position" name="position" type="number" min="0"></div>
<fieldset><legend>Action</legend>
<label><input type="radio" name="op" value="move" checked> Move</label>
<label><input type="radio" name="op" value="pin"> Pin (fix it there for later plans too)</label></fieldset>
<div class="field"><label for="adjust-start">Pinned start (optional)</label><input id="adjust-start" name="start" type="time"></div>
<button type="submit" id="adjust-submit">Check</button>
</form>
<div id="verdict" class="verdict" role="alert"></div>`;
    const form = body.querySelector('#adjust');
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const f = new FormData(form);
      const edit = { op: f.get('op'), visitId: f.get('visitId').trim(), workerId: f.get('workerId') };
      if (f.get('fromWorkerId')) edit.fromWorkerId = f.get('fromWorkerId');
      if (f.get('position') !== '') edit.position = Number(f.get('position'));
      if (edit.op === 'pin' && f.get('start')) edit.start = f.get('start');
      ctx.check(edit);
    });
    this.verdict(ctx, body);
  },
  select(ctx, body) {
    const v = body.querySelector('#adjust-visit');
    if (!v) return;
    v.value = ctx.selected;
    body.querySelector('#adjust-from').value = ctx.selectedWorker || '';
    if (ctx.selectedWorker) body.querySelector('#adjust-worker').value = ctx.selectedWorker;
    body.querySelector('#adjust-position').value = ctx.selectedPos ?? '';
  },
  // verdict shows what the API said of the last check or edit: a checked
  // change with buttons to save or drop it, a saved one, or a refusal.
  verdict(ctx, body) {
    const el = body.querySelector('#verdict');
    if (!el) return;
    const v = ctx.verdict;
    if (!v) {
      el.className = 'verdict';
      el.innerHTML = '';
      return;
    }
    el.className = 'verdict ' + (v.ok ? 'ok' : 'refused');
    if (!v.ok) {
      el.innerHTML = `<p><strong>Refused:</strong> ${esc(v.text)}</p>${v.violations.length ? `<ul>${v.violations.map(x => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}`;
      return;
    }
    if (!v.pending) {
      el.innerHTML = `<p>${esc(v.text)}</p>`;
      return;
    }
    el.innerHTML = `<p>${esc(v.text)}</p><p class="actions"><button type="button" id="save-edit">Save as version ${v.next}</button> <button type="button" id="cancel-edit" class="secondary">Cancel</button></p>`;
    el.querySelector('#save-edit').addEventListener('click', () => ctx.edit(v.pending));
    el.querySelector('#cancel-edit').addEventListener('click', () => ctx.dismiss());
    el.querySelector('#save-edit').focus();
  },
};

const comparePanel = {
  id: 'compare', title: 'Compare versions', needs: 'read',
  render(ctx, body) {
    const n = ctx.latestVersion;
    if (n < 2) {
      body.innerHTML = '<p>There is one version so far; a move or a pin makes the next.</p>';
      return;
    }
    const opts = sel => Array.from({ length: n }, (_, i) => `<option value="${i + 1}"${i + 1 === sel ? ' selected' : ''}>version ${i + 1}</option>`).join('');
    body.innerHTML = `<form id="compare" class="compare">
<div class="field"><label for="compare-from">From</label><select id="compare-from">${opts(n - 1)}</select></div>
<div class="field"><label for="compare-to">To</label><select id="compare-to">${opts(n)}</select></div>
<button type="submit">Compare</button></form><div id="diff"></div>`;
    const form = body.querySelector('#compare');
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      const from = form.querySelector('#compare-from').value, to = form.querySelector('#compare-to').value;
      const out = body.querySelector('#diff');
      try {
        const d = await call('GET', `/v1/teams/${q(ctx.version.team)}/rosters/${q(ctx.version.rosterId)}/diff?from=${from}&to=${to}`);
        const a = x => x ? `${esc(x.workerId)} at ${esc(x.start)}` : '—';
        out.innerHTML = d.changes.length ? `<table class="diff"><caption>${d.changes.length} visits changed from version ${from} to ${to}</caption>
<thead><tr><th scope="col">Visit</th><th scope="col">Change</th><th scope="col">Version ${esc(from)}</th><th scope="col">Version ${esc(to)}</th></tr></thead>
<tbody>${d.changes.map(c => `<tr><td>${esc(c.visitId)}</td><td>${esc(c.change)}</td><td>${a(c.before)}</td><td>${a(c.after)}</td></tr>`).join('')}</tbody></table>` : `<p>Versions ${esc(from)} and ${esc(to)} plan every visit alike.</p>`;
      } catch (e) {
        out.innerHTML = `<p class="error">${esc(e.message)}</p>`;
      }
    });
  },
};

// clockNow returns this browser's time as HH:MM.
function clockNow() {
  const d = new Date();
  return hm(d.getHours() * 3600 + d.getMinutes() * 60);
}

// plusHours returns the clock h hours after clock c, at most 23:59.
function plusHours(c, h) { return hm(Math.min(secs(c) + h * 3600, 24 * 3600 - 60)); }

// minutes writes seconds as a signed number of minutes.
const minutes = t => `${t > 0 ? '+' : ''}${Math.round(t / 60)} min`;

const dispatchPanel = {
  id: 'dispatch', title: 'Dispatch a referral', needs: 'dispatch',
  render(ctx, body) {
    const v = ctx.version;
    const key = `${v.team}/${v.rosterId}`;
    // keep the form, and what was typed in it, while the roster stays the
    // same, until an accepted option adds a visit (and maybe a client)
    if (this.drawnFor === key && !this.redraw && body.querySelector('#dispatch')) {
      this.show(ctx, body);
      return;
    }
    if (this.drawnFor !== key) {
      this.result = null;
      this.message = null;
    }
    this.drawnFor = key;
    this.redraw = false;
    const req = v.request;
    const clients = [...req.clients].sort((a, b) => a.id.localeCompare(b.id));
    const now = clockNow();
    body.innerHTML = `<p class="hint">A referral is fitted into the live day of the roster's published version: the visits done, under way or committed stay; the options rank every worker (or pair) who could make it by the deadline, cheapest first.</p>
<form id="dispatch" class="dispatch">
<fieldset class="client-choice"><legend>Client</legend>
<label><input type="radio" name="who" value="existing" checked> An existing client</label>
<label><input type="radio" name="who" value="new"> A new client</label>
<div class="field" id="dispatch-existing"><label for="dispatch-client">Client of the team</label><select id="dispatch-client" name="clientId">${clients.map(c => `<option value="${esc(c.id)}">${esc(c.name ? `${c.name} (${c.id})` : c.id)}</option>`).join('')}</select></div>
<div class="new-client" id="dispatch-new" hidden>
<div class="field"><label for="dispatch-new-id">New client's ID</label><input id="dispatch-new-id" name="newId" autocomplete="off" value="new-${now.replace(':', '')}"></div>
<div class="field"><label for="dispatch-new-name">Name</label><input id="dispatch-new-name" name="newName" autocomplete="off"></div>
<div class="field"><label for="dispatch-lat">Latitude (or click the route map)</label><input id="dispatch-lat" name="lat" type="number" step="any" min="-90" max="90"></div>
<div class="field"><label for="dispatch-lon">Longitude</label><input id="dispatch-lon" name="lon" type="number" step="any" min="-180" max="180"></div>
</div></fieldset>
<fieldset class="skills"><legend>Skills needed</legend><span id="dispatch-skills">…</span></fieldset>
<div class="field"><label for="dispatch-duration">Duration (minutes)</label><input id="dispatch-duration" name="durationMinutes" type="number" min="1" max="720" value="30" required></div>
<div class="field"><label for="dispatch-workers">Workers at once</label><select id="dispatch-workers" name="workersNeeded"><option value="1">one</option><option value="2">two (double-handed)</option></select></div>
<div class="field"><label for="dispatch-referred">Referred at</label><input id="dispatch-referred" name="referredAt" type="time" value="${now}" required></div>
<div class="field"><label for="dispatch-deadline">Deadline (latest start)</label><input id="dispatch-deadline" name="deadline" type="time" value="${plusHours(now, 2)}" required></div>
<div class="field"><label for="dispatch-at">Time of the live day</label><input id="dispatch-at" name="at" type="time" value="${now}" required></div>
<button type="submit" id="dispatch-submit">Find options</button>
</form>
<div id="dispatch-result" class="dispatch-result"></div>`;
    const form = body.querySelector('#dispatch');
    const who = () => form.querySelector('input[name=who]:checked').value;
    const toggle = () => {
      const isNew = who() === 'new';
      body.querySelector('#dispatch-new').hidden = !isNew;
      body.querySelector('#dispatch-existing').hidden = isNew;
      for (const id of ['dispatch-new-id', 'dispatch-lat', 'dispatch-lon']) body.querySelector('#' + id).required = isNew;
    };
    for (const r of form.querySelectorAll('input[name=who]')) r.addEventListener('change', toggle);
    // the deadline follows the referral's time until it is set by hand
    let deadlineSet = false;
    form.querySelector('#dispatch-deadline').addEventListener('input', () => { deadlineSet = true; });
    form.querySelector('#dispatch-referred').addEventListener('change', ev => {
      if (!deadlineSet && ev.target.value) form.querySelector('#dispatch-deadline').value = plusHours(ev.target.value, 2);
    });
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const f = new FormData(form);
      const referral = {
        skills: f.getAll('skills'),
        durationMinutes: Number(f.get('durationMinutes')),
        workersNeeded: Number(f.get('workersNeeded')),
        referredAt: f.get('referredAt'),
        deadline: f.get('deadline'),
        at: f.get('at'),
        date: ctx.version.from,
      };
      if (who() === 'new') {
        referral.client = { id: f.get('newId').trim(), location: { lat: Number(f.get('lat')), lon: Number(f.get('lon')) } };
        if (f.get('newName').trim()) referral.client.name = f.get('newName').trim();
      } else {
        referral.clientId = f.get('clientId');
      }
      this.ask(ctx, body, referral);
    });
    this.skills(ctx, body, v);
    this.show(ctx, body);
  },

  // skills fills the skill checkboxes with the team's catalogue (GET
  // /v1/teams/{team}), or the skills of the day's workers if it has none.
  async skills(ctx, body, v) {
    let list = [];
    try {
      list = (await call('GET', `/v1/teams/${q(v.team)}`)).skills || [];
    } catch {
      list = [];
    }
    if (!list.length) list = [...new Set(v.request.workers.flatMap(w => w.skills || []))].sort();
    const host = body.querySelector('#dispatch-skills');
    if (!host) return;
    host.innerHTML = list.length ? list.map((k, i) => `<label><input type="checkbox" name="skills" value="${esc(k)}" id="dispatch-skill-${i}"> ${esc(k.replace(/_/g, ' '))}</label>`).join(' ') : 'The team lists no skills.';
  },

  // ask asks the API for the referral's options and shows them.
  async ask(ctx, body, referral) {
    const v = ctx.version;
    const button = body.querySelector('#dispatch-submit');
    button.disabled = true;
    this.message = { ok: true, text: 'Working out the options…' };
    this.result = null;
    ctx.highlight(null);
    this.show(ctx, body);
    try {
      const answer = await call('POST', `/v1/teams/${q(v.team)}/dispatch`, { rosterId: v.rosterId, referral });
      this.result = { referral, answer };
      this.message = null;
    } catch (e) {
      this.message = { ok: false, text: e.message + (e.field ? ` (${e.field})` : ''), violations: e.violations || [] };
    } finally {
      button.disabled = false;
    }
    this.show(ctx, body);
  },

  // accept applies option opt of the options shown; a roster that changed
  // since (409) shows the fresh options the API worked out.
  async accept(ctx, body, opt) {
    const { referral, answer } = this.result;
    const sent = { ...referral, visitId: answer.visit.id, at: answer.at, date: answer.date };
    for (const b of body.querySelectorAll('#dispatch-result button')) b.disabled = true;
    try {
      const next = await call('POST', `/v1/teams/${q(ctx.version.team)}/dispatch/accept`, { rosterId: answer.rosterId, version: answer.version, referral: sent, option: opt });
      const who = [opt.workerId, opt.partnerId].filter(Boolean).join(' and ');
      this.result = null;
      this.message = { ok: true, text: `Accepted option ${opt.rank}: visit ${answer.visit.id} to ${who} at ${hm(secs(opt.start))}, saved and published as version ${next.version}.` };
      ctx.highlight(null);
      this.redraw = true;
      await ctx.accepted(next, answer.visit, sent.client);
    } catch (e) {
      if (e.status === 409 && e.dispatch) {
        this.result = { referral, answer: e.dispatch };
        this.message = { ok: false, text: `The roster changed (it is now at version ${e.dispatch.version}) before this option was accepted, and nothing was saved: choose again from the fresh options below.` };
        await ctx.reload();
      } else {
        this.message = { ok: false, text: e.message, violations: e.violations || [] };
      }
      this.show(ctx, body);
    }
  },

  // show draws the last message and options.
  show(ctx, body) {
    const out = body.querySelector('#dispatch-result');
    if (!out) return;
    const m = this.message;
    const parts = [];
    if (m) {
      parts.push(`<div class="verdict ${m.ok ? 'ok' : 'refused'}" role="${m.ok ? 'status' : 'alert'}"><p>${esc(m.text)}</p>${(m.violations || []).length ? `<ul>${m.violations.map(x => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}</div>`);
    }
    const r = this.result;
    if (r) parts.push(r.answer.options.length ? this.table(ctx, r.answer) : this.none(r.answer));
    out.innerHTML = parts.join('');
    const table = out.querySelector('table.options');
    if (!table) return;
    const byRank = new Map(r.answer.options.map(o => [String(o.rank), o]));
    const focus = ev => {
      const tr = ev.target.closest && ev.target.closest('tr[data-rank]');
      if (!tr || tr.classList.contains('focused')) return;
      for (const el of table.querySelectorAll('tr.focused')) el.classList.remove('focused');
      tr.classList.add('focused');
      ctx.highlight(byRank.get(tr.dataset.rank), r.answer.visit.durationMinutes);
    };
    table.addEventListener('focusin', focus);
    table.addEventListener('mouseover', focus);
    table.addEventListener('click', ev => {
      const b = ev.target.closest && ev.target.closest('button[data-accept]');
      if (b) this.accept(ctx, body, byRank.get(b.dataset.accept));
    });
  },

  // table returns the ranked options of answer as a table.
  table(ctx, answer) {
    const names = new Map(ctx.version.request.workers.map(w => [w.id, w.name ? `${w.name} (${w.id})` : w.id]));
    const name = id => esc(names.get(id) || id);
    const list = items => items.length ? `<ul class="plain">${items.map(x => `<li>${x}</li>`).join('')}</ul>` : '—';
    const row = o => {
      const moved = list(o.moved.map(m => `${esc(m.visitId)} (${name(m.workerId)}) ${hm(secs(m.oldStart))} → ${hm(secs(m.newStart))}${m.late ? ' <strong>late</strong>' : ''}`));
      const dropped = list(o.dropped.map(d => `${esc(d.visitId)} of ${name(d.workerId)} (${esc(priorityLabel[d.priority] || d.priority)})`));
      const hand = o.handover ? `${esc(o.handover.visitId)}: ${name(o.handover.fromWorkerId)} → ${name(o.handover.toWorkerId)}` : '—';
      const score = Object.entries(o.scoreChange || {}).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
      const scoreList = list(score.map(([k, x]) => `${esc(k.replace(/_/g, ' '))} ${x > 0 ? '+' : ''}${x.toLocaleString('en-GB')}`));
      return `<tr data-rank="${o.rank}" data-worker="${esc(o.workerId)}"><th scope="row" class="num">${o.rank}</th><td>${name(o.workerId)}${o.partnerId ? ` with ${name(o.partnerId)}` : ''}</td>
<td>${hm(secs(o.start))}</td><td class="num">${Math.floor(o.slackSeconds / 60)} min</td><td>${moved}</td><td>${o.moved.some(m => m.late) ? 'yes' : 'no'}</td><td>${dropped}</td><td>${hand}</td>
<td class="num">${minutes(o.extraTravelSeconds)}</td><td class="num">${minutes(o.extraOvertimeSeconds)}</td><td>${o.knowsClient ? 'yes' : 'no'}</td><td>${o.crossesNetwork ? 'yes' : 'no'}</td>
<td class="num">${o.costChange > 0 ? '+' : ''}${o.costChange.toLocaleString('en-GB')}</td><td>${scoreList}</td>
<td><button type="button" data-accept="${o.rank}" aria-label="Accept option ${o.rank}: ${esc(o.workerId)} at ${hm(secs(o.start))}">Accept</button></td></tr>`;
    };
    const vis = answer.visit;
    return `<div class="scroll short"><table class="options"><caption>${answer.options.length} ways to fit visit ${esc(vis.id)} (${vis.durationMinutes} min${(vis.workersNeeded || 1) > 1 ? ', two workers' : ''}) into version ${answer.version} at ${esc(answer.at)}, cheapest first; focus or point at one to see it on the timeline</caption>
<thead><tr><th scope="col">Rank</th><th scope="col">Worker</th><th scope="col">Start</th><th scope="col">Slack to the deadline</th><th scope="col">Visits moved: old → new start</th><th scope="col">Any late</th><th scope="col">Dropped</th><th scope="col">Handover</th><th scope="col">Extra travel</th><th scope="col">Extra overtime</th><th scope="col">Knows the client</th><th scope="col">Crosses networks</th><th scope="col">Cost change</th><th scope="col">By rule</th><th scope="col"><span class="sr-only">Accept</span></th></tr></thead>
<tbody>${answer.options.map(row).join('')}</tbody></table></div>`;
  },

  // none returns what the answer says when no worker can make the visit
  // by its deadline.
  none(answer) {
    const rows = [
      ['Why', answer.detail || '—'],
      ['Reasons', (answer.reasons || []).map(x => x.replace(/_/g, ' ')).join(', ') || '—'],
      ['Earliest start anyone could make', answer.earliestStart ? `${answer.earliestStart}${answer.earliestWorkerId ? ` (${answer.earliestWorkerId})` : ''}` : 'none today'],
      ['Smallest change that would let someone take it', answer.suggestion ? answer.suggestion.text : '—'],
    ];
    return `<div class="none" id="dispatch-none"><p><strong>Nobody can make visit ${esc(answer.visit.id)} by its deadline.</strong></p>
<dl class="figures">${rows.map(([k, x]) => `<div><dt>${esc(k)}</dt><dd>${esc(x)}</dd></div>`).join('')}</dl></div>`;
  },

  place(ctx, body, location) {
    const form = body.querySelector('#dispatch');
    if (!form) return;
    const radio = form.querySelector('input[name=who][value=new]');
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
    form.querySelector('#dispatch-lat').value = location.lat;
    form.querySelector('#dispatch-lon').value = location.lon;
    this.message = { ok: true, text: `The new client's place is set from the map: ${location.lat}, ${location.lon}.` };
    this.show(ctx, body);
  },
};

// panels are drawn in this order.
export const panels = [figures, timelinePanel, adjustPanel, dispatchPanel, mapPanel, unassignedPanel, comparePanel, whatifPanel];
