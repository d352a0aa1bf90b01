// map.js: the day's rounds on a map drawn from GeoJSON, with no tiles:
// the London boroughs the roster's places lie in, each round as a line
// from the worker's start through their clients and back, clients as
// points in their worker's colour, unassigned visits' clients as hollow
// squares. A click on the map picks a place (a new client's home).

import { esc, workerColour } from './svg.js';

// ringContains reports whether the ring (an array of [lon, lat]) holds
// the point, by the even-odd rule.
function ringContains(ring, lon, lat) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// polygonsOf returns a feature's polygons, each an array of rings.
function polygonsOf(f) {
  const g = f.geometry;
  return g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
}

// boundsOf returns [minLon, minLat, maxLon, maxLat] of polygons.
function boundsOf(polys) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of polys) for (const [lon, lat] of p[0]) {
    b[0] = Math.min(b[0], lon); b[1] = Math.min(b[1], lat);
    b[2] = Math.max(b[2], lon); b[3] = Math.max(b[3], lat);
  }
  return b;
}

// contains reports whether the borough (polys, bounds) holds the point.
function contains(polys, b, lon, lat) {
  if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) return false;
  return polys.some(p => ringContains(p[0], lon, lat) && !p.slice(1).some(h => ringContains(h, lon, lat)));
}

// boroughsOf returns the boroughs of the GeoJSON collection that hold any
// of the points, with their polygons and bounds.
export function boroughsOf(collection, points) {
  const out = [];
  for (const f of (collection && collection.features) || []) {
    const polys = polygonsOf(f), b = boundsOf(polys);
    if (points.some(p => contains(polys, b, p.lon, p.lat))) out.push({ name: f.properties.name, polys, bounds: b });
  }
  return out;
}

// frame returns the projection of the map of version: the bounds of the
// boroughs and the roster's places, and the functions from longitude and
// latitude to pixels.
function frame(version, boroughs) {
  let b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const br of boroughs) {
    b = [Math.min(b[0], br.bounds[0]), Math.min(b[1], br.bounds[1]), Math.max(b[2], br.bounds[2]), Math.max(b[3], br.bounds[3])];
  }
  for (const p of pointsOf(version)) {
    b = [Math.min(b[0], p.lon), Math.min(b[1], p.lat), Math.max(b[2], p.lon), Math.max(b[3], p.lat)];
  }
  if (!isFinite(b[0])) b = [-0.25, 51.47, -0.18, 51.53];
  const width = 720;
  const k = Math.cos((b[1] + b[3]) / 2 * Math.PI / 180);
  const scale = (width - 20) / Math.max(1e-6, (b[2] - b[0]) * k);
  const height = Math.round((b[3] - b[1]) * scale + 20);
  return {
    bounds: b.join(','), width, height,
    px: lon => ((lon - b[0]) * k * scale + 10).toFixed(1),
    py: lat => ((b[3] - lat) * scale + 10).toFixed(1),
    lonOf: x => (x - 10) / (k * scale) + b[0],
    latOf: y => b[3] - (y - 10) / scale,
  };
}

// roundKey is what the drawing of a round depends on.
function roundKey(r, only) {
  return (only && r.workerId !== only) ? '' : r.stops.map(s => s.visitId).join(' ');
}

// roundMarkup returns the SVG group of round r, empty if only names
// another worker.
function roundMarkup(F, r, colour, only) {
  const { px, py } = F;
  const out = [`<g class="round" data-worker="${esc(r.workerId)}">`];
  if (r.stops.length && !(only && r.workerId !== only)) {
    const pts = [r.start, ...r.stops.map(s => s.location).filter(Boolean), r.end].filter(p => p && p.lat);
    out.push(`<polyline class="round-line" stroke="${colour}" points="${pts.map(p => px(p.lon) + ',' + py(p.lat)).join(' ')}"/>`);
    for (const s of r.stops) {
      if (s.location && s.location.lat) out.push(`<circle class="client" cx="${px(s.location.lon)}" cy="${py(s.location.lat)}" r="3" fill="${colour}"/>`);
    }
    if (r.start && r.start.lat) out.push(`<rect class="base" x="${px(r.start.lon) - 3}" y="${py(r.start.lat) - 3}" width="6" height="6" fill="${colour}"/>`);
  }
  out.push('</g>');
  return out.join('');
}

