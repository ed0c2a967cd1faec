/**
 * Seat-map renderer benchmark (issue 7): builds the buyer app, serves apps/web/dist from a tiny static server
 * and opens `/__bench/seatmap?seats=N` (the real renderer on a generated stadium, no API) in headless Chromium.
 *
 * Prints:
 *   1. time to the first complete paint of the map (navigation start → frame after the full canvas pass),
 *      cold and warm, plus where the time goes;
 *   2. responsiveness while `--rate` seat changes per second stream in for `--seconds`: frame times, long
 *      tasks, dirty-repaint cost, and the latency of real clicks on seats (pointerdown → next frame).
 *
 *   pnpm exec tsx bench/web/run.ts [--seats 20000] [--rate 1000] [--seconds 5] [--runs 5] [--no-build] [--json]
 *
 * Browser: PLAYWRIGHT_CHROMIUM_PATH, default /usr/bin/chromium (Debian's).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dist = join(root, 'apps/web/dist');

const { values: args } = parseArgs({
  options: {
    seats: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '5' },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const seats = Number(args.seats);
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const runs = Math.max(1, Number(args.runs));

/**
 * The slice of Playwright's API this runner uses. `@playwright/test` is a dependency of e2e/, not of bench/, so it
 * is loaded from there (see loadPlaywright) and its types are not visible here.
 */
interface PwPage {
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: () => boolean, arg: undefined, opts: { timeout: number }): Promise<unknown>;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  waitForTimeout(ms: number): Promise<void>;
  close(): Promise<void>;
  mouse: {
    click(x: number, y: number): Promise<void>;
    move(x: number, y: number): Promise<void>;
    wheel(dx: number, dy: number): Promise<void>;
  };
}
interface PwContext {
  newPage(): Promise<PwPage>;
  pages(): PwPage[];
}
interface PwBrowser {
  newContext(opts: { viewport: { width: number; height: number } }): Promise<PwContext>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: { launch(opts: { executablePath: string; args: string[] }): Promise<PwBrowser> };
}

function loadPlaywright(): Playwright {
  const bases = [import.meta.url, new URL('../../e2e/package.json', import.meta.url).href];
  for (const base of bases) {
    try {
      return createRequire(base)('@playwright/test') as Playwright;
    } catch {
      // try the next place
    }
  }
  throw new Error('@playwright/test is not installed (run pnpm install at the repository root).');
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Static files with the SPA fallback (every unknown path gets index.html), like the Node server does. */
function serveDist(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(dist, path));
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory())
      file = join(dist, 'index.html');
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

interface FirstPaint {
  moduleStartMs: number;
  generateMs: number;
  modelMs: number;
  fullDrawMs: number;
  drawnAtMs: number;
  presentedAtMs: number;
}

interface StreamStats {
  changesApplied: number;
  deltas: number;
  durationMs: number;
  frames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  framesOver50ms: number;
  longTasks: number;
  longTaskTotalMs: number;
  longTaskMaxMs: number;
  dirtyPaints: number;
  dirtyPaintP50: number;
  dirtyPaintMax: number;
  inputs: number[];
  eventDurations: number[];
}

