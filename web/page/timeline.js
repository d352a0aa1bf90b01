// timeline.js: the roster as a timeline, one row per round (a worker's
// day): visits as blocks coloured by priority, travel as a line before
// each visit, waiting as a dotted line, the break, the shift on duty, its
// end and the overtime it allows, double-handed pairs and linked visits
// joined, and the "now" line on today's roster; on a live day the stops
// done, under way or committed are marked apart from the free ones.
// Visits can be dragged to another row or place in a row, and a dispatch
// option can be shown over the rows it changes.

import { esc, secs, hm, hours, shiftOf, priorityLabel } from './svg.js';

const labelW = 210;
const headerH = 28;
const pxPerHour = 96;

// layout holds what a drawing needs to map times and rows to pixels.
function layout(version, rowH) {
  const req = version.request, routes = version.roster.routes;
  const workers = new Map(req.workers.map(w => [w.id, w]));
  let t0 = 8 * 3600, t1 = 20 * 3600;
  for (const r of routes) {
    const s = shiftOf(workers.get(r.workerId), r.date);
    if (s) {
      t0 = Math.min(t0, secs(s.start));
      t1 = Math.max(t1, secs(s.end) + 60 * (s.overtimeMinutes || 0));
    }
    if (r.stops.length) {
      t0 = Math.min(t0, secs(r.depart));
      t1 = Math.max(t1, secs(r.return));
    }
  }
  t0 = Math.floor(t0 / 3600) * 3600;
  t1 = Math.ceil(t1 / 3600) * 3600;
  const x = t => labelW + (t - t0) / 3600 * pxPerHour;
  const width = x(t1) + 8;
  const height = headerH + routes.length * rowH + 4;
  return { workers, t0, t1, x, width, height, rowH, workerIds: routes.map(r => r.workerId) };
}

// liveWords names each frozen state of a live day's stop.
export const liveWords = { done: 'done', no_access: 'not reached', under_way: 'under way', committed: 'committed' };

// liveMarks marks each frozen state on its block, so that it does not
// rest on the block's outline alone.
const liveMarks = { done: '✓', no_access: '✕', under_way: '▶', committed: '→' };

// liveStates returns the frozen state of each stop of a live state (GET
// .../live), keyed by worker and visit ("W1/V2"); null gives an empty map.
export function liveStates(live) {
  const m = new Map();
  for (const r of (live && live.rounds) || []) {
    for (const f of r.frozen || []) m.set(r.workerId + '/' + f.visitId, f.state);
  }
  return m;
}

// rowKey is what a row's drawing depends on: the route, the pins of its
// visits and their live states; a row whose key is unchanged need not be
// drawn again.
function rowKey(r, visits, live) {
  return JSON.stringify(r) + r.stops.map(s => {
    const p = (visits.get(s.visitId) || {}).pin;
    return (p && p.workerId === r.workerId ? 'p' : '-') + (live.get(r.workerId + '/' + s.visitId) || '');
  }).join('');
}

