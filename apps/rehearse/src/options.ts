import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { CARDS, type CardName, type Intent, type PickMode } from './model.ts';
import { defaultCards, defaultIntents, parseMix } from './picking.ts';

/** The command line of `seatrush rehearse` / `npm run rehearse --`: every flag, its default, and its help line. */

export interface RehearsalOptions {
  url: string;
  buyers: number;
  out: string;
  showtime: string;
  setup: string | null;
  holdTtlSeconds: number;
  perBuyerLimit: number | null;
  waitingRoom: boolean;
  admissionPerMinute: number | null;
  maxShoppers: number | null;
  verifiedBuyers: boolean;
  priceCents: number;
  keep: boolean;
  durationSeconds: number;
  spike: number;
  spikeSeconds: number;
  pick: PickMode | null;
  maxQuantity: number;
  intents: Record<Intent, number>;
  cards: Record<CardName, number>;
  socketShare: number;
  processes: number;
  concurrency: number;
  maxTimeSeconds: number;
  refundAfterSeconds: number;
  timeoutSeconds: number;
  token: string | null;
  staffEmail: string | null;
  staffPassword: string | null;
  pids: number[];
  servicePorts: number[];
  seed: number;
  sources: 'auto' | 'loopback' | 'default';
  settleSeconds: number;
  patienceSeconds: number;
}

const FLAGS = {
  url: [
    'string',
    'http://127.0.0.1:3000',
    'base URL of the deployment (a local npm start, npm run cluster, or elsewhere)',
  ],
  buyers: ['string', '1000', 'simulated buyers in the crowd'],
  out: ['string', 'rehearsal-<time>', 'directory for report.html and summary.json'],
  showtime: [
    'string',
    'flash-sale',
    'showtime id, or an event slug (its first showtime); ignored with --setup',
  ],
  setup: [
    'string',
    '',
    'create a fresh showtime instead: ga:<tickets> (one standing zone) or venue:<seat-map file>',
  ],
  'hold-ttl': ['string', '900', '--setup: hold window in seconds (5–7200)'],
  'per-buyer-limit': ['string', 'none', '--setup: most tickets per buyer'],
  'waiting-room': ['boolean', false, '--setup: put a waiting room in front of the sale'],
  'admission-per-minute': ['string', '600', '--setup with --waiting-room: admission rate'],
  'max-shoppers': ['string', '2000', '--setup with --waiting-room: admitted shoppers at once'],
  'verified-buyers': [
    'boolean',
    false,
    '--setup: buyers must verify their e-mail (needs /dev/mail, i.e. npm start)',
  ],
  price: ['string', '5000', '--setup: price of every category in minor units'],
  keep: ['boolean', false, '--setup: leave the sale open afterwards (default: close it)'],
  duration: ['string', '60', 'seconds over which buyers arrive'],
  spike: ['string', '8', 'arrival rate in the opening seconds, as a multiple of the average'],
  'spike-seconds': ['string', '5', 'length of the opening spike in seconds'],
  pick: [
    'string',
    'auto',
    'ga (quantity), best (best available), near (named seats near a preference); auto: ga for GA-only showtimes, else best',
  ],
  'max-quantity': [
    'string',
    '4',
    'most tickets a buyer asks for (1–max, most often 2; capped by the per-buyer limit)',
  ],
  mix: ['string', 'pay=0.85,abandon=0.05,release=0.05,refund=0.05', 'what buyers do with a hold (weights)'],
  cards: [
    'string',
    'success=0.9,declined=0.04,insufficient_funds=0.03,slow_confirmation=0.03',
    'sandbox cards of those who pay (weights)',
  ],
  sockets: ['string', '1', 'share of buyers who open a socket (snapshot + live updates), 0–1'],
  processes: ['string', 'cores (max 4)', 'rehearsal processes'],
  concurrency: ['string', '1000', 'journeys at once per process'],
  'max-time': ['string', '600', 'hard bound in seconds: journeys still running then end as timed_out'],
  patience: ['string', '30', 'seconds a waiting buyer told "(likely) sold out" stays in line before leaving'],
  'refund-after': ['string', '2', 'seconds a refunding buyer waits after paying'],
  timeout: ['string', '30', 'seconds per request'],
  token: ['string', '', 'staff API token (srt_…) for setup and the integrity checks'],
  'staff-email': ['string', 'admin@seatrush.local (local targets)', 'staff sign-in instead of a token'],
  'staff-password': ['string', '$SEATRUSH_ADMIN_PASSWORD or seatrush-admin (local targets)', 'its password'],
  pids: ['string', '', 'server process ids to measure CPU of (with descendants), comma-separated'],
  'service-ports': [
    'string',
    '',
    'more local ports whose listening processes to measure (e.g. Redis and PostgreSQL: 6390,5433)',
  ],
  seed: ['string', '1', 'random seed (arrivals, picks, mix)'],
  sources: [
    'string',
    'auto',
    'auto: one loopback address per buyer when the target is on this machine; loopback; default',
  ],
  settle: ['string', '30', 'seconds to wait for orders to reach the database before the integrity checks'],
  help: ['boolean', false, 'this text'],
} as const;

