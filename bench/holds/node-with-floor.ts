/**
 * A Seatrush web node that also serves the floor's constant answer (bench/baseline/floor.ts) on a second port, in
 * the same process — for bench/holds/flood.ts: flooding that port measures what the node's process costs a
 * request that runs none of Seatrush's code (its heap, its listeners, its timers), so the gap to the floor's own
 * process splits into "the process" and "Seatrush's work per request".
 *
 * Env: like `apps/server/src/main.ts --role web`, plus FLOOR_PORT. Prints `floor listening <port>` when ready.
 */
import { createServer } from 'node:http';
import { configFromEnv } from '../../apps/server/src/config/index.ts';
import { createContainer } from '../../apps/server/src/container.ts';
import { startNode } from '../../apps/server/src/node.ts';

const body = '{"ok":false,"error":{"code":"sold_out","message":"Sold out"}}';

async function main(): Promise<void> {
  const config = configFromEnv({ overrides: { ROLE: 'web' } });
  const c = createContainer(config);
  const node = await startNode(c, { web: true, worker: false });
  const floor = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(409, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  floor.keepAliveTimeout = 65_000;
  floor.listen(Number(process.env.FLOOR_PORT), '127.0.0.1', () =>
    process.stdout.write(`floor listening ${process.env.FLOOR_PORT}\n`),
  );
  const stop = () => {
    floor.close();
    void node
      .stop()
      .then(() => c.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`node-with-floor: ${(err as Error).stack}\n`);
  process.exit(1);
});
