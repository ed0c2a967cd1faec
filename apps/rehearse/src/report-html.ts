import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isExpectedNo, type Summary } from './summary.ts';

/**
 * report.html: one self-contained file (Chart.js's UMD bundle and the summary inlined, nothing fetched), so it can
 * be mailed or attached to a ticket and opened anywhere.
 */

export function chartJsBundle(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that is safe inside a <script> element. */
const inlineJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const fmt = (v: number | null | undefined, unit = '') =>
  v === null || v === undefined ? '–' : `${v}${unit}`;

function card(label: string, value: string, bad = false): string {
  return `<div class="card${bad ? ' bad' : ''}"><div class="v">${esc(value)}</div><div class="l">${esc(label)}</div></div>`;
}

function tables(s: Summary): string {
  const lat = Object.entries(s.latency)
    .map(
      ([step, d]) =>
        `<tr><td>${esc(step)}</td><td>${d.count}</td><td>${fmt(d.p50)}</td><td>${fmt(d.p90)}</td><td>${fmt(d.p99)}</td><td>${fmt(d.max)}</td><td>${d.errors}</td></tr>`,
    )
    .join('');
  const errs = Object.entries(s.errors)
    .flatMap(([step, codes]) =>
      Object.entries(codes).map(
        ([code, n]) => `<tr><td>${esc(step)}</td><td><code>${esc(code)}</code></td><td>${n}</td></tr>`,
      ),
    )
    .join('');
  const integrity = s.integrity.checks
    .map(
      (c) =>
        `<tr class="${c.ok ? 'ok' : 'bad'}"><td>${c.ok ? '✔' : '✘'}</td><td>${esc(c.name)}</td><td>${esc(c.detail)}</td></tr>`,
    )
    .join('');
  const cpu = s.cpu
    ? `<h2>What a purchase costs</h2><p>${esc(s.cpu.found)}. Wall ${s.cpu.wallSeconds.toFixed(1)} s.</p>
<table><tr><th>pid</th><th>role</th><th>CPU s</th><th>command</th></tr>${s.cpu.processes
        .map(
          (p) =>
            `<tr><td>${p.pid}</td><td>${esc(p.role)}</td><td>${p.cpuSeconds.toFixed(2)}</td><td><code>${esc(p.command)}</code></td></tr>`,
        )
        .join('')}</table>
<p><b>${s.cpu.totalCpuSeconds.toFixed(1)} CPU s</b> for ${s.cpu.purchases} purchases: <b>${fmt(s.cpu.cpuMsPerPurchase)} ms per purchase</b>,
${fmt(s.cpu.purchasesPerCoreSecond)} purchases per core-second; ${fmt(s.cpu.cpuMsPerBuyer)} ms per buyer (sold-out answers included).</p>
<table><tr><th>buyers in a minute</th><th>purchases</th><th>server cores (this mix)</th></tr>${s.cpu.sizing
        .map(
          (z) =>
            `<tr><td>${z.buyersPerMinute.toLocaleString('en')}</td><td>${z.purchasesPerMinute.toLocaleString('en')}</td><td>${z.cores}</td></tr>`,
        )
        .join('')}</table>`
    : '<h2>What a purchase costs</h2><p>Not measured: the server processes were not found on this machine (see <code>--pids</code>, <code>--service-ports</code>).</p>';
  return `<h2>Integrity</h2><table>${integrity}</table>
<h2>Latency per step (ms)</h2><table><tr><th>step</th><th>ok</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>errors</th></tr>${lat}</table>
<h2>Errors by code per step</h2>${errs ? `<table><tr><th>step</th><th>code</th><th>count</th></tr>${errs}</table>` : '<p>None.</p>'}
${cpu}`;
}

export function renderReport(s: Summary, chartJs = chartJsBundle()): string {
  const m = s.meta;
  const wr = s.waitingRoom;
  const errors = Object.values(s.errors).reduce(
    (n, codes) => n + Object.entries(codes).reduce((a, [code, k]) => a + (isExpectedNo(code) ? 0 : k), 0),
    0,
  );
  const cards = [
    card('buyers', m.buyers.toLocaleString('en')),
    card('sold out after', s.sellOutSeconds === null ? 'not sold out' : `${s.sellOutSeconds} s`),
    card('tickets bought', `${s.ticketsBought.toLocaleString('en')} / ${m.capacity.toLocaleString('en')}`),
    card('orders paid', (s.outcomes.bought + s.outcomes.refunded).toLocaleString('en')),
    card('last order paid', s.lastPaidSeconds === null ? '–' : `${s.lastPaidSeconds} s`),
    card('live-update lag p99', fmt(s.liveUpdateLagMs.p99, ' ms')),
    card('failed requests (not “sold out”)', String(errors)),
    card('integrity', s.integrity.ok ? 'all checks passed' : 'FAILED', !s.integrity.ok),
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Seatrush rehearsal · ${esc(m.showtimeLabel)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem 2rem;color:#1d1d1f;background:#fafafa;max-width:1200px}
h1{margin:0 0 .25rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.25rem}
.meta{color:#555;font-size:.9rem}.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:.75rem;margin:1rem 0}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.75rem}.card .v{font-size:1.4rem;font-weight:600}
.card .l{color:#666;font-size:.85rem}.card.bad{border-color:#c00;background:#fff0f0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.box{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.75rem}
table{border-collapse:collapse;background:#fff;font-size:.9rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
tr.bad td{background:#fff0f0}.warn{background:#fff7e0;border:1px solid #e0b000;padding:.5rem;border-radius:6px}tr.ok td:first-child{color:#080}
</style></head><body>
<h1>On-sale rehearsal: ${esc(m.showtimeLabel)}</h1>
<p class="meta">${esc(m.url)} · showtime <code>${esc(m.showtimeId)}</code> · ${new Date(m.startedAt).toISOString()} · ${((m.finishedAt - m.startedAt) / 1000).toFixed(1)} s · ${m.processes} processes · pick ${esc(m.pick)} · arrivals over ${m.curve.durationSeconds} s, ${m.curve.spike}× for the first ${m.curve.spikeSeconds} s<br>
Crowd: ${esc(m.sources.note)}${m.waitingRoom ? ' · waiting room on' : ''}${m.requireVerifiedBuyers ? ' · verified buyers only' : ''}<br><code>${esc(m.command)}</code></p>
<div class="cards">${cards}</div>
${s.outcomes.timed_out ? `<p class="warn">${s.outcomes.timed_out.toLocaleString('en')} journeys were still running at <code>--max-time</code> and count as timed out: the target did not serve this crowd in time.</p>` : ''}
<div class="grid">
<div class="box"><canvas id="rates"></canvas></div>
<div class="box"><canvas id="outcomes"></canvas></div>
<div class="box"><canvas id="latency"></canvas></div>
<div class="box"><canvas id="fairness"></canvas></div>
${wr ? '<div class="box"><canvas id="promises"></canvas></div>' : ''}
</div>
${wr ? `<p>Waiting room: ${wr.joined} joined, ${wr.admitted} admitted; ${wr.keptPromises} admitted within 1.25 × their ETA + 5 s; wait ÷ ETA p50 ${fmt(wr.waitOverPromise.p50)}, p90 ${fmt(wr.waitOverPromise.p90)}; ${wr.toldLikelySoldOut} told "likely sold out" (${wr.toldLikelySoldOutAndGotNone} of them got nothing).</p>` : ''}
<p>Fairness: hold order vs arrival order, Spearman ρ = ${fmt(s.fairness.holdOrderCorrelation)} (1 = first come, first served); ${s.fairness.overtakes} buyers got tickets after an earlier arrival had been turned away; ${s.fairness.winners} got a hold, ${s.fairness.turnedAway} were turned away. Live-update lag (receive − change reached the node) p50 ${fmt(s.liveUpdateLagMs.p50)} ms, p90 ${fmt(s.liveUpdateLagMs.p90)} ms, p99 ${fmt(s.liveUpdateLagMs.p99)} ms over ${s.liveUpdateLagMs.count} deltas.</p>
${tables(s)}
<script>${chartJs}</script>
<script>
const S = ${inlineJson(s)};
Chart.defaults.animation = false;
const secs = S.series.arrivals.map((_, i) => i);
new Chart(document.getElementById('rates'), { type: 'line', data: { labels: secs, datasets: [
  { label: 'arrivals/s', data: S.series.arrivals, borderColor: '#999', pointRadius: 0 },
  { label: 'holds/s', data: S.series.holds, borderColor: '#1f77b4', pointRadius: 0 },
  { label: 'orders paid/s', data: S.series.orders, borderColor: '#2ca02c', pointRadius: 0 },
  { label: 'errors/s', data: S.series.errors, borderColor: '#d62728', pointRadius: 0 } ] },
  options: { plugins: { title: { display: true, text: 'Per second since opening' } }, scales: { x: { title: { display: true, text: 's' } } } } });
const oc = Object.entries(S.outcomes).filter(([, n]) => n > 0);
new Chart(document.getElementById('outcomes'), { type: 'bar', data: { labels: oc.map(([k]) => k), datasets: [{ label: 'buyers', data: oc.map(([, n]) => n), backgroundColor: '#1f77b4' }] },
  options: { indexAxis: 'y', plugins: { title: { display: true, text: 'How journeys ended' }, legend: { display: false } } } });
const st = Object.entries(S.latency);
new Chart(document.getElementById('latency'), { type: 'bar', data: { labels: st.map(([k]) => k), datasets: [
  { label: 'p50', data: st.map(([, d]) => d.p50), backgroundColor: '#9ecae1' },
  { label: 'p90', data: st.map(([, d]) => d.p90), backgroundColor: '#4292c6' },
  { label: 'p99', data: st.map(([, d]) => d.p99), backgroundColor: '#08519c' } ] },
  options: { plugins: { title: { display: true, text: 'Latency per step (ms, log scale)' } }, scales: { y: { type: 'logarithmic' } } } });
new Chart(document.getElementById('fairness'), { type: 'bar', data: { labels: S.fairness.winShareByDecile.map((_, i) => (i + 1) + '/10'), datasets: [{ label: 'share with a hold', data: S.fairness.winShareByDecile, backgroundColor: '#2ca02c' }] },
  options: { plugins: { title: { display: true, text: 'Fairness: share that got a hold, by arrival tenth' }, legend: { display: false } }, scales: { y: { min: 0, max: 1 } } } });
if (S.waitingRoom) new Chart(document.getElementById('promises'), { type: 'scatter', data: { datasets: [{ label: 'buyers', data: S.waitingRoom.points.map(([x, y]) => ({ x, y })), backgroundColor: '#ff7f0e' }] },
  options: { plugins: { title: { display: true, text: 'Waiting room: ETA promised vs actual wait (s)' } }, scales: { x: { title: { display: true, text: 'promised' } }, y: { title: { display: true, text: 'admitted after' } } } } });
</script></body></html>
`;
}