// rowMarkup returns the SVG of row ri: the worker, their shift, and their
// round's travel, waiting, visits and break.
function rowMarkup(L, version, visits, ri, selected, live) {
  const { x, workers, rowH } = L;
  const r = version.roster.routes[ri];
  const out = [];
  const y = headerH + ri * rowH, mid = y + rowH / 2, h = rowH - 6;
  const w = workers.get(r.workerId) || { id: r.workerId };
  const shift = shiftOf(w, r.date);
  out.push(`<g class="row" data-row="${ri}" data-worker="${esc(r.workerId)}">`);
  out.push(`<rect class="${ri % 2 ? 'stripe odd' : 'stripe'}" x="0" y="${y}" width="${L.width}" height="${rowH}"/>`);
  const cap = shift && (shift.maxWorkMinutes || w.maxWorkMinutes);
  let label = w.name || w.id;
  let title = `${w.name || w.id} (${w.id}), ${w.role || ''}: work ${hours(r.workSeconds)}, travel ${hours(r.travelSeconds)}`;
  if (cap) {
    title += `, working-time cap ${hours(cap * 60)}`;
    label += ` · ${hours(r.workSeconds)}/${hours(cap * 60)}`;
  }
  const nearCap = cap && r.workSeconds > cap * 60 - 900;
  out.push(`<text class="row-label${nearCap ? ' near-cap' : ''}" x="4" y="${mid + 4}"><title>${esc(title)}</title>${esc(label)}</text>`);
  if (shift) {
    const s0 = secs(shift.start), s1 = secs(shift.end);
    out.push(`<rect class="duty" x="${x(s0)}" y="${y + 2}" width="${x(s1) - x(s0)}" height="${rowH - 4}"/>`);
    if (shift.overtimeMinutes) {
      out.push(`<rect class="overtime" x="${x(s1)}" y="${y + 2}" width="${x(s1 + shift.overtimeMinutes * 60) - x(s1)}" height="${rowH - 4}"><title>overtime allowed: ${shift.overtimeMinutes} min</title></rect>`);
    }
    out.push(`<line class="shift-end" x1="${x(s1)}" y1="${y + 1}" x2="${x(s1)}" y2="${y + rowH - 1}"><title>shift ends ${hm(s1)}</title></line>`);
  }
  let prevEnd = r.stops.length ? secs(r.depart) : 0;
  r.stops.forEach((s, pos) => {
    const arr = secs(s.arrival), st = secs(s.start), en = secs(s.end);
    if (s.travelSeconds > 0) {
      out.push(`<line class="travel" x1="${x(arr - s.travelSeconds)}" y1="${mid}" x2="${x(arr)}" y2="${mid}"/>`);
    }
    if (st > arr) out.push(`<line class="wait" x1="${x(arr)}" y1="${mid}" x2="${x(st)}" y2="${mid}"/>`);
    const v = visits.get(s.visitId) || {};
    const pinned = v.pin && v.pin.workerId === r.workerId;
    const frozen = live.get(r.workerId + '/' + s.visitId);
    const cls = `visit p-${esc(s.priority)}${s.visitId === selected ? ' selected' : ''}${pinned ? ' pinned' : ''}${frozen ? ' frozen ' + esc(frozen) : ''}`;
    const aria = `Visit ${s.visitId}, client ${s.clientId}, ${priorityLabel[s.priority] || s.priority}, ${hm(st)} to ${hm(en)}, ${w.name || w.id}${pinned ? ', pinned' : ''}${(v.workersNeeded || 1) > 1 ? ', double-handed' : ''}${frozen ? ', ' + liveWords[frozen] : ''}`;
    const bw = Math.max(2, x(en) - x(st));
    out.push(`<rect class="${cls}" x="${x(st)}" y="${y + 3}" width="${bw}" height="${h}" rx="2" tabindex="-1" role="button" aria-label="${esc(aria)}" data-visit="${esc(s.visitId)}" data-worker="${esc(r.workerId)}" data-pos="${pos}"/>`);
    const faded = frozen === 'done' || frozen === 'no_access';
    if (bw > 40) out.push(`<text class="visit-label l-${esc(s.priority)}${faded ? ' on-faded' : ''}" x="${x(st) + 3}" y="${mid + 4}">${esc(s.visitId)}</text>`);
    if (pinned) out.push(`<text class="pin-mark" x="${x(st) + bw - 9}" y="${y + 12}" aria-hidden="true">📌</text>`);
    if (frozen && bw > 12) out.push(`<text class="live-mark" x="${x(st) + bw - 10}" y="${y + rowH - 5}" aria-hidden="true">${liveMarks[frozen]}</text>`);
    prevEnd = en;
  });
  if (r.stops.length && secs(r.return) > prevEnd) {
    out.push(`<line class="travel" x1="${x(prevEnd)}" y1="${mid}" x2="${x(secs(r.return))}" y2="${mid}"/>`);
  }
  if (r.break) {
    const b0 = secs(r.break.start), b1 = secs(r.break.end);
    out.push(`<rect class="break" x="${x(b0)}" y="${y + 5}" width="${x(b1) - x(b0)}" height="${h - 4}"><title>break ${hm(b0)}-${hm(b1)}</title></rect>`);
  }
  out.push('</g>');
  return out.join('');
}

// overlayMarkup returns what is drawn across rows: the lines joining the
// halves of double-handed visits and linked visits, and the "now" line.
function overlayMarkup(L, version, visits, now) {
  const { x, rowH } = L;
  const out = ['<g id="overlays">'];
  const placed = new Map();
  version.roster.routes.forEach((r, ri) => {
    for (const s of r.stops) {
      let at = placed.get(s.visitId);
      if (!at) placed.set(s.visitId, at = []);
      at.push({ ri, st: secs(s.start), en: secs(s.end) });
    }
  });
  const yOf = ri => headerH + ri * rowH + rowH / 2;
  for (const [id, at] of placed) {
    if (at.length === 2) {
      const px = x(at[0].st) + 1;
      out.push(`<line class="pair" x1="${px}" y1="${yOf(at[0].ri)}" x2="${px}" y2="${yOf(at[1].ri)}"><title>double-handed visit ${esc(id)}</title></line>`);
    }
    for (const l of (visits.get(id) || {}).links || []) {
      const from = placed.get(l.visitId);
      if (!from) continue;
      const a = from[0], b = at[0];
      const x1 = x(a.en), y1 = yOf(a.ri), x2 = x(b.st), y2 = yOf(b.ri);
      out.push(`<path class="link" d="M${x1},${y1} C${(x1 + x2) / 2},${y1 - rowH} ${(x1 + x2) / 2},${y2 - rowH} ${x2},${y2}"><title>${esc(id)} follows ${esc(l.visitId)} by ${l.minGapMinutes}-${l.maxGapMinutes} min</title></path>`);
    }
  }
  if (now != null && now >= L.t0 && now <= L.t1) {
    out.push(`<line class="now" x1="${x(now)}" y1="${headerH - 4}" x2="${x(now)}" y2="${L.height}"/>`);
    out.push(`<text class="now-label" x="${x(now) + 3}" y="${headerH - 1}">now ${hm(now)}</text>`);
  }
  out.push('</g>');
  return out.join('');
}

