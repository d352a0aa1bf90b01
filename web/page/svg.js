// svg.js: what the drawings share: escaping, clock arithmetic and the
// colour-blind-safe palette (Okabe and Ito, 2008).

// okabeIto is the Okabe-Ito palette without black: colours that stay
// apart under the common colour-vision deficiencies.
export const okabeIto = ['#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7', '#F0E442'];

// priorityLabel names each visit priority in words.
export const priorityLabel = {
  rapid_response: 'rapid response',
  reablement: 'reablement',
  routine: 'routine',
};

// esc escapes text for HTML and SVG markup.
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// secs reads a clock ("HH:MM" or "HH:MM:SS") as seconds from midnight.
export function secs(clock) {
  if (!clock) return 0;
  const [h, m, s] = clock.split(':').map(Number);
  return h * 3600 + m * 60 + (s || 0);
}

// hm writes seconds from midnight as HH:MM.
export function hm(t) {
  const m = Math.round(t / 60);
  return String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
}

// hours writes a duration in seconds as "3h05".
export function hours(t) {
  const m = Math.round(t / 60);
  return Math.floor(m / 60) + 'h' + String(m % 60).padStart(2, '0');
}

// workerColour gives each worker of a roster its own colour, by the
// worker's index in the request; with more workers than colours the
// palette repeats, and the map's worker filter tells them apart.
export function workerColour(index) { return okabeIto[index % okabeIto.length]; }

// shiftOf returns the worker's shift on date, or undefined.
export function shiftOf(worker, date) {
  return (worker && worker.shifts || []).find(s => s.date === date);
}