// unassignedMarkup returns the group of the clients of unassigned visits,
// empty if only names a worker.
function unassignedMarkup(F, version, only) {
  const out = ['<g id="unassigned-points">'];
  if (!only) {
    const clients = new Map(version.request.clients.map(c => [c.id, c]));
    for (const u of version.roster.unassigned) {
      const c = clients.get(u.clientId);
      if (c && c.location && c.location.lat) {
        out.push(`<rect class="unassigned-point" x="${F.px(c.location.lon) - 4}" y="${F.py(c.location.lat) - 4}" width="8" height="8"><title>unassigned ${esc(u.visitId)}</title></rect>`);
      }
    }
  }
  out.push('</g>');
  return out.join('');
}

// draw returns the SVG markup of the map of version over the boroughs
// (from boroughsOf), and what update needs; only is a worker ID to show
// alone, or ''.
export function draw(version, boroughs, only) {
  const roster = version.roster;
  const F = frame(version, boroughs);
  const colourOf = workerColours(version);
  const names = boroughs.map(br => br.name).join(', ') || 'London';
  const out = [`<svg id="map-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${F.width} ${F.height}" role="img" aria-labelledby="map-title map-desc">`,
    `<title id="map-title">Map of the day's rounds over ${esc(names)}</title>`,
    `<desc id="map-desc">${roster.routes.length} rounds drawn as lines in one colour per worker, clients as dots, unassigned visits' clients as hollow squares.</desc>`];
  for (const br of boroughs) {
    const d = br.polys.map(p => p.map(ring => 'M' + ring.map(([lon, lat]) => F.px(lon) + ',' + F.py(lat)).join('L') + 'Z').join('')).join('');
    out.push(`<path class="borough" d="${d}"><title>${esc(br.name)}</title></path>`);
  }
  F.keys = roster.routes.map(r => {
    out.push(roundMarkup(F, r, colourOf(r.workerId), only));
    return roundKey(r, only);
  });
  F.workerIds = roster.routes.map(r => r.workerId);
  out.push(unassignedMarkup(F, version, only));
  out.push('<g id="picked"></g>');
  out.push('</svg>');
  return { markup: out.join(''), drawn: F };
}

// update redraws, in the map svg drawn as F, the rounds of version that
// differ from those drawn, and the unassigned visits; it returns what it
// drew, or null if the map must be drawn anew.
export function update(svg, F, version, boroughs, only) {
  const F2 = frame(version, boroughs);
  const routes = version.roster.routes;
  if (F2.bounds !== F.bounds || routes.length !== F.workerIds.length || routes.some((r, ri) => r.workerId !== F.workerIds[ri])) {
    return null;
  }
  const colourOf = workerColours(version);
  const groups = svg.querySelectorAll('g.round');
  F2.workerIds = F.workerIds;
  F2.keys = routes.map((r, ri) => {
    const k = roundKey(r, only);
    if (k !== F.keys[ri]) groups[ri].outerHTML = roundMarkup(F2, r, colourOf(r.workerId), only);
    return k;
  });
  svg.querySelector('#unassigned-points').outerHTML = unassignedMarkup(F2, version, only);
  return F2;
}

// locationAt returns the place under the pointer event ev on the map svg
// drawn as F, to five decimals (about a metre).
export function locationAt(svg, F, ev) {
  const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(svg.getScreenCTM().inverse());
  const r = x => Math.round(x * 1e5) / 1e5;
  return { lat: r(F.latOf(p.y)), lon: r(F.lonOf(p.x)) };
}

// mark draws the picked place on the map svg drawn as F (null clears it).
export function mark(svg, F, loc) {
  const g = svg.querySelector('#picked');
  if (!g) return;
  g.innerHTML = loc ? `<circle class="picked" cx="${F.px(loc.lon)}" cy="${F.py(loc.lat)}" r="6"><title>the place picked: ${loc.lat}, ${loc.lon}</title></circle>` : '';
}

// workerColours returns each worker's colour, by their place in the
// request's workers.
function workerColours(version) {
  const index = new Map(version.request.workers.map((w, i) => [w.id, i]));
  return id => workerColour(index.get(id) || 0);
}

// pointsOf returns the places of a roster the map should frame: round
// starts and stops.
export function pointsOf(version) {
  const pts = [];
  for (const r of version.roster.routes) {
    if (r.start && r.start.lat) pts.push(r.start);
    for (const s of r.stops) if (s.location && s.location.lat) pts.push(s.location);
  }
  return pts;
}