// draw returns the SVG markup of the timeline of version, and its layout
// for update, highlight and enableDrag. now is the current time in
// seconds from midnight when the roster is today's, else null; selected
// is the visit ID to highlight; live is the live state of the day (GET
// .../live) or null.
export function draw(version, { rowH, now, selected, live }) {
  const L = layout(version, rowH);
  const states = liveStates(live);
  const { x } = L;
  const routes = version.roster.routes;
  const visits = new Map(version.request.visits.map(v => [v.id, v]));
  const out = [];
  out.push(`<svg id="timeline-svg" xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" role="group" aria-label="Timeline of ${routes.length} rounds"${live ? ` data-live-at="${esc(live.at)}"` : ''}>`);
  out.push(`<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern></defs>`);
  for (let t = L.t0; t <= L.t1; t += 3600) {
    out.push(`<line class="hour" x1="${x(t)}" y1="${headerH - 6}" x2="${x(t)}" y2="${L.height}"/>`);
    out.push(`<text class="hour-label" x="${x(t)}" y="${headerH - 10}">${hm(t)}</text>`);
  }
  L.keys = routes.map((r, ri) => {
    out.push(rowMarkup(L, version, visits, ri, selected, states));
    return rowKey(r, visits, states);
  });
  out.push(overlayMarkup(L, version, visits, now));
  out.push('<g id="option-mark"></g>');
  out.push('<rect id="ghost" class="ghost" x="0" y="0" width="0" height="0" visibility="hidden"/>');
  out.push('</svg>');
  return { markup: out.join(''), layout: L };
}

// update redraws, in the drawn timeline svg of layout L, only the rows of
// version that differ from what is drawn, and the overlays; it returns
// the new layout, or null if the rows or the time axis changed and the
// timeline must be drawn anew.
export function update(svg, L, version, { rowH, now, selected, live }) {
  const L2 = layout(version, rowH);
  const routes = version.roster.routes;
  if (L2.t0 !== L.t0 || L2.t1 !== L.t1 || L2.height !== L.height || routes.length !== L.workerIds.length ||
      routes.some((r, ri) => r.workerId !== L.workerIds[ri])) {
    return null;
  }
  const visits = new Map(version.request.visits.map(v => [v.id, v]));
  const states = liveStates(live);
  L2.keys = routes.map((r, ri) => {
    const k = rowKey(r, visits, states);
    if (k !== L.keys[ri]) svg.querySelector(`g.row[data-row="${ri}"]`).outerHTML = rowMarkup(L2, version, visits, ri, selected, states);
    return k;
  });
  svg.querySelector('#overlays').outerHTML = overlayMarkup(L2, version, visits, now);
  if (live) svg.dataset.liveAt = live.at; else delete svg.dataset.liveAt;
  return L2;
}

// highlight marks, in the timeline svg of layout L, a dispatch option
// (null clears it): the referral's visit as an outlined slot of
// durationMinutes at the option's start in the row of its worker (and
// partner), and the visits it moves, hands over or drops outlined where
// they are now.
export function highlight(svg, L, option, durationMinutes) {
  const mark = svg.querySelector('#option-mark');
  for (const el of svg.querySelectorAll('rect.visit.option-moved, rect.visit.option-dropped')) {
    el.classList.remove('option-moved', 'option-dropped');
  }
  if (!mark) return;
  if (!option) {
    mark.innerHTML = '';
    return;
  }
  const out = [];
  const st = secs(option.start), en = st + 60 * durationMinutes;
  for (const id of [option.workerId, option.partnerId].filter(Boolean)) {
    const ri = L.workerIds.indexOf(id);
    if (ri < 0) continue;
    const y = headerH + ri * L.rowH;
    out.push(`<rect class="option-slot" x="${L.x(st)}" y="${y + 1}" width="${Math.max(4, L.x(en) - L.x(st))}" height="${L.rowH - 2}"><title>option ${option.rank}: the referral at ${hm(st)}</title></rect>`);
  }
  mark.innerHTML = out.join('');
  const outline = (ids, cls) => {
    for (const id of ids) {
      for (const el of svg.querySelectorAll(`rect.visit[data-visit="${CSS.escape(id)}"]`)) el.classList.add(cls);
    }
  };
  outline([...(option.moved || []).map(m => m.visitId), ...(option.handover ? [option.handover.visitId] : [])], 'option-moved');
  outline((option.dropped || []).map(d => d.visitId), 'option-dropped');
}

