import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.ts';

export type { Logger };

/** Root logger; children are made per request, socket and job. Secrets never reach the output. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { pid: process.pid },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.holdToken',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
