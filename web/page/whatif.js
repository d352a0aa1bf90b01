// whatif.js: the what-if panel. A scenario file (docs/simulation.md),
// typed or loaded from disk, runs as a simulation (POST /v1/simulations)
// for the team shown; the page polls its progress and, once it
// completes, draws each KPI as bars per scenario with their 95% intervals
// as error bars, and tabulates the means and the paired differences from
// the baseline.

import { call, q } from './api.js';
import { esc, okabeIto } from './svg.js';

// example is the scenario file the panel starts with: a small generated
// team over two days, a winter of 30% more demand against the baseline.
const example = {
  team: { size: 'small', seed: 1 },
  horizonDays: 2,
  replications: 3,
  seed: 1,
  solve: { iterations: 1000 },
  scenarios: [{ name: 'winter', demand: { multiplier: 1.3 } }],
};

// pollMs is how often a running simulation is read.
const pollMs = 500;

// num writes a KPI value with three significant digits at most.
function num(x) {
  if (!isFinite(x)) return '—';
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(a >= 1 ? 2 : 3);
}

// chart returns the SVG bar chart of one KPI: a bar per scenario at its
// mean, an error bar from its interval's low to high.
function chart(kpi, rows, colourOf) {
  const W = 260, H = 160, left = 44, bottom = 34, top = 24;
  const lo = Math.min(0, ...rows.map(r => r.value.low)), hi = Math.max(0, ...rows.map(r => r.value.high));
  const span = hi - lo || 1;
  const y = v => top + (hi - v) / span * (H - top - bottom);
  const band = (W - left - 8) / rows.length;
  const out = [`<svg class="kpi" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(kpi)}: ${rows.map(r => `${esc(r.scenario)} ${num(r.value.mean)} (95% interval ${num(r.value.low)} to ${num(r.value.high)})`).join('; ')}">`];
  out.push(`<text class="kpi-title" x="4" y="13">${esc(kpi)}</text>`);
  out.push(`<line class="axis" x1="${left}" y1="${y(0)}" x2="${W - 4}" y2="${y(0)}"/>`);
  out.push(`<text class="tick" x="${left - 4}" y="${y(hi) + 4}">${num(hi)}</text><text class="tick" x="${left - 4}" y="${y(lo) + 4}">${num(lo)}</text>`);
  rows.forEach((r, i) => {
    const cx = left + band * (i + 0.5), bw = Math.min(36, band * 0.6);
    const y0 = y(Math.max(0, r.value.mean)), y1 = y(Math.min(0, r.value.mean));
    out.push(`<rect class="bar" x="${cx - bw / 2}" y="${y0}" width="${bw}" height="${Math.max(1, y1 - y0)}" fill="${colourOf(i)}"/>`);
    const a = y(r.value.high), b = y(r.value.low);
    out.push(`<path class="error-bar" d="M${cx},${a}V${b}M${cx - 6},${a}H${cx + 6}M${cx - 6},${b}H${cx + 6}"/>`);
    out.push(`<text class="bar-label" x="${cx}" y="${H - bottom + 14}">${esc(r.scenario)}</text>`);
    out.push(`<text class="bar-value" x="${cx}" y="${H - bottom + 27}">${num(r.value.mean)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

// comparison returns the charts and the table of a completed run's
// summary (simulation.Summarise: per scenario, per KPI, the mean with its
// interval and the difference from the baseline).
export function comparison(summary) {
  const kpis = summary.length ? summary[0].estimates.map(e => e.kpi) : [];
  const colourOf = i => okabeIto[(i + 3) % okabeIto.length];
  const charts = kpis.map((k, ki) => chart(k, summary.map(s => ({ scenario: s.scenario, value: s.estimates[ki].value })), colourOf));
  const iv = v => `${num(v.mean)} [${num(v.low)}, ${num(v.high)}]`;
  const diff = d => {
    if (!d) return '—';
    const sure = d.low > 0 || d.high < 0;
    return `${d.mean > 0 ? '+' : ''}${num(d.mean)} [${num(d.low)}, ${num(d.high)}]${sure ? ' <strong>(differs)</strong>' : ''}`;
  };
  const others = summary.slice(1);
  return `<div class="kpi-charts">${charts.join('')}</div>
<div class="scroll short" tabindex="0" role="region" aria-label="KPI table"><table class="kpis"><caption>KPIs by scenario: mean [95% interval] over ${summary.length ? summary[0].estimates[0]?.value.n ?? 0 : 0} replications; difference from ${esc(summary[0]?.scenario || 'baseline')} paired by replication</caption>
<thead><tr><th scope="col">KPI</th>${summary.map(s => `<th scope="col">${esc(s.scenario)}</th>`).join('')}${others.map(s => `<th scope="col">${esc(s.scenario)} − ${esc(summary[0].scenario)}</th>`).join('')}</tr></thead>
<tbody>${kpis.map((k, ki) => `<tr><th scope="row">${esc(k)}</th>${summary.map(s => `<td class="num">${iv(s.estimates[ki].value)}</td>`).join('')}${others.map(s => `<td class="num">${diff(s.estimates[ki].difference)}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

// whatifPanel runs scenario files and compares their KPIs.
export const whatifPanel = {
  id: 'whatif', title: 'What if: compare scenarios', needs: 'plan',
  render(ctx, body) {
    this.team = ctx.version.team;
    if (body.querySelector('#whatif')) return; // keep the file and the run shown
    body.innerHTML = `<form id="whatif" class="whatif">
<p class="hint">A scenario file (see docs/simulation.md) simulates the team's days under each scenario and the baseline, several replications each, on the job queue.</p>
<div class="field"><label for="whatif-file">Scenario file (JSON)</label>
<textarea id="whatif-file" rows="8" cols="70" spellcheck="false">${esc(JSON.stringify(example, null, 1))}</textarea></div>
<div class="field"><label for="whatif-upload">Or load a file</label><input id="whatif-upload" type="file" accept=".json,application/json"></div>
<p class="actions"><button type="submit" id="whatif-run">Run</button> <button type="button" id="whatif-cancel" class="secondary" hidden>Cancel the run</button></p>
</form>
<progress id="whatif-progress" hidden aria-label="Simulation progress"></progress>
<p id="whatif-status" role="status"></p>
<div id="whatif-result"></div>`;
    const form = body.querySelector('#whatif');
    body.querySelector('#whatif-upload').addEventListener('change', async ev => {
      const f = ev.target.files[0];
      if (f) body.querySelector('#whatif-file').value = await f.text();
    });
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      this.run(body);
    });
    body.querySelector('#whatif-cancel').addEventListener('click', async () => {
      try {
        await call('DELETE', `/v1/simulations/${q(this.id)}`);
      } catch (e) {
        body.querySelector('#whatif-status').textContent = e.message;
      }
    });
  },

  // run submits the file, follows the run to its end and shows the
  // comparison.
  async run(body) {
    const say = t => { body.querySelector('#whatif-status').textContent = t; };
    const out = body.querySelector('#whatif-result');
    let file;
    try {
      file = JSON.parse(body.querySelector('#whatif-file').value);
    } catch (e) {
      say(`The scenario file is not JSON: ${e.message}`);
      return;
    }
    const runButton = body.querySelector('#whatif-run'), cancel = body.querySelector('#whatif-cancel');
    const bar = body.querySelector('#whatif-progress');
    out.innerHTML = '';
    runButton.disabled = true;
    try {
      let s = await call('POST', '/v1/simulations', { team: this.team, file });
      this.id = s.id;
      cancel.hidden = false;
      bar.hidden = false;
      while (!['completed', 'failed', 'cancelled'].includes(s.state)) {
        bar.max = s.total;
        bar.value = s.done;
        say(`Simulation ${s.id} ${s.state}: ${s.done} of ${s.total} replications done (${s.scenarios.join(', ')}; ${s.from} to ${s.to}).`);
        await sleep(pollMs);
        s = await call('GET', `/v1/simulations/${q(s.id)}`);
      }
      if (s.state !== 'completed') {
        say(`Simulation ${s.id} ${s.state}${s.error ? ': ' + s.error : ''}.`);
        return;
      }
      say(`Simulation ${s.id} completed: ${s.total} replications of ${s.from} to ${s.to}.`);
      out.innerHTML = comparison(s.summary || []);
    } catch (e) {
      say(e.message + (e.field ? ` (${e.field}${e.value !== undefined ? ': ' + e.value : ''})` : ''));
    } finally {
      runButton.disabled = false;
      cancel.hidden = true;
      bar.hidden = true;
    }
  },
};
