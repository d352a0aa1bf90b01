// panels.js: the panels of a roster version. Each panel is an object
// {id, title, needs, render(ctx, body), select?(ctx, body)}: needs names
// the permission (from GET /v1/me) the key must hold for the panel to be
// shown ('read' for everyone); render draws the panel into its body for
// ctx.version; select, if any, is told when a visit is selected. A new
// panel (dispatch, what-if) is one more object in the list.

import { call, q } from './api.js';
import { esc, hours, priorityLabel } from './svg.js';
import * as timeline from './timeline.js';
import * as map from './map.js';

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
</ul>`;

const timelinePanel = {
  id: 'timeline', title: 'Timeline', needs: 'read',
  render(ctx, body) {
    const opts = { rowH: rowHeight(), now: todayNow(ctx.version), selected: ctx.selected };
    const editable = ctx.can('edit_roster') && ctx.latest;
    const svg = body.querySelector('#timeline-svg');
    if (svg && this.editable === editable) {
      // after a move most rows are as they were: redraw the others only
      const layout = timeline.update(svg, this.layout, ctx.version, opts);
      if (layout) {
        this.layout = layout;
        this.version = ctx.version;
        timeline.rove(svg);
        return;
      }
    }
    const { markup, layout } = timeline.draw(ctx.version, opts);
    this.layout = layout;
    this.version = ctx.version;
    this.editable = editable;
    body.innerHTML = `${legend}<p class="hint">Select a visit to fill the adjust form: click it, or Tab to the timeline, move between visits with the arrow keys (Home, End) and press Enter${editable ? '; drag it to another row or time to move it' : ''}.</p><div class="scroll" id="timeline">${markup}</div>`;
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
  select(ctx, body) {
    for (const el of body.querySelectorAll('.visit.selected')) el.classList.remove('selected');
    for (const el of body.querySelectorAll(`.visit[data-visit="${CSS.escape(ctx.selected)}"]`)) el.classList.add('selected');
  },
};

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
<div id="map">${markup}</div>`;
    const sel = body.querySelector('#map-worker');
    sel.addEventListener('change', () => {
      this.only = sel.value;
      const { markup, drawn } = map.draw(ctx.version, ctx.boroughs, this.only);
      this.drawn = drawn;
      body.querySelector('#map').innerHTML = markup;
    });
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

// panels are drawn in this order.
export const panels = [figures, timelinePanel, adjustPanel, mapPanel, unassignedPanel, comparePanel];