export function helpText(): string {
  const lines = Object.entries(FLAGS).map(([name, [type, def, text]]) => {
    const flag = `--${name}${type === 'string' ? ' <v>' : ''}`;
    const d = type === 'string' && def ? ` (default: ${def})` : '';
    return `  ${flag.padEnd(28)} ${text}${d}`;
  });
  return [
    'Usage: npm run rehearse -- --url URL --buyers N --out DIR [flags]',
    '       npm run seatrush -- rehearse [flags]',
    '',
    'Simulated buyers run whole journeys (session, e-mail code, waiting room, socket snapshot, pick, hold, pay /',
    'abandon / release / refund) against a Seatrush deployment; writes DIR/report.html and DIR/summary.json.',
    'Exits 1 when an integrity check fails, 2 on a usage error. See docs/rehearsal.md.',
    '',
    ...lines,
  ].join('\n');
}

export class UsageError extends Error {}

function num(v: string, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name}: give a number from ${min} to ${max}`);
  return n;
}

const list = (v: string, name: string) =>
  v ? v.split(',').map((x) => Math.floor(num(x.trim(), name, 1, 4_194_304))) : [];

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = {}): RehearsalOptions | 'help' {
  const options = Object.fromEntries(Object.entries(FLAGS).map(([name, [type]]) => [name, { type }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  const s = (name: keyof typeof FLAGS) => (values[name] as string | undefined) ?? '';
  const url = s('url') || 'http://127.0.0.1:3000';
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--url: "${url}" is not a URL`);
  }
  const pick = s('pick') || 'auto';
  if (!['auto', 'ga', 'best', 'near'].includes(pick)) throw new UsageError('--pick: ga, best, near or auto');
  const sources = s('sources') || 'auto';
  if (!['auto', 'loopback', 'default'].includes(sources))
    throw new UsageError('--sources: auto, loopback or default');
  const limit = s('per-buyer-limit');
  let intents: Record<Intent, number>;
  let cards: Record<CardName, number>;
  try {
    intents = s('mix') ? parseMix(s('mix'), ['pay', 'abandon', 'release', 'refund']) : defaultIntents;
    cards = s('cards') ? parseMix(s('cards'), Object.keys(CARDS) as CardName[]) : defaultCards;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    url: url.replace(/\/+$/, ''),
    buyers: Math.floor(num(s('buyers') || '1000', 'buyers', 1, 10_000_000)),
    out: s('out') || `rehearsal-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    showtime: s('showtime') || 'flash-sale',
    setup: s('setup') || null,
    holdTtlSeconds: Math.floor(num(s('hold-ttl') || '900', 'hold-ttl', 5, 7200)),
    perBuyerLimit: limit && limit !== 'none' ? Math.floor(num(limit, 'per-buyer-limit', 1, 1000)) : null,
    waitingRoom: values['waiting-room'] === true,
    admissionPerMinute: s('admission-per-minute')
      ? num(s('admission-per-minute'), 'admission-per-minute', 1, 100_000)
      : null,
    maxShoppers: s('max-shoppers') ? num(s('max-shoppers'), 'max-shoppers', 1, 1_000_000) : null,
    verifiedBuyers: values['verified-buyers'] === true,
    priceCents: Math.floor(num(s('price') || '5000', 'price', 0, 100_000_000)),
    keep: values.keep === true,
    durationSeconds: num(s('duration') || '60', 'duration', 0, 86_400),
    spike: num(s('spike') || '8', 'spike', 1, 1000),
    spikeSeconds: num(s('spike-seconds') || '5', 'spike-seconds', 0, 86_400),
    pick: pick === 'auto' ? null : (pick as PickMode),
    maxQuantity: Math.floor(num(s('max-quantity') || '4', 'max-quantity', 1, 50)),
    intents,
    cards,
    socketShare: num(s('sockets') || '1', 'sockets', 0, 1),
    processes: Math.floor(num(s('processes') || String(Math.min(4, cpus().length)), 'processes', 1, 64)),
    concurrency: Math.floor(num(s('concurrency') || '1000', 'concurrency', 1, 100_000)),
    maxTimeSeconds: num(s('max-time') || '600', 'max-time', 1, 86_400),
    refundAfterSeconds: num(s('refund-after') || '2', 'refund-after', 0, 3600),
    timeoutSeconds: num(s('timeout') || '30', 'timeout', 1, 600),
    token: s('token') || env.SEATRUSH_TOKEN || null,
    staffEmail: s('staff-email') || null,
    staffPassword: s('staff-password') || null,
    pids: list(s('pids'), 'pids'),
    servicePorts: list(s('service-ports'), 'service-ports'),
    seed: Math.floor(num(s('seed') || '1', 'seed', 0, 2 ** 31)),
    sources: sources as RehearsalOptions['sources'],
    settleSeconds: num(s('settle') || '30', 'settle', 0, 3600),
    patienceSeconds: num(s('patience') || '30', 'patience', 0, 3600),
  };
}

/** The command line as the report shows it: secrets left out. */
export function redact(argv: string[]): string[] {
  return argv.map((a, i) =>
    /^--(token|staff-password)$/.test(argv[i - 1] ?? '')
      ? '***'
      : a.replace(/^(--(?:token|staff-password)=).*/, '$1***'),
  );
}
