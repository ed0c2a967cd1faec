import { readFileSync } from 'node:fs';
import { createPrisma } from '/work/main/apps/server/src/db/prisma.ts';
import { createRedis } from '/work/main/apps/server/src/db/redis.ts';
import { createInventory } from '/work/main/apps/server/src/inventory/inventory.ts';
import { scriptSources, runScript } from '/work/main/apps/server/src/inventory/scripts.ts';
import { showtimeKeys, idempotencyKey, buyerHoldsKey, inventoryChannel } from '/work/main/apps/server/src/inventory/keys.ts';
import { createLogger } from '/work/main/apps/server/src/observability/logger.ts';
import { createFlashSale } from '/work/main/bench/holds/fixtures.ts';
const pid = Number(readFileSync('/tmp/redis-6399.pid', 'utf8'));
const cpu = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const prisma = createPrisma('postgres://postgres@127.0.0.1:5432/seatrush_bench');
const redis = createRedis('redis://127.0.0.1:6399');
const prefix = 'c' + Date.now();
const inv = createInventory({ redis, prisma, prefix, logger: createLogger({ logLevel: 'warn' }), tokenSecret: 'x' });
const st = await createFlashSale(prisma, 10_000_000);
await inv.load(st);
const k = showtimeKeys(prefix, st);
const fixed = [k.meta, k.seats, k.seatinfo, k.states, k.counts, k.holds, k.expiry, k.buyers, k.ended, k.log, k.outbox];
let n = 0;
const call = (size: number) => {
  const reqs = Array.from({ length: size }, () => { n++; return { h: `${st}.h${n}xxxxxxxx`, t: 'x', b: 'b' + (n % 500), r: 'r' + n, f: 'z:ga:1', m: 'ga', z: 'ga', q: 1 }; });
  const keys = [...fixed]; for (const r of reqs) keys.push(idempotencyKey(prefix, st, r.b, r.r), buyerHoldsKey(prefix, st, r.b));
  return runScript(redis, 'hold', keys, [Date.now(), st, inventoryChannel(prefix), JSON.stringify(reqs), 86400000]);
};
await redis.set('cpu:stock', 1e9);
const baselineSha = (await redis.script('LOAD', "local left = tonumber(redis.call('GET', KEYS[1]) or '0') local q = tonumber(ARGV[1]) if left < q then return -1 end return redis.call('DECRBY', KEYS[1], q)")) as string;
for (const [name, size, calls] of [['baseline', 0, 20000], ['hold n=1', 1, 10000], ['hold n=10', 10, 1000], ['hold n=50', 50, 200], ['hold n=200', 200, 50]] as const) {
  const c0 = cpu(); const t0 = performance.now();
  for (let b = 0; b < calls; b += 100) {
    const ps: Promise<unknown>[] = [];
    for (let i = 0; i < Math.min(100, calls - b); i++) ps.push(size === 0 ? redis.evalsha(baselineSha, 1, 'cpu:stock', 1) : call(size));
    await Promise.all(ps);
  }
  const per = Math.max(1, size) * calls;
  console.log(name.padEnd(11), `redis cpu ${((cpu() - c0) * 1000 / per).toFixed(1)} us/hold`, `wall ${Math.round(per / ((performance.now() - t0) / 1000))} holds/s`);
}
redis.disconnect(); await prisma.$disconnect();
