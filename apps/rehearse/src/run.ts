import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CpuMeter } from './cpu.ts';
import { arrivalOffsets, seededRandom } from './curve.ts';
import { evaluateIntegrity, readIntegrityFacts } from './integrity.ts';
import type { BuyerRecord, TargetShowtime, WorkerMessage, WorkerPlan } from './model.ts';
import type { RehearsalOptions } from './options.ts';
import { Progress } from './progress.ts';
import { renderReport } from './report-html.ts';
import { cleanUp, describeShowtime, resolveShowtime, setUpShowtime, StaffApi } from './staff.ts';
import {
  sizing,
  summarize,
  type CpuReport,
  type IntegrityCheck,
  type RunMeta,
  type Summary,
} from './summary.ts';

/** One rehearsal, end to end: staff set-up, the crowd in worker processes, integrity checks, CPU, the report. */

export interface RehearsalResult {
  summary: Summary;
  exitCode: number;
  reportPath: string;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

function staffCredentials(o: RehearsalOptions, local: boolean, env: NodeJS.ProcessEnv) {
  if (o.token) return { token: o.token };
  if (o.staffEmail || local)
    return {
      email: o.staffEmail ?? 'admin@seatrush.local',
      password: o.staffPassword ?? env.SEATRUSH_ADMIN_PASSWORD ?? 'seatrush-admin',
    };
  throw new Error(
    'staff access is needed for set-up and the integrity checks: give --token or --staff-email',
  );
}

const workerEntry = new URL('./worker.ts', import.meta.url);

function startWorker(plan: WorkerPlan, onMessage: (m: WorkerMessage) => void): Promise<void> {
  const child: ChildProcess = fork(workerEntry, [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send(plan);
  return new Promise((resolve, reject) => {
    let done = false;
    child.on('message', (m: WorkerMessage) => {
      onMessage(m);
      if (m.type === 'done') done = true;
      if (m.type === 'failed') reject(new Error(`rehearsal worker failed: ${m.message}`));
    });
    child.on('exit', (code) => {
      if (done) resolve();
      else reject(new Error(`rehearsal worker ${child.pid} exited (${code}) before it finished`));
    });
  });
}

export async function rehearse(
  o: RehearsalOptions,
  io: { out: NodeJS.WriteStream; env: NodeJS.ProcessEnv; command: string },
): Promise<RehearsalResult> {
  const target = new URL(o.url);
  const local = isLoopbackHost(target.hostname);
  if (target.hostname === 'localhost') target.hostname = '127.0.0.1';
  const url = target.origin;
  const api = new StaffApi(url);
  await api.signIn(staffCredentials(o, local, io.env));
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const say = (line: string) => io.out.write(`${line}\n`);

  const showtimeId = o.setup
    ? await setUpShowtime(api, {
        setup: o.setup,
        runId,
        holdTtlSeconds: o.holdTtlSeconds,
        perBuyerLimit: o.perBuyerLimit,
        waitingRoom: o.waitingRoom,
        requireVerifiedBuyers: o.verifiedBuyers,
        priceCents: o.priceCents,
        ...(o.admissionPerMinute ? { admissionPerMinute: o.admissionPerMinute } : {}),
        ...(o.maxShoppers ? { maxShoppers: o.maxShoppers } : {}),
      })
    : await resolveShowtime(api, o.showtime);
  const st = await describeShowtime(api, showtimeId);
  const loopback = o.sources === 'loopback' || (o.sources === 'auto' && local);
  say(
    `Rehearsing ${st.label} (${showtimeId}, ${st.capacity} tickets) at ${url}: ${o.buyers} buyers, ` +
      `${o.processes} processes, ${loopback ? 'one loopback address per buyer' : 'from this machine’s address'}`,
  );

  const offsets = arrivalOffsets(
    { buyers: o.buyers, durationSeconds: o.durationSeconds, spike: o.spike, spikeSeconds: o.spikeSeconds },
    seededRandom(o.seed),
  );
  const meter = CpuMeter.begin({
    pids: o.pids,
    ports: local ? [Number(target.port || 80), ...o.servicePorts] : [],
  });
  const startAt = Date.now() + 1000;
  const deadline = startAt + o.maxTimeSeconds * 1000;
  const plans = Array.from({ length: Math.min(o.processes, o.buyers) }, (_, p): WorkerPlan => ({
    url,
    showtime: st satisfies TargetShowtime,
    pick: o.pick ?? (st.zone ? 'ga' : 'best'),
    maxQuantity: o.maxQuantity,
    intents: o.intents,
    cards: o.cards,
    socketShare: o.socketShare,
    loopbackSources: loopback,
    startAt,
    deadline,
    buyers: offsets.flatMap((off, rank) =>
      rank % o.processes === p ? [[rank, off] as [number, number]] : [],
    ),
    concurrency: o.concurrency,
    runId,
    seed: o.seed,
    refundAfterMs: o.refundAfterSeconds * 1000,
    requestTimeoutMs: o.timeoutSeconds * 1000,
    patienceMs: o.patienceSeconds * 1000,
  }));

  const records: BuyerRecord[] = [];
  const live = {
    total: o.buyers,
    done: 0,
    holds: 0,
    orders: 0,
    tickets: 0,
    errors: 0,
    holdsPerSecond: 0,
    elapsedSeconds: 0,
  };
  const window: Array<[number, number]> = [];
  const progress = new Progress(io.out);
  const timer = setInterval(() => {
    const now = Date.now();
    while (window.length && window[0]![0] < now - 1000) window.shift();
    live.holdsPerSecond = window.reduce((n, [, h]) => n + h, 0);
    live.elapsedSeconds = Math.max(0, (now - startAt) / 1000);
    progress.draw(live);
  }, 250);
  try {
    await Promise.all(
      plans.map((plan) =>
        startWorker(plan, (m) => {
          if (m.type === 'tick') {
            live.done += m.done;
            live.holds += m.holds;
            live.orders += m.orders;
            live.tickets += m.tickets;
            live.errors += m.errors;
            window.push([Date.now(), m.holds]);
          } else if (m.type === 'records') records.push(...m.records);
        }),
      ),
    );
  } finally {
    clearInterval(timer);
    progress.draw(live, true);
  }
  const finishedAt = Date.now();
  const cpuRaw = meter?.end() ?? null;

  say('Crowd done; reading the integrity checks back through the staff API …');
  let integrity: IntegrityCheck[];
  try {
    const facts = await readIntegrityFacts(api, showtimeId, st.capacity, records, {
      settleMs: o.settleSeconds * 1000,
    });
    integrity = evaluateIntegrity(facts);
  } catch (e) {
    integrity = [{ name: 'integrity checks could be read', ok: false, detail: (e as Error).message }];
  }
  if (o.setup && !o.keep) await cleanUp(api, showtimeId);

  const purchases = records.filter((r) => r.outcome === 'bought' || r.outcome === 'refunded').length;
  const cpu: CpuReport | null = cpuRaw
    ? (() => {
        const total = cpuRaw.processes.reduce((n, p) => n + p.cpuSeconds, 0);
        return {
          ...cpuRaw,
          totalCpuSeconds: Math.round(total * 100) / 100,
          purchases,
          cpuMsPerPurchase: purchases ? Math.round((total / purchases) * 10_000) / 10 : null,
          cpuMsPerBuyer: records.length ? Math.round((total / records.length) * 10_000) / 10 : null,
          purchasesPerCoreSecond: total > 0 ? Math.round((purchases / total) * 10) / 10 : null,
          sizing: sizing(total, records.length, purchases),
        };
      })()
    : null;
  const meta: RunMeta = {
    url,
    showtimeId,
    showtimeLabel: st.label,
    capacity: st.capacity,
    buyers: o.buyers,
    processes: plans.length,
    startedAt: startAt,
    finishedAt,
    curve: { durationSeconds: o.durationSeconds, spike: o.spike, spikeSeconds: o.spikeSeconds },
    pick: plans[0]?.pick ?? 'ga',
    intents: o.intents,
    cards: o.cards,
    waitingRoom: st.waitingRoom,
    requireVerifiedBuyers: st.requireVerifiedBuyers,
    sources: loopback
      ? {
          mode: 'loopback-per-buyer',
          addresses: o.buyers,
          note: `each buyer connected from its own loopback address (127.0.0.0/8), so per-address limits applied to each as to a real crowd`,
        }
      : {
          mode: 'few-addresses',
          addresses: 1,
          note: `the whole crowd came from this machine's address(es): per-address limits (rate limits, waiting-room joins) met all ${o.buyers} buyers as one client; limits were not switched off`,
        },
    command: io.command,
  };
  const summary = summarize(meta, records, integrity, cpu);
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const reportPath = join(o.out, 'report.html');
  writeFileSync(reportPath, renderReport(summary));
  for (const c of integrity) say(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  say(
    `Sold out after ${summary.sellOutSeconds ?? '–'} s; ${summary.ticketsBought} tickets bought; ` +
      `${cpu ? `${cpu.cpuMsPerPurchase ?? '–'} ms server CPU per purchase; ` : ''}report: ${reportPath}`,
  );
  return { summary, exitCode: summary.integrity.ok ? 0 : 1, reportPath };
}
