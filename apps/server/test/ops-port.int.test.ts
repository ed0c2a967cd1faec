import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExtraNode, startTestStack, type ExtraNode, type TestStack } from './support/env.ts';

/**
 * Issue 14 #13 / issue 18: `/metrics` is not public. Every role (web and worker) serves `/metrics`, `/healthz` and
 * `/readyz` on its operations port (METRICS_PORT), which the balancer does not forward; the public port keeps
 * liveness and readiness for load balancers, and answers 404 on `/metrics`.
 */
describe('the operations port', () => {
  let stack: TestStack;
  let worker: ExtraNode;

  beforeAll(async () => {
    stack = await startTestStack();
    worker = await startExtraNode(stack, { web: false, worker: true });
  });

  afterAll(async () => {
    await worker?.close();
    await stack?.close();
  });

  it('the public port serves no /metrics, but keeps health and readiness', async () => {
    expect((await fetch(`${stack.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.url}/readyz`)).status).toBe(200);
  });

  it("the web node's operations port serves its metrics, health and readiness, on another port", async () => {
    expect(stack.node.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.node.metricsUrl).not.toBe(stack.url);
    // A request to the public port shows up in the web node's own series.
    await fetch(`${stack.url}/api/showtimes/nope`);
    const res = await fetch(`${stack.node.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^seatrush_http_requests_total\{/m);
    expect((await fetch(`${stack.node.metricsUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.node.metricsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({
      redis: 'ok',
      postgres: 'ok',
      inventory: 'ok',
    });
    expect((await fetch(`${stack.node.metricsUrl}/api/showtimes`)).status).toBe(404);
  });

  it('a worker, which has no public port, serves its metrics and readiness there', async () => {
    expect(worker.node.url).toBe('');
    expect(worker.node.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${worker.node.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE seatrush_orders_total counter$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    const ready = await fetch(`${worker.node.metricsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({
      redis: 'ok',
      postgres: 'ok',
      migrations: 'ok',
    });
  });
});