interface BenchWindow {
  __seatBench?: {
    seats: number;
    firstPaint: FirstPaint | null;
    seatPoint(k: number): { x: number; y: number };
    stream(rate: number, ms: number): Promise<StreamStats>;
    redraw(): { ms: number; zoom: number; seatRadiusPx: number };
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
const ms = (v: number) => `${v.toFixed(0)} ms`;

async function main() {
  if (!args['no-build']) {
    const b = spawnSync('pnpm', ['--filter', '@seatrush/web', 'run', 'build'], {
      cwd: root,
      stdio: 'ignore',
    });
    if (b.status !== 0)
      throw new Error('web build failed (run `pnpm --filter @seatrush/web run build` to see why)');
  }
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} has no build; drop --no-build`);

  const server = await serveDist();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({
    executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const url = `${base}/__bench/seatmap?seats=${seats}`;

  try {
    // 1. First complete paint: one cold load, then warm loads (HTTP cache), each in a fresh page.
    const paints: FirstPaint[] = [];
    for (let r = 0; r < runs; r++) {
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => (window as BenchWindow).__seatBench?.firstPaint != null, undefined, {
        timeout: 30_000,
      });
      paints.push(await page.evaluate(() => (window as BenchWindow).__seatBench!.firstPaint!));
      if (r < runs - 1) await page.close();
    }

    // 2. Responsiveness under a stream of changes, with real clicks on seats meanwhile.
    const page = context.pages().at(-1)!;
    const redrawFit = await page.evaluate(() => (window as BenchWindow).__seatBench!.redraw());
    const streaming = page.evaluate(([r, s]) => (window as BenchWindow).__seatBench!.stream(r, s * 1000), [
      rate,
      seconds,
    ] as const);
    const clickEvery = 250;
    const clicks = Math.floor((seconds * 1000 - 300) / clickEvery);
    await page.waitForTimeout(150);
    for (let k = 0; k < clicks; k++) {
      const p = await page.evaluate((i) => (window as BenchWindow).__seatBench!.seatPoint(i), k);
      await page.mouse.click(p.x, p.y);
      await page.waitForTimeout(clickEvery);
    }
    const stream = await streaming;
    // Full repaints after wheel zooms (what a zoom or pan costs once it settles): seats become circles with
    // shapes at the first step, and fewer of them are on screen as it goes on.
    await page.mouse.move(640, 400);
    const wheel = async (steps: number) => {
      for (let k = 0; k < steps; k++) await page.mouse.wheel(0, -150);
      await page.waitForTimeout(400);
      return page.evaluate(() => (window as BenchWindow).__seatBench!.redraw());
    };
    const redrawMid = await wheel(2);
    const redrawZoomed = await wheel(4);
    const seatCount = await page.evaluate(() => (window as BenchWindow).__seatBench!.seats);

    const cold = paints[0]!;
    const warm = paints.slice(1);
    const report = {
      seats: seatCount,
      firstPaint: {
        coldMs: cold.presentedAtMs,
        warmMedianMs: warm.length ? median(warm.map((p) => p.presentedAtMs)) : cold.presentedAtMs,
        runsMs: paints.map((p) => Math.round(p.presentedAtMs)),
        appBootMs: median(paints.map((p) => p.moduleStartMs)),
        generateMs: median(paints.map((p) => p.generateMs)),
        modelMs: median(paints.map((p) => p.modelMs)),
        fullDrawMs: median(paints.map((p) => p.fullDrawMs)),
        targetMs: 1500,
      },
      redraw: [redrawFit, redrawMid, redrawZoomed],
      stream: {
        ratePerSecond: rate,
        seconds,
        ...stream,
        inputs: undefined,
        eventDurations: undefined,
        clicks: stream.inputs.length,
        clickToFrameP50: median(stream.inputs),
        clickToFrameP95: quantile(stream.inputs, 0.95),
        clickToFrameMax: Math.max(0, ...stream.inputs),
        eventsOver50ms: stream.eventDurations.filter((d) => d > 50).length,
        slowestEventMs: Math.max(0, ...stream.eventDurations),
      },
    };

    if (args.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      const s = report.stream;
      const f = report.firstPaint;
      console.log(`Seat map bench — ${seatCount.toLocaleString('en')} seats, 1280×800, headless Chromium\n`);
      console.log('First complete paint (navigation start → frame after the full canvas pass)');
      console.log(
        `  cold ${ms(f.coldMs)} · warm median ${ms(f.warmMedianMs)} · runs ${f.runsMs.join(', ')} ms`,
      );
      console.log(
        `  of which: app boot (HTML, JS, router, lazy chunk) ${ms(f.appBootMs)}, generate stadium ${ms(f.generateMs)},` +
          ` model + states ${ms(f.modelMs)}, full canvas pass ${ms(f.fullDrawMs)}`,
      );
      console.log(`  target < ${f.targetMs} ms: ${f.coldMs < f.targetMs ? 'met' : 'MISSED'}`);
      const views = report.redraw.map(
        (r) => `×${r.zoom.toFixed(1)} (seat radius ${r.seatRadiusPx.toFixed(1)} px) ${r.ms.toFixed(1)} ms`,
      );
      console.log(`Full repaint of the view: ${views.join(' · ')}\n`);
      console.log(
        `Streaming ${rate} seat changes/s for ${seconds} s (${s.deltas} deltas, ${s.changesApplied} changes)`,
      );
      console.log(
        `  frames ${s.frames} (${(s.frames / (s.durationMs / 1000)).toFixed(0)} fps): p50 ${s.frameP50.toFixed(1)} ms, p95 ${s.frameP95.toFixed(1)} ms, max ${s.frameMax.toFixed(1)} ms, >50 ms: ${s.framesOver50ms}`,
      );
      console.log(
        `  dirty repaints ${s.dirtyPaints}: p50 ${s.dirtyPaintP50.toFixed(2)} ms, max ${s.dirtyPaintMax.toFixed(2)} ms`,
      );
      console.log(
        `  long tasks (>50 ms): ${s.longTasks}, total ${ms(s.longTaskTotalMs)}, longest ${ms(s.longTaskMaxMs)}`,
      );
      console.log(
        `  clicks on seats ${s.clicks}: pointerdown → next frame p50 ${s.clickToFrameP50.toFixed(1)} ms, p95 ${s.clickToFrameP95.toFixed(1)} ms, max ${s.clickToFrameMax.toFixed(1)} ms`,
      );
      console.log(
        `  input events (Event Timing, incl. presentation): slowest ${ms(s.slowestEventMs)}, over 50 ms: ${s.eventsOver50ms}`,
      );
    }
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
