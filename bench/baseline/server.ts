import { createServer } from 'node:http';
import { Redis } from 'ioredis';

/**
 * The baseline the hold path is measured against: a bare Node `http` server and one ioredis Lua call per
 * request — parse the JSON body, take `quantity` from a counter if that many are left, answer 201 or 409. No
 * sessions, no idempotency, no hold records, no change log, no gate: the least a correct endpoint can do.
 *
 * Env: PORT, REDIS_URL, BASELINE_KEY (the counter). Prints `listening <port>` when ready.
 */
const key = process.env.BASELINE_KEY ?? 'baseline:stock';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
redis.defineCommand('take', {
  numberOfKeys: 1,
  lua: `local left = tonumber(redis.call('GET', KEYS[1]) or '0')
local q = tonumber(ARGV[1])
if left < q then return -1 end
return redis.call('DECRBY', KEYS[1], q)`,
});
const take = (redis as unknown as { take(key: string, q: number): Promise<number> }).take.bind(redis);

const send = (res: import('node:http').ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/hold') return send(res, 404, '{"ok":false}');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let quantity: unknown;
    try {
      quantity = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { quantity?: unknown }).quantity;
    } catch {
      return send(res, 400, '{"ok":false,"error":{"code":"malformed_json"}}');
    }
    if (!Number.isInteger(quantity) || (quantity as number) < 1)
      return send(res, 400, '{"ok":false,"error":{"code":"validation_failed"}}');
    take(key, quantity as number).then(
      (left) =>
        left < 0
          ? send(res, 409, '{"ok":false,"error":{"code":"sold_out","message":"Sold out"}}')
          : send(res, 201, JSON.stringify({ ok: true, left })),
      () => send(res, 500, '{"ok":false,"error":{"code":"internal"}}'),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : ''}\n`);
});
const stop = () => {
  server.close();
  redis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
