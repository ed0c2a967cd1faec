import { createServer } from 'node:http';

/**
 * The floor under both servers of bench/holds: a bare Node `http` server that reads the body and answers a
 * constant sold-out 409 — no parsing, no Redis, no work at all. No Node endpoint can answer faster on this machine
 * with this load tool, so it bounds what "sold-out answers 2x faster than the baseline" can reach here.
 *
 * Env: PORT. Prints `listening <port>` when ready.
 */
const body = '{"ok":false,"error":{"code":"sold_out","message":"Sold out"}}';
const server = createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(409, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
const stop = () => {
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
