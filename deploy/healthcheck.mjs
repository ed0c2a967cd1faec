// The container's health check (Dockerfile HEALTHCHECK, docker-compose.yml): `GET /healthz` on the operations
// port, which every role serves (METRICS_PORT; 9464 in production unless set), else — with METRICS_PORT=off — on
// the HTTP port (web roles). Exit 0 healthy, 1 not; no shell or curl in the image needed.
const env = process.env;
const ops = env.METRICS_PORT ?? (env.NODE_ENV === 'production' ? '9464' : 'off');
const port = ops === 'off' ? (env.PORT ?? '3000') : ops;
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