// rove keeps one visit block of the timeline in svg in the Tab order (the
// roving tab index): the focused one, else the selected one, else the
// first.
export function rove(svg) {
  const blocks = svg.querySelectorAll('rect.visit[tabindex="0"]');
  if (blocks.length === 1) return;
  for (const b of blocks) b.setAttribute('tabindex', '-1');
  const keep = svg.querySelector('rect.visit.selected') || svg.querySelector('rect.visit');
  if (keep) keep.setAttribute('tabindex', '0');
}

// step moves the focus from the visit block el on a key: Left and Right
// to the previous and next visit of its round, Up and Down to the visit
// nearest in time in the round above or below, Home and End to the
// round's first and last visit. It returns whether the key was one of
// these.
export function step(svg, el, key) {
  const row = el.closest('g.row');
  const inRow = g => g ? [...g.querySelectorAll('rect.visit')] : [];
  const mine = inRow(row);
  const i = mine.indexOf(el);
  let to = null;
  switch (key) {
    case 'ArrowLeft': to = mine[i - 1]; break;
    case 'ArrowRight': to = mine[i + 1]; break;
    case 'Home': to = mine[0]; break;
    case 'End': to = mine[mine.length - 1]; break;
    case 'ArrowUp':
    case 'ArrowDown': {
      const x = +el.getAttribute('x');
      let g = row;
      do {
        g = key === 'ArrowUp' ? g.previousElementSibling : g.nextElementSibling;
      } while (g && g.matches('g.row') && !g.querySelector('rect.visit'));
      const there = g && g.matches('g.row') ? inRow(g) : [];
      for (const b of there) {
        if (!to || Math.abs(+b.getAttribute('x') - x) < Math.abs(+to.getAttribute('x') - x)) to = b;
      }
      break;
    }
    default:
      return false;
  }
  if (to) {
    el.setAttribute('tabindex', '-1');
    to.setAttribute('tabindex', '0');
    to.focus();
  }
  return true;
}

// enableDrag lets the visits of the timeline in host be dragged; current
// returns the version drawn and its layout. onDrop gets the visit, the worker it was dragged from, the worker of the row it
// was dropped on and its position among that row's visits; a press that
// does not move is a click, left to the host's click handler.
export function enableDrag(host, current, onDrop) {
  const svg = host.querySelector('svg');
  const ghost = svg.querySelector('#ghost');
  let drag = null;
  const point = ev => {
    const m = svg.getScreenCTM().inverse();
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m);
    return p;
  };
  svg.addEventListener('pointerdown', ev => {
    const t = ev.target;
    if (!t.classList || !t.classList.contains('visit') || ev.button !== 0) return;
    const p = point(ev);
    drag = { el: t, x0: p.x, y0: p.y, moved: false, bx: +t.getAttribute('x'), by: +t.getAttribute('y') };
  });
  svg.addEventListener('pointermove', ev => {
    if (!drag) return;
    const p = point(ev);
    if (!drag.moved && Math.hypot(p.x - drag.x0, p.y - drag.y0) < 5) return;
    if (!drag.moved) {
      drag.moved = true;
      svg.setPointerCapture(ev.pointerId);
      ghost.setAttribute('width', drag.el.getAttribute('width'));
      ghost.setAttribute('height', drag.el.getAttribute('height'));
      ghost.setAttribute('visibility', 'visible');
    }
    ghost.setAttribute('x', drag.bx + p.x - drag.x0);
    ghost.setAttribute('y', drag.by + p.y - drag.y0);
  });
  svg.addEventListener('pointerup', ev => {
    if (!drag) return;
    const d = drag;
    drag = null;
    ghost.setAttribute('visibility', 'hidden');
    if (!d.moved) return;
    const p = point(ev);
    const { version, layout: L } = current();
    const ri = Math.floor((p.y - headerH) / L.rowH);
    const routes = version.roster.routes;
    if (ri < 0 || ri >= routes.length) return;
    const route = routes[ri];
    const t = L.t0 + (d.bx + p.x - d.x0 - labelW) / pxPerHour * 3600;
    const visitId = d.el.dataset.visit;
    const others = route.stops.filter(s => s.visitId !== visitId);
    const position = others.filter(s => secs(s.start) < t).length;
    onDrop({ visitId, fromWorkerId: d.el.dataset.worker, workerId: route.workerId, position });
  });
}
